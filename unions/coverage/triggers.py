"""Database triggers behind the coverage figures.

Why triggers: memberships, employers, workforce reports and agreements are written by
the services, the spreadsheet importer's bulk path, seed_demo, the admin and any future
code. A trigger sees every one of those writes, including bulk_create, COPY and raw
UPDATEs, so the derived data cannot fall behind whichever code path made the change.

Two jobs:
- MemberTally (see its docstring) is kept exact inside the writing transaction: a
  membership adds +1 on the day it started and -1 on the day it ended, as a day row of
  its own unit and a month row of each ancestor. Moving a unit rewrites its path; its
  own memberships' entries then move from the old ancestors to the new ones. Every
  change is an addition, so the order in which rows of one statement are handled does
  not matter.
- Employers whose coverage facts may have changed (the employer itself, its reports,
  its agreements, or the dates and place of its units) are queued in StaleEmployer;
  spells.refresh() recomputes their spells, called by the writer (see middleware.py)
  or the background task, never by a reader.

PostgreSQL uses statement-level triggers with transition tables: one grouped upsert per
statement, so a 100,000-row import costs one aggregate, not 100,000 upserts. SQLite has
row-level triggers only. SQLite also drops a table's triggers when a migration rebuilds
the table, so ``ensure`` runs after every migrate (apps.py) and reinstalls them from
the text frozen in the latest migration that holds it (a migration never imports this
module; a change here is a new migration with the new text).
"""

from contextlib import contextmanager

from django.db import connection as default_connection
from django.db import connections, transaction

from registry import frozen_sql

ADMITTED_REASONS = ("admitted", "readmitted")
# The employer's columns its coverage facts are computed from (spells.py): a change to
# any of them queues it. The triggers of both databases are generated from this list.
EMPLOYER_FACTS = (
    "workers",
    "workers_reported_on",
    "founded_on",
    "recorded_on",
    "kind",
    "managing_unit_id",
    "grassroots_union_id",
)
# While this setting is on (``tally_later``), new memberships are tallied at the end.
LATER = "sodoanvien.tally_later"
LATER_TABLE = "coverage_tally_later"  # a temporary table of their ids
MAX_DEPTH = 255 // 4  # UnionUnit.path holds 255 characters of 4-character steps


def _names():
    from members.models import Membership
    from unions.models import (
        CollectiveAgreement,
        Employer,
        MemberTally,
        StaleEmployer,
        UnionUnit,
        WorkforceReport,
    )

    return {
        "tally": MemberTally._meta.db_table,
        "stale": StaleEmployer._meta.db_table,
        "memberships": Membership._meta.db_table,
        "units": UnionUnit._meta.db_table,
        "employers": Employer._meta.db_table,
        "reports": WorkforceReport._meta.db_table,
        "agreements": CollectiveAgreement._meta.db_table,
        "steplen": UnionUnit.steplen,
        "admitted": ", ".join(f"'{reason}'" for reason in ADMITTED_REASONS),
    }


def _trigger_tables() -> dict[str, str]:
    n = _names()
    tables = {}
    for op in ("insert", "update", "delete"):
        tables[f"coverage_tally_membership_{op}"] = n["memberships"]
        tables[f"coverage_stale_employer_{op}"] = n["employers"]
        tables[f"coverage_stale_report_{op}"] = n["reports"]
        tables[f"coverage_stale_agreement_{op}"] = n["agreements"]
    tables["coverage_tally_unit_update"] = n["units"]
    tables["coverage_stale_unit_update"] = n["units"]
    return tables


# --- The tally -----------------------------------------------------------------------


def _month(vendor: str, day: str) -> str:
    if vendor == "postgresql":
        return f"date_trunc('month', {day})::date"
    return f"date({day}, 'start of month')"


def _tally_rows(vendor: str, events: str) -> str:
    """Turn events (unit_path, day, net, admitted) into tally rows.

    A day row for the unit itself, a month row for each of its ancestors. Events are
    summed per unit and day first, so a file of members who all joined on one day
    costs one row per level, not one per member.
    """
    step = _names()["steplen"]
    per_day = f"""
        SELECT unit_path, day, sum(net) AS net, sum(admitted) AS admitted
        FROM ({events}) ev GROUP BY unit_path, day
    """
    if vendor == "postgresql":
        levels = (
            f"CROSS JOIN LATERAL generate_series(1, length(e.unit_path) / {step}) lv(k)"
        )
    else:  # no generate_series in SQLite's triggers: every possible depth, filtered
        depths = " UNION ALL ".join(f"SELECT {k} AS k" for k in range(1, MAX_DEPTH + 1))
        levels = f"JOIN ({depths}) lv ON lv.k * {step} <= length(e.unit_path)"
    own = f"lv.k * {step} = length(e.unit_path)"
    return f"""
        SELECT substr(e.unit_path, 1, lv.k * {step}) AS path,
               CASE WHEN {own} THEN 'd' ELSE 'm' END AS span,
               CASE WHEN {own} THEN e.day ELSE {_month(vendor, "e.day")} END
                   AS starts_on,
               sum(e.net) AS net,
               sum(e.admitted) AS admitted
        FROM ({per_day}) e {levels}
        WHERE true
        GROUP BY 1, 2, 3
    """


def _upsert(vendor: str, events: str) -> str:
    tally = _names()["tally"]
    return f"""
        INSERT INTO {tally} (path, span, starts_on, net, admitted)
        SELECT path, span, starts_on, net, admitted
        FROM ({_tally_rows(vendor, events)}) changes
        WHERE net <> 0 OR admitted <> 0
        ON CONFLICT (path, span, starts_on) DO UPDATE
        SET net = {tally}.net + excluded.net,
            admitted = {tally}.admitted + excluded.admitted
    """


def _membership_events(rows: str, sign: int, *, path: str = "u.path") -> str:
    """Events of the memberships in ``rows`` (aliased r, with the unit path ``path``)."""
    admitted = _names()["admitted"]
    return f"""
        SELECT {path} AS unit_path, r.started_on AS day, {sign} AS net,
               CASE WHEN r.start_reason IN ({admitted}) THEN {sign} ELSE 0 END
                   AS admitted
        FROM {rows}
        UNION ALL
        SELECT {path}, r.left_on, {-sign}, 0
        FROM {rows}
        WHERE r.left_on IS NOT NULL
    """


def _moved_unit_events(moved: str) -> str:
    """A moved unit's own memberships: taken off its old path, put on its new one."""
    rows = f"{moved} mv JOIN {_names()['memberships']} r ON r.unit_id = mv.id"
    return (
        _membership_events(rows, -1, path="mv.old_path")
        + " UNION ALL "
        + _membership_events(rows, 1, path="mv.new_path")
    )


def _all_events() -> str:
    n = _names()
    return _membership_events(
        f"{n['memberships']} r JOIN {n['units']} u ON u.id = r.unit_id", 1
    )


@contextmanager
def tally_later(connection=default_connection):
    """Inside: memberships inserted are tallied once, when the block ends.

    For the importer's bulk path. Its batches of a few thousand memberships each would
    upsert a day row per distinct start date per batch; one statement for the whole
    file upserts each day once (a 100,000-row import spends ~1.5 s less in the
    database). Only inserts wait; inside, memberships are only inserted. The list of
    waiting rows and the setting end with the transaction; outside one, and on SQLite
    (row triggers), every insert is tallied as it is written.
    """
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        yield
        return
    from . import dated_tally  # it builds on this module's names

    n = _names()
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {LATER_TABLE} (id bigint)"
            " ON COMMIT DROP"
        )
        cursor.execute("SELECT set_config(%s, 'on', true)", [LATER])
    yield  # if the block fails, so does the transaction, and all of this ends with it
    rows = (
        f"{n['memberships']} r JOIN {LATER_TABLE} t ON t.id = r.id"
        f" JOIN {n['units']} u ON u.id = r.unit_id"
    )
    with connection.cursor() as cursor:
        _without_jit(cursor)
        cursor.execute("SELECT set_config(%s, 'off', true)", [LATER])
        cursor.execute(_upsert("postgresql", _membership_events(rows, 1)))
        cursor.execute(dated_tally.later_sql())
        cursor.execute(f"TRUNCATE {LATER_TABLE}")


# --- PostgreSQL ----------------------------------------------------------------------


def _pg_bodies() -> dict[str, tuple[str, str]]:
    """Trigger name → (transition tables, function body)."""
    n = _names()
    units, stale = n["units"], n["stale"]
    # A unit being moved waits for membership writes under it to commit, and the
    # other way round, so a move never misses a membership written at the same time.
    lock = (
        f"PERFORM 1 FROM {units} WHERE id IN (SELECT unit_id FROM {{rows}}) "
        "ORDER BY id FOR SHARE;"
    )
    member_cols = "unit_id, started_on, left_on, start_reason"
    changed = (
        "(SELECT {side}.* FROM old_rows o JOIN new_rows n ON n.id = o.id"
        f" WHERE (o.{member_cols.replace(', ', ', o.')})"
        f" IS DISTINCT FROM (n.{member_cols.replace(', ', ', n.')}))"
    )
    with_unit = f" r JOIN {units} u ON u.id = r.unit_id"
    moved = """(SELECT n.id, o.path AS old_path, n.path AS new_path
                FROM old_units o JOIN new_units n ON n.id = o.id
                WHERE o.path <> n.path)"""
    # Most updates of units change no path (a child count, a name, an end date): the
    # trigger returns before planning the work of a move, which is then done once
    # for every unit a statement moved (unions/paths.py moves them all in one).
    unit_columns = "(o.path, o.founded_on, o.dissolved_on)"
    unchanged = (
        "IF NOT EXISTS (SELECT 1 FROM old_units o JOIN new_units n ON n.id = o.id"
        " WHERE {old} IS DISTINCT FROM {new}) THEN RETURN NULL; END IF;"
    )
    employer_cols = ", ".join(EMPLOYER_FACTS)

    def queue(select: str) -> str:
        return f"INSERT INTO {stale} (employer_id) {select} ON CONFLICT DO NOTHING"

    new, old, both = (
        "NEW TABLE AS new_rows",
        "OLD TABLE AS old_rows",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    )
    bodies = {
        "coverage_tally_membership_insert": (
            new,
            lock.format(rows="new_rows")
            + f"""IF current_setting('{LATER}', true) = 'on' THEN
                    INSERT INTO {LATER_TABLE} SELECT id FROM new_rows;
                    RETURN NULL;
                END IF;"""
            + _upsert("postgresql", _membership_events("new_rows" + with_unit, 1)),
        ),
        "coverage_tally_membership_delete": (
            old,
            lock.format(rows="old_rows")
            + _upsert("postgresql", _membership_events("old_rows" + with_unit, -1)),
        ),
        "coverage_tally_membership_update": (
            both,
            lock.format(
                rows="(SELECT unit_id FROM old_rows"
                " UNION SELECT unit_id FROM new_rows) ids"
            )
            + _upsert(
                "postgresql",
                _membership_events(changed.format(side="o") + with_unit, -1)
                + " UNION ALL "
                + _membership_events(changed.format(side="n") + with_unit, 1),
            ),
        ),
        "coverage_tally_unit_update": (
            "OLD TABLE AS old_units NEW TABLE AS new_units",
            unchanged.format(old="o.path", new="n.path")
            + _upsert("postgresql", _moved_unit_events(moved)),
        ),
        "coverage_stale_employer_insert": (new, queue("SELECT id FROM new_rows")),
        "coverage_stale_employer_delete": (old, queue("SELECT id FROM old_rows")),
        "coverage_stale_employer_update": (
            both,
            queue(
                "SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id"
                f" WHERE (o.{employer_cols.replace(', ', ', o.')})"
                f" IS DISTINCT FROM (n.{employer_cols.replace(', ', ', n.')})"
            ),
        ),
        "coverage_stale_unit_update": (
            "OLD TABLE AS old_units NEW TABLE AS new_units",
            unchanged.format(old=unit_columns, new=unit_columns.replace("o.", "n."))
            + queue(
                f"""WITH changed AS (
                        SELECT n.id FROM old_units o JOIN new_units n ON n.id = o.id
                        WHERE {unit_columns}
                              IS DISTINCT FROM (n.path, n.founded_on, n.dissolved_on))
                    SELECT e.id FROM {n["employers"]} e
                    JOIN changed c ON c.id = e.managing_unit_id
                    UNION
                    SELECT e.id FROM {n["employers"]} e
                    JOIN changed c ON c.id = e.grassroots_union_id"""
            ),
        ),
    }
    for source in ("report", "agreement"):
        bodies[f"coverage_stale_{source}_insert"] = (
            new,
            queue("SELECT DISTINCT employer_id FROM new_rows"),
        )
        bodies[f"coverage_stale_{source}_delete"] = (
            old,
            queue("SELECT DISTINCT employer_id FROM old_rows"),
        )
        bodies[f"coverage_stale_{source}_update"] = (
            both,
            queue(
                "SELECT employer_id FROM old_rows UNION SELECT employer_id FROM new_rows"
            ),
        )
    return bodies


def _pg_statements() -> list[str]:
    tables = _trigger_tables()
    statements = []
    for name, (transitions, body) in _pg_bodies().items():
        op = name.rsplit("_", 1)[1].upper()
        statements += [
            # Planned for a generic statement, these look costly enough to compile with
            # JIT, which alone took longer than the work (0.5 s of a 100,000-row import).
            f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
                LANGUAGE plpgsql SET jit = off AS $body$
                BEGIN
                    {body};
                    RETURN NULL;
                END
                $body$""",
            f"DROP TRIGGER IF EXISTS {name} ON {tables[name]}",
            f"""CREATE TRIGGER {name} AFTER {op} ON {tables[name]}
                REFERENCING {transitions} FOR EACH STATEMENT
                EXECUTE FUNCTION {name}()""",
        ]
    return statements


# --- SQLite --------------------------------------------------------------------------


def _sqlite_statements() -> list[str]:
    n = _names()
    units, stale, employers = n["units"], n["stale"], n["employers"]

    def row_events(row: str, sign: int) -> str:
        return f"""
            SELECT u.path AS unit_path, {row}.started_on AS day, {sign} AS net,
                   CASE WHEN {row}.start_reason IN ({n["admitted"]})
                        THEN {sign} ELSE 0 END AS admitted
            FROM {units} u WHERE u.id = {row}.unit_id
            UNION ALL
            SELECT u.path, {row}.left_on, {-sign}, 0
            FROM {units} u WHERE u.id = {row}.unit_id AND {row}.left_on IS NOT NULL
        """

    def queue(*ids: str) -> str:
        return "; ".join(
            f"INSERT OR IGNORE INTO {stale} (employer_id) VALUES ({i})" for i in ids
        )

    member_cols = "unit_id, started_on, left_on, start_reason"
    moved = "(SELECT NEW.id AS id, OLD.path AS old_path, NEW.path AS new_path)"
    triggers = {
        "coverage_tally_membership_insert": (
            "AFTER INSERT",
            "",
            _upsert("sqlite", row_events("NEW", 1)),
        ),
        "coverage_tally_membership_delete": (
            "AFTER DELETE",
            "",
            _upsert("sqlite", row_events("OLD", -1)),
        ),
        "coverage_tally_membership_update": (
            f"AFTER UPDATE OF {member_cols}",
            "",
            _upsert(
                "sqlite", row_events("OLD", -1) + " UNION ALL " + row_events("NEW", 1)
            ),
        ),
        "coverage_tally_unit_update": (
            "AFTER UPDATE OF path",
            "WHEN OLD.path <> NEW.path",
            _upsert("sqlite", _moved_unit_events(moved)),
        ),
        "coverage_stale_employer_insert": ("AFTER INSERT", "", queue("NEW.id")),
        "coverage_stale_employer_delete": ("AFTER DELETE", "", queue("OLD.id")),
        "coverage_stale_employer_update": (
            f"AFTER UPDATE OF {', '.join(EMPLOYER_FACTS)}",
            "",
            queue("NEW.id"),
        ),
        "coverage_stale_unit_update": (
            "AFTER UPDATE OF path, founded_on, dissolved_on",
            "",
            f"""INSERT OR IGNORE INTO {stale} (employer_id)
                SELECT id FROM {employers} WHERE managing_unit_id = NEW.id
                UNION SELECT id FROM {employers} WHERE grassroots_union_id = NEW.id""",
        ),
    }
    for source in ("report", "agreement"):
        triggers[f"coverage_stale_{source}_insert"] = (
            "AFTER INSERT",
            "",
            queue("NEW.employer_id"),
        )
        triggers[f"coverage_stale_{source}_delete"] = (
            "AFTER DELETE",
            "",
            queue("OLD.employer_id"),
        )
        triggers[f"coverage_stale_{source}_update"] = (
            "AFTER UPDATE",
            "",
            queue("OLD.employer_id", "NEW.employer_id"),
        )
    tables = _trigger_tables()
    statements = []
    for name, (event, when, body) in triggers.items():
        statements += [
            f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} {event} ON {tables[name]} FOR EACH ROW {when}"
            f" BEGIN {body}; END",
        ]
    return statements


# --- Installing, checking, rebuilding ------------------------------------------------


def statements(vendor: str) -> list[str]:
    """The statements installing every trigger, generated from this module.

    Frozen into the migrations that install them (unions 0003, 0014, 0016:
    COVERAGE_TRIGGERS);
    tests/coverage/test_triggers.py checks the latest frozen copy is still this, so a
    change here needs a new migration that freezes the new text.
    """
    if vendor == "postgresql":
        return _pg_statements()
    if vendor == "sqlite":
        return _sqlite_statements()
    raise NotImplementedError(vendor)  # pragma: no cover


def install(connection=default_connection) -> None:
    """Create (or replace) every trigger, from the latest migration's frozen text."""
    frozen = frozen_sql.latest("unions", "COVERAGE_TRIGGERS")
    with connection.cursor() as cursor:
        for statement in frozen[connection.vendor]:
            cursor.execute(statement)


def uninstall(connection=default_connection) -> None:
    with connection.cursor() as cursor:
        for name, table in _trigger_tables().items():
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def installed(connection=default_connection) -> set[str]:
    """Names of the coverage triggers present in the database."""
    names = list(_trigger_tables())
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


def rebuild_tally(connection=default_connection) -> int:
    """Recount the tally from the memberships; returns the number of rows written.

    One transaction: readers keep seeing the old tally until the new one is complete.
    """
    tally = _names()["tally"]
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        _without_jit(cursor)
        cursor.execute(f"DELETE FROM {tally}")
        cursor.execute(_upsert(connection.vendor, _all_events()))
        return cursor.rowcount


def _without_jit(cursor) -> None:
    if cursor.db.vendor == "postgresql":
        cursor.execute("SET LOCAL jit = off")


def mark_all_employers_stale(connection=default_connection) -> None:
    n = _names()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {n['stale']} (employer_id) SELECT id FROM {n['employers']}"
            " WHERE id NOT IN (SELECT employer_id FROM " + n["stale"] + ")"
        )


def tally_differences(connection=default_connection) -> int:
    """Tally rows that disagree with a recount of the memberships (0 when right)."""
    tally = _names()["tally"]
    stored = (
        f"SELECT path, span, starts_on, net, admitted FROM {tally}"
        " WHERE net <> 0 OR admitted <> 0"
    )
    fresh = (
        "SELECT path, span, starts_on, net, admitted"
        f" FROM ({_tally_rows(connection.vendor, _all_events())}) recount"
        " WHERE net <> 0 OR admitted <> 0"
    )
    count = 0
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        _without_jit(cursor)
        for first, second in ((stored, fresh), (fresh, stored)):
            cursor.execute(
                f"SELECT count(*) FROM (SELECT * FROM ({first}) a"
                f" EXCEPT SELECT * FROM ({second}) b) difference"
            )
            count += cursor.fetchone()[0]
    return count


def empty_without_memberships(connection, table: str) -> None:
    """Empty a tally that has rows but no membership behind them.

    A flush (the test runner's, between transactional tests) deletes every table in
    no fixed order: on SQLite, memberships deleted after their tally leave -1 rows,
    written by the row triggers, which a later unit with a reused id would inherit.
    The flush then runs post_migrate, and so this.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_names()['memberships']})")
        if not cursor.fetchone()[0]:
            cursor.execute(f"DELETE FROM {table}")


def ensure(connection=default_connection) -> bool:
    """Reinstall missing triggers from their frozen text (a rebuilt SQLite table loses
    them) and recount; empty a tally left over by a flush.

    Returns whether anything had to be repaired. Runs after every migrate.
    """
    n = _names()
    tables = set(connection.introspection.table_names())
    needed = {n["tally"], n["stale"], n["memberships"], n["employers"]}
    if not needed <= tables:
        return False
    empty_without_memberships(connection, n["tally"])
    if installed(connection) == set(_trigger_tables()):
        return False
    install(connection)
    rebuild_tally(connection)
    mark_all_employers_stale(connection)
    return True


def ensure_after_migrate(sender, using, **kwargs):
    connection = connections[using]
    ensure(connection)
    if connection is default_connection and _names()["stale"] in set(
        connection.introspection.table_names()
    ):
        from . import spells  # spells imports this module

        spells.refresh()  # a migration may have queued employers: reads never do it
