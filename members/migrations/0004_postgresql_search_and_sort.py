"""PostgreSQL only: bytewise order for the sort key, a trigram index for name search.

SQLite compares text bytewise already and answers LIKE '%…%' by scanning, which is
fast enough at the demo size; these statements are skipped there.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # The hex key must compare byte by byte, whatever the database's default collation.
    'ALTER TABLE members_member ALTER COLUMN sort_key TYPE varchar(1098) COLLATE "C"',
    "CREATE INDEX member_search_trgm ON members_member"
    " USING gin (search_name gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS member_search_trgm",
    'ALTER TABLE members_member ALTER COLUMN sort_key TYPE varchar(1098) COLLATE "default"',
    # pg_trgm stays: other apps may use it, and it holds no data.
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("members", "0003_transfer_requests_and_name_keys")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False)]
