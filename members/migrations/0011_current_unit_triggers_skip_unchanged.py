"""PostgreSQL: the triggers keeping Member.current_unit write only the members whose
row would change (members/triggers.py). SQLite's row triggers are unchanged."""

from django.db import migrations

# The functions' bodies before this migration, restored when it is reversed.
_PREVIOUS = {
    "members_current_unit_insert": "new_rows",
    "members_current_unit_update": "old_rows UNION SELECT member_id FROM new_rows",
    "members_current_unit_delete": "old_rows",
}
_PREVIOUS_BODY = """
    UPDATE members_member SET
        current_unit_id = (SELECT s.unit_id FROM members_membership s
                           WHERE s.member_id = members_member.id AND s.left_on IS NULL),
        current_since = (SELECT s.started_on FROM members_membership s
                         WHERE s.member_id = members_member.id AND s.left_on IS NULL)
    WHERE id IN (SELECT member_id FROM {changed})
"""


def forward(apps, schema_editor):
    from members import triggers

    if schema_editor.connection.vendor == "postgresql":
        triggers.install(schema_editor.connection)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, changed in _PREVIOUS.items():
        schema_editor.execute(
            f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    {_PREVIOUS_BODY.format(changed=changed)};
                    RETURN NULL;
                END $$"""
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0010_membership_ended_key_columns")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
