"""Reorganisation operations that carry members; unions/reorganisation.py has the rest.

- ``dissolve_grassroots``: a CĐCS ends and its active members are transferred to
  another CĐCS or recorded as leaving, in the same step;
- ``merge_units``: merged CĐCS hand their members to the union they merge into (upper
  units merge through unions/reorganisation.py, which this calls);
- ``undo``: every operation, its membership changes first;
- ``members_touched``: the members a preview or a result names (the CĐCS it moves).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from unions import reorganisation
from unions.models import Reorganisation, UnionUnit

from . import services
from .models import LeaveReason, Membership


@transaction.atomic
def dissolve_grassroots(
    *,
    unit: UnionUnit,
    dissolved_on: date,
    decision: str,
    transfer_to: UnionUnit | None = None,
    leave_reason: str = LeaveReason.RESTRUCTURED,
    user=None,
) -> Reorganisation:
    """End a CĐCS on ``dissolved_on``; its active members go to ``transfer_to`` on
    that day, or are recorded as leaving then for ``leave_reason``."""
    if not unit.is_grassroots:
        raise ValidationError(
            _("%(unit)s is not a CĐCS: use “Dissolve an upper-level unit”.")
            % {"unit": unit},
            code="not_grassroots",
        )
    if transfer_to is not None:
        reorganisation.check_operation(
            user=user, units=[transfer_to], effective_on=dissolved_on, decision=decision
        )
    record = reorganisation.end_unit(
        unit=unit,
        dissolved_on=dissolved_on,
        decision=decision,
        user=user,
        kind=Reorganisation.Kind.DISSOLVE_GRASSROOTS,
    )
    _carry_members([unit], dissolved_on, record, transfer_to, leave_reason, user)
    return record


@transaction.atomic
def merge_units(
    *,
    units: list[UnionUnit],
    merged_on: date,
    decision: str,
    into: UnionUnit | None = None,
    new_unit: dict | None = None,
    user=None,
) -> Reorganisation:
    """``unions.reorganisation.merge_units``; merged CĐCS transfer their members."""
    record = reorganisation.merge_units(
        units=units,
        merged_on=merged_on,
        decision=decision,
        into=into,
        new_unit=new_unit,
        user=user,
    )
    target = record.units.exclude(pk__in=[unit.pk for unit in units]).get()
    if target.is_grassroots:
        _carry_members(units, merged_on, record, target, "", user)
    return record


def _carry_members(units, day, record, transfer_to, leave_reason, user) -> None:
    memberships = list(
        Membership.objects.select_for_update()
        .filter(unit__in=[unit.pk for unit in units], left_on__isnull=True)
        .select_related("member")
        .order_by("pk")
    )
    left_since = (
        Membership.objects.filter(unit__in=[unit.pk for unit in units], left_on__gt=day)
        .select_related("member")
        .first()
    )
    if left_since is not None:
        raise ValidationError(
            _(
                "%(name)s left on %(left)s, after %(day)s: record the operation on or "
                "after that date."
            )
            % {
                "name": left_since.member,
                "left": f"{left_since.left_on:%d/%m/%Y}",
                "day": f"{day:%d/%m/%Y}",
            },
            code="left_after",
        )
    if transfer_to is not None:
        opened = services.transfer_members(
            memberships=memberships, to_unit=transfer_to, transferred_on=day, user=user
        )
        outcome = {"transferred": len(opened), "left": 0, "to": transfer_to.code}
    else:
        opened = []
        services.record_departures(
            memberships=memberships,
            left_on=day,
            reason=leave_reason,
            note=record.decision,
            user=user,
        )
        outcome = {"transferred": 0, "left": len(memberships), "reason": leave_reason}
    record.summary["members"] = outcome
    record.restore["memberships"] = {
        "closed": [m.pk for m in memberships],
        "opened": [m.pk for m in opened],
    }
    record.save(update_fields=["summary", "restore"])


@transaction.atomic
def undo(*, reorganisation_record: Reorganisation, user=None) -> Reorganisation:
    """Undo an operation recorded today, members included (see unions.reorganisation.undo)."""
    record = Reorganisation.objects.select_for_update().get(pk=reorganisation_record.pk)
    reorganisation.check_undo(record, user)
    memberships = record.restore.pop("memberships", None)
    if memberships:
        services.reopen_memberships(**memberships, user=user)
        record.save(update_fields=["restore"])
    return reorganisation.undo(reorganisation=record, user=user)


def members_touched(summary: dict, day: date) -> int:
    """Members on ``day`` of the CĐCS a summary names (those its units carry)."""
    outcome = summary.get("members")
    if outcome:
        return outcome["transferred"] + outcome["left"]
    return (
        Membership.objects.active_on(day)
        .filter(unit__in=summary.get("grassroots", []))
        .count()
    )
