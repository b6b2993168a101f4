"""PostgreSQL: the member list's indexes also carry the filter columns (gender, birth,
joining date, party membership), so a filtered list is answered from the index alone
too; the extra columns ride along as INCLUDE columns, outside the search tree.
"""

from django.db import migrations

COVERED = (
    "current_since, search_name, gender, birth_date, birth_year, joined_union_on,"
    " is_party_member"
)
FORWARD = [
    "DROP INDEX IF EXISTS member_name_order",
    "DROP INDEX IF EXISTS member_in_unit",
    "CREATE INDEX member_name_order ON members_member (sort_key, id)"
    f" INCLUDE (current_unit_id, {COVERED})",
    "CREATE INDEX member_in_unit ON members_member (current_unit_id, sort_key, id)"
    f" INCLUDE ({COVERED})",
]
BACKWARD = [
    "DROP INDEX IF EXISTS member_name_order",
    "DROP INDEX IF EXISTS member_in_unit",
    "CREATE INDEX member_name_order ON members_member"
    " (sort_key, id, current_unit_id, current_since, search_name)",
    "CREATE INDEX member_in_unit ON members_member"
    " (current_unit_id, sort_key, id, current_since, search_name)",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("members", "0007_member_list_indexes")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False)]
