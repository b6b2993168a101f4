"""The access log is append-only in the database: UPDATE and DELETE are refused.

Frozen text (registry/frozen_sql.py): the same triggers whatever the code says later.
SQLite drops a table's triggers when a migration rebuilds it; registry.apps reinstalls
them after every migrate from the latest migration defining ACCESS_LOG_TRIGGERS.
"""

from django.db import migrations

ACCESS_LOG_TRIGGERS = {
    "postgresql": [
        """
        CREATE OR REPLACE FUNCTION registry_accesslog_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'registry_accesslog is append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """,
        """
        CREATE TRIGGER registry_accesslog_append_only
        BEFORE UPDATE OR DELETE ON registry_accesslog
        FOR EACH ROW EXECUTE FUNCTION registry_accesslog_append_only()
        """,
    ],
    "sqlite": [
        """
        CREATE TRIGGER registry_accesslog_no_update BEFORE UPDATE ON registry_accesslog
        BEGIN
            SELECT RAISE(ABORT, 'registry_accesslog is append-only: UPDATE refused');
        END
        """,
        """
        CREATE TRIGGER registry_accesslog_no_delete BEFORE DELETE ON registry_accesslog
        BEGIN
            SELECT RAISE(ABORT, 'registry_accesslog is append-only: DELETE refused');
        END
        """,
    ],
}

DROP_ACCESS_LOG_TRIGGERS = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS registry_accesslog_append_only ON registry_accesslog",
        "DROP FUNCTION IF EXISTS registry_accesslog_append_only()",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS registry_accesslog_no_update",
        "DROP TRIGGER IF EXISTS registry_accesslog_no_delete",
    ],
}


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_access_log_whose_and_why")]

    operations = [
        migrations.RunPython(
            _run(ACCESS_LOG_TRIGGERS), _run(DROP_ACCESS_LOG_TRIGGERS), elidable=False
        )
    ]
