"""Changes to the union tree and employers: one function per workflow, one transaction each."""

from collections import Counter
from datetime import date
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from .kinds import GRASSROOTS_KINDS, may_hold
from .models import Employer, UnionUnit, UnitMove, WorkforceReport


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
    taken.update(code for code, count in codes.items() if count > 1)
    if taken:
        raise ValidationError(
            _("These codes are already used: %(codes)s.")
            % {"codes": ", ".join(sorted(taken))}
        )
    last = UnionUnit.objects.get_last_child(parent)
    first_step = _step_number(last.path) + 1 if last else 1
    for number, unit in enumerate(units, start=first_step):
        unit.depth, unit.numchild = parent.depth + 1, 0
        unit.path = parent.path + _step(number)
    UnionUnit.objects.bulk_create(units, batch_size=500)
    UnionUnit.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(units))
    # As treebeard's add_child does: the caller's parent knows it has children now.
    target.numchild = parent.numchild + len(units)
    return units


def _step(number: int) -> str:
    """The last ``steplen`` characters of the path of a parent's ``number``-th child."""
    digits = ""
    while number:
        number, digit = divmod(number, len(UnionUnit.alphabet))
        digits = UnionUnit.alphabet[digit] + digits
    if len(digits) > UnionUnit.steplen:
        raise ValidationError(_("Too many units under one parent."))
    return digits.rjust(UnionUnit.steplen, UnionUnit.alphabet[0])


def _step_number(path: str) -> int:
    return int(path[-UnionUnit.steplen :], len(UnionUnit.alphabet))


@transaction.atomic
def update_unit(*, unit: UnionUnit, **fields) -> UnionUnit:
    """Change a unit's own details (not its place in the tree: see ``move_unit``)."""
    for name, value in fields.items():
        setattr(unit, name, value)
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
    decision: str = "",
    user=None,
) -> UnionUnit:
    """Re-parent ``unit`` with its whole subtree (e.g. a CĐCS whose district was ended)."""
    unit = UnionUnit.objects.select_for_update().get(pk=unit.pk)
    new_parent = UnionUnit.objects.get(pk=new_parent.pk)
    if new_parent.path.startswith(unit.path):
        raise ValidationError(
            _("A unit cannot be moved under itself or its own subtree.")
        )
    _check_place(kind=unit.kind, parent=new_parent)
    old_parent = UnionUnit.objects.get_parent(unit)
    if old_parent and old_parent.pk == new_parent.pk:
        raise ValidationError(
            _("The unit is already under %(parent)s.") % {"parent": new_parent}
        )
    UnionUnit.objects.move(unit, new_parent, pos="last-child")
    UnitMove.objects.create(
        unit=unit,
        from_parent=old_parent,
        to_parent=new_parent,
        moved_on=moved_on,
        decision=decision,
        moved_by=user,
    )
    return UnionUnit.objects.get(pk=unit.pk)


@transaction.atomic
def move_units(
    *,
    units: list[UnionUnit],
    new_parent: UnionUnit,
    moved_on: date,
    decision: str = "",
    user=None,
) -> list[UnionUnit]:
    """Re-parent several units, each with its subtree, under ``new_parent`` at once.

    The checks and records of ``move_unit``, in a few queries for all (a reorganisation
    moves hundreds of CĐCS on one date); the units keep the order given.
    """
    by_pk = UnionUnit.objects.select_for_update().in_bulk([unit.pk for unit in units])
    units = [by_pk[unit.pk] for unit in units]
    target = new_parent
    new_parent = UnionUnit.objects.select_for_update().get(pk=new_parent.pk)
    step = UnionUnit.steplen
    old_parents = UnionUnit.objects.in_bulk(
        {unit.path[:-step] for unit in units}, field_name="path"
    )
    paths = sorted(unit.path for unit in units)
    for unit in units:
        if new_parent.path.startswith(unit.path):
            raise ValidationError(
                _("A unit cannot be moved under itself or its own subtree.")
            )
        _check_place(kind=unit.kind, parent=new_parent)
        if unit.path[:-step] == new_parent.path:
            raise ValidationError(
                _("The unit is already under %(parent)s.") % {"parent": new_parent}
            )
    for outer, inner in pairwise(paths):
        if inner.startswith(outer):
            raise ValidationError(_("A unit and a unit under it cannot both be moved."))

    last = UnionUnit.objects.get_last_child(new_parent)
    first_step = _step_number(last.path) + 1 if last else 1
    for number, unit in enumerate(units, start=first_step):
        new_path = new_parent.path + _step(number)
        UnionUnit.objects.filter(path__startswith=unit.path).update(
            path=Concat(Value(new_path), Substr("path", len(unit.path) + 1)),
            depth=F("depth") + (new_parent.depth + 1 - unit.depth),
        )
    for path, count in Counter(unit.path[:-step] for unit in units).items():
        UnionUnit.objects.filter(path=path).update(numchild=F("numchild") - count)
    UnionUnit.objects.filter(pk=new_parent.pk).update(
        numchild=F("numchild") + len(units)
    )
    target.numchild = new_parent.numchild + len(units)
    UnitMove.objects.bulk_create(
        UnitMove(
            unit=unit,
            from_parent=old_parents.get(unit.path[:-step]),
            to_parent=new_parent,
            moved_on=moved_on,
            decision=decision,
            moved_by=user,
        )
        for unit in units
    )
    moved = UnionUnit.objects.in_bulk([unit.pk for unit in units])
    return [moved[unit.pk] for unit in units]


@transaction.atomic
def dissolve_unit(
    *, unit: UnionUnit, dissolved_on: date, decision: str = ""
) -> UnionUnit:
    """End a unit on ``dissolved_on``; it stays in the tree for history, never deleted."""
    _check_dissolution(unit, dissolved_on, ending=[unit.pk])
    unit.dissolved_on = dissolved_on
    unit.decision = decision or unit.decision
    unit.save(update_fields=["dissolved_on", "decision", "search_name", "name", "code"])
    return unit


@transaction.atomic
def dissolve_units(
    *, units: list[UnionUnit], dissolved_on: date, decision: str = ""
) -> list[UnionUnit]:
    """End several units on one date (the 2025 dissolutions): ``dissolve_unit``'s
    checks, one update for all."""
    ending = UnionUnit.objects.select_for_update().in_bulk([u.pk for u in units])
    for unit in ending.values():
        _check_dissolution(unit, dissolved_on, ending=list(ending))
    changes = {"dissolved_on": dissolved_on} | (
        {"decision": decision} if decision else {}
    )
    UnionUnit.objects.filter(pk__in=ending).update(**changes)
    ended = UnionUnit.objects.in_bulk(list(ending))
    return [ended[unit.pk] for unit in units]


def _check_dissolution(unit: UnionUnit, dissolved_on: date, *, ending: list) -> None:
    """Refuse to end ``unit`` before its founding, or while a unit under it that is not
    among ``ending`` (the ids ended together with it) is still active."""
    if dissolved_on < unit.founded_on:
        raise ValidationError(_("A unit cannot be dissolved before it was founded."))
    still_open = not unit.is_grassroots and (  # a CĐCS is a leaf
        UnionUnit.objects.within(unit)
        .exclude(pk__in=ending)
        .filter(dissolved_on__isnull=True)
        .exists()
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
    WorkforceReport.objects.update_or_create(
        employer=employer, reported_on=reported_on, defaults={"workers": workers}
    )
    latest = employer.workforce_reports.order_by("-reported_on").first()
    employer.workers, employer.workers_reported_on = latest.workers, latest.reported_on
    employer.save(
        update_fields=["workers", "workers_reported_on", "name", "search_name"]
    )
    return employer
