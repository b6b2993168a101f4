"""The member list's two indexes, shaped for each database.

PostgreSQL answers the list from the index alone when the index holds every column the
list filters on (unit, start of the open membership, folded name): one walk in name
order for a province, one range per union for a commune union or a CĐCS
(docs/benchmarks.md, "Member list"). SQLite's planner makes no use of the extra
columns, and carrying them made loading the demo members three times slower, so it
gets the plain keys.
"""

from django.db import migrations

INDEXES = {
    "postgresql": [
        "CREATE INDEX member_name_order ON members_member"
        " (sort_key, id, current_unit_id, current_since, search_name)",
        "CREATE INDEX member_in_unit ON members_member"
        " (current_unit_id, sort_key, id, current_since, search_name)",
    ],
    "sqlite": [
        "CREATE INDEX member_name_order ON members_member (sort_key, id)",
        "CREATE INDEX member_in_unit ON members_member (current_unit_id)",
    ],
}


def create(apps, schema_editor):
    for statement in INDEXES[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for name in ["member_name_order", "member_in_unit"]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("members", "0006_current_unit_triggers")]

    operations = [
        migrations.RemoveIndex(model_name="member", name="member_name_order"),
        migrations.RemoveIndex(model_name="member", name="member_in_unit"),
        migrations.RunPython(create, drop, elidable=False),
    ]
