"""The employer tally: the spells summed per unit's scope and day (see EmployerTally).

How the employer figures of unit P on day D are computed:
- a spell (spells.py) of employer E covers D when ``starts_on <= D < ends_on``; E is
  placed at its CĐCS while the spell has an active one, else at its managing unit
  (``Employer.objects.placed_within``), and counts in P's figures when that place lies
  in P's subtree;
- E is eligible on D when the spell's worker count reaches ELIGIBLE_MIN_WORKERS and,
  for the kinds that lost their unions, D is before STATE_SECTOR_UNIONS_ENDED_ON: such a
  spell is cut at that day;
- so each eligible spell adds (1 employer, its workers, 1 if its CĐCS is active, 1 if
  it is also an enterprise, 1 if that enterprise has a valid agreement) on
  ``starts_on`` and takes them off on ``ends_on``; a renewal (enterprise with a union
  whose last agreement signed by D expires by D + 90 days) counts from ``max(starts_on,
  last expiry - 90 days)`` to ``ends_on``: a signing starts a new spell, so the spell's
  last expiry is the one known on each of its days;
- those changes are written for every P in the employer's scope as day, month and year
  rows, and the figures on D are the sum of P's rows up to D (``figures_on``).

Kept exact by ``apply``: spells.refresh() hands over the spells it deletes and the ones
it writes, in the same transaction, and their difference is added. A bulk refresh drops
the basis row instead; ``ensure_current`` then rebuilds the whole tally from the spells,
as it does when the settings above changed (the refresh after a deploy's migrate, or
``coverage_rollup --rebuild``; never a reader). The tests compare every figure with a
recount of the registry's own tables (tests/coverage/test_rollups_match_a_recount.py).
"""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Sum

from unions.models import (
    Employer,
    EmployerSpell,
    EmployerTally,
    EmployerTallyBasis,
    UnionUnit,
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
]
Span = EmployerTally.Span


# --- Reading -------------------------------------------------------------------------


def figures_on(paths: list[str], day: date) -> dict[str, dict[str, int]]:
    """{path: {figure: value}} of each unit's scope on ``day`` (absent = all zero).

    Read only: spells.refresh, called by the writers, keeps this tally current.
    """
    first_of_year = day.replace(month=1, day=1)
    first_of_month = day.replace(day=1)
    rows = (
        EmployerTally.objects.filter(path__in=paths)
        .filter(
            Q(span=Span.YEAR, starts_on__lt=first_of_year)
            | Q(
                span=Span.MONTH,
                starts_on__gte=first_of_year,
                starts_on__lt=first_of_month,
            )
            | Q(span=Span.DAY, starts_on__gte=first_of_month, starts_on__lte=day)
        )
        .values("path")
        .annotate(**{name: Sum(name) for name in FIGURES})
        .order_by()
    )
    return {row.pop("path"): row for row in rows}


# --- Writing -------------------------------------------------------------------------


def basis() -> tuple[int, date]:
    return settings.ELIGIBLE_MIN_WORKERS, settings.STATE_SECTOR_UNIONS_ENDED_ON


def changes(spells, sign: int = 1) -> dict[tuple[str, str, date], list[int]]:
    """{(path, span, starts_on): figures} that ``spells`` (rows of COLUMNS) add.

    ``sign`` -1 gives what they take off when they are deleted.
    """
    min_workers, ended_on = basis()
    no_union, enterprise_kinds = (
        set(Employer.NO_UNION_KINDS),
        set(Employer.ENTERPRISE_KINDS),
    )
    # First per (place, day): most employers of a unit share days.
    by_place = defaultdict(lambda: [0] * len(FIGURES))
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
    ) in spells:
        if workers < min_workers:
            continue
        if kind in no_union and (ends_on is None or ends_on > ended_on):
            ends_on = ended_on
        if ends_on is not None and ends_on <= starts_on:
            continue
        enterprise = has_union and kind in enterprise_kinds
        values = (
            sign,
            sign * workers,
            sign * bool(has_union),
            sign * enterprise,
            sign * (enterprise and bool(has_agreement)),
        )
        place = grassroots_path if has_union else managing_path
        _add(by_place[(place, starts_on)], values)
        if ends_on is not None:
            _add(by_place[(place, ends_on)], values, -1)
        if enterprise and last_expiry is not None:
            renew_from = max(starts_on, last_expiry - RENEWAL_WINDOW)
            if ends_on is None or renew_from < ends_on:
                by_place[(place, renew_from)][5] += sign
                if ends_on is not None:
                    by_place[(place, ends_on)][5] -= sign

    result = defaultdict(lambda: [0] * len(FIGURES))
    scopes = {}
    for (place, day), values in by_place.items():
        if not any(values):
            continue
        if place not in scopes:
            scopes[place] = _scope_paths(place)
        spans = (
            (Span.YEAR, day.replace(month=1, day=1)),
            (Span.MONTH, day.replace(day=1)),
            (Span.DAY, day),
        )
        for path in scopes[place]:
            for span, starts_on in spans:
                _add(result[(path, span, starts_on)], values)
    return result


def _add(total: list[int], values, factor: int = 1) -> None:
    for index, value in enumerate(values):
        total[index] += factor * value


def _scope_paths(place: str) -> list[str]:
    """Every unit whose figures hold an employer placed at ``place``: its ancestors."""
    step = UnionUnit.steplen
    return [place[:end] for end in range(step, len(place) + 1, step)]


def apply(old_spells, new_spells) -> None:
    """Add the difference between the spells deleted and the spells written."""
    total = changes(new_spells)
    for key, values in changes(old_spells, -1).items():
        _add(total[key], values)
    _upsert({key: values for key, values in total.items() if any(values)})


def _upsert(total: dict) -> None:
    if not total:
        return
    table = EmployerTally._meta.db_table
    columns = ", ".join(FIGURES)
    placeholders = ", ".join(["%s"] * (3 + len(FIGURES)))
    added = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in FIGURES)
    # In key order, so two concurrent refreshes lock shared rows in the same order.
    rows = [(*key, *values) for key, values in sorted(total.items())]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (path, span, starts_on, {columns})"
            f" VALUES ({placeholders})"
            f" ON CONFLICT (path, span, starts_on) DO UPDATE SET {added}",
            rows,
        )


def invalidate() -> None:
    """Mark the tally out of date: the next ``ensure_current`` rebuilds it."""
    EmployerTallyBasis.objects.all().delete()


def ensure_current(*, force: bool = False) -> bool:
    """Rebuild the tally when it was computed with other settings, or not at all.

    ``force`` rebuilds it in any case. Returns whether it was rebuilt.
    """
    table = EmployerTally._meta.db_table
    min_workers, ended_on = basis()
    current = EmployerTallyBasis.objects.filter(
        min_workers=min_workers, state_sector_ended_on=ended_on
    )
    if not force and current.exists():
        return False
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Refreshes and rebuilds started meanwhile wait here; a refresh then
                # adds its difference to the rebuilt rows (its old spells are among
                # the ones read below), a second rebuild finds the work done.
                cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
                if not force and current.exists():
                    return False
                cursor.execute(f"TRUNCATE {table}")  # no dead rows left behind
            else:
                cursor.execute(f"DELETE FROM {table}")
        spells = EmployerSpell.objects.order_by().values_list(*COLUMNS)
        total = changes(spells.iterator(chunk_size=10_000))
        # In key order: a unit's rows then sit together, a few pages per unit to read.
        rows = [(*key, *values) for key, values in total.items() if any(values)]
        rows.sort()
        _insert(rows, table)
        EmployerTallyBasis.objects.all().delete()
        EmployerTallyBasis.objects.create(
            min_workers=min_workers, state_sector_ended_on=ended_on
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    return True


def rebuild() -> None:
    """The whole tally again, from every spell."""
    ensure_current(force=True)


def _insert(rows: list[tuple], table: str) -> None:
    columns = f"path, span, starts_on, {', '.join(FIGURES)}"
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
