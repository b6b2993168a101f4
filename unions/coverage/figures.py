"""Coverage figures (issue 5): the one place the definitions live.

For a unit U and a day D, an employer counts in U's figures when it is placed in U's
subtree on D: at its CĐCS while that CĐCS is active, else at its managing unit
(``Employer.objects.placed_within``). Each employer is in one place on a day, so a
unit's figures are the sum of its children's and of the employers placed at the unit
itself. The dashboard, the white-spot and renewal lists and exports, the periodic
report and the ``coverage`` command all call the functions below.

Two layers, proven equal by tests/coverage/test_rollups_match_a_recount.py:
- the definitions, as plain querysets over the registry's own tables
  (``eligible_employers``, ``white_spots``, ``renewals``, ``Membership.active_on``):
  the exports and the renewal list use these, and they are the recount the tests
  compare with; the white-spot list page reads the same rows from the spells
  (white_spot_list.py);
- the fast path the figures use, so the root of 20,000 units answers in well under
  150 ms for any date (bench/dashboard.py):
  * members: MemberTally, kept exact by database triggers inside every write
    (triggers.py): a few hundred indexed rows per unit instead of a count over every
    membership below it;
  * employers: EmployerSpell, each employer's facts as stretches of unchanging state,
    recomputed for the employers the triggers queue (spells.py) by the request or job
    that wrote, never by a reader (middleware.py), and summed per
    unit's scope and day into EmployerTally (employer_tally.py) as they are written:
    a unit's figures on D are about 75 rows of its own (year rows before D's year,
    month rows before D's month, day rows up to D), not an aggregate over the
    100,000 spells covering D; the top-10 lists read the spells through their indexes;
  * CĐCS: one grouped query over the units of the subtree.
Children are computed in the same grouped queries, one key per direct child.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unions.kinds import GRASSROOTS_KINDS
from unions.models import (
    Employer,
    EmployerSpell,
    MemberTally,
    Target,
    UnionUnit,
    UnitAncestry,
    UnitMemberTally,
    WorkforceReport,
    links_on,
    union_active_on,
)

from . import dated_tally, employer_tally
from .employer_tally import RENEWAL_WINDOW

EARLIEST_DAY = date(1900, 1, 1)
JSON_KEYS = [
    "workers",
    "members",
    "unionisation_rate",
    "employers_eligible",
    "employers_with_union",
    "employer_coverage_rate",
    "cdcs",
    "enterprises_with_union",
    "enterprises_with_cba",
    "cba_rate",
]


class Structure(TextChoices):
    """Which tree a figure is counted on (docs/domain.md, "Historical and current
    structure")."""

    HISTORICAL = "historical", _("As it was on the date")
    CURRENT = "current", _("Restated in today's structure")


def check_day(day: date) -> date:
    """Refuse dates no figure can be given for: in the future, or before 1900."""
    if day > timezone.localdate():
        raise ValidationError(
            _("Figures cannot be given for a date in the future."), code="future"
        )
    if day < EARLIEST_DAY:
        raise ValidationError(
            _("Choose a date from 01/01/1900 on."), code="before_1900"
        )
    return day


def ratio(part: int, whole: int) -> float | None:
    """A rate as a fraction; None when there is nothing to divide by."""
    return part / whole if whole else None


@dataclass
class Coverage:
    """The figures of one unit on one day."""

    unit: UnionUnit
    as_of: date
    workers: int = 0
    members: int = 0
    employers_eligible: int = 0
    employers_with_union: int = 0
    cdcs: int = 0
    enterprises_with_union: int = 0
    enterprises_with_cba: int = 0
    admitted_this_year: int = 0
    admitted_this_month: int = 0
    founded_this_year: int = 0
    due_for_renewal: int = 0
    target: Target | None = field(default=None, repr=False)
    # The row of what is placed at the unit itself, next to its children's rows.
    is_own: bool = False

    @property
    def unionisation_rate(self):
        return ratio(self.members, self.workers)

    @property
    def employer_coverage_rate(self):
        return ratio(self.employers_with_union, self.employers_eligible)

    @property
    def cba_rate(self):
        return ratio(self.enterprises_with_cba, self.enterprises_with_union)

    @property
    def white_spots(self):
        """Eligible employers without an active CĐCS."""
        return self.employers_eligible - self.employers_with_union

    @property
    def is_empty(self):
        return not any(
            (self.members, self.employers_eligible, self.cdcs, self.founded_this_year)
        )

    def progress(self) -> dict[str, float | None]:
        """Achievement against this year's targets, as fractions (1.0 = target met)."""
        target = self.target
        if target is None:
            return {}
        cba = self.cba_rate
        return {
            "new_members": ratio(self.admitted_this_year, target.new_members or 0),
            "new_grassroots": ratio(self.founded_this_year, target.new_grassroots or 0),
            "cba_rate": (
                ratio(cba * 100, float(target.cba_rate))
                if cba is not None and target.cba_rate
                else None
            ),
        }

    def as_json(self) -> dict:
        return {
            "unit": self.unit.code,
            "as_of": self.as_of.isoformat(),
            **{key: getattr(self, key) for key in JSON_KEYS},
        }


# --- Employers ----------------------------------------------------------------------


def with_workers_on(employers, day: date):
    """Annotate ``workers_on``: the last count reported on or before ``day``, else the current one."""
    reported = (
        WorkforceReport.objects.filter(employer=OuterRef("pk"), reported_on__lte=day)
        .order_by("-reported_on")
        .values("workers")[:1]
    )
    return employers.annotate(
        workers_on=Coalesce(
            Subquery(reported), F("workers"), output_field=IntegerField()
        )
    )


def eligible_employers(
    unit: UnionUnit, day: date, structure: str = Structure.HISTORICAL
):
    """Employers in scope that could have a union on ``day``, with ``workers_on`` and
    ``has_union``; in scope: placed in the subtree of ``day``, or of today in the
    current structure."""
    if structure == Structure.CURRENT:
        placed = Employer.objects.placed_within(unit, day)
    else:
        placed = Employer.objects.placed_within_on(unit, day)
    employers = placed.known_on(day).may_have_union_on(day)
    return (
        with_workers_on(employers, day)
        .filter(workers_on__gte=settings.ELIGIBLE_MIN_WORKERS)
        .annotate(
            has_union=Case(
                When(links_on(day, union_active_on(day)), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


def white_spots(unit: UnionUnit, day: date, structure: str = Structure.HISTORICAL):
    """Eligible employers in scope without an active CĐCS, biggest first: the organisers' list."""
    return (
        eligible_employers(unit, day, structure)
        .filter(has_union=False)
        .with_managing_unit_on(day)
        .select_related("industrial_zone", "ward")
        .order_by("-workers_on", "name", "pk")
    )


def enterprises_with_union(
    unit: UnionUnit, day: date, structure: str = Structure.HISTORICAL
):
    return eligible_employers(unit, day, structure).filter(
        has_union=True, kind__in=Employer.ENTERPRISE_KINDS
    )


def renewals(unit: UnionUnit, day: date, structure: str = Structure.HISTORICAL):
    """Enterprises with a union whose latest agreement lapsed, or expires within 90 days.

    ``last_expires_on`` is the latest expiry among the agreements signed on or before
    ``day``: a renewal signed later was not known on that day, so the enterprise was
    due then. One that lapsed on or before ``day`` has no valid agreement, one
    expiring within the Labour Code's bargaining window needs talks now. An
    enterprise that never signed one by ``day`` has nothing to renew.
    """
    signed = Q(agreements__signed_on__lte=day)
    return (
        enterprises_with_union(unit, day, structure)
        .annotate(last_expires_on=Max("agreements__expires_on", filter=signed))
        .filter(last_expires_on__lte=day + RENEWAL_WINDOW)
        .select_related("grassroots_union", "industrial_zone")
        .order_by("last_expires_on", "name", "pk")
    )


def spells_on(
    unit: UnionUnit,
    day: date,
    *,
    has_union: bool | None = None,
    structure: str = Structure.HISTORICAL,
):
    """Spells of eligible employers placed in ``unit``'s subtree (of ``day``, or of
    today in the current structure) covering ``day`` (only those with, or without, an
    active CĐCS when ``has_union`` is given)."""
    if structure == Structure.CURRENT:
        placed = Q(has_union=True, grassroots_path__startswith=unit.path) | Q(
            has_union=False, managing_path__startswith=unit.path
        )
    else:
        placed = Q(place__in=UnionUnit.objects.within_on(unit, day).values("pk"))
    covering = EmployerSpell.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=day),
        placed,
        starts_on__lte=day,
        workers__gte=settings.ELIGIBLE_MIN_WORKERS,
    )
    if has_union is not None:
        covering = covering.filter(has_union=has_union)
    if day >= settings.STATE_SECTOR_UNIONS_ENDED_ON:
        covering = covering.exclude(kind__in=Employer.NO_UNION_KINDS)
    return covering


def largest_white_spots(
    unit: UnionUnit,
    day: date,
    count: int = 10,
    structure: str = Structure.HISTORICAL,
):
    """The top of ``white_spots(unit, day)``, read from the spells: (employer, workers)."""
    top = (
        spells_on(unit, day, has_union=False, structure=structure)
        .order_by("-workers", "employer_id")
        .values_list("employer_id", "workers")[:count]
    )
    top = list(top)
    employers = Employer.objects.select_related("industrial_zone").in_bulk(
        [employer_id for employer_id, _ in top]
    )
    return [(employers[employer_id], workers) for employer_id, workers in top]


def due_for_renewal(unit: UnionUnit, day: date, structure: str = Structure.HISTORICAL):
    """``renewals(unit, day)`` read from the spells: for the dashboard's count and top."""
    return (
        spells_on(unit, day, has_union=True, structure=structure)
        .filter(
            kind__in=Employer.ENTERPRISE_KINDS,
            last_agreement_expires_on__lte=day + RENEWAL_WINDOW,
        )
        .select_related("employer__grassroots_union")
        .order_by("last_agreement_expires_on", "employer__name", "employer_id")
    )


# --- Putting it together -------------------------------------------------------------


def coverage(
    unit: UnionUnit,
    day: date | None = None,
    *,
    structure: str = Structure.HISTORICAL,
) -> Coverage:
    """The figures of ``unit`` on ``day`` (default today)."""
    return coverage_with_children(unit, day, children=False, structure=structure)[0]


def coverage_with_children(
    unit: UnionUnit,
    day: date | None = None,
    *,
    children: bool = True,
    structure: str = Structure.HISTORICAL,
) -> tuple[Coverage, list[Coverage]]:
    """Figures of ``unit`` and of each direct child, from the same grouped queries.

    In the historical structure (the default) the subtree and the children are those
    of ``day``: a unit that moved later counts under its parent of that day. In the
    current structure they are today's, every unit's history counted where it is now.

    A child is listed when it is active on ``day`` or has anything to count. Each
    employer and membership is placed in one unit on a day, so the unit's figures are
    its children's rows plus a row of what is placed at the unit itself (``is_own``:
    employers it manages that have no active CĐCS, members it holds directly), listed
    last when it is not empty.
    """
    day = check_day(day or timezone.localdate())
    historical = structure == Structure.HISTORICAL
    if not children:
        kids = []
    elif historical:
        kids = list(UnionUnit.objects.children_on(unit, day).order_by("path"))
    else:
        kids = list(UnionUnit.objects.get_children(unit))
    total = Coverage(unit=unit, as_of=day)
    rows = {kid.path: Coverage(unit=kid, as_of=day) for kid in kids}
    key_length = len(unit.path) + UnionUnit.steplen

    if historical:
        _add_members_on_tree(total, rows, day)
        _add_grassroots_on_tree(total, rows, day)
    else:
        _add_members(total, rows, day)
        _add_grassroots(total, rows, unit, day, key_length)
    _add_employers(total, rows, day, historical)
    _add_targets([total, *rows.values()], day)

    listed = [
        row for row in rows.values() if row.unit.is_active_on(day) or not row.is_empty
    ]
    own = _own_row(total, rows.values())
    if kids and not own.is_empty:
        listed.append(own)
    return total, listed


ADDITIVE = [
    "workers",
    "members",
    "employers_eligible",
    "employers_with_union",
    "cdcs",
    "enterprises_with_union",
    "enterprises_with_cba",
    "admitted_this_year",
    "admitted_this_month",
    "founded_this_year",
    "due_for_renewal",
]


def _own_row(total: Coverage, children) -> Coverage:
    """What the unit's figures hold beyond its children's: what is placed at it."""
    own = Coverage(unit=total.unit, as_of=total.as_of, is_own=True)
    for name in ADDITIVE:
        setattr(
            own, name, getattr(total, name) - sum(getattr(c, name) for c in children)
        )
    return own


def _add_members_on_tree(total: Coverage, rows: dict[str, Coverage], day: date) -> None:
    """Members on ``day`` and admitted since 1 January, on the tree of ``day``
    (UnitMemberTally)."""
    by_pk = {row.unit.pk: row for row in [total, *rows.values()]}
    for pk, figures in dated_tally.members_on(list(by_pk), day).items():
        row = by_pk[pk]
        row.members += figures["members"]
        row.admitted_this_year += figures["year"]
        row.admitted_this_month += figures["month"]


def _add_members(total: Coverage, rows: dict[str, Coverage], day: date) -> None:
    """Members on ``day`` and admitted since 1 January, in today's tree (MemberTally)."""
    unit = total.unit
    keys = [unit.path, *rows]
    first_of_month = day.replace(day=1)
    first_of_year = day.replace(month=1, day=1)
    sums = {
        "members": Sum("net"),
        "admitted": Sum("admitted", filter=Q(starts_on__gte=first_of_year)),
    }
    tally = MemberTally.objects.order_by()
    before_this_month = tally.filter(path__in=keys, starts_on__lt=first_of_month)
    below = before_this_month.filter(span=MemberTally.Span.MONTH)
    own = before_this_month.filter(span=MemberTally.Span.DAY)
    this_month = (
        tally.filter(
            span=MemberTally.Span.DAY,
            starts_on__range=(first_of_month, day),
            path__startswith=unit.path,
        )
        .annotate(key=Substr("path", 1, len(unit.path) + UnionUnit.steplen))
        .values("key")
        .annotate(**sums)
    )
    entries = [
        *below.values("path").annotate(**sums),
        *own.values("path").annotate(**sums),
    ]
    for entry in entries:
        row = total if entry["path"] == unit.path else rows[entry["path"]]
        row.members += entry["members"]
        row.admitted_this_year += entry["admitted"] or 0
    for entry in this_month:
        for row in (total, rows.get(entry["key"])):
            if row is not None:
                row.members += entry["members"]
                row.admitted_this_year += entry["admitted"] or 0
                row.admitted_this_month += entry["admitted"] or 0


def _add_grassroots(total, rows, unit, day, key_length) -> None:
    groups = (
        UnionUnit.objects.within(unit)
        .grassroots()
        .filter(founded_on__lte=day)
        .annotate(key=Substr("path", 1, key_length))
        .values("key")
        .annotate(
            active=Count(
                "pk", filter=Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day)
            ),
            founded=Count("pk", filter=Q(founded_on__gte=day.replace(month=1, day=1))),
        )
        .order_by()
    )
    for group in groups:
        for row in (total, rows.get(group["key"])):
            if row is not None:
                row.cdcs += group["active"]
                row.founded_this_year += group["founded"]


def _add_grassroots_on_tree(total: Coverage, rows: dict[str, Coverage], day) -> None:
    """Active CĐCS on ``day`` (and founded since 1 January) under each unit, on the
    tree of ``day``: each unit's ancestry rows of that date."""
    by_pk = {row.unit.pk: row for row in [total, *rows.values()]}
    groups = (
        UnitAncestry.objects.on(day)
        .filter(
            ancestor__in=list(by_pk),
            unit__kind__in=GRASSROOTS_KINDS,
            unit__founded_on__lte=day,
        )
        .values("ancestor")
        .annotate(
            active=Count(
                "pk",
                filter=Q(unit__dissolved_on__isnull=True)
                | Q(unit__dissolved_on__gt=day),
            ),
            founded=Count(
                "pk", filter=Q(unit__founded_on__gte=day.replace(month=1, day=1))
            ),
        )
        .order_by()
    )
    for group in groups:
        row = by_pk[group["ancestor"]]
        row.cdcs += group["active"]
        row.founded_this_year += group["founded"]


def _add_employers(total, rows, day, historical: bool) -> None:
    """Employer figures of the unit and of each child, from the employer tally of the
    structure: keyed by unit on the tree of ``day``, by today's path otherwise.

    Each unit has rows of the employers placed in its subtree, so this reads about 75
    rows per unit whatever the size of its subtree (see employer_tally.py for how they
    are kept).
    """
    listed = [total, *rows.values()]
    if historical:
        found = employer_tally.figures_on(
            [row.unit.pk for row in listed], day, dated=True
        )
    else:
        found = employer_tally.figures_on([row.unit.path for row in listed], day)
    for row in listed:
        values = found.get(row.unit.pk if historical else row.unit.path)
        if values is None:
            continue
        row.employers_eligible += int(values["eligible"] or 0)
        row.workers += int(values["workers"] or 0)
        row.employers_with_union += int(values["with_union"] or 0)
        row.enterprises_with_union += int(values["enterprises"] or 0)
        row.enterprises_with_cba += int(values["with_cba"] or 0)
        row.due_for_renewal += int(values["renewals"] or 0)


def _add_targets(rows: list[Coverage], day: date) -> None:
    by_unit = {row.unit.pk: row for row in rows}
    for target in Target.objects.filter(unit__in=by_unit, year=day.year):
        by_unit[target.unit_id].target = target


def members_by_month(
    unit: UnionUnit,
    day: date,
    months: int = 60,
    *,
    current: Coverage | None = None,
    structure: str = Structure.HISTORICAL,
) -> list[tuple[date, int, int]]:
    """(day, members, admitted that month) at each of the ``months`` month ends up to ``day``.

    The last point is ``day`` itself, with its month so far; ``current``, the unit's
    figures on ``day`` when already computed, saves counting that month again. In the
    historical structure each month end is counted on the tree of that day.
    """
    first_of_month = day.replace(day=1)
    if current is None:
        current = coverage(unit, day, structure=structure)
    if structure == Structure.HISTORICAL:
        per_month = UnitMemberTally.objects.filter(
            unit=unit, span=UnitMemberTally.Span.MONTH, starts_on__lt=first_of_month
        ).annotate(month=F("starts_on"))
    else:
        per_month = MemberTally.objects.filter(
            path=unit.path, starts_on__lt=first_of_month
        ).annotate(month=TruncMonth("starts_on"))
    per_month = (
        per_month.values("month")
        .annotate(net=Sum("net"), admitted=Sum("admitted"))
        .order_by("month")
    )
    window = [_add_months(first_of_month, -k) for k in range(months - 1, 0, -1)]
    points, members, admitted = [], 0, {}
    history = [(row["month"], row["net"], row["admitted"]) for row in per_month]
    for month in window:
        while history and history[0][0] <= month:
            start, net, count = history.pop(0)
            members += net
            admitted[start] = count
        points.append(
            (_add_months(month, 1) - timedelta(days=1), members, admitted.get(month, 0))
        )
    points.append((day, current.members, current.admitted_this_month))
    return points


def _add_months(first_of_month: date, count: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)
