"""Install the triggers that keep Member.current_unit, and fill it for existing rows.

The SQL is frozen here as members/triggers.py wrote it then (a migration never imports
the project's code); after every migrate that module reinstalls the latest frozen copy
when SQLite has dropped the triggers (a migration that rebuilds the table does).
"""

from django.db import migrations

CURRENT_UNIT_TRIGGERS = {
    "postgresql": [
        """CREATE OR REPLACE FUNCTION members_current_unit_insert() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    
    UPDATE members_member SET
        current_unit_id = (SELECT s.unit_id FROM members_membership s
                           WHERE s.member_id = members_member.id AND s.left_on IS NULL),
        current_since = (SELECT s.started_on FROM members_membership s
                         WHERE s.member_id = members_member.id AND s.left_on IS NULL)
    WHERE id IN (SELECT member_id FROM new_rows)
;
                    RETURN NULL;
                END $$""",
        """DROP TRIGGER IF EXISTS members_current_unit_insert ON members_membership""",
        """CREATE TRIGGER members_current_unit_insert AFTER INSERT ON members_membership
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_current_unit_insert()""",
        """CREATE OR REPLACE FUNCTION members_current_unit_update() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    
    UPDATE members_member SET
        current_unit_id = (SELECT s.unit_id FROM members_membership s
                           WHERE s.member_id = members_member.id AND s.left_on IS NULL),
        current_since = (SELECT s.started_on FROM members_membership s
                         WHERE s.member_id = members_member.id AND s.left_on IS NULL)
    WHERE id IN (SELECT member_id FROM old_rows UNION SELECT member_id FROM new_rows)
;
                    RETURN NULL;
                END $$""",
        """DROP TRIGGER IF EXISTS members_current_unit_update ON members_membership""",
        """CREATE TRIGGER members_current_unit_update AFTER UPDATE ON members_membership
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION members_current_unit_update()""",
        """CREATE OR REPLACE FUNCTION members_current_unit_delete() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    
    UPDATE members_member SET
        current_unit_id = (SELECT s.unit_id FROM members_membership s
                           WHERE s.member_id = members_member.id AND s.left_on IS NULL),
        current_since = (SELECT s.started_on FROM members_membership s
                         WHERE s.member_id = members_member.id AND s.left_on IS NULL)
    WHERE id IN (SELECT member_id FROM old_rows)
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


REFRESH_ALL = """
    UPDATE members_member SET
        current_unit_id = (SELECT s.unit_id FROM members_membership s
                           WHERE s.member_id = members_member.id AND s.left_on IS NULL),
        current_since = (SELECT s.started_on FROM members_membership s
                         WHERE s.member_id = members_member.id AND s.left_on IS NULL)
"""
NAMES = [
    "members_current_unit_insert",
    "members_current_unit_update",
    "members_current_unit_delete",
]


def forward(apps, schema_editor):
    for statement in CURRENT_UNIT_TRIGGERS[schema_editor.connection.vendor]:
        schema_editor.execute(statement, params=None)
    schema_editor.execute(REFRESH_ALL, params=None)


def backward(apps, schema_editor):
    for name in NAMES:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON members_membership")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("members", "0005_member_current_unit")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
