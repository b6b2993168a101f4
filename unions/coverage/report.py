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

Structures (figures.Structure). In today's structure the rows are today's children and
every unit's history counts where it is now. In the historical structure (the default)
a row is a unit that was directly under U at some time in the period, and a member
counts in it on a day when their CĐCS was under it that day: "at the start" and "at
the end" on the trees of those days, each admission, transfer and departure in the
row its CĐCS was under on its day. A reorganisation moves members and CĐCS between rows
without any of those: they are "moved in with their unit" to the row they came under
and "moved out with their unit" from the row they left, so that

    at the start + admitted + transferred in − transferred out − left
        + moved in − moved out = at the end

still holds in every row (and for CĐCS: at the start + founded − dissolved + moved in −
moved out = at the end). In the totals row a move between two rows cancels out; what
remains is what came into or left U's subtree.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from members.models import LeaveReason, Membership, StartReason
from unions.kinds import GRASSROOTS_KINDS
from unions.models import UnionUnit, UnitAncestry

from . import dated_tally
from .figures import (
    Coverage,
    Structure,
    _add_members,
    check_day,
    coverage_with_children,
)

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
    moved_in: int = 0
    moved_out: int = 0
    cdcs_at_start: int = 0
    founded: int = 0
    dissolved: int = 0
    cdcs_moved_in: int = 0
    cdcs_moved_out: int = 0
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
            + self.moved_in
            - self.moved_out
        )

    @property
    def cdcs_balance(self) -> int:
        return (
            self.cdcs_at_start
            + self.founded
            - self.dissolved
            + self.cdcs_moved_in
            - self.cdcs_moved_out
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
    structure: str = Structure.HISTORICAL

    @property
    def has_moves(self) -> bool:
        """Whether any row gained or lost members or CĐCS by a reorganisation."""
        return any(
            (row.moved_in, row.moved_out, row.cdcs_moved_in, row.cdcs_moved_out)
            != (0, 0, 0, 0)
            for row in self.rows
        )


def period_report(
    unit: UnionUnit,
    starts_on: date,
    ends_on: date,
    *,
    structure: str = Structure.HISTORICAL,
) -> PeriodReport:
    """The report for ``unit`` over [starts_on, ends_on] (both days included)."""
    check_day(starts_on)
    check_day(ends_on)
    if structure == Structure.HISTORICAL:
        rows = _rows_on_trees(unit, starts_on, ends_on)
    else:
        rows = _rows_in_todays_tree(unit, starts_on, ends_on)
    card = _add_employers(unit, rows, ends_on, structure)

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
    return PeriodReport(unit, starts_on, ends_on, listed, total, reasons, structure)


def _rows_in_todays_tree(unit, starts_on, ends_on) -> dict[str, ReportRow]:
    children = list(UnionUnit.objects.get_children(unit))
    key_length = len(unit.path) + (UnionUnit.steplen if children else 0)
    rows = {child.path: ReportRow(unit=child) for child in children}
    # What is held by the unit itself: its whole figures when it has no children.
    rows[unit.path] = ReportRow(unit=unit, is_own=bool(children))
    _add_member_counts(unit, rows, starts_on - timedelta(days=1), "members_at_start")
    _add_member_counts(unit, rows, ends_on, "members_at_end")
    _add_movements(unit, rows, starts_on, ends_on, key_length)
    _add_grassroots(unit, rows, starts_on, ends_on, key_length)
    return rows


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


def _add_employers(unit, rows, ends_on, structure) -> Coverage:
    """The dashboard's rows on the last day into the report's; returns its card."""
    total, children = coverage_with_children(unit, ends_on, structure=structure)
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


# --- The historical structure ----------------------------------------------------------

Placement = tuple[int, date, date | None]  # row unit, from, until (exclusive)


def _rows_on_trees(unit, starts_on, ends_on) -> dict[str, ReportRow]:
    """Rows of the units directly under ``unit`` at some time in the period, each
    counted on the tree of every day (see the module's docstring)."""
    before = starts_on - timedelta(days=1)
    placements, row_ids = _placements(unit, before, ends_on)
    units = UnionUnit.objects.in_bulk(row_ids)
    ordered = sorted(row_ids, key=lambda pk: units[pk].path)
    by_pk = {pk: ReportRow(unit=units[pk]) for pk in ordered}
    if unit.pk not in by_pk:  # what the unit holds itself, as in today's structure
        by_pk[unit.pk] = ReportRow(unit=unit, is_own=True)
        placements[unit.pk] = [(unit.pk, UnitAncestry.ALWAYS, None)]
    for day, attribute in ((before, "members_at_start"), (ends_on, "members_at_end")):
        held = {row for row in by_pk if _row_on(placements, row, day)}
        for pk, figures in dated_tally.members_on(held - {unit.pk}, day).items():
            setattr(by_pk[pk], attribute, figures["members"])
        if by_pk[unit.pk].is_own:
            own = Membership.objects.filter(unit=unit).active_on(day).count()
            setattr(by_pk[unit.pk], attribute, own)
        elif unit.pk in held:
            members = dated_tally.members_on([unit.pk], day).get(unit.pk)
            setattr(by_pk[unit.pk], attribute, members["members"] if members else 0)
    _add_membership_events(placements, by_pk, starts_on, ends_on)
    _add_membership_moves(placements, by_pk, starts_on, ends_on)
    _add_grassroots_on_trees(placements, by_pk, starts_on, ends_on)
    return {row.unit.path: row for row in by_pk.values()}


def _placements(unit, first: date, last: date):
    """unit id → [(row unit, from, until)]: when each unit was under a row unit that
    was directly under ``unit``, for the stretches touching [first, last]; and the
    row units. A unit with nothing under it is its own single row."""
    touching = Q(starts_on__lte=last) & (Q(ends_on__isnull=True) | Q(ends_on__gt=first))
    children = defaultdict(list)
    for child, starts, ends in UnitAncestry.objects.filter(
        touching, ancestor=unit, depth=1
    ).values_list("unit", "starts_on", "ends_on"):
        children[child].append((starts, ends))
    if not children:
        children[unit.pk].append((UnitAncestry.ALWAYS, None))
    found = defaultdict(list)
    below = UnitAncestry.objects.filter(touching, ancestor__in=list(children))
    for member_unit, row, starts, ends in below.values_list(
        "unit", "ancestor", "starts_on", "ends_on"
    ):
        for above_starts, above_ends in children[row]:
            lo = max(starts, above_starts)
            hi = min(d for d in (ends, above_ends) if d) if ends or above_ends else None
            if hi is None or lo < hi:
                found[member_unit].append((row, lo, hi))
    return {key: _merged(value) for key, value in found.items()}, set(children)


def _merged(placements: list[Placement]) -> list[Placement]:
    """One stretch per row for days in a row (a unit that moved deeper inside the
    same row stays in it)."""
    merged: list[Placement] = []
    for row, starts, ends in sorted(placements, key=lambda p: (p[0], p[1])):
        last = merged[-1] if merged else None
        if last and last[0] == row and (last[2] is None or last[2] >= starts):
            merged[-1] = (
                row,
                last[1],
                None if None in (last[2], ends) else max(last[2], ends),
            )
        else:
            merged.append((row, starts, ends))
    return merged


def _row_on(placements, row: int, day: date) -> bool:
    """Whether ``row`` was directly under the report's unit on ``day``."""
    return _row_of(placements, row, day) == row


def _row_of(placements, unit: int, day: date, *, ending: bool = False):
    """The row ``unit`` was under on ``day`` (on the day before, for an ``ending``)."""
    for row, starts, ends in placements.get(unit, []):
        if ending and starts < day and (ends is None or day <= ends):
            return row
        if not ending and starts <= day and (ends is None or day < ends):
            return row
    return None


def _add_membership_events(placements, by_pk, starts_on, ends_on) -> None:
    """Admissions, transfers and departures, in the row of their day."""
    memberships = Membership.objects.filter(unit__in=list(placements))
    starts = [
        (member, day, _row_of(placements, unit, day), reason)
        for member, day, unit, reason in memberships.filter(
            started_on__range=(starts_on, ends_on)
        ).values_list("member_id", "started_on", "unit_id", "start_reason")
    ]
    ends = [
        (member, day, _row_of(placements, unit, day, ending=began < day), reason)
        for member, day, began, unit, reason in memberships.filter(
            left_on__range=(starts_on, ends_on)
        ).values_list("member_id", "left_on", "started_on", "unit_id", "leave_reason")
    ]
    _count_movements(by_pk, starts, ends)


def _count_movements(rows, starts, ends) -> None:
    """Count (member, day, row key, reason) starts and ends into ``rows``; a transfer
    whose end and start fall in one row on one day is counted nowhere."""
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
        if row is None:  # outside every row that day
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


def _boundaries(placements, starts_on, ends_on):
    """(unit, row, day, "in" or "out"): a unit coming under a row, or leaving it,
    during the period."""
    for unit, stretches in placements.items():
        for row, starts, ends in stretches:
            if starts_on <= starts <= ends_on:
                yield unit, row, starts, "in"
            if ends is not None and starts_on <= ends <= ends_on:
                yield unit, row, ends, "out"


def _add_membership_moves(placements, by_pk, starts_on, ends_on) -> None:
    """Members who came under a row, or left it, with their unit: memberships that
    started before the day and had not ended by it."""
    by_day = defaultdict(list)
    for unit, row, day, way in _boundaries(placements, starts_on, ends_on):
        by_day[day].append((unit, row, way))
    for day, crossing in by_day.items():
        counts = dict(
            Membership.objects.filter(
                Q(left_on__isnull=True) | Q(left_on__gt=day),
                unit__in={unit for unit, _row, _way in crossing},
                started_on__lt=day,
            )
            .values("unit")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("unit", "n")
        )
        for unit, row, way in crossing:
            if way == "in":
                by_pk[row].moved_in += counts.get(unit, 0)
            else:
                by_pk[row].moved_out += counts.get(unit, 0)


def _add_grassroots_on_trees(placements, by_pk, starts_on, ends_on) -> None:
    """CĐCS the same way: active at the start and the end in the row of that day,
    founded and dissolved in the row of their day, moved in and out with a unit."""
    before = starts_on - timedelta(days=1)
    grassroots = list(
        UnionUnit.objects.filter(
            pk__in=list(placements), kind__in=GRASSROOTS_KINDS
        ).values_list("pk", "founded_on", "dissolved_on")
    )
    for pk, founded, dissolved in grassroots:
        for day, attribute in ((before, "cdcs_at_start"), (ends_on, "cdcs_at_end")):
            row = _row_of(placements, pk, day)
            if row and founded <= day and (dissolved is None or day < dissolved):
                setattr(by_pk[row], attribute, getattr(by_pk[row], attribute) + 1)
        if starts_on <= founded <= ends_on:
            row = _row_of(placements, pk, founded)
            if row:
                by_pk[row].founded += 1
        if dissolved and starts_on <= dissolved <= ends_on:
            row = _row_of(placements, pk, dissolved, ending=founded < dissolved)
            if row:
                by_pk[row].dissolved += 1
    active = {pk: (founded, dissolved) for pk, founded, dissolved in grassroots}
    for unit, row, day, way in _boundaries(placements, starts_on, ends_on):
        if unit not in active:
            continue
        founded, dissolved = active[unit]
        if founded < day and (dissolved is None or dissolved > day):
            if way == "in":
                by_pk[row].cdcs_moved_in += 1
            else:
                by_pk[row].cdcs_moved_out += 1
