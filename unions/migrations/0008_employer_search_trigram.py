"""PostgreSQL only: a trigram index for employer search by name.

The admin's employer search (and the agreements' and reports' search by employer)
asks for every folded word with ``search_name LIKE '%word%'``; without this index that
is a scan of the whole employer table. SQLite scans quickly enough at the size it is
used for; nothing is done there. The index is built CONCURRENTLY (outside a
transaction) so that a federation's live employer table keeps taking writes meanwhile.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS employer_search_trgm ON unions_employer"
    " USING gin (search_name gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX CONCURRENTLY IF EXISTS employer_search_trgm",
    # pg_trgm stays: the member search uses it too (members 0004).
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction
    dependencies = [("unions", "0007_employer_tally")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False)]
