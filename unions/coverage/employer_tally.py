"""The employer tallies: the spells summed per unit's scope and day.

How the employer figures of unit P on day D are computed:
- a spell (spells.py) of employer E covers D when ``starts_on <= D < ends_on``; E is
  placed at its CĐCS while the spell has an active one, else at its managing unit
  (``Employer.objects.placed_within``: the spell's ``place``), and counts in P's
  figures when that place lies in P's subtree: the subtree of D in the historical
  structure (UnitEmployerTally, keyed by unit), today's in the current one
  (EmployerTally, keyed by today's paths);
- E is eligible on D when the spell's worker count reaches ELIGIBLE_MIN_WORKERS and,
  for the kinds that lost their unions, D is before STATE_SECTOR_UNIONS_ENDED_ON: such a
  spell is cut at that day;
- so each eligible spell adds (1 employer, its workers, 1 if its CĐCS is active, 1 if
  it is also an enterprise, 1 if that enterprise has a valid agreement) from
  ``starts_on`` until ``ends_on``; a renewal (enterprise with a union whose last
  agreement signed by D expires by D + 90 days) counts from ``max(starts_on, last
  expiry - 90 days)`` until ``ends_on``: a signing starts a new spell, so the spell's
  last expiry is the one known on each of its days (``intervals``);
- in today's tree an interval counts for every ancestor of its place now; on the tree
  of each date, for each ancestry row of its place (unit, ancestor, from cs until ce),
  over the days both hold, as the member tally does (dated_tally.py). Each start and
  end is written as a day, a month and a year row, and the figures on D are the sum of
  the unit's rows up to D (``figures_on``).

Kept exact: spells.refresh() hands ``apply`` the spells it deletes and the ones it
writes, in the same transaction, and their difference is added; a move hands
``follow_moves`` the ancestry rows it deletes and writes, and the difference of
their overlaps with the spells placed there is added. A bulk refresh drops the basis
row instead; ``ensure_current`` then rebuilds both tallies from the spells, as it does
when the settings above changed (the refresh after a deploy's migrate, or
``coverage_rollup --rebuild``; never a reader). The tests compare every figure with a
recount of the registry's own tables (tests/coverage/test_rollups_match_a_recount.py,
test_employers_counted_once.py).
"""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Sum

from unions.ancestry import earlier_end
from unions.models import (
    Employer,
    EmployerSpell,
    EmployerTally,
    EmployerTallyBasis,
    UnionUnit,
    UnitAncestry,
    UnitEmployerTally,
)

RENEWAL_WINDOW = timedelta(days=90)  # Labour Code 2019 Art. 83: bargain within 90 days
FIGURES = ["eligible", "workers", "with_union", "enterprises", "with_cba", "renewals"]
COLUMNS = [
    "starts_on",
    "ends_on",
    "workers",
    "has_union",
    "has_agreement",
    "kind",
    "managing_path",
    "grassroots_path",
    "last_agreement_expires_on",
    "place_id",
]
Span = EmployerTally.Span
# (tally, the column its rows are keyed by): today's tree, the tree of each date.
CURRENT = (EmployerTally, "path")
DATED = (UnitEmployerTally, "unit_id")


# --- Reading -------------------------------------------------------------------------


def figures_on(keys: list, day: date, *, dated: bool = False) -> dict:
    """{key: {figure: value}} of each unit's scope on ``day`` (absent = all zero).

    ``keys`` are today's paths, or unit ids when ``dated`` (the subtree of ``day``).
    Read only: spells.refresh and the moves, called by the writers, keep this current.
    """
    model, key = DATED if dated else CURRENT
    first_of_year = day.replace(month=1, day=1)
    first_of_month = day.replace(day=1)
    rows = (
        model.objects.filter(**{f"{key}__in": keys})
        .filter(
            Q(span=Span.YEAR, starts_on__lt=first_of_year)
            | Q(
                span=Span.MONTH,
                starts_on__gte=first_of_year,
                starts_on__lt=first_of_month,
            )
            | Q(span=Span.DAY, starts_on__gte=first_of_month, starts_on__lte=day)
        )
        .values(key)
        .annotate(**{name: Sum(name) for name in FIGURES})
        .order_by()
    )
    return {row.pop(key): row for row in rows}


# --- What spells add -------------------------------------------------------------------


def basis() -> tuple[int, date]:
    return settings.ELIGIBLE_MIN_WORKERS, settings.STATE_SECTOR_UNIONS_ENDED_ON


def intervals(spells, sign: int = 1):
    """(path, place id, starts_on, ends_on or None, figures) that ``spells`` (rows of
    COLUMNS) add: each eligible spell's figures, and its renewal from the window's
    start. ``sign`` -1 gives what they take off when they are deleted."""
    min_workers, ended_on = basis()
    no_union, enterprise_kinds = (
        set(Employer.NO_UNION_KINDS),
        set(Employer.ENTERPRISE_KINDS),
    )
    for (
        starts_on,
        ends_on,
        workers,
        has_union,
        has_agreement,
        kind,
        managing_path,
        grassroots_path,
        last_expiry,
        place_id,
    ) in spells:
        if workers < min_workers:
            continue
        if kind in no_union and (ends_on is None or ends_on > ended_on):
            ends_on = ended_on
        if ends_on is not None and ends_on <= starts_on:
            continue
        enterprise = has_union and kind in enterprise_kinds
        path = grassroots_path if has_union else managing_path
        figures = (
            sign,
            sign * workers,
            sign * bool(has_union),
            sign * enterprise,
            sign * (enterprise and bool(has_agreement)),
            0,
        )
        yield path, place_id, starts_on, ends_on, figures
        if enterprise and last_expiry is not None:
            renew_from = max(starts_on, last_expiry - RENEWAL_WINDOW)
            if ends_on is None or renew_from < ends_on:
                yield path, place_id, renew_from, ends_on, (0, 0, 0, 0, 0, sign)


def changes(spells, sign: int = 1) -> dict[tuple, list[int]]:
    """{(path, span, starts_on): figures} that ``spells`` add in today's tree."""
    by_place = defaultdict(lambda: [0] * len(FIGURES))
    for path, _place, starts_on, ends_on, figures in intervals(spells, sign):
        _add(by_place[(path, starts_on)], figures)
        if ends_on is not None:
            _add(by_place[(path, ends_on)], figures, -1)
    scopes = {}
    by_key = defaultdict(lambda: [0] * len(FIGURES))
    for (place, day), values in by_place.items():
        if not any(values):
            continue
        if place not in scopes:
            scopes[place] = _scope_paths(place)
        for path in scopes[place]:
            _add(by_key[(path, day)], values)
    return _by_span(by_key)


def dated_changes(spells, ancestry: dict, sign: int = 1) -> dict[tuple, list[int]]:
    """{(unit id, span, starts_on): figures} that ``spells`` add on the tree of each
    date; ``ancestry``: place id → its rows [(ancestor, starts_on, ends_on)]."""
    by_key = defaultdict(lambda: [0] * len(FIGURES))
    for _path, place, starts_on, ends_on, figures in intervals(spells, sign):
        _add_overlaps(by_key, ancestry.get(place, ()), starts_on, ends_on, figures)
    return _by_span(by_key)


def _add_overlaps(by_key, rows, starts_on, ends_on, figures, factor: int = 1) -> None:
    """Add ``figures`` to each ancestor of ``rows`` over the days it held the place
    and the interval both: from the later start until the earlier end."""
    for ancestor, held_from, held_until in rows:
        lo = max(starts_on, held_from)
        hi = earlier_end(ends_on, held_until)
        if hi is not None and hi <= lo:
            continue
        _add(by_key[(ancestor, lo)], figures, factor)
        if hi is not None:
            _add(by_key[(ancestor, hi)], figures, -factor)


def _by_span(by_key: dict) -> dict[tuple, list[int]]:
    """Each (key, day) change as a day, a month and a year row of the key."""
    result = defaultdict(lambda: [0] * len(FIGURES))
    for (key, day), values in by_key.items():
        if not any(values):
            continue
        for span, starts_on in (
            (Span.YEAR, day.replace(month=1, day=1)),
            (Span.MONTH, day.replace(day=1)),
            (Span.DAY, day),
        ):
            _add(result[(key, span, starts_on)], values)
    return result


def _add(total: list[int], values, factor: int = 1) -> None:
    for index, value in enumerate(values):
        total[index] += factor * value


def _scope_paths(place: str) -> list[str]:
    """Every unit whose figures hold an employer placed at ``place``: its ancestors."""
    step = UnionUnit.steplen
    return [place[:end] for end in range(step, len(place) + 1, step)]


def _ancestry_of(units=None) -> dict[int, list[tuple]]:
    """unit id → [(ancestor, starts_on, ends_on)]: every row it ever had (of every
    unit when ``units`` is None)."""
    found = UnitAncestry.objects.order_by()
    if units is not None:
        found = found.filter(unit__in=units)
    rows = defaultdict(list)
    for unit, ancestor, starts_on, ends_on in found.values_list(
        "unit", "ancestor", "starts_on", "ends_on"
    ):
        rows[unit].append((ancestor, starts_on, ends_on))
    return rows


# --- Writing -------------------------------------------------------------------------


def apply(old_spells, new_spells) -> None:
    """Add the difference between the spells deleted and the spells written."""
    old_spells, new_spells = list(old_spells), list(new_spells)
    total = changes(new_spells)
    for key, values in changes(old_spells, -1).items():
        _add(total[key], values)
    _upsert(CURRENT, total)
    places = {row[-1] for row in old_spells} | {row[-1] for row in new_spells}
    _lock_units(places, "SHARE")
    ancestry = _ancestry_of(places)
    total = dated_changes(new_spells, ancestry)
    for key, values in dated_changes(old_spells, ancestry, -1).items():
        _add(total[key], values)
    _upsert(DATED, total)


def follow_moves(sender, removed: list[tuple], added: list[tuple], **kwargs) -> None:
    """Follow a move (the receiver of ``unions.ancestry.rewritten``): ``removed`` and
    ``added`` are ancestry rows (unit, ancestor, depth, starts_on, ends_on) deleted and
    written; the spells placed at those units leave the days they no longer count
    under an ancestor and join the new ones."""
    units = {row[0] for row in removed} | {row[0] for row in added}
    if not units or not _is_current():
        return  # nothing placed there, or the next ensure_current rebuilds it all
    _lock_units(units, "UPDATE")
    by_key = defaultdict(lambda: [0] * len(FIGURES))
    spells = EmployerSpell.objects.filter(place__in=units).values_list(*COLUMNS)
    placed = list(intervals(spells))  # the same intervals meet both sides
    for factor, rows in ((-1, removed), (1, added)):
        held = defaultdict(list)
        for unit, ancestor, _depth, starts_on, ends_on in rows:
            held[unit].append((ancestor, starts_on, ends_on))
        for _path, place, starts_on, ends_on, figures in placed:
            _add_overlaps(
                by_key, held.get(place, ()), starts_on, ends_on, figures, factor
            )
    _upsert(DATED, _by_span(by_key))


def _lock_units(ids, mode: str) -> None:
    """On PostgreSQL, order a refresh and a move of the same units: a refresh pairs
    its spells with the ancestry rows it reads, a move its rows with the spells it
    reads, so neither may read before the other commits (as the member tally does)."""
    if connection.vendor != "postgresql" or not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {UnionUnit._meta.db_table} WHERE id = ANY(%s)"
            f" ORDER BY id FOR {mode}",
            [sorted(ids)],
        )


def _upsert(tally: tuple, total: dict) -> None:
    rows = [(*key, *values) for key, values in sorted(total.items()) if any(values)]
    if not rows:
        return
    model, key = tally
    table = model._meta.db_table
    columns = ", ".join(FIGURES)
    placeholders = ", ".join(["%s"] * (3 + len(FIGURES)))
    added = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in FIGURES)
    # In key order, so two concurrent writers lock shared rows in the same order.
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({key}, span, starts_on, {columns})"
            f" VALUES ({placeholders})"
            f" ON CONFLICT ({key}, span, starts_on) DO UPDATE SET {added}",
            rows,
        )


def invalidate() -> None:
    """Mark the tallies out of date: the next ``ensure_current`` rebuilds them."""
    EmployerTallyBasis.objects.all().delete()


def _current_basis():
    min_workers, ended_on = basis()
    return EmployerTallyBasis.objects.filter(
        min_workers=min_workers, state_sector_ended_on=ended_on
    )


def _is_current() -> bool:
    return _current_basis().exists()


def ensure_current(*, force: bool = False) -> bool:
    """Rebuild both tallies when computed with other settings, or not at all.

    ``force`` rebuilds them in any case. Returns whether they were rebuilt.
    """
    current = _current_basis()
    if not force and current.exists():
        return False
    tables = [model._meta.db_table for model, _key in (CURRENT, DATED)]
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Refreshes and rebuilds started meanwhile wait here; a refresh then
                # adds its difference to the rebuilt rows (its old spells are among
                # the ones read below), a second rebuild finds the work done.
                cursor.execute(
                    f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE"
                )
                if not force and current.exists():
                    return False
                cursor.execute(f"TRUNCATE {', '.join(tables)}")  # no dead rows left
            else:
                for table in tables:
                    cursor.execute(f"DELETE FROM {table}")
        spells = list(
            EmployerSpell.objects.order_by().values_list(*COLUMNS).iterator(10_000)
        )
        _insert(CURRENT, changes(spells))
        ancestry = _ancestry_of()
        _insert(DATED, dated_changes(spells, ancestry))
        EmployerTallyBasis.objects.all().delete()
        min_workers, ended_on = basis()
        EmployerTallyBasis.objects.create(
            min_workers=min_workers, state_sector_ended_on=ended_on
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
    return True


def rebuild() -> None:
    """Both tallies again, from every spell."""
    ensure_current(force=True)


def _insert(tally: tuple, total: dict) -> None:
    model, key = tally
    table = model._meta.db_table
    # In key order: a unit's rows then sit together, a few pages per unit to read.
    rows = sorted((*k, *values) for k, values in total.items() if any(values))
    columns = f"{key}, span, starts_on, {', '.join(FIGURES)}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * (3 + len(FIGURES)))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows
            )
