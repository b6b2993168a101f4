"""PostgreSQL: the insert trigger keeping Member.current_unit reads the new rows only
(members/triggers.py), instead of looking up each member's open membership again."""

from django.db import migrations

# The insert function's body of migration 0011, restored when this one is reversed.
_PREVIOUS_BODY = """
    UPDATE members_member m SET current_unit_id = o.unit_id, current_since = o.started_on
    FROM (SELECT c.member_id, s.unit_id, s.started_on
          FROM (SELECT DISTINCT member_id FROM new_rows) c
          LEFT JOIN members_membership s
            ON s.member_id = c.member_id AND s.left_on IS NULL
         ) o
    WHERE m.id = o.member_id
        AND (m.current_unit_id IS DISTINCT FROM o.unit_id
             OR m.current_since IS DISTINCT FROM o.started_on)
"""


def forward(apps, schema_editor):
    from members import triggers

    if schema_editor.connection.vendor == "postgresql":
        triggers.install(schema_editor.connection)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"""CREATE OR REPLACE FUNCTION members_current_unit_insert()
                RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    {_PREVIOUS_BODY};
                    RETURN NULL;
                END $$"""
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0011_current_unit_triggers_skip_unchanged")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
