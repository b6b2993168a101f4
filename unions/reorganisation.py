"""Reorganising the tree: merge, move, re-attach, recode, dissolve — and undo.

Each operation is one transaction (all or nothing) and:
- starts with ``check_operation``: a decision number, a date neither in the future nor
  before a later operation on the same units nor inside a signed-off period of the
  units (unions/signoff.py), units in the user's scope and a role that may
  reorganise. A further rule on every operation goes there, and only there;
- records a ``Reorganisation`` carrying its decision number and date, the units it
  touched, a ``summary`` of what it did (the rows its preview and its result show)
  and ``restore``: what undoing it puts back;
- can be undone on the day it was recorded (``undo``), restoring the tree exactly:
  closure rows and paths (through ``undo_moves``), codes, end dates, employers and
  accounts.

Operations that carry members (dissolving or merging CĐCS) wrap these in
members/reorganisation.py, which also undoes their membership changes.

A preview is the operation itself run in a transaction that is always rolled back
(``dry_run``): it refuses what the operation would refuse and shows what it would
touch, by the same code.

Planned changes are not stored: an operation dated after today is refused.
"""

from collections.abc import Callable
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services
from .kinds import GRASSROOTS_KINDS
from .models import (
    Employer,
    EmployerLink,
    FormerCode,
    Reorganisation,
    UnionUnit,
    UnitMove,
)
from .signoff import check_open

PERMISSION = "unions.reorganise_unionunit"
Kind = Reorganisation.Kind


class Rollback(Exception):
    """Raised inside ``dry_run`` to roll the preview back, carrying its result."""

    def __init__(self, result):
        self.result = result


def dry_run(operation: Callable[..., Reorganisation], **arguments) -> dict:
    """What ``operation`` would do, without doing it: its summary, rolled back.

    Raises the ValidationError the operation itself would raise.
    """
    try:
        with transaction.atomic():
            raise Rollback(operation(**arguments).summary)
    except Rollback as done:
        return done.result


# --- The checks every operation makes ---------------------------------------------------


def check_operation(
    *, user, units: list[UnionUnit], effective_on: date, decision: str
) -> str:
    """Refuse an operation the user may not make, with no decision number, dated in
    the future, inside a signed-off period of the units (unions/signoff.py) or before
    a later operation on the same units; returns the decision number, trimmed."""
    if user is not None and not user.has_perm(PERMISSION):
        raise ValidationError(
            _(
                "Only a provincial officer or a system administrator may reorganise units."
            ),
            code="not_allowed",
        )
    decision = (decision or "").strip()
    if not decision:
        raise ValidationError(
            {"decision": _("Give the number of the decision (số quyết định).")},
            code="decision_missing",
        )
    _check_date(effective_on)
    if user is not None:
        _check_scope(user, units)
    check_open(units, effective_on)
    later = (
        Reorganisation.objects.filter(
            units__in=[unit.pk for unit in units],
            effective_on__gt=effective_on,
            undone_at__isnull=True,
        )
        .order_by("-effective_on")
        .first()
    )
    if later is not None:
        raise ValidationError(
            _(
                "These units were reorganised on %(later)s (decision %(decision)s): "
                "an operation on them cannot be dated earlier (%(day)s)."
            )
            % {
                "later": f"{later.effective_on:%d/%m/%Y}",
                "decision": later.decision,
                "day": f"{effective_on:%d/%m/%Y}",
            },
            code="before_later_operation",
        )
    return decision


def _check_date(day: date) -> None:
    if day > timezone.localdate():
        raise ValidationError(
            _(
                "A reorganisation cannot be dated in the future: planned changes are "
                "not stored. Record it on or after %(day)s."
            )
            % {"day": f"{day:%d/%m/%Y}"},
            code="future",
        )
    services.check_move_date(day)


def _check_scope(user, units: list[UnionUnit]) -> None:
    allowed = set(
        UnionUnit.objects.for_user(user)
        .filter(pk__in=[unit.pk for unit in units])
        .values_list("pk", flat=True)
    )
    outside = sorted({unit.code for unit in units if unit.pk not in allowed})
    if outside:
        raise ValidationError(
            _("These units are not in your scope: %(codes)s.")
            % {"codes": ", ".join(outside)},
            code="out_of_scope",
        )


def _check_active(unit: UnionUnit, day: date) -> None:
    when = {"unit": unit, "day": f"{day:%d/%m/%Y}"}
    if unit.founded_on > day:
        raise ValidationError(
            _("%(unit)s was founded on %(founded)s, after %(day)s.")
            % {**when, "founded": f"{unit.founded_on:%d/%m/%Y}"},
            code="not_founded",
        )
    if unit.dissolved_on and unit.dissolved_on <= day:
        raise ValidationError(
            _(
                "%(unit)s was dissolved on %(ended)s: it cannot be reorganised on %(day)s."
            )
            % {**when, "ended": f"{unit.dissolved_on:%d/%m/%Y}"},
            code="dissolved",
        )


# --- The operations -------------------------------------------------------------------


@transaction.atomic
def move_unit(
    *, unit: UnionUnit, new_parent: UnionUnit, moved_on: date, decision: str, user=None
) -> Reorganisation:
    """Move ``unit`` with its subtree under ``new_parent`` from ``moved_on``."""
    decision = check_operation(
        user=user, units=[unit, new_parent], effective_on=moved_on, decision=decision
    )
    grassroots = _grassroots_ids([unit])
    moves = services.move_many(
        moves=[(unit, new_parent)], moved_on=moved_on, decision=decision, user=user
    )
    return _record(
        Kind.MOVE,
        moved_on,
        decision,
        user,
        units=[unit, new_parent],
        moves=moves,
        rows=[_moved_row(move) for move in moves],
        grassroots=grassroots,
    )


@transaction.atomic
def reattach_grassroots(
    *,
    mapping: list[tuple[UnionUnit, UnionUnit]],
    moved_on: date,
    decision: str,
    user=None,
) -> Reorganisation:
    """Put each CĐCS of ``mapping`` (CĐCS, new parent) under its new parent from
    ``moved_on``, all at once (a mapping file)."""
    if not mapping:
        raise ValidationError(_("The mapping names no CĐCS."), code="empty")
    upper = sorted(unit.code for unit, _parent in mapping if not unit.is_grassroots)
    if upper:
        raise ValidationError(
            _("Only CĐCS are re-attached by a mapping file; these are not: %(codes)s.")
            % {"codes": ", ".join(upper)},
            code="not_grassroots",
        )
    units = [unit for unit, _parent in mapping]
    parents = list({parent.pk: parent for _unit, parent in mapping}.values())
    decision = check_operation(
        user=user, units=units + parents, effective_on=moved_on, decision=decision
    )
    moves = services.move_many(
        moves=mapping, moved_on=moved_on, decision=decision, user=user
    )
    return _record(
        Kind.REATTACH,
        moved_on,
        decision,
        user,
        units=units + parents,
        moves=moves,
        rows=[_moved_row(move) for move in moves],
        grassroots=[unit.pk for unit in units],
    )


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
    """Merge ``units`` into ``into`` (an existing unit) or into a unit founded on
    ``merged_on`` from ``new_unit`` (code, name, kind, parent): their children,
    employers and accounts go to it, and the merged units end on ``merged_on``.

    CĐCS carry members: merge them with members.reorganisation.merge_units.
    """
    if (into is None) == (new_unit is None):
        raise ValidationError(
            _("Merge into an existing unit or into a new one, not both."),
            code="target_missing",
        )
    if not units:
        raise ValidationError(_("Choose the units to merge."), code="empty")
    placed = [into] if into is not None else []
    if new_unit is not None and new_unit.get("parent") is not None:
        placed.append(new_unit["parent"])
    decision = check_operation(
        user=user, units=units + placed, effective_on=merged_on, decision=decision
    )
    units = list(
        UnionUnit.objects.select_for_update().filter(pk__in=[u.pk for u in units])
    )
    created = into is None
    if created:
        _check_new_place(new_unit.get("parent"), merged_on, user)
        into = services.create_unit(**new_unit, founded_on=merged_on, decision=decision)
    _check_merge(units, into, merged_on)

    grassroots = _grassroots_ids(units)
    children = list(
        UnionUnit.objects.filter(
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=merged_on)
        ).filter(_under_any(units))
    )
    moves = (
        services.move_many(
            moves=[(child, into) for child in children],
            moved_on=merged_on,
            decision=decision,
            user=user,
        )
        if children
        else []
    )
    employers = _repoint_employers(units, into, merged_on)
    accounts = _repoint_accounts(units, into)
    ended = [
        [u.pk, u.dissolved_on and u.dissolved_on.isoformat(), u.decision] for u in units
    ]
    services.dissolve_units(units=units, dissolved_on=merged_on, decision=decision)
    rows = [_unit_row(unit, "merged", to=into.code) for unit in units]
    rows.insert(0, _unit_row(into, "created" if created else "target"))
    return _record(
        Kind.MERGE,
        merged_on,
        decision,
        user,
        units=[*units, into],
        moves=moves,
        rows=rows + [_moved_row(move) for move in moves],
        grassroots=grassroots,
        employers=employers,
        accounts=accounts,
        restore={"created": into.pk if created else None, "ended": ended},
    )


def _check_new_place(parent: UnionUnit | None, day: date, user) -> None:
    if parent is not None:
        _check_active(parent, day)
    elif user is not None and not user.is_system_admin:
        raise ValidationError(
            {"parent": _("Give the code of the unit the new unit sits under.")},
            code="out_of_scope",
        )


def _check_merge(units: list[UnionUnit], into: UnionUnit, day: date) -> None:
    if any(unit.pk == into.pk for unit in units):
        raise ValidationError(
            _("%(unit)s cannot be merged into itself.") % {"unit": into},
            code="cycle",
        )
    for unit in units:
        if into.path.startswith(unit.path):
            raise ValidationError(
                _(
                    "%(target)s is under %(unit)s: a unit cannot be merged into its own subtree."
                )
                % {"target": into, "unit": unit},
                code="cycle",
            )
        if (unit.kind in GRASSROOTS_KINDS) != (into.kind in GRASSROOTS_KINDS):
            raise ValidationError(
                _(
                    "%(unit)s (%(kind)s) cannot be merged into %(target)s (%(target_kind)s): "
                    "a CĐCS merges only with a CĐCS, an upper-level unit with an upper-level unit."
                )
                % {
                    "unit": unit,
                    "kind": unit.get_kind_display(),
                    "target": into,
                    "target_kind": into.get_kind_display(),
                },
                code="kind",
            )
        _check_active(unit, day)
    _check_active(into, day)


def _under_any(units: list[UnionUnit]) -> Q:
    condition = Q(pk__in=[])
    for unit in units:
        condition |= Q(path__startswith=unit.path, depth=unit.depth + 1)
    return condition


@transaction.atomic
def recode_unit(
    *,
    unit: UnionUnit,
    recoded_on: date,
    decision: str,
    code: str = "",
    name: str = "",
    user=None,
) -> Reorganisation:
    """Give ``unit`` a new code and/or name from ``recoded_on``; its old code keeps
    finding it (FormerCode) in imports, addresses and searches."""
    decision = check_operation(
        user=user, units=[unit], effective_on=recoded_on, decision=decision
    )
    unit = UnionUnit.objects.select_for_update().get(pk=unit.pk)
    old_code, old_name = unit.code, unit.name
    probe = UnionUnit(code=code or old_code, name=name or old_name)
    probe.set_derived_fields()
    new_code, new_name = probe.code, probe.name
    if (new_code, new_name) == (old_code, old_name):
        raise ValidationError(
            _("Give a new code or a new name."), code="nothing_changed"
        )
    _check_active(unit, recoded_on)
    if new_code != old_code:
        _check_code_free(new_code, unit)
    unit.code, unit.name = new_code, new_name
    unit.full_clean(exclude=["path", "depth", "numchild"])
    unit.save(update_fields=["code", "name", "search_name"])
    record = _record(
        Kind.RECODE,
        recoded_on,
        decision,
        user,
        units=[unit],
        rows=[_unit_row(unit, "recoded", from_code=old_code, from_name=old_name)],
        grassroots=_grassroots_ids([unit]),
        accounts=[
            _account_row(account, unit, unit)
            for account in get_user_model().objects.filter(unit=unit)
        ],
        restore={"codes": [[unit.pk, old_code, old_name]]},
    )
    if new_code != old_code:
        FormerCode.objects.filter(unit=unit, code=new_code).delete()
        FormerCode.objects.create(
            code=old_code, unit=unit, used_until=recoded_on, reorganisation=record
        )
    return record


def _check_code_free(code: str, unit: UnionUnit) -> None:
    current = UnionUnit.objects.filter(code=code).exclude(pk=unit.pk).first()
    if current is not None:
        raise ValidationError(
            {
                "code": _("The code %(code)s is used by %(unit)s.")
                % {"code": code, "unit": current}
            },
            code="code_taken",
        )
    former = (
        FormerCode.objects.filter(code=code)
        .exclude(unit=unit)
        .select_related("unit")
        .first()
    )
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
def dissolve_unit(
    *,
    unit: UnionUnit,
    dissolved_on: date,
    decision: str,
    successor: UnionUnit | None = None,
    user=None,
) -> Reorganisation:
    """End an upper-level unit on ``dissolved_on``; refused while units under it are
    still active then (they move first). Its accounts and the employers it manages go
    to ``successor``, or to the unit above it, in the same step (the employers' earlier
    link kept, so the days before still count them under it). A CĐCS is dissolved with its members by
    members.reorganisation.dissolve_grassroots."""
    if unit.is_grassroots:
        raise ValidationError(
            _("A CĐCS is dissolved together with its members: use “Dissolve a CĐCS”."),
            code="grassroots",
        )
    return end_unit(
        unit=unit,
        dissolved_on=dissolved_on,
        decision=decision,
        user=user,
        kind=Kind.DISSOLVE_UNIT,
        accounts_to=successor or UnionUnit.objects.get_parent(unit),
    )


def end_unit(
    *,
    unit,
    dissolved_on,
    decision,
    user,
    kind,
    summary=None,
    restore=None,
    accounts_to: UnionUnit | None = None,
):
    """The tree part of a dissolution (checks, end date, record); the unit's accounts,
    and the employers an upper-level unit manages, go to ``accounts_to`` when given."""
    heirs = [accounts_to] if accounts_to is not None else []
    decision = check_operation(
        user=user, units=[unit, *heirs], effective_on=dissolved_on, decision=decision
    )
    unit = UnionUnit.objects.select_for_update().get(pk=unit.pk)
    _check_active(unit, dissolved_on)
    for heir in heirs:
        _check_heir(unit, heir, dissolved_on)
    ended = [[unit.pk, None, unit.decision]]
    services.dissolve_unit(unit=unit, dissolved_on=dissolved_on, decision=decision)
    return _record(
        kind,
        dissolved_on,
        decision,
        user,
        units=[unit, *heirs],
        rows=[_unit_row(unit, "ended")],
        grassroots=_grassroots_ids([unit]),
        employers=(
            _repoint_employers([unit], heirs[0], dissolved_on)
            if heirs and not unit.is_grassroots
            else []
        ),
        accounts=_repoint_accounts([unit], heirs[0]) if heirs else [],
        restore={"ended": ended, **(restore or {})},
        extra=summary,
    )


def _check_heir(unit: UnionUnit, heir: UnionUnit, day: date) -> None:
    """The unit that takes over the accounts of ``unit``: an upper-level unit, active
    on ``day``, outside the subtree that ends."""
    if heir.path.startswith(unit.path) or heir.is_grassroots:
        raise ValidationError(
            {
                "successor": _(
                    "The accounts of %(unit)s go to an upper-level unit that goes on "
                    "after it, not to %(heir)s."
                )
                % {"unit": unit, "heir": heir}
            },
            code="successor",
        )
    _check_active(heir, day)


# --- Re-pointing what belonged to merged units -----------------------------------------


def _repoint_employers(units: list[UnionUnit], into: UnionUnit, on: date) -> list:
    """Re-point the employers of ``units`` to ``into`` from ``on``: the links they had
    until then are kept as an EmployerLink each (written by ``_record``), so the
    figures of earlier days still count them where they were."""
    ids = [unit.pk for unit in units]
    field = "grassroots_union" if into.is_grassroots else "managing_unit"
    employers = list(
        Employer.objects.filter(**{f"{field}__in": ids})
        .annotate(linked_until=Max("past_links__ends_on"))
        .values_list(
            "pk",
            "tax_code",
            "name",
            f"{field}__code",
            "managing_unit",
            "grassroots_union",
            "linked_until",
        )
    )
    for _pk, tax_code, name, *_rest, linked_until in employers:
        if linked_until is not None and linked_until >= on:
            raise ValidationError(
                _(
                    "%(name)s (%(tax_code)s) was already re-pointed from"
                    " %(day)s: undo that operation first, or choose a later date."
                )
                % {
                    "name": name,
                    "tax_code": tax_code,
                    "day": f"{linked_until:%d/%m/%Y}",
                },
                code="employer_relinked",
            )
    Employer.objects.filter(pk__in=[row[0] for row in employers]).update(
        **{field: into}
    )
    return [
        {
            "restore": [pk, managing, grassroots],
            "row": {"tax_code": tax_code, "name": name, "from": old, "to": into.code},
            "link": {
                "employer_id": pk,
                "managing_unit_id": managing,
                "grassroots_union_id": grassroots,
                "starts_on": linked_until,
                "ends_on": on,
            },
        }
        for pk, tax_code, name, old, managing, grassroots, linked_until in employers
    ]


def _repoint_accounts(units: list[UnionUnit], into: UnionUnit) -> list:
    by_pk = {unit.pk: unit for unit in units}
    accounts = list(get_user_model().objects.filter(unit__in=list(by_pk)))
    get_user_model().objects.filter(pk__in=[a.pk for a in accounts]).update(unit=into)
    return [_account_row(account, by_pk[account.unit_id], into) for account in accounts]


def _account_row(account, old: UnionUnit, new: UnionUnit) -> dict:
    return {
        "restore": [account.pk, old.pk],
        "row": {
            "username": account.username,
            "name": account.get_full_name(),
            "role": account.get_role_display(),
            "from": old.code,
            "to": new.code,
        },
    }


# --- The record, its summary and undo ---------------------------------------------------


def _unit_row(unit: UnionUnit, action: str, **extra) -> dict:
    return {
        "action": action,
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        **extra,
    }


def _moved_row(move: UnitMove) -> dict:
    return _unit_row(
        move.unit,
        "moved",
        from_code=move.from_parent.code if move.from_parent else "",
        to=move.to_parent.code,
    )


def _grassroots_ids(units: list[UnionUnit]) -> list[int]:
    """The CĐCS in the subtrees of ``units`` today (the members they carry)."""
    condition = Q(pk__in=[])
    for unit in units:
        condition |= Q(path__startswith=unit.path)
    return list(
        UnionUnit.objects.grassroots()
        .filter(condition)
        .order_by()
        .values_list("pk", flat=True)
    )


def _record(
    kind,
    effective_on,
    decision,
    user,
    *,
    units,
    rows,
    grassroots,
    moves=(),
    employers=(),
    accounts=(),
    restore=None,
    extra=None,
) -> Reorganisation:
    record = Reorganisation.objects.create(
        kind=kind,
        effective_on=effective_on,
        decision=decision,
        recorded_by=user,
        summary={
            "units": rows,
            "grassroots": sorted(set(grassroots)),
            "employers": [entry["row"] for entry in employers],
            "accounts": [entry["row"] for entry in accounts],
            **(extra or {}),
        },
        restore={
            "employers": [entry["restore"] for entry in employers],
            "accounts": [entry["restore"] for entry in accounts],
            **(restore or {}),
        },
    )
    record.units.add(*{unit.pk for unit in units})
    EmployerLink.objects.bulk_create(
        EmployerLink(reorganisation=record, **entry["link"]) for entry in employers
    )
    if moves:
        UnitMove.objects.filter(pk__in=[move.pk for move in moves]).update(
            reorganisation=record
        )
    return record


@transaction.atomic
def undo(*, reorganisation: Reorganisation, user=None) -> Reorganisation:
    """Undo an operation recorded today, exactly; refused for an earlier day, or when
    a later operation on the same units is still in place (undo that one first).

    Membership changes are undone first by members.reorganisation.undo.
    """
    record = Reorganisation.objects.select_for_update().get(pk=reorganisation.pk)
    check_undo(record, user)
    if record.restore.get("memberships"):
        raise ValidationError(
            _("This operation moved members: undo it from the reorganisation page."),
            code="members",
        )
    restore = record.restore
    users = get_user_model().objects
    for pk, unit in restore.get("accounts", []):
        users.filter(pk=pk).update(unit=unit)
    for pk, managing, grassroots in restore.get("employers", []):
        Employer.objects.filter(pk=pk).update(
            managing_unit=managing, grassroots_union=grassroots
        )
    record.employer_links.all().delete()
    record.former_codes.all().delete()
    for pk, code, name in restore.get("codes", []):
        unit = UnionUnit.objects.get(pk=pk)
        unit.code, unit.name = code, name
        unit.save(update_fields=["code", "name", "search_name"])
    for pk, ended, decision in restore.get("ended", []):
        UnionUnit.objects.filter(pk=pk).update(
            dissolved_on=ended and date.fromisoformat(ended), decision=decision
        )
    moves = list(record.moves.all())
    if moves:
        services.undo_moves(moves=moves)
    if restore.get("created"):
        UnionUnit.objects.get(pk=restore["created"]).delete()
    record.undone_at, record.undone_by = timezone.now(), user
    record.save(update_fields=["undone_at", "undone_by"])
    return record


def check_undo(record: Reorganisation, user) -> None:
    if record.is_undone:
        raise ValidationError(_("This operation was already undone."), code="undone")
    recorded = timezone.localdate(record.recorded_at)
    if recorded != timezone.localdate():
        raise ValidationError(
            _(
                "This operation was recorded on %(day)s: only an operation recorded today can be undone."
            )
            % {"day": f"{recorded:%d/%m/%Y}"},
            code="not_today",
        )
    if user is not None:
        if not user.has_perm(PERMISSION):
            raise ValidationError(
                _(
                    "Only a provincial officer or a system administrator may reorganise units."
                ),
                code="not_allowed",
            )
        _check_scope(user, list(record.units.all()))
    check_open(record.units.all(), record.effective_on)
    later = (
        Reorganisation.objects.filter(
            units__in=record.units.all(), pk__gt=record.pk, undone_at__isnull=True
        )
        .exclude(pk=record.pk)
        .first()
    )
    if later is not None:
        raise ValidationError(
            _("%(later)s was recorded afterwards on the same units: undo it first.")
            % {"later": later},
            code="later_operation",
        )
