"""The member tally on the tree of each date (UnitMemberTally): its triggers and reads.

A membership of unit X from s until e (exclusive; empty: still running) and an ancestry
row (X, A, from cs until ce) overlap from max(s, cs) until min(e, ce): that is when the
membership counted under A. So each pair adds +1 at A on max(s, cs) and -1 on
min(e, ce), and an admission (ADMITTED_REASONS) counts at A on s when X was under A
on s. Everything is a sum of such pairs, grouped:

- a membership written (insert, update, delete): its pairs with X's ancestry rows,
  taken off as they were and added as they are;
- an ancestry row written (a move rewrites the rows of the moved subtree): its pairs
  with X's memberships, the same way. A move of 1,500 CĐCS is a few grouped
  statements, whatever their number of members; nothing before the move's date
  changes, because the rows before it do not.

The SQL is generated here from ADMITTED_REASONS and frozen into the migration that
installs it (0011); tests/coverage/test_dated_tally.py checks that the latest frozen
copy equals what this module generates, so a change here needs a new migration.
PostgreSQL: statement-level triggers with transition tables; SQLite: row triggers.
"""

from datetime import date

from django.db import connection as default_connection
from django.db import transaction
from django.db.models import Q, Sum

from registry import frozen_sql

from .triggers import (
    ADMITTED_REASONS,
    LATER,
    LATER_TABLE,
    empty_without_memberships,
)

TALLY = "unions_unitmembertally"
MEMBERSHIPS = "members_membership"
ANCESTRY = "unions_unitancestry"
UNITS = "unions_unionunit"
SPANS = ("y", "m", "d")
MEMBER_COLUMNS = ("unit_id", "started_on", "left_on", "start_reason")
ANCESTRY_COLUMNS = ("unit_id", "ancestor_id", "starts_on", "ends_on")
TRIGGERS = {
    f"coverage_dated_{source}_{op}": table
    for source, table in (("membership", MEMBERSHIPS), ("ancestry", ANCESTRY))
    for op in ("insert", "delete", "update")
}
OVERLAP = (
    "(k.ends_on IS NULL OR r.started_on < k.ends_on)"
    " AND (r.left_on IS NULL OR r.left_on > k.starts_on)"
)


def _events(pairs: str, sign: int) -> str:
    """(unit_id, day, net, admitted) of the membership r × ancestry row k ``pairs``."""
    admitted = ", ".join(f"'{reason}'" for reason in ADMITTED_REASONS)
    return f"""
        SELECT k.ancestor_id AS unit_id,
               CASE WHEN r.started_on > k.starts_on THEN r.started_on
                    ELSE k.starts_on END AS day,
               {sign} AS net, 0 AS admitted
        FROM {pairs} WHERE {OVERLAP}
        UNION ALL
        SELECT k.ancestor_id,
               CASE WHEN k.ends_on IS NULL OR r.left_on < k.ends_on THEN r.left_on
                    ELSE k.ends_on END,
               {-sign}, 0
        FROM {pairs}
        WHERE {OVERLAP} AND (r.left_on IS NOT NULL OR k.ends_on IS NOT NULL)
        UNION ALL
        SELECT k.ancestor_id, r.started_on, 0, {sign}
        FROM {pairs}
        WHERE r.start_reason IN ({admitted}) AND k.starts_on <= r.started_on
            AND (k.ends_on IS NULL OR r.started_on < k.ends_on)
    """


def _truncated(vendor: str, unit: str, day: str) -> str:
    if vendor == "postgresql":
        return f"date_trunc('{unit}', {day})::date"
    return f"date({day}, 'start of {unit}')"


def _rows(vendor: str, events: str) -> str:
    """``events`` as tally rows: a day, a month and a year row of each unit."""
    spans = " UNION ALL ".join(f"SELECT '{span}' AS span" for span in SPANS)
    starts = (
        "CASE s.span WHEN 'd' THEN e.day"
        f" WHEN 'm' THEN {_truncated(vendor, 'month', 'e.day')}"
        f" ELSE {_truncated(vendor, 'year', 'e.day')} END"
    )
    return f"""
        SELECT e.unit_id AS unit_id, s.span AS span, {starts} AS starts_on,
               sum(e.net) AS net, sum(e.admitted) AS admitted
        FROM (SELECT unit_id, day, sum(net) AS net, sum(admitted) AS admitted
              FROM ({events}) ev GROUP BY unit_id, day) e
        CROSS JOIN ({spans}) s
        WHERE e.net <> 0 OR e.admitted <> 0
        GROUP BY e.unit_id, s.span, {starts}
    """


def _upsert(vendor: str, events: str) -> str:
    return f"""
        INSERT INTO {TALLY} (unit_id, span, starts_on, net, admitted)
        SELECT unit_id, span, starts_on, net, admitted
        FROM ({_rows(vendor, events)}) changes
        WHERE true
        ON CONFLICT (unit_id, span, starts_on) DO UPDATE
        SET net = {TALLY}.net + excluded.net,
            admitted = {TALLY}.admitted + excluded.admitted
    """


def _changed(columns: tuple[str, ...], side: str) -> str:
    """Rows of an update's transition tables whose ``columns`` changed, as ``side``."""
    old = ", ".join(f"o.{c}" for c in columns)
    new = ", ".join(f"n.{c}" for c in columns)
    return (
        f"(SELECT {side}.* FROM old_rows o JOIN new_rows n ON n.id = o.id"
        f" WHERE ({old}) IS DISTINCT FROM ({new}))"
    )


def _memberships_of(rows: str) -> str:
    return f"{rows} r JOIN {ANCESTRY} k ON k.unit_id = r.unit_id"


def _ancestry_of(rows: str) -> str:
    return f"{rows} k JOIN {MEMBERSHIPS} r ON r.unit_id = k.unit_id"


def _pg_bodies() -> dict[str, tuple[str, str, str]]:
    """Trigger name → (table, transition tables, function body)."""
    # As the path tally does: a membership written waits for a move of its unit to
    # commit (and the other way round), so neither misses the other's rows.
    lock = (
        f"PERFORM 1 FROM {UNITS} WHERE id IN (SELECT unit_id FROM {{rows}})"
        " ORDER BY id FOR SHARE;"
    )
    new, old = "NEW TABLE AS new_rows", "OLD TABLE AS old_rows"
    both = f"{old} {new}"
    pg = "postgresql"
    return {
        "coverage_dated_membership_insert": (
            MEMBERSHIPS,
            new,
            lock.format(rows="new_rows")
            # Tallied with the path tally at the end of tally_later().
            + f"IF current_setting('{LATER}', true) = 'on' THEN RETURN NULL; END IF;"
            + _upsert(pg, _events(_memberships_of("new_rows"), 1)),
        ),
        "coverage_dated_membership_delete": (
            MEMBERSHIPS,
            old,
            lock.format(rows="old_rows")
            + _upsert(pg, _events(_memberships_of("old_rows"), -1)),
        ),
        "coverage_dated_membership_update": (
            MEMBERSHIPS,
            both,
            lock.format(
                rows="(SELECT unit_id FROM old_rows"
                " UNION SELECT unit_id FROM new_rows) ids"
            )
            + _upsert(
                pg,
                _events(_memberships_of(_changed(MEMBER_COLUMNS, "o")), -1)
                + " UNION ALL "
                + _events(_memberships_of(_changed(MEMBER_COLUMNS, "n")), 1),
            ),
        ),
        "coverage_dated_ancestry_insert": (
            ANCESTRY,
            new,
            _upsert(pg, _events(_ancestry_of("new_rows"), 1)),
        ),
        "coverage_dated_ancestry_delete": (
            ANCESTRY,
            old,
            _upsert(pg, _events(_ancestry_of("old_rows"), -1)),
        ),
        "coverage_dated_ancestry_update": (
            ANCESTRY,
            both,
            _upsert(
                pg,
                _events(_ancestry_of(_changed(ANCESTRY_COLUMNS, "o")), -1)
                + " UNION ALL "
                + _events(_ancestry_of(_changed(ANCESTRY_COLUMNS, "n")), 1),
            ),
        ),
    }


def _pg_statements() -> list[str]:
    statements = []
    for name, (table, transitions, body) in _pg_bodies().items():
        op = name.rsplit("_", 1)[1].upper()
        statements += [
            f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    {body};
                    RETURN NULL;
                END
                $body$""",
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"""CREATE TRIGGER {name} AFTER {op} ON {table}
                REFERENCING {transitions} FOR EACH STATEMENT
                EXECUTE FUNCTION {name}()""",
        ]
    return statements


def _sqlite_statements() -> list[str]:
    def row(side: str, columns: tuple[str, ...]) -> str:
        values = ", ".join(f"{side}.{c} AS {c}" for c in columns)
        return f"(SELECT {values})"

    def membership(side: str, sign: int) -> str:
        return _events(_memberships_of(row(side, MEMBER_COLUMNS)), sign)

    def ancestry(side: str, sign: int) -> str:
        return _events(_ancestry_of(row(side, ANCESTRY_COLUMNS)), sign)

    sqlite = "sqlite"
    triggers = {
        "coverage_dated_membership_insert": (
            f"AFTER INSERT ON {MEMBERSHIPS}",
            _upsert(sqlite, membership("NEW", 1)),
        ),
        "coverage_dated_membership_delete": (
            f"AFTER DELETE ON {MEMBERSHIPS}",
            _upsert(sqlite, membership("OLD", -1)),
        ),
        "coverage_dated_membership_update": (
            f"AFTER UPDATE OF {', '.join(MEMBER_COLUMNS)} ON {MEMBERSHIPS}",
            _upsert(
                sqlite, membership("OLD", -1) + " UNION ALL " + membership("NEW", 1)
            ),
        ),
        "coverage_dated_ancestry_insert": (
            f"AFTER INSERT ON {ANCESTRY}",
            _upsert(sqlite, ancestry("NEW", 1)),
        ),
        "coverage_dated_ancestry_delete": (
            f"AFTER DELETE ON {ANCESTRY}",
            _upsert(sqlite, ancestry("OLD", -1)),
        ),
        "coverage_dated_ancestry_update": (
            f"AFTER UPDATE OF {', '.join(ANCESTRY_COLUMNS)} ON {ANCESTRY}",
            _upsert(sqlite, ancestry("OLD", -1) + " UNION ALL " + ancestry("NEW", 1)),
        ),
    }
    statements = []
    for name, (event, body) in triggers.items():
        statements += [
            f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} {event} FOR EACH ROW BEGIN {body}; END",
        ]
    return statements


def trigger_sql(vendor: str) -> list[str]:
    """The statements installing the triggers, as frozen into migration 0011."""
    if vendor == "postgresql":
        return _pg_statements()
    return _sqlite_statements()


def drop_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            statement
            for name, table in TRIGGERS.items()
            for statement in (
                f"DROP TRIGGER IF EXISTS {name} ON {table}",
                f"DROP FUNCTION IF EXISTS {name}()",
            )
        ]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS]


def rebuild_sql(vendor: str) -> list[str]:
    """Count the tally again from every membership and ancestry row."""
    return [
        f"DELETE FROM {TALLY}",
        _upsert(vendor, _events(_memberships_of(MEMBERSHIPS), 1)),
    ]


def later_sql() -> str:
    """The memberships tally_later() held back, added at its end (PostgreSQL)."""
    rows = f"(SELECT m.* FROM {MEMBERSHIPS} m JOIN {LATER_TABLE} t ON t.id = m.id)"
    return _upsert("postgresql", _events(_memberships_of(rows), 1))


# --- Installing, checking -------------------------------------------------------------


def installed(connection=default_connection) -> set[str]:
    names = list(TRIGGERS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
                " AND tgname = ANY(%s)",
                [names],
            )
        else:
            placeholders = ", ".join(["%s"] * len(names))
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                f" AND name IN ({placeholders})",
                names,
            )
        return {row[0] for row in cursor.fetchall()}


def ensure(connection=default_connection) -> bool:
    """Reinstall the frozen triggers when a table rebuild dropped them, and recount.

    Runs after every migrate (SQLite drops a table's triggers when a migration
    rebuilds it). Returns whether anything had to be repaired.
    """
    tables = set(connection.introspection.table_names())
    if not {TALLY, MEMBERSHIPS, ANCESTRY} <= tables:
        return False
    empty_without_memberships(connection, TALLY)
    frozen = frozen_sql.latest("unions", "DATED_TALLY_TRIGGERS")
    if frozen is None or installed(connection) == set(TRIGGERS):
        return False
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in frozen[connection.vendor]:
            cursor.execute(statement)
        for statement in frozen_sql.latest("unions", "DATED_TALLY_REBUILD")[
            connection.vendor
        ]:
            cursor.execute(statement)
    return True


def rebuild(connection=default_connection) -> None:
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
        for statement in rebuild_sql(connection.vendor):
            cursor.execute(statement)


def differences(connection=default_connection) -> int:
    """Tally rows that disagree with a recount (0 when right)."""
    stored = (
        f"SELECT unit_id, span, starts_on, net, admitted FROM {TALLY}"
        " WHERE net <> 0 OR admitted <> 0"
    )
    fresh = (
        "SELECT unit_id, span, starts_on, net, admitted FROM"
        f" ({_rows(connection.vendor, _events(_memberships_of(MEMBERSHIPS), 1))})"
        " recount WHERE net <> 0 OR admitted <> 0"
    )
    count = 0
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
        for first, second in ((stored, fresh), (fresh, stored)):
            cursor.execute(
                f"SELECT count(*) FROM (SELECT * FROM ({first}) a"
                f" EXCEPT SELECT * FROM ({second}) b) difference"
            )
            count += cursor.fetchone()[0]
    return count


# --- Reading ---------------------------------------------------------------------------


def members_on(unit_ids, day: date) -> dict[int, dict[str, int]]:
    """unit id → members on ``day`` in its subtree of that date, and its admissions
    since 1 January and since the first of the month (``year``, ``month``)."""
    from unions.models import UnitMemberTally

    first_of_month = day.replace(day=1)
    first_of_year = day.replace(month=1, day=1)
    Span = UnitMemberTally.Span
    rows = (
        UnitMemberTally.objects.filter(unit_id__in=unit_ids)
        .filter(
            Q(span=Span.YEAR, starts_on__lt=first_of_year)
            | Q(
                span=Span.MONTH,
                starts_on__gte=first_of_year,
                starts_on__lt=first_of_month,
            )
            | Q(span=Span.DAY, starts_on__gte=first_of_month, starts_on__lte=day)
        )
        .values("unit_id")
        .annotate(
            members=Sum("net"),
            year=Sum("admitted", filter=Q(starts_on__gte=first_of_year)),
            month=Sum("admitted", filter=Q(span=Span.DAY)),
        )
        .order_by()
    )
    return {
        row["unit_id"]: {
            "members": row["members"] or 0,
            "year": row["year"] or 0,
            "month": row["month"] or 0,
        }
        for row in rows
    }
