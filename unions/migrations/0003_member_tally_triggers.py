"""Install the coverage triggers, count the memberships already there, queue every employer.

The SQL lives in unions/coverage/triggers.py; after every migrate the same module checks
the triggers are still present (SQLite drops them when a migration rebuilds a table).
"""

from django.db import migrations


def forward(apps, schema_editor):
    from unions.coverage import triggers

    triggers.install(schema_editor.connection)
    triggers.rebuild_tally(schema_editor.connection)
    triggers.mark_all_employers_stale(schema_editor.connection)


def backward(apps, schema_editor):
    from unions.coverage import triggers

    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("unions", "0002_target_and_member_tally"),
        ("members", "0002_initial"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
