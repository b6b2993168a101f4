"""Employer spells: each employer's coverage facts as stretches of unchanging state.

An employer's worker count (last report on or before the day, else the current count),
whether its CĐCS is active, whether an agreement is valid and the latest expiry among
the agreements signed so far change only on report dates, its CĐCS's founding and
dissolution dates and its agreements' signing, effective and expiry dates. Between two
such dates nothing changes, so the figures for any day read one spell per employer. The eligibility threshold and the 2025 state-sector cut-off are
settings; they are applied when the spells are read, so changing them needs no rebuild.

Triggers queue every employer whose facts may have changed (triggers.py); ``refresh``
recomputes exactly those. It is called by whatever wrote (the request that wrote, see
middleware.py; imports; seed_demo; migrate) or by the background task, never by a
reader: figures read the spells and the tally as they are.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction

from unions.models import (
    CollectiveAgreement,
    Employer,
    EmployerLink,
    EmployerSpell,
    EmployerTallyBasis,
    StaleEmployer,
    UnionUnit,
    WorkforceReport,
)

from . import employer_tally
from .triggers import EMPLOYER_FACTS

# The employer's own columns its spells are computed from.
FACTS = [column.removesuffix("_id") for column in EMPLOYER_FACTS]

BEGINNING = date(1900, 1, 1)  # no figure is given for an earlier day
ANALYZE_AFTER = 10_000  # employers refreshed at once
IN_REQUEST = 2_000  # a request that queued more leaves them to the background worker


@dataclass(frozen=True)
class Unit:
    """A unit an employer is linked to, as its spells need it."""

    id: int
    path: str
    founded_on: date | None = None
    dissolved_on: date | None = None

    def active_on(self, day: date) -> bool:
        return (self.founded_on is None or self.founded_on <= day) and (
            self.dissolved_on is None or self.dissolved_on > day
        )


@dataclass(frozen=True)
class Link:
    """The managing unit and CĐCS an employer had from ``starts_on`` (None: from the
    start) until ``ends_on`` (None: still)."""

    starts_on: date | None
    ends_on: date | None
    managing: Unit
    union: Unit | None

    def covers(self, day: date) -> bool:
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day < self.ends_on
        )


@dataclass(frozen=True)
class State:
    workers: int
    has_union: bool
    has_agreement: bool
    # Latest expiry among the agreements signed on or before the day: one signed
    # later was not known then, so a past day's renewals ignore it.
    last_expiry: date | None = None
    # Where it is counted: its CĐCS while active, else its managing unit.
    place: Unit | None = None
    managing_path: str = ""
    grassroots_path: str = ""


def timeline(
    *,
    current_workers: int,
    reports: list[tuple[date, int]],
    links: list[Link],
    agreements: list[tuple[date, date, date]],
    known_from: date | None = None,
) -> list[tuple[date, date | None, State]]:
    """(starts_on, ends_on or None, state) for the life of one employer.

    ``links`` cover every day, one at a time (earlier ones, then today's);
    ``agreements`` are (signed_on, effective_on, expires_on); ``known_from`` is the
    first day the employer counts (``Employer.known_from``; None: always): no spell
    covers a day before it.
    """
    reports = sorted(reports)
    first = max(BEGINNING, known_from or BEGINNING)
    changes = {first}
    changes.update(day for day, _ in reports)
    for link in links:
        changes.update(day for day in (link.starts_on, link.ends_on) if day)
        if link.union:
            changes.update(
                day for day in (link.union.founded_on, link.union.dissolved_on) if day
            )
    for dates in agreements:
        changes.update(dates)
    days = sorted(day for day in changes if day >= first)

    spells: list[tuple[date, date | None, State]] = []
    for day in days:
        link = next(link for link in links if link.covers(day))
        has_union = bool(link.union and link.union.active_on(day))
        state = State(
            workers=_workers_on(day, reports, current_workers),
            has_union=has_union,
            has_agreement=any(start <= day < end for _, start, end in agreements),
            last_expiry=max(
                (end for signed, _, end in agreements if signed <= day), default=None
            ),
            place=link.union if has_union else link.managing,
            managing_path=link.managing.path,
            grassroots_path=link.union.path if link.union else "",
        )
        if spells and spells[-1][2] == state:
            continue
        if spells:
            spells[-1] = (spells[-1][0], day, spells[-1][2])
        spells.append((day, None, state))
    return spells


def _workers_on(day: date, reports: list[tuple[date, int]], current: int) -> int:
    workers = current
    for reported_on, count in reports:
        if reported_on > day:
            break
        workers = count
    return workers


# A spell's row: its employer, then what the employer tally reads of it.
COLUMNS = ["employer_id", *employer_tally.COLUMNS]


def spells_of(employers: list[Employer]) -> list[tuple]:
    """The spells of ``employers`` as rows in the order of COLUMNS."""
    ids = [employer.pk for employer in employers]
    reports = defaultdict(list)
    for employer_id, day, workers in WorkforceReport.objects.filter(
        employer_id__in=ids
    ).values_list("employer_id", "reported_on", "workers"):
        reports[employer_id].append((day, workers))
    agreements = defaultdict(list)
    for employer_id, *dates in CollectiveAgreement.objects.filter(
        employer_id__in=ids
    ).values_list("employer_id", "signed_on", "effective_on", "expires_on"):
        agreements[employer_id].append(tuple(dates))
    earlier = _earlier_links(ids)

    rows = []
    for employer in employers:
        links = earlier[employer.pk]
        links.append(
            Link(
                links[-1].ends_on if links else None,
                None,
                _unit(employer.managing_unit),
                _unit(employer.grassroots_union),
            )
        )
        for starts_on, ends_on, state in timeline(
            current_workers=employer.workers,
            reports=reports[employer.pk],
            links=links,
            agreements=agreements[employer.pk],
            known_from=employer.known_from([day for day, _ in reports[employer.pk]]),
        ):
            rows.append(
                (
                    employer.pk,
                    starts_on,
                    ends_on,
                    state.workers,
                    state.has_union,
                    state.has_agreement,
                    employer.kind,
                    state.managing_path,
                    state.grassroots_path,
                    state.last_expiry,
                    state.place.id,
                )
            )
    return rows


def _unit(unit: UnionUnit | None) -> Unit | None:
    if unit is None:
        return None
    return Unit(unit.pk, unit.path, unit.founded_on, unit.dissolved_on)


def _earlier_links(ids: list[int]) -> dict[int, list[Link]]:
    """employer id → its earlier links (EmployerLink), oldest first."""
    links = defaultdict(list)
    for link in (
        EmployerLink.objects.filter(employer_id__in=ids)
        .select_related("managing_unit", "grassroots_union")
        .order_by("employer_id", "ends_on")
    ):
        links[link.employer_id].append(
            Link(
                link.starts_on,
                link.ends_on,
                _unit(link.managing_unit),
                _unit(link.grassroots_union),
            )
        )
    return links


def _insert(rows: list[tuple]) -> None:
    # Plain executemany: model instances and bulk_create cost ten times as much here.
    table = EmployerSpell._meta.db_table
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({placeholders})", rows
        )


def refresh(batch_size: int = 2000) -> int:
    """Recompute the spells of every queued employer; returns how many were done.

    The employer tally follows in the same transaction: the difference between the
    spells deleted and written is added to it. After a bulk load (ANALYZE_AFTER queued
    employers or more) it is cheaper to drop the tally and rebuild it once at the end.
    When nothing is queued and the tally is current, this is one query.
    """
    queued, current = _state()
    if not queued and current:
        return 0
    bulk = queued >= ANALYZE_AFTER
    if bulk:
        employer_tally.invalidate()
    done = 0
    while queued:
        with transaction.atomic():
            # A second reader waits here for the first one's batch, then sees it done.
            ids = list(
                StaleEmployer.objects.select_for_update()
                .order_by("employer_id")
                .values_list("employer_id", flat=True)[:batch_size]
            )
            if not ids:
                break
            employers = list(
                Employer.objects.filter(pk__in=ids)
                .select_related("managing_unit", "grassroots_union")
                .only(
                    *FACTS,
                    "managing_unit__path",
                    "managing_unit__founded_on",
                    "managing_unit__dissolved_on",
                    "grassroots_union__path",
                    "grassroots_union__founded_on",
                    "grassroots_union__dissolved_on",
                )
                .order_by()
            )
            spells = EmployerSpell.objects.filter(employer_id__in=ids)
            old = [] if bulk else list(spells.values_list(*employer_tally.COLUMNS))
            spells.delete()
            rows = spells_of(employers)
            _insert(rows)
            if not bulk:
                employer_tally.apply(old, [row[1:] for row in rows])
            StaleEmployer.objects.filter(employer_id__in=ids).delete()
        done += len(ids)
        queued = StaleEmployer.objects.exists()
    if done >= ANALYZE_AFTER and connection.vendor == "postgresql":
        # Fresh statistics, or the planner sorts 100,000 spells on disk instead of hashing.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {EmployerSpell._meta.db_table}")
    if bulk or not current:
        employer_tally.ensure_current()
    return done


def follow_writes() -> None:
    """After a write: recompute the queued employers now, or in the background when
    there are more than IN_REQUEST of them (or the whole tally must be rebuilt)."""
    queued, current = _state()
    if not queued and current:
        return
    if queued <= IN_REQUEST and current:
        refresh()
        return
    from .tasks import refresh_employer_figures  # the task calls this module

    refresh_employer_figures.enqueue()


def _state() -> tuple[int, bool]:
    """(employers queued, whether the employer tally is current), in one query."""
    min_workers, ended_on = employer_tally.basis()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {StaleEmployer._meta.db_table}),"
            f" EXISTS (SELECT 1 FROM {EmployerTallyBasis._meta.db_table}"
            "  WHERE min_workers = %s AND state_sector_ended_on = %s)",
            [min_workers, ended_on],
        )
        queued, current = cursor.fetchone()
    return queued, bool(current)


def rebuild() -> int:
    """Queue every employer and recompute all spells."""
    from . import triggers

    triggers.mark_all_employers_stale()
    return refresh()
