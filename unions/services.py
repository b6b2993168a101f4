"""Changes to the union tree and employers: one function per workflow, one transaction each."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
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
def dissolve_unit(
    *, unit: UnionUnit, dissolved_on: date, decision: str = ""
) -> UnionUnit:
    """End a unit on ``dissolved_on``; it stays in the tree for history, never deleted."""
    if dissolved_on < unit.founded_on:
        raise ValidationError(_("A unit cannot be dissolved before it was founded."))
    still_open = (
        UnionUnit.objects.within(unit)
        .exclude(pk=unit.pk)
        .filter(dissolved_on__isnull=True)
        .exists()
    )
    if still_open:
        raise ValidationError(
            _("Units under %(unit)s are still active: dissolve or move them first.")
            % {"unit": unit}
        )
    unit.dissolved_on = dissolved_on
    unit.decision = decision or unit.decision
    unit.save(update_fields=["dissolved_on", "decision", "search_name", "name", "code"])
    return unit


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
