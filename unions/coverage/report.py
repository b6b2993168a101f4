"""The periodic statistical report: members and CĐCS moving through a period, by child unit.

For a unit U and a period [starts_on, ends_on], one row per unit directly under U (U
itself when it has none). In every row, and in the totals row (the column sums):

    members at the start + admitted + transferred in − transferred out − left = at the end

- "At the start" is the count on the day before the period, i.e. the previous period's
  end; "at the end" the count on its last day. Both come from the same tally as the
  dashboard, so the report and the dashboard agree.
- Admitted counts admissions and readmissions started in the period.
- A transfer (a membership ended with reason "transfer" and the same person's next one
  started "transferred" on that same day) between two CĐCS of the same row is not in or
  out of that row: it is counted nowhere. A transfer between two rows is "out" in one
  and "in" in the other, so in the totals row it appears in both columns. A transfer
  start whose previous membership is outside the row (or not in the registry) is "in";
  a transfer end whose next membership is outside the row is "out".
- Every other ending counts under "left", by reason.
CĐCS: active the day before, founded and dissolved in the period, active on the last day.
Employers and enterprises with agreements are the dashboard's figures on the last day.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from members.models import LeaveReason, Membership, StartReason
from unions.models import UnionUnit

from .figures import Coverage, _add_members, check_day, coverage_with_children

LEFT_REASONS = [
    reason for reason in LeaveReason.values if reason != LeaveReason.TRANSFER
]
OTHER = "other"


@dataclass
class ReportRow:
    unit: UnionUnit | None
    # What is placed at the unit itself (see figures.coverage_with_children).
    is_own: bool = False
    members_at_start: int = 0
    admitted: int = 0
    transferred_in: int = 0
    transferred_out: int = 0
    left: Counter = field(default_factory=Counter)
    members_at_end: int = 0
    cdcs_at_start: int = 0
    founded: int = 0
    dissolved: int = 0
    cdcs_at_end: int = 0
    employers_eligible: int = 0
    employers_with_union: int = 0
    enterprises_with_union: int = 0
    enterprises_with_cba: int = 0

    @property
    def label(self) -> str:
        if self.is_own:
            return _("Placed at %(unit)s itself") % {"unit": self.unit.name}
        return self.unit.name

    @property
    def left_total(self) -> int:
        return sum(self.left.values())

    def left_by(self, reason: str) -> int:
        return self.left[reason]

    @property
    def balance(self) -> int:
        """What the start and the movements say the end should be."""
        return (
            self.members_at_start
            + self.admitted
            + self.transferred_in
            - self.transferred_out
            - self.left_total
        )

    @property
    def is_empty(self) -> bool:
        return not any(
            getattr(self, name)
            for name in self.__dataclass_fields__
            if name not in ("unit", "is_own")
        )

    def add(self, other: "ReportRow") -> None:
        for name in self.__dataclass_fields__:
            if name in ("unit", "is_own"):
                continue
            if name == "left":
                self.left.update(other.left)
            else:
                setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class PeriodReport:
    unit: UnionUnit
    starts_on: date
    ends_on: date
    rows: list[ReportRow]
    total: ReportRow
    left_reasons: list[str]


def period_report(unit: UnionUnit, starts_on: date, ends_on: date) -> PeriodReport:
    """The report for ``unit`` over [starts_on, ends_on] (both days included)."""
    check_day(starts_on)
    check_day(ends_on)
    children = list(UnionUnit.objects.get_children(unit))
    key_length = len(unit.path) + (UnionUnit.steplen if children else 0)
    rows = {child.path: ReportRow(unit=child) for child in children}
    # What is held by the unit itself: its whole figures when it has no children.
    rows[unit.path] = ReportRow(unit=unit, is_own=bool(children))

    _add_member_counts(unit, rows, starts_on - timedelta(days=1), "members_at_start")
    _add_member_counts(unit, rows, ends_on, "members_at_end")
    _add_movements(unit, rows, starts_on, ends_on, key_length)
    _add_grassroots(unit, rows, starts_on, ends_on, key_length)
    card = _add_employers(unit, rows, ends_on)

    listed = [
        row
        for row in rows.values()
        if not row.is_empty
        or (not row.is_own and _existed_during(row.unit, starts_on, ends_on))
    ]
    total = ReportRow(unit=None)
    for row in listed:
        total.add(row)
    # The employer columns of the total row are the dashboard's cards on the last day
    # (each employer is in one row, so they are also the sum of the rows).
    total.employers_eligible = card.employers_eligible
    total.employers_with_union = card.employers_with_union
    total.enterprises_with_union = card.enterprises_with_union
    total.enterprises_with_cba = card.enterprises_with_cba
    reasons = [reason for reason in LEFT_REASONS if total.left[reason]]
    if total.left[OTHER]:
        reasons.append(OTHER)
    return PeriodReport(unit, starts_on, ends_on, listed, total, reasons)


def _existed_during(unit: UnionUnit, starts_on: date, ends_on: date) -> bool:
    return unit.founded_on <= ends_on and (
        unit.dissolved_on is None or unit.dissolved_on > starts_on
    )


def _add_member_counts(unit, rows, day, attribute) -> None:
    total = Coverage(unit=unit, as_of=day)
    counted = {path: Coverage(unit=row.unit, as_of=day) for path, row in rows.items()}
    counted.pop(unit.path)
    _add_members(total, counted, day)
    for path, row in rows.items():
        if path == unit.path:  # the unit's own: its figures less its children's
            members = total.members - sum(kid.members for kid in counted.values())
        else:
            members = counted[path].members
        setattr(row, attribute, members)


def _add_movements(unit, rows, starts_on, ends_on, key_length) -> None:
    memberships = Membership.objects.within(unit).annotate(
        key=Substr("unit__path", 1, key_length)
    )
    starts = list(
        memberships.filter(started_on__range=(starts_on, ends_on)).values_list(
            "member_id", "started_on", "key", "start_reason"
        )
    )
    ends = list(
        memberships.filter(left_on__range=(starts_on, ends_on)).values_list(
            "member_id", "left_on", "key", "leave_reason"
        )
    )
    # A transfer inside one row: the end and the start of the same person, same day.
    internal = Counter(
        (member, day, key)
        for member, day, key, reason in ends
        if reason == LeaveReason.TRANSFER
    ) & Counter(
        (member, day, key)
        for member, day, key, reason in starts
        if reason == StartReason.TRANSFERRED
    )
    skip_start, skip_end = Counter(internal), Counter(internal)

    for member, day, key, reason in starts:
        row = rows.get(key)
        if row is None:  # a membership held by the upper-level unit itself
            continue
        if reason == StartReason.TRANSFERRED and skip_start[(member, day, key)]:
            skip_start[(member, day, key)] -= 1
        elif reason == StartReason.TRANSFERRED:
            row.transferred_in += 1
        else:
            row.admitted += 1
    for member, day, key, reason in ends:
        row = rows.get(key)
        if row is None:
            continue
        if reason == LeaveReason.TRANSFER and skip_end[(member, day, key)]:
            skip_end[(member, day, key)] -= 1
        elif reason == LeaveReason.TRANSFER:
            row.transferred_out += 1
        else:
            row.left[reason if reason in LEFT_REASONS else OTHER] += 1


def _add_grassroots(unit, rows, starts_on, ends_on, key_length) -> None:
    before = starts_on - timedelta(days=1)
    groups = (
        UnionUnit.objects.within(unit)
        .grassroots()
        .annotate(key=Substr("path", 1, key_length))
        .values("key")
        .annotate(
            at_start=Count(
                "pk",
                filter=Q(founded_on__lte=before)
                & (Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=before)),
            ),
            founded=Count("pk", filter=Q(founded_on__range=(starts_on, ends_on))),
            dissolved=Count("pk", filter=Q(dissolved_on__range=(starts_on, ends_on))),
            at_end=Count(
                "pk",
                filter=Q(founded_on__lte=ends_on)
                & (Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=ends_on)),
            ),
        )
        .order_by()
    )
    for group in groups:
        row = rows.get(group["key"])
        if row is None:
            continue
        row.cdcs_at_start += group["at_start"]
        row.founded += group["founded"]
        row.dissolved += group["dissolved"]
        row.cdcs_at_end += group["at_end"]


def _add_employers(unit, rows, ends_on) -> Coverage:
    """The dashboard's rows on the last day into the report's; returns its card."""
    total, children = coverage_with_children(unit, ends_on)
    by_path = {child.unit.path: child for child in children if not child.is_own}
    by_path[unit.path] = next((c for c in children if c.is_own), None)
    if len(rows) == 1:  # no children: the unit's row is its card
        by_path[unit.path] = total
    for path, row in rows.items():
        figures = by_path.get(path)
        if figures is None:
            continue
        row.employers_eligible = figures.employers_eligible
        row.employers_with_union = figures.employers_with_union
        row.enterprises_with_union = figures.enterprises_with_union
        row.enterprises_with_cba = figures.enterprises_with_cba
    return total
