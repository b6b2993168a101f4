"""PostgreSQL: the triggers keeping Member.current_unit write only the members whose
row would change (members/triggers.py). SQLite's row triggers are unchanged."""

from django.db import migrations

# Frozen as members/triggers.py wrote them (a migration never imports the project's
# code); SQLite's are those of 0006, repeated so this stays the latest full copy.
CURRENT_UNIT_TRIGGERS = {
    "postgresql": [
        """CREATE OR REPLACE FUNCTION members_current_unit_insert() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    
    UPDATE members_member m SET current_unit_id = o.unit_id, current_since = o.started_on
    FROM (SELECT c.member_id, s.unit_id, s.started_on
          FROM (SELECT DISTINCT member_id FROM new_rows) c
          LEFT JOIN members_membership s ON s.member_id = c.member_id AND s.left_on IS NULL
         ) o
    WHERE m.id = o.member_id
        AND (m.current_unit_id IS DISTINCT FROM o.unit_id
             OR m.current_since IS DISTINCT FROM o.started_on)
;
                    RETURN NULL;
                END $$""",
        """DROP TRIGGER IF EXISTS members_current_unit_insert ON members_membership""",
        """CREATE TRIGGER members_current_unit_insert AFTER INSERT ON members_membership
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_current_unit_insert()""",
        """CREATE OR REPLACE FUNCTION members_current_unit_update() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    
    UPDATE members_member m SET current_unit_id = o.unit_id, current_since = o.started_on
    FROM (SELECT c.member_id, s.unit_id, s.started_on
          FROM (SELECT DISTINCT member_id FROM old_rows UNION SELECT member_id FROM new_rows) c
          LEFT JOIN members_membership s ON s.member_id = c.member_id AND s.left_on IS NULL
         ) o
    WHERE m.id = o.member_id
        AND (m.current_unit_id IS DISTINCT FROM o.unit_id
             OR m.current_since IS DISTINCT FROM o.started_on)
;
                    RETURN NULL;
                END $$""",
        """DROP TRIGGER IF EXISTS members_current_unit_update ON members_membership""",
        """CREATE TRIGGER members_current_unit_update AFTER UPDATE ON members_membership
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_current_unit_update()""",
        """CREATE OR REPLACE FUNCTION members_current_unit_delete() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    
    UPDATE members_member m SET current_unit_id = o.unit_id, current_since = o.started_on
    FROM (SELECT c.member_id, s.unit_id, s.started_on
          FROM (SELECT DISTINCT member_id FROM old_rows) c
          LEFT JOIN members_membership s ON s.member_id = c.member_id AND s.left_on IS NULL
         ) o
    WHERE m.id = o.member_id
        AND (m.current_unit_id IS DISTINCT FROM o.unit_id
             OR m.current_since IS DISTINCT FROM o.started_on)
;
                    RETURN NULL;
                END $$""",
        """DROP TRIGGER IF EXISTS members_current_unit_delete ON members_membership""",
        """CREATE TRIGGER members_current_unit_delete AFTER DELETE ON members_membership
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION members_current_unit_delete()""",
    ],
    "sqlite": [
        """CREATE TRIGGER IF NOT EXISTS members_current_unit_insert AFTER INSERT ON members_membership
            FOR EACH ROW WHEN NEW.left_on IS NULL BEGIN
                UPDATE members_member SET current_unit_id = NEW.unit_id,
                    current_since = NEW.started_on
                WHERE id = NEW.member_id AND (current_unit_id IS NOT NEW.unit_id
                    OR current_since IS NOT NEW.started_on);
            END""",
        """CREATE TRIGGER IF NOT EXISTS members_current_unit_update AFTER UPDATE ON members_membership
            FOR EACH ROW BEGIN
                
    UPDATE members_member SET
        current_unit_id = (SELECT s.unit_id FROM members_membership s
                           WHERE s.member_id = members_member.id AND s.left_on IS NULL),
        current_since = (SELECT s.started_on FROM members_membership s
                         WHERE s.member_id = members_member.id AND s.left_on IS NULL)
 WHERE id IN (OLD.member_id, NEW.member_id);
            END""",
        """CREATE TRIGGER IF NOT EXISTS members_current_unit_delete AFTER DELETE ON members_membership
            FOR EACH ROW BEGIN
                
    UPDATE members_member SET
        current_unit_id = (SELECT s.unit_id FROM members_membership s
                           WHERE s.member_id = members_member.id AND s.left_on IS NULL),
        current_since = (SELECT s.started_on FROM members_membership s
                         WHERE s.member_id = members_member.id AND s.left_on IS NULL)
 WHERE id = OLD.member_id;
            END""",
    ],
}


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
    if schema_editor.connection.vendor == "postgresql":
        for statement in CURRENT_UNIT_TRIGGERS["postgresql"]:
            schema_editor.execute(statement, params=None)


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
