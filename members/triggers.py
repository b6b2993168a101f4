"""Database triggers that keep Member.current_unit / current_since equal to the member's
open membership (the one with no leaving date).

Why: the member list asks "who is in this subtree today, in name order" on every
keystroke. With the unit on the person's own row, in the name-order index, that is one
index walk; through the memberships it is a join per person, which at 1,000,000 members
and a commune union's 3 % of them took seconds (docs/benchmarks.md).

Why triggers rather than code: memberships are written by the services, the importer's
COPY, seed_demo's bulk_create, the 2025 reorganisation's bulk UPDATE and the admin; a
trigger sees every one of them. PostgreSQL runs one statement-level trigger per statement
(a 100,000-row import costs one UPDATE … FROM, not 100,000); SQLite has row-level ones,
and drops them when a migration rebuilds the table, so ``ensure`` runs after migrate
and reinstalls the text frozen in the latest migration (a migration never imports this
module; a change here is a new migration with the new text).
"""

from django.db import connection as default_connection
from django.db import connections

from registry import frozen_sql

MEMBERS, MEMBERSHIPS = "members_member", "members_membership"
TRIGGERS = [
    "members_current_unit_insert",
    "members_current_unit_update",
    "members_current_unit_delete",
]

# The member's open membership, or NULLs when there is none.
_REFRESH = f"""
    UPDATE {MEMBERS} SET
        current_unit_id = (SELECT s.unit_id FROM {MEMBERSHIPS} s
                           WHERE s.member_id = {MEMBERS}.id AND s.left_on IS NULL),
        current_since = (SELECT s.started_on FROM {MEMBERSHIPS} s
                         WHERE s.member_id = {MEMBERS}.id AND s.left_on IS NULL)
"""


# PostgreSQL: only the members whose row would change are written. An import writes
# each new member already holding its open membership's unit and start, and an update
# of a membership's other columns changes nothing on the person; rewriting those rows
# anyway would cost a new row version and new entries in every member index.
_PG_REFRESH = f"""
    UPDATE {MEMBERS} m SET current_unit_id = o.unit_id, current_since = o.started_on
    FROM (SELECT c.member_id, s.unit_id, s.started_on
          FROM (SELECT DISTINCT member_id FROM {{changed}}) c
          LEFT JOIN {MEMBERSHIPS} s ON s.member_id = c.member_id AND s.left_on IS NULL
         ) o
    WHERE m.id = o.member_id
        AND (m.current_unit_id IS DISTINCT FROM o.unit_id
             OR m.current_since IS DISTINCT FROM o.started_on)
"""


# A new open membership is the member's one open membership (a unique index refuses
# a second), and a new ended one changes nothing: no other membership is read. The
# members are found by primary key (``_PG_PLAN``), one probe per new row: a batch of
# an import is a few thousand rows, and hashing the whole member table for each batch
# (the plan chosen while the table's statistics still say it is small) took longer
# than writing the batch.
_PG_INSERTED = f"""
    UPDATE {MEMBERS} m SET current_unit_id = n.unit_id, current_since = n.started_on
    FROM new_rows n
    WHERE n.left_on IS NULL AND m.id = n.member_id
        AND (m.current_unit_id IS DISTINCT FROM n.unit_id
             OR m.current_since IS DISTINCT FROM n.started_on)
"""

_PG_PLAN = "SET enable_hashjoin = off SET enable_mergejoin = off"


def _pg_statements() -> list[str]:
    statements = []
    for name, event, tables, body in [
        (TRIGGERS[0], "INSERT", "NEW TABLE AS new_rows", _PG_INSERTED),
        (
            TRIGGERS[1],
            "UPDATE",
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            _PG_REFRESH.format(changed="old_rows UNION SELECT member_id FROM new_rows"),
        ),
        (
            TRIGGERS[2],
            "DELETE",
            "OLD TABLE AS old_rows",
            _PG_REFRESH.format(changed="old_rows"),
        ),
    ]:
        statements += [
            f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
                LANGUAGE plpgsql {_PG_PLAN if event == "INSERT" else ""} AS $$
                BEGIN
                    {body};
                    RETURN NULL;
                END $$""",
            f"DROP TRIGGER IF EXISTS {name} ON {MEMBERSHIPS}",
            f"""CREATE TRIGGER {name} AFTER {event} ON {MEMBERSHIPS}
                REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {name}()""",
        ]
    return statements


def _sqlite_statements() -> list[str]:
    return [
        f"""CREATE TRIGGER IF NOT EXISTS {TRIGGERS[0]} AFTER INSERT ON {MEMBERSHIPS}
            FOR EACH ROW WHEN NEW.left_on IS NULL BEGIN
                UPDATE {MEMBERS} SET current_unit_id = NEW.unit_id,
                    current_since = NEW.started_on
                WHERE id = NEW.member_id AND (current_unit_id IS NOT NEW.unit_id
                    OR current_since IS NOT NEW.started_on);
            END""",
        f"""CREATE TRIGGER IF NOT EXISTS {TRIGGERS[1]} AFTER UPDATE ON {MEMBERSHIPS}
            FOR EACH ROW BEGIN
                {_REFRESH} WHERE id IN (OLD.member_id, NEW.member_id);
            END""",
        f"""CREATE TRIGGER IF NOT EXISTS {TRIGGERS[2]} AFTER DELETE ON {MEMBERSHIPS}
            FOR EACH ROW BEGIN
                {_REFRESH} WHERE id = OLD.member_id;
            END""",
    ]


def statements(vendor: str) -> list[str]:
    """The statements installing the triggers, generated from this module.

    Frozen into the migration that installs them (the latest members migration holding
    CURRENT_UNIT_TRIGGERS); tests/members/test_current_unit_triggers.py checks it is
    still this, so a change here needs a new migration that freezes the new text.
    """
    return _pg_statements() if vendor == "postgresql" else _sqlite_statements()


def install(connection=default_connection) -> None:
    """Create (or replace) the triggers, from the latest migration's frozen text."""
    frozen = frozen_sql.latest("members", "CURRENT_UNIT_TRIGGERS")
    with connection.cursor() as cursor:
        for statement in frozen[connection.vendor]:
            cursor.execute(statement)


def uninstall(connection=default_connection) -> None:
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {MEMBERSHIPS}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def refresh_all(connection=default_connection) -> None:
    """Recompute every member's current unit from the memberships."""
    with connection.cursor() as cursor:
        cursor.execute(_REFRESH)


def installed(connection=default_connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
                " AND tgname = ANY(%s)",
                [TRIGGERS],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN"
                f" ({', '.join(['%s'] * len(TRIGGERS))})",
                TRIGGERS,
            )
        return {row[0] for row in cursor.fetchall()}


def ensure(connection=default_connection) -> bool:
    """Reinstall missing triggers and recompute; returns whether it had to."""
    tables = set(connection.introspection.table_names())
    if not {MEMBERS, MEMBERSHIPS} <= tables:
        return False
    columns = {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), MEMBERS
        )
    }
    if "current_unit_id" not in columns or installed(connection) == set(TRIGGERS):
        return False
    install(connection)
    refresh_all(connection)
    return True


def ensure_after_migrate(sender, using, **kwargs):
    ensure(connections[using])
