"""Install the triggers that keep Member.current_unit, and fill it for existing rows.

The SQL lives in members/triggers.py; after every migrate the same module checks the
triggers are still there (SQLite drops them when a migration rebuilds the table).
"""

from django.db import migrations


def forward(apps, schema_editor):
    from members import triggers

    triggers.install(schema_editor.connection)
    triggers.refresh_all(schema_editor.connection)


def backward(apps, schema_editor):
    from members import triggers

    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("members", "0005_member_current_unit")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
