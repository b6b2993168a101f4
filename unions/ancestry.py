"""The union tree on any date: each unit's ancestors over time (UnitAncestry).

Two trees are kept. Today's is the materialised path of UnionUnit (treebeard): screens
that ask "under this unit now" use ``UnionUnit.objects.within``. The tree of any date is
the closure table UnitAncestry: one row per unit and ancestor (depth 0 = the unit
itself, 1 = its parent, …) with the stretch of days it held. The primitives every page,
figure and service uses:

- ``UnionUnit.objects.within_on(unit, day)``, ``.children_on(unit, day)``,
  ``.ancestors_on(unit, day)``, ``.parent_on(unit, day)``;
- ``UnitAncestry.objects.on(day)`` (the rows of that date), ``.current()`` (today's);
- ``unions.services.create_unit(s)``: a new unit's rows are written by a database
  trigger on the unit table (any insert, bulk or COPY too): its own row, and its
  parent's rows one level deeper, so a unit founded under a parent that moved in 2025
  sits, before 2025, where its parent then sat;
- ``unions.services.move_unit``, ``move_units``, ``move_many``: a dated move with its
  subtree; ``undo_move`` and ``undo_moves``: an exact undo of moves recorded today.

How a move is kept: the moved unit's parent rows (depth 1) are the facts; every deeper
row is composed from them (``compose``): a unit's ancestors are its parent, then its
parent's ancestors, each for the days both held. A move dated M ends the unit's parent
row at M and starts one under the new parent; the rows of the whole subtree are then
composed again and only those that differ are written (``rewrite``), so nothing before M
changes. Rows are kept merged (one row per ancestor and depth for days in a row), so
composing the same parents always gives the same rows: undoing a move restores the
parent rows it recorded and composes the same rows as before it.

Planned moves are not stored: a move dated after today is refused (and so is one
dated before a later move of the same units or of their subtrees), so the rows of
today are always the materialised path's tree.
"""

from collections import defaultdict
from datetime import date

from django.dispatch import Signal

from registry import frozen_sql

from .models import UnionUnit, UnitAncestry

ALWAYS = UnitAncestry.ALWAYS
Row = tuple[int, int, int, date, date | None]  # unit, ancestor, depth, starts, ends

# Sent inside the writing transaction after a move rewrote rows, with ``removed`` and
# ``added``: lists of Row, an end that changed being one of each. What is derived from
# the rows in Python follows it (the employer tally on the tree of each date); what
# the database derives follows them by triggers.
rewritten = Signal()


def earlier_end(a: date | None, b: date | None) -> date | None:
    """The earlier of two ends, None meaning "not ended"."""
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def merge(rows: list[Row]) -> list[Row]:
    """The same days, one row per ancestor and depth for days in a row."""
    merged: list[Row] = []
    for row in sorted(rows, key=lambda r: (r[1], r[2], r[3])):
        last = merged[-1] if merged else None
        if (
            last is not None
            and last[1:3] == row[1:3]
            and (last[4] is None or last[4] >= row[3])
        ):
            ends = None if None in (last[4], row[4]) else max(last[4], row[4])
            merged[-1] = (*last[:4], ends)
        else:
            merged.append(row)
    return merged


def compose(
    nodes: set[int],
    parents: dict[int, list[tuple[int, date, date | None]]],
    known: dict[int, list[Row]],
) -> dict[int, list[Row]]:
    """The rows of every unit in ``nodes`` from their parent rows.

    ``parents``: unit → [(parent, starts, ends)] for the units in ``nodes``;
    ``known``: the rows of every other unit they were ever under, taken as they are.
    """
    done: dict[int, list[Row]] = dict(known)

    def rows_of(unit: int, seen: tuple = ()) -> list[Row]:
        if unit in done:
            return done[unit]
        if unit in seen:  # pragma: no cover - the services refuse cycles
            raise ValueError(f"unit {unit} is its own ancestor")
        rows: list[Row] = [(unit, unit, 0, ALWAYS, None)]
        for parent, starts, ends in parents.get(unit, []):
            for _, ancestor, depth, above_starts, above_ends in rows_of(
                parent, (*seen, unit)
            ):
                lo, hi = max(starts, above_starts), earlier_end(ends, above_ends)
                if hi is None or lo < hi:
                    rows.append((unit, ancestor, depth + 1, lo, hi))
        done[unit] = merge(rows)
        return done[unit]

    return {unit: rows_of(unit) for unit in nodes}


def rewrite(
    nodes: set[int], new_parents: dict[int, list[tuple[int, date, date | None]]]
) -> None:
    """Give some units new parent rows, compose the rows of ``nodes`` (those units
    and everything under them) again and write only what differs."""
    if not nodes:
        return
    stored = list(
        UnitAncestry.objects.filter(unit__in=nodes).values_list(
            "pk", "unit", "ancestor", "depth", "starts_on", "ends_on"
        )
    )
    parents = defaultdict(list)
    above = set()
    for _pk, unit, ancestor, depth, starts, ends in stored:
        above.add(ancestor)
        if depth == 1 and unit not in new_parents:
            parents[unit].append((ancestor, starts, ends))
    parents.update(new_parents)
    above.update(parent for rows in new_parents.values() for parent, _s, _e in rows)
    known = defaultdict(list)
    for _pk, unit, ancestor, depth, starts, ends in UnitAncestry.objects.filter(
        unit__in=above - nodes
    ).values_list("pk", "unit", "ancestor", "depth", "starts_on", "ends_on"):
        known[unit].append((unit, ancestor, depth, starts, ends))
    for unit in above - nodes:
        known.setdefault(unit, [(unit, unit, 0, ALWAYS, None)])
    wanted = {
        row[:4]: row[4]
        for rows in compose(nodes, parents, known).values()
        for row in rows
    }
    _write(stored, wanted)


def _write(stored, wanted: dict[tuple, date | None]) -> None:
    have = {(u, a, d, s): (pk, e) for pk, u, a, d, s, e in stored}
    gone = [pk for key, (pk, _e) in have.items() if key not in wanted]
    ends = defaultdict(list)
    for key, (pk, old_end) in have.items():
        if key in wanted and wanted[key] != old_end:
            ends[wanted[key]].append(pk)
    new = [
        UnitAncestry(
            unit_id=u, ancestor_id=a, depth=d, starts_on=s, ends_on=wanted[(u, a, d, s)]
        )
        for (u, a, d, s) in wanted.keys() - have.keys()
    ]
    if gone:
        UnitAncestry.objects.filter(pk__in=gone).delete()
    for end, pks in ends.items():
        UnitAncestry.objects.filter(pk__in=pks).update(ends_on=end)
    UnitAncestry.objects.bulk_create(new, batch_size=1000)
    removed = [
        (*key, old_end)
        for key, (_pk, old_end) in have.items()
        if key not in wanted or wanted[key] != old_end
    ]
    added = [
        (*key, end)
        for key, end in wanted.items()
        if key not in have or have[key][1] != end
    ]
    if removed or added:
        rewritten.send(sender=UnitAncestry, removed=removed, added=added)


def subtree_ids(units: list[UnionUnit]) -> set[int]:
    """Ids of ``units`` and of every unit under them in today's tree."""
    ids: set[int] = set()
    for unit in units:
        ids.update(
            UnionUnit.objects.within(unit).order_by().values_list("pk", flat=True)
        )
    return ids


def parent_rows(unit_ids) -> dict[int, list[tuple[int, date, date | None]]]:
    """unit → [(parent, starts, ends)], oldest first."""
    rows = defaultdict(list)
    for unit, parent, starts, ends in (
        UnitAncestry.objects.filter(unit__in=unit_ids, depth=1)
        .order_by("unit", "starts_on")
        .values_list("unit", "ancestor", "starts_on", "ends_on")
    ):
        rows[unit].append((parent, starts, ends))
    return rows


def moved_parents(
    rows: list[tuple[int, date, date | None]], new_parent: int, on: date
) -> list[tuple[int, date, date | None]]:
    """Parent rows after a move to ``new_parent`` on ``on``: the open row ends then."""
    kept = []
    for parent, starts, ends in rows:
        if ends is None:
            ends = on
        if starts < ends:
            kept.append((parent, starts, ends))
    kept.append((new_parent, on, None))
    return kept


def last_change_on(unit_ids) -> date | None:
    """The latest day on which the ancestors of any of ``unit_ids`` changed."""
    row = (
        UnitAncestry.objects.filter(unit__in=unit_ids, depth__gt=0)
        .exclude(starts_on=ALWAYS)
        .order_by("-starts_on")
        .values_list("starts_on", flat=True)
        .first()
    )
    return row


def differences() -> int:
    """Units whose rows of today disagree with today's tree (0 when right)."""
    expected = set()
    by_path = dict(UnionUnit.objects.values_list("path", "pk"))
    step = UnionUnit.steplen
    for path, pk in by_path.items():
        for end in range(step, len(path) + 1, step):
            expected.add((pk, by_path[path[:end]], (len(path) - end) // step))
    current = set(
        UnitAncestry.objects.current().values_list("unit", "ancestor", "depth")
    )
    return len({row[0] for row in expected ^ current})


# --- The trigger that writes a new unit's rows ----------------------------------------


def trigger_sql(vendor: str) -> list[str]:
    """Statements installing the trigger that gives every new unit its rows.

    Frozen into the migration that installs them; tests/unions/test_frozen_sql.py
    compares the latest frozen copy with this.
    """
    units, rows = UnionUnit._meta.db_table, UnitAncestry._meta.db_table
    step = UnionUnit.steplen
    columns = "unit_id, ancestor_id, depth, starts_on, ends_on"
    if vendor == "postgresql":
        # Statement-level: a bulk insert may hold a unit and its parent, so the rows
        # are written one depth at a time, parents first.
        body = f"""
            FOR level IN SELECT DISTINCT depth FROM new_units ORDER BY depth LOOP
                INSERT INTO {rows} ({columns})
                SELECT n.id, n.id, 0, DATE '{ALWAYS}', NULL
                FROM new_units n WHERE n.depth = level
                UNION ALL
                SELECT n.id, k.ancestor_id, k.depth + 1, k.starts_on, k.ends_on
                FROM new_units n
                JOIN {units} p ON p.path = substr(n.path, 1, length(n.path) - {step})
                JOIN {rows} k ON k.unit_id = p.id
                WHERE n.depth = level AND n.depth > 1;
            END LOOP;"""
        return [
            f"""CREATE OR REPLACE FUNCTION unions_ancestry_insert() RETURNS trigger
                LANGUAGE plpgsql AS $body$
                DECLARE level integer;
                BEGIN {body}
                    RETURN NULL;
                END
                $body$""",
            f"DROP TRIGGER IF EXISTS unions_ancestry_insert ON {units}",
            f"""CREATE TRIGGER unions_ancestry_insert AFTER INSERT ON {units}
                REFERENCING NEW TABLE AS new_units FOR EACH STATEMENT
                EXECUTE FUNCTION unions_ancestry_insert()""",
        ]
    return [
        "DROP TRIGGER IF EXISTS unions_ancestry_insert",
        f"""CREATE TRIGGER unions_ancestry_insert AFTER INSERT ON {units}
            FOR EACH ROW BEGIN
                INSERT INTO {rows} ({columns})
                VALUES (NEW.id, NEW.id, 0, '{ALWAYS}', NULL);
                INSERT INTO {rows} ({columns})
                SELECT NEW.id, k.ancestor_id, k.depth + 1, k.starts_on, k.ends_on
                FROM {units} p JOIN {rows} k ON k.unit_id = p.id
                WHERE p.path = substr(NEW.path, 1, length(NEW.path) - {step})
                    AND length(NEW.path) > {step};
            END""",
    ]


def trigger_installed(connection) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM pg_trigger WHERE tgname = 'unions_ancestry_insert'"
            )
        else:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'trigger'"
                " AND name = 'unions_ancestry_insert'"
            )
        return cursor.fetchone() is not None


def ensure_trigger(connection) -> bool:
    """Reinstall the trigger from its frozen SQL when a table rebuild dropped it."""
    if UnitAncestry._meta.db_table not in connection.introspection.table_names():
        return False
    if trigger_installed(connection):
        return False
    with connection.cursor() as cursor:
        for statement in frozen_sql.latest("unions", "ANCESTRY_TRIGGER")[
            connection.vendor
        ]:
            cursor.execute(statement)
    return True
