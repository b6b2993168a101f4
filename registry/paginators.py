"""Paging lists of a million rows without counting them all on every page view."""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    """Counts exactly up to ``exact_limit`` rows; above that, PostgreSQL's own estimate.

    Django's paginator runs COUNT(*) over the whole list on every page view, and on
    PostgreSQL a count reads every matching row: most of a second at a million employers,
    on the busiest pages. Nobody pages to row 900,000, so past ``exact_limit`` an estimate
    is enough (the admin shows it as "about N"):

    - an unfiltered list reads pg_class.reltuples, the table size kept by (auto)ANALYZE,
      which costs nothing;
    - a filtered list (the user's scope, a filter, a search) can't use the table size, so
      it is counted with a LIMIT, which stops after ``exact_limit`` + 1 rows; only a list
      longer than that takes the planner's row estimate (EXPLAIN), never below what the
      capped count has already seen.

    Other databases (SQLite in development and tests) count exactly.
    """

    exact_limit = 10_000
    is_estimate = False

    @cached_property
    def count(self):
        queryset = self.object_list
        if (
            not isinstance(queryset, QuerySet)
            or connections[queryset.db].vendor != "postgresql"
        ):
            return super().count
        # Ordering and annotations change nothing in a count; dropping them keeps the
        # capped count a plain LIMITed scan.
        queryset = queryset.order_by().values("pk")
        if not queryset.query.where and not queryset.query.distinct:
            rows = _table_estimate(queryset)
            if rows > self.exact_limit:
                self.is_estimate = True
                return rows
        seen = queryset[: self.exact_limit + 1].count()
        if seen <= self.exact_limit:
            return seen
        self.is_estimate = True
        return max(_plan_estimate(queryset), seen)


def _table_estimate(queryset: QuerySet) -> int:
    """Rows in the queryset's table by PostgreSQL's statistics (-1 if never analysed)."""
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else -1


def _plan_estimate(queryset: QuerySet) -> int:
    """The planner's estimate of how many rows ``queryset`` returns."""
    plan = json.loads(queryset.explain(format="json"))
    if isinstance(plan, list):
        plan = plan[0]
    return int(plan["Plan"]["Plan Rows"])
