"""The access log's append-only triggers: whether they are there, and putting them back.

They are frozen in migration 0009 (ACCESS_LOG_TRIGGERS). SQLite drops a table's
triggers when a migration rebuilds the table, so they are checked after every migrate.
"""

from . import frozen_sql

TABLE = "registry_accesslog"
NAMES = {
    "postgresql": {"registry_accesslog_append_only"},
    "sqlite": {"registry_accesslog_no_update", "registry_accesslog_no_delete"},
}


def installed(connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
                " AND tgrelid = %s::regclass",
                [TABLE],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                " AND tbl_name = %s",
                [TABLE],
            )
        return {row[0] for row in cursor.fetchall()}


def ensure(connection) -> bool:
    """Reinstall the triggers from their frozen SQL if missing; whether it had to."""
    expected = NAMES.get(connection.vendor)
    if not expected or TABLE not in connection.introspection.table_names():
        return False
    if expected <= installed(connection):
        return False
    statements = frozen_sql.latest("registry", "ACCESS_LOG_TRIGGERS")[connection.vendor]
    with connection.cursor() as cursor:
        for name in expected:
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for statement in statements:
            cursor.execute(statement)
    return True


def ensure_after_migrate(sender, using, **kwargs):
    from django.db import connections

    ensure(connections[using])
