"""Changes to the union tree and employers: one function per workflow, one transaction each.

The tree's dated primitives (unions/ancestry.py): ``create_unit(s)``, ``move_unit``,
``move_units``, ``move_many`` (a dated move, refused in the future), ``undo_move(s)``
(exact, for moves recorded today), ``dissolve_unit(s)``.
"""

from collections import Counter
from datetime import date
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import ancestry, paths
from .kinds import GRASSROOTS_KINDS, may_hold
from .models import (
    Employer,
    FormerCode,
    UnionUnit,
    UnitAncestry,
    UnitMove,
    WorkforceReport,
)
from .signoff import OpenPeriods, check_open, employer_units


def _check_place(*, kind: str, parent: UnionUnit | None) -> None:
    if parent is not None and parent.kind in GRASSROOTS_KINDS:
        raise ValidationError(
            _("%(parent)s is a grassroots union: it cannot have units under it.")
            % {"parent": parent}
        )
    if not may_hold(parent.kind if parent else None, kind):
        label = UnionUnit.Kind(kind).label
        if parent is None:
            raise ValidationError(
                _("A %(kind)s cannot be a top-level unit.") % {"kind": label}
            )
        raise ValidationError(
            _("A %(kind)s cannot sit under a %(parent_kind)s.")
            % {"kind": label, "parent_kind": parent.get_kind_display()}
        )


@transaction.atomic
def create_unit(
    *,
    code: str,
    name: str,
    kind: str,
    founded_on: date,
    parent: UnionUnit | None = None,
    dissolved_on: date | None = None,
    decision: str = "",
    province=None,
    ward=None,
) -> UnionUnit:
    """Found a unit under ``parent`` (or as the deployment's root)."""
    _check_place(kind=kind, parent=parent)
    unit = UnionUnit(
        code=code,
        name=name,
        kind=kind,
        founded_on=founded_on,
        dissolved_on=dissolved_on,
        decision=decision,
        province=province,
        ward=ward,
    )
    # Normalised first, so "cdcs-a" is checked as the "CDCS-A" it will be stored as;
    # treebeard assigns path and depth, everything else is validated before that.
    unit.set_derived_fields()
    unit.full_clean(exclude=["path", "depth", "numchild"])
    _refuse_former_code(unit.code)
    check_open([parent], founded_on)
    if parent is None:
        return UnionUnit.objects.add_root(instance=unit)
    return UnionUnit.objects.add_child(parent, instance=unit)


@transaction.atomic
def create_units(*, parent: UnionUnit, units: list[UnionUnit]) -> list[UnionUnit]:
    """Found ``units`` (unsaved) under ``parent`` at once, after its existing children.

    The checks of ``create_unit`` with one insert for all: for loading a whole tree
    (the demo province), where ``create_unit`` costs a handful of queries per unit.
    """
    target, parent = parent, UnionUnit.objects.select_for_update().get(pk=parent.pk)
    for unit in units:
        _check_place(kind=unit.kind, parent=parent)
        unit.set_derived_fields()
        # Codes are checked once for all below; the unit's own dates here.
        unit.full_clean(
            exclude=["path", "depth", "numchild"],
            validate_unique=False,
            validate_constraints=False,
        )
        if unit.dissolved_on and unit.dissolved_on < unit.founded_on:
            raise ValidationError(
                _("A unit cannot be dissolved before it was founded.")
            )
    codes = Counter(unit.code for unit in units)
    taken = set(UnionUnit.objects.filter(code__in=codes).values_list("code", flat=True))
    taken.update(
        FormerCode.objects.filter(code__in=codes).values_list("code", flat=True)
    )
    taken.update(code for code, count in codes.items() if count > 1)
    if taken:
        raise ValidationError(
            _("These codes are already used: %(codes)s.")
            % {"codes": ", ".join(sorted(taken))}
        )
    if units:
        check_open([parent], min(unit.founded_on for unit in units))
    last = UnionUnit.objects.get_last_child(parent)
    first_step = paths.step_number(last.path) + 1 if last else 1
    for number, unit in enumerate(units, start=first_step):
        unit.depth, unit.numchild = parent.depth + 1, 0
        unit.path = parent.path + paths.step(number)
    UnionUnit.objects.bulk_create(units, batch_size=500)
    UnionUnit.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(units))
    # As treebeard's add_child does: the caller's parent knows it has children now.
    target.numchild = parent.numchild + len(units)
    return units


def _first_day_changed(before: UnionUnit, after: UnionUnit) -> date | None:
    """The first day whose figures a change of a unit's dates or kind alters."""
    days = []
    if before.founded_on != after.founded_on:
        days += [before.founded_on, after.founded_on]
    if before.dissolved_on != after.dissolved_on:
        days += [day for day in (before.dissolved_on, after.dissolved_on) if day]
    if (before.kind in GRASSROOTS_KINDS) != (after.kind in GRASSROOTS_KINDS):
        days.append(min(before.founded_on, after.founded_on))  # counted as CĐCS or not
    return min(days, default=None)


def _refuse_former_code(code: str) -> None:
    former = FormerCode.objects.filter(code=code).select_related("unit").first()
    if former is not None:
        raise ValidationError(
            {
                "code": _(
                    "The code %(code)s was used by %(unit)s until %(day)s and still finds it."
                )
                % {
                    "code": code,
                    "unit": former.unit,
                    "day": f"{former.used_until:%d/%m/%Y}",
                }
            },
            code="code_taken",
        )


@transaction.atomic
def update_unit(*, unit: UnionUnit, **fields) -> UnionUnit:
    """Change a unit's own details (not its place in the tree: see ``move_unit``)."""
    before = UnionUnit.objects.get(pk=unit.pk)
    for name, value in fields.items():
        setattr(unit, name, value)
    if day := _first_day_changed(before, unit):
        check_open([unit], day)
    if "kind" in fields:
        parent = UnionUnit.objects.get_parent(unit)
        _check_place(kind=unit.kind, parent=parent)
        if unit.kind in GRASSROOTS_KINDS and UnionUnit.objects.get_children_count(unit):
            raise ValidationError(
                _("A grassroots union cannot have units under it; move them first.")
            )
        for child in UnionUnit.objects.get_children(unit):
            if not may_hold(unit.kind, child.kind):
                raise ValidationError(
                    _("%(child)s could no longer sit under this unit.")
                    % {"child": child}
                )
    unit.set_derived_fields()
    unit.full_clean(exclude=["path", "depth", "numchild"])
    unit.save()
    return unit


@transaction.atomic
def move_unit(
    *,
    unit: UnionUnit,
    new_parent: UnionUnit,
    moved_on: date,
    decision: str,
    user=None,
) -> UnionUnit:
    """Re-parent ``unit`` with its whole subtree from ``moved_on`` (e.g. a CĐCS whose
    district was ended); the tree before that date stays as it was."""
    move_many(
        moves=[(unit, new_parent)], moved_on=moved_on, decision=decision, user=user
    )
    return UnionUnit.objects.get(pk=unit.pk)


@transaction.atomic
def move_units(
    *,
    units: list[UnionUnit],
    new_parent: UnionUnit,
    moved_on: date,
    decision: str,
    user=None,
) -> list[UnionUnit]:
    """Re-parent several units, each with its subtree, under ``new_parent`` at once
    (a reorganisation moves hundreds of CĐCS on one date); the units keep the order
    given."""
    move_many(
        moves=[(unit, new_parent) for unit in units],
        moved_on=moved_on,
        decision=decision,
        user=user,
    )
    moved = UnionUnit.objects.in_bulk([unit.pk for unit in units])
    target = new_parent
    target.numchild = UnionUnit.objects.get(pk=new_parent.pk).numchild
    return [moved[unit.pk] for unit in units]


@transaction.atomic
def move_many(
    *,
    moves: list[tuple[UnionUnit, UnionUnit]],
    moved_on: date,
    decision: str,
    user=None,
) -> list[UnitMove]:
    """Move each unit, with its subtree, under its new parent from ``moved_on``.

    Figures before ``moved_on`` do not change (unions/ancestry.py). Refused, with
    nothing changed: no decision number, a date in the future (planned changes are
    not stored: record a move on or after its date), a date before a later move of
    the same units or of units under them, a parent dissolved or not yet founded on
    the date, a kind the Statute does not allow there, a move under the unit's own
    subtree. The pages and imports move units through unions/reorganisation.py,
    which records the operation and undoes it.
    """
    decision = require_decision(decision)
    check_move_date(moved_on)
    ids = [unit.pk for unit, _ in moves] + [parent.pk for _, parent in moves]
    locked = UnionUnit.objects.select_for_update().in_bulk(ids)
    moves = [(locked[unit.pk], locked[parent.pk]) for unit, parent in moves]
    for unit, new_parent in moves:
        _check_move(unit, new_parent, moved_on)
    moved_paths = sorted(unit.path for unit, _ in moves)
    for outer, inner in pairwise(moved_paths):
        if inner.startswith(outer):
            raise ValidationError(_("A unit and a unit under it cannot both be moved."))
    for _unit, new_parent in moves:
        if any(new_parent.path.startswith(path) for path in moved_paths):
            raise ValidationError(
                _(
                    "%(parent)s is itself being moved: move it first, then the units under it."
                )
                % {"parent": new_parent}
            )
    subtree = ancestry.subtree_ids([unit for unit, _ in moves])
    _check_no_later_change([unit for unit, _ in moves], subtree, moved_on)

    before = ancestry.parent_rows([unit.pk for unit, _ in moves])
    step = UnionUnit.steplen
    old_parents = UnionUnit.objects.in_bulk(
        {unit.path[:-step] for unit, _ in moves}, field_name="path"
    )
    # No later move: from ``moved_on`` on, each unit was under today's parent.
    check_open([*old_parents.values(), *(parent for _, parent in moves)], moved_on)
    records = [
        UnitMove(
            unit=unit,
            from_parent=old_parents.get(unit.path[:-step]),
            to_parent=new_parent,
            moved_on=moved_on,
            decision=decision,
            moved_by=user,
            from_path=unit.path,
            parents_before=[
                [parent, starts.isoformat(), ends and ends.isoformat()]
                for parent, starts, ends in before.get(unit.pk, [])
            ],
        )
        for unit, new_parent in moves
    ]
    paths.relocate([(unit, new_parent, "") for unit, new_parent in moves])
    ancestry.rewrite(
        subtree,
        {
            unit.pk: ancestry.moved_parents(
                before.get(unit.pk, []), new_parent.pk, moved_on
            )
            for unit, new_parent in moves
        },
    )
    return UnitMove.objects.bulk_create(records)


@transaction.atomic
def undo_moves(*, moves: list[UnitMove]) -> None:
    """Undo moves recorded today, exactly: each unit goes back to its place in
    today's tree and to its parents over time, and the move records are deleted.

    Refused, nothing changed, for a move recorded on an earlier day, or when the
    units or units under them moved again afterwards (undo the later move first).
    """
    today = timezone.localdate()
    moves = list(
        UnitMove.objects.select_related("unit", "from_parent", "to_parent").filter(
            pk__in=[move.pk for move in moves]
        )
    )
    for move in moves:
        if timezone.localdate(move.recorded_at) != today:
            raise ValidationError(
                _(
                    "The move of %(unit)s was recorded on %(day)s: only a move recorded today can be undone."
                )
                % {
                    "unit": move.unit,
                    "day": f"{timezone.localdate(move.recorded_at):%d/%m/%Y}",
                }
            )
    units = list(
        UnionUnit.objects.select_for_update().filter(pk__in=[m.unit_id for m in moves])
    )
    subtree = ancestry.subtree_ids(units)
    since = min(move.moved_on for move in moves)
    touched = UnitAncestry.objects.filter(ancestor__in=units).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=since)
    )
    later = (
        UnitMove.objects.filter(
            unit__in=touched.values("unit"), pk__gt=min(m.pk for m in moves)
        )
        .exclude(pk__in=[m.pk for m in moves])
        .select_related("unit")
        .first()
    )
    if later:
        raise ValidationError(
            _("%(unit)s moved again later (on %(day)s): undo that move first.")
            % {"unit": later.unit, "day": f"{later.moved_on:%d/%m/%Y}"}
        )
    by_pk = {unit.pk: unit for unit in units}
    step = UnionUnit.steplen
    for move in moves:
        unit = by_pk[move.unit_id]
        if move.to_parent is None or unit.path[:-step] != move.to_parent.path:
            raise ValidationError(
                _("%(unit)s is no longer under %(parent)s: this move cannot be undone.")
                % {"unit": unit, "parent": move.to_parent}
            )
    signed = OpenPeriods(
        {m.from_parent_id for m in moves} | {m.to_parent_id for m in moves},
        since=min(move.moved_on for move in moves),
    )
    for move in moves:
        signed.check([move.from_parent_id, move.to_parent_id], move.moved_on)
    paths.relocate([(by_pk[m.unit_id], m.from_parent, m.from_path) for m in moves])
    ancestry.rewrite(
        subtree,
        {
            move.unit_id: [
                (parent, date.fromisoformat(starts), ends and date.fromisoformat(ends))
                for parent, starts, ends in move.parents_before
            ]
            for move in moves
        },
    )
    UnitMove.objects.filter(pk__in=[move.pk for move in moves]).delete()


def undo_move(*, move: UnitMove) -> None:
    """Undo one move recorded today (see ``undo_moves``)."""
    undo_moves(moves=[move])


def require_decision(decision: str) -> str:
    """Refuse a move or a dissolution without the number of its decision; returns it,
    trimmed."""
    decision = (decision or "").strip()
    if not decision:
        missing = ValidationError(
            _("Give the number of the decision (số quyết định)."),
            code="decision_missing",
        )
        raise ValidationError({"decision": missing})
    return decision


def check_move_date(moved_on: date) -> date:
    """Refuse a move dated in the future (planned changes are not stored) or before 1900."""
    if moved_on > timezone.localdate():
        raise ValidationError(
            _(
                "A move cannot be dated in the future: planned changes are not stored. Record it on or after %(day)s."
            )
            % {"day": f"{moved_on:%d/%m/%Y}"},
            code="future",
        )
    if moved_on < UnitAncestry.ALWAYS:
        raise ValidationError(_("Choose a date from 01/01/1900 on."), code="too_early")
    return moved_on


def check_move(*, unit: UnionUnit, new_parent: UnionUnit, moved_on: date) -> None:
    """Refuse one move the tree's rules forbid (``move_many``'s checks of a single
    unit, and a signed-off period): the rows of a mapping file are checked one by one
    with it."""
    _check_move(unit, new_parent, moved_on)
    check_open([unit, new_parent], moved_on)


def _check_move(unit: UnionUnit, new_parent: UnionUnit, moved_on: date) -> None:
    if new_parent.path.startswith(unit.path):
        raise ValidationError(
            _("A unit cannot be moved under itself or its own subtree.")
        )
    _check_place(kind=unit.kind, parent=new_parent)
    if unit.path[: -UnionUnit.steplen] == new_parent.path:
        raise ValidationError(
            _("The unit is already under %(parent)s.") % {"parent": new_parent}
        )
    day = f"{moved_on:%d/%m/%Y}"
    if unit.founded_on > moved_on:
        raise ValidationError(
            _("%(unit)s was founded on %(founded)s: it cannot move on %(day)s.")
            % {"unit": unit, "founded": f"{unit.founded_on:%d/%m/%Y}", "day": day}
        )
    if unit.dissolved_on and unit.dissolved_on <= moved_on:
        raise ValidationError(
            _("%(unit)s was dissolved on %(ended)s: it cannot move on %(day)s.")
            % {"unit": unit, "ended": f"{unit.dissolved_on:%d/%m/%Y}", "day": day}
        )
    if new_parent.founded_on > moved_on:
        raise ValidationError(
            _("%(parent)s was founded on %(founded)s, after %(day)s.")
            % {
                "parent": new_parent,
                "founded": f"{new_parent.founded_on:%d/%m/%Y}",
                "day": day,
            }
        )
    if new_parent.dissolved_on and new_parent.dissolved_on <= moved_on:
        raise ValidationError(
            _(
                "%(parent)s was dissolved on %(ended)s: nothing can move under it on %(day)s."
            )
            % {
                "parent": new_parent,
                "ended": f"{new_parent.dissolved_on:%d/%m/%Y}",
                "day": day,
            }
        )
    was_under = UnitAncestry.objects.filter(unit=new_parent, ancestor=unit).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=moved_on)
    )
    if was_under.exists():
        raise ValidationError(
            _(
                "%(parent)s was under %(unit)s after %(day)s: a unit cannot be moved under its own subtree."
            )
            % {"parent": new_parent, "unit": unit, "day": day}
        )


def _check_no_later_change(units, subtree: set[int], moved_on: date) -> None:
    """Refuse a move dated before a change of the moved units' subtrees: a unit that
    came under them, or left them, after ``moved_on``."""
    left = (
        UnitAncestry.objects.filter(ancestor__in=units, depth__gt=0)
        .filter(ends_on__gt=moved_on)
        .order_by("-ends_on")
        .values_list("ends_on", flat=True)
        .first()
    )
    came = ancestry.last_change_on(subtree)
    last = max(day for day in (left, came, moved_on) if day)
    if last > moved_on:
        raise ValidationError(
            _(
                "These units or units under them moved on %(last)s: a move cannot be dated earlier (%(day)s)."
            )
            % {"last": f"{last:%d/%m/%Y}", "day": f"{moved_on:%d/%m/%Y}"},
            code="before_later_move",
        )


@transaction.atomic
def dissolve_unit(*, unit: UnionUnit, dissolved_on: date, decision: str) -> UnionUnit:
    """End a unit on ``dissolved_on`` by ``decision``; it stays in the tree for
    history, never deleted. The pages and imports dissolve units through
    unions/reorganisation.py (members/reorganisation.py for a CĐCS and its members),
    which hands over what the unit held and can undo it."""
    decision = require_decision(decision)
    _check_dissolution(unit, dissolved_on, ending=[unit.pk])
    check_open([unit], min(filter(None, [dissolved_on, unit.dissolved_on])))
    unit.dissolved_on = dissolved_on
    unit.decision = decision
    unit.save(update_fields=["dissolved_on", "decision", "search_name", "name", "code"])
    return unit


@transaction.atomic
def dissolve_units(
    *, units: list[UnionUnit], dissolved_on: date, decision: str
) -> list[UnionUnit]:
    """End several units on one date (the 2025 dissolutions): ``dissolve_unit``'s
    checks, one update for all."""
    decision = require_decision(decision)
    ending = UnionUnit.objects.select_for_update().in_bulk([u.pk for u in units])
    for unit in ending.values():
        _check_dissolution(unit, dissolved_on, ending=list(ending))
    check_open(ending, dissolved_on)
    UnionUnit.objects.filter(pk__in=ending).update(
        dissolved_on=dissolved_on, decision=decision
    )
    ended = UnionUnit.objects.in_bulk(list(ending))
    return [ended[unit.pk] for unit in units]


def _check_dissolution(unit: UnionUnit, dissolved_on: date, *, ending: list) -> None:
    """Refuse to end ``unit`` before its founding, or while a unit under it on that
    day or later, not among ``ending`` (the ids ended together with it), is still
    active then."""
    if dissolved_on < unit.founded_on:
        raise ValidationError(_("A unit cannot be dissolved before it was founded."))
    if unit.is_grassroots:  # a CĐCS is a leaf
        return
    below = (
        UnitAncestry.objects.filter(ancestor=unit, depth__gt=0)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=dissolved_on))
        .exclude(unit__in=ending)
        .values_list("starts_on", "ends_on", "unit__founded_on", "unit__dissolved_on")
    )
    still_open = any(
        (ended is None or ended > max(starts, dissolved_on))
        and (ends is None or founded < ends)
        for starts, ends, founded, ended in below
    )
    if still_open:
        raise ValidationError(
            _("Units under %(unit)s are still active: dissolve or move them first.")
            % {"unit": unit}
        )


@transaction.atomic
def record_workforce(
    *, employer: Employer, workers: int, reported_on: date
) -> Employer:
    """Record a worker count; the latest report is also the employer's current count."""
    if workers < 0:
        raise ValidationError(_("A worker count cannot be negative."))
    known = employer.workforce_reports.filter(reported_on=reported_on).first()
    if known is None or known.workers != workers:
        check_open(employer_units(employer), reported_on)
    WorkforceReport.objects.update_or_create(
        employer=employer, reported_on=reported_on, defaults={"workers": workers}
    )
    latest = employer.workforce_reports.order_by("-reported_on").first()
    employer.workers, employer.workers_reported_on = latest.workers, latest.reported_on
    employer.save(
        update_fields=["workers", "workers_reported_on", "name", "search_name"]
    )
    return employer
