"""The planner's row estimates, where an exact count would cost more than the page.

PostgreSQL only: these read a plan, never the rows. Elsewhere they return None and the
callers fall back to what needs no estimate.
"""

import json

from django.db import connections


def planned_rows(queryset) -> int | None:
    """How many rows PostgreSQL expects ``queryset`` to return (a plan, not a count)."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    output = queryset.order_by().values("pk").explain(format="json")
    if not output:  # a queryset Django knows to be empty is never sent, nor planned
        return 0
    plan = json.loads(output)
    return int((plan[0] if isinstance(plan, list) else plan)["Plan"]["Plan Rows"])


def share_in_units(members, units) -> float | None:
    """The estimated share of ``members`` (a Member queryset) whose current union is in
    ``units`` (a UnionUnit queryset)."""
    everyone = planned_rows(members)
    if not everyone:
        return None
    return planned_rows(members.filter(current_unit__in=units)) / everyone


def table_rows(model, using: str = "default") -> int | None:
    """The rows in ``model``'s table as of the last VACUUM or ANALYZE (pg_class)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] > 0 else None
