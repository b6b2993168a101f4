"""The membership workflows: admit, transfer, leave, readmit.

The screens, the admin, the importer, seed_demo and the tests all call these. Each runs
in one transaction and refuses bad input with a ValidationError the user can read.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from unions.models import UnionUnit
from unions.signoff import check_open

from . import rules, text
from .models import LeaveReason, Member, Membership, StartReason, TransferRequest

MINIMUM_AGE = rules.MINIMUM_AGE
# Someone who left of their own will, or was removed or expelled, may be readmitted
# three months later at the earliest (Hướng dẫn 38/HD-TLĐ 2024 §3.1; docs/domain.md,
# "Readmission after leaving").
READMISSION_WAIT_MONTHS = 3
WAIT_BEFORE_READMISSION = {
    LeaveReason.VOLUNTARY,
    LeaveReason.REMOVED,
    LeaveReason.EXPELLED,
}
DEPARTURE_REASONS = [r for r in LeaveReason if r != LeaveReason.TRANSFER]


@transaction.atomic
def admit_member(
    *,
    unit: UnionUnit,
    full_name: str,
    joined_on: date,
    birth_date: date | None = None,
    birth_year: int | None = None,
    gender: str = "",
    cccd: str | None = None,
    card_number: str = "",
    user=None,
    **details,
) -> Membership:
    """Admit a person into a grassroots union (kết nạp): their first membership.

    A CCCD already on the register is refused; the person is named only to a ``user``
    whose scope holds their record (``find_by_cccd``)."""
    cccd = (cccd or "").strip() or None
    member = Member(
        full_name=full_name,
        joined_union_on=joined_on,
        birth_date=birth_date,
        birth_year=birth_year,
        gender=gender,
        cccd=cccd,
        **details,
    )
    _refuse_future(joined_on, _("The joining date cannot be in the future."))
    if match := find_by_cccd(cccd, user=user):
        raise match.refusal()
    member.full_clean(validate_unique=False)
    started_on = check_admission(member=member, unit=unit, joined_on=joined_on)
    check_open([unit], started_on)
    _save(member)
    return _open(
        member=member,
        unit=unit,
        started_on=started_on,
        start_reason=StartReason.ADMITTED,
        card_number=card_number,
    )


@transaction.atomic
def transfer_member(
    *,
    member: Member,
    to_unit: UnionUnit,
    transferred_on: date,
    user=None,
) -> Membership | TransferRequest:
    """Move a member to another CĐCS (chuyển sinh hoạt) on one date.

    Inside the user's scope this ends the current membership and opens the next one.
    Into a unit outside it, it files a TransferRequest the receiving union decides on.
    """
    current = _current_membership(member)
    if user is not None and not _in_scope(user, current.unit):
        raise ValidationError(
            _("%(name)s is not a member of a union in your scope."),
            params={"name": member},
            code="member_out_of_scope",
        )
    _check_transfer(current, to_unit, transferred_on)
    if user is not None and not _in_scope(user, to_unit):
        transfer_request = TransferRequest(
            member=member,
            from_unit=current.unit,
            to_unit=to_unit,
            transferred_on=transferred_on,
            requested_by=user,
        )
        _save(transfer_request)
        return transfer_request
    return _move(current, to_unit, transferred_on)


@transaction.atomic
def accept_transfer(*, transfer_request: TransferRequest, user) -> Membership:
    """The receiving union accepts a transfer request: the member moves on its date."""
    transfer_request = _pending(transfer_request)
    if not _in_scope(user, transfer_request.to_unit):
        raise ValidationError(
            _("Only the receiving union can accept this transfer."),
            code="not_receiving_union",
        )
    current = _current_membership(transfer_request.member)
    if current.unit_id != transfer_request.from_unit_id:
        raise ValidationError(
            _(
                "%(name)s is no longer a member of %(unit)s; the request is out of date."
            ),
            params={"name": current.member, "unit": transfer_request.from_unit},
            code="transfer_out_of_date",
        )
    _check_transfer(
        current,
        transfer_request.to_unit,
        transfer_request.transferred_on,
        pending=transfer_request,
    )
    membership = _move(
        current, transfer_request.to_unit, transfer_request.transferred_on
    )
    _decide(transfer_request, TransferRequest.Status.ACCEPTED, user)
    transfer_request.membership = membership
    transfer_request.save(update_fields=["membership"])
    return membership


@transaction.atomic
def refuse_transfer(
    *, transfer_request: TransferRequest, user, reason: str
) -> TransferRequest:
    """The receiving union refuses a transfer request; the member stays where they are."""
    transfer_request = _pending(transfer_request)
    if not _in_scope(user, transfer_request.to_unit):
        raise ValidationError(
            _("Only the receiving union can refuse this transfer."),
            code="not_receiving_union",
        )
    if not (reason or "").strip():
        raise ValidationError(
            _("Say why the transfer is refused."), code="refusal_reason_missing"
        )
    transfer_request.refusal_reason = reason.strip()
    _decide(transfer_request, TransferRequest.Status.REFUSED, user)
    return transfer_request


@transaction.atomic
def cancel_transfer(*, transfer_request: TransferRequest, user) -> TransferRequest:
    """The sending union withdraws a transfer request it filed."""
    transfer_request = _pending(transfer_request)
    if not _in_scope(user, transfer_request.from_unit):
        raise ValidationError(
            _("Only the sending union can withdraw this transfer request."),
            code="not_sending_union",
        )
    _decide(transfer_request, TransferRequest.Status.CANCELLED, user)
    return transfer_request


@transaction.atomic
def record_departure(
    *, member: Member, left_on: date, reason: str, note: str = ""
) -> Membership:
    """Record that a member left the union (nghỉ việc, nghỉ hưu, từ trần …)."""
    if reason == LeaveReason.TRANSFER:
        raise ValidationError(
            _("A transfer to another union is recorded with the transfer form."),
            code="departure_is_transfer",
        )
    if reason not in LeaveReason.values:
        raise ValidationError(
            _("Choose a reason for leaving."), code="leave_reason_missing"
        )
    current = _current_membership(member)
    _refuse_future(left_on, _("The leaving date cannot be in the future."))
    if left_on < current.started_on:
        raise ValidationError(
            _("The leaving date cannot be before the membership started (%(day)s)."),
            params={"day": f"{current.started_on:%d/%m/%Y}"},
            code="left_before_start",
        )
    check_open([current.unit], left_on)
    current.left_on = left_on
    current.leave_reason = reason
    current.leave_note = (note or "").strip()
    current.full_clean()
    current.save()
    for transfer_request in member.transfer_requests.pending():
        _decide(transfer_request, TransferRequest.Status.CANCELLED, None)
    return current


@transaction.atomic
def readmit_member(
    *,
    member: Member,
    unit: UnionUnit,
    readmitted_on: date,
    card_number: str = "",
) -> Membership:
    """Readmit a former member (kết nạp lại); their first joining date stays on record."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    active = member.memberships.filter(left_on__isnull=True).select_related("unit")
    if current := active.first():
        raise ValidationError(
            _("%(name)s is still a member of %(unit)s."),
            params={"name": member, "unit": current.unit},
            code="already_active",
        )
    _refuse_future(readmitted_on, _("The readmission date cannot be in the future."))
    last = member.memberships.order_by("-left_on").first()
    if last:
        _check_readmission_after(last, readmitted_on)
    _refuse_under_age(member.birth_date, member.birth_year, readmitted_on)
    started_on = max(readmitted_on, unit.founded_on)
    _refuse_unit_not_taking_members(unit, started_on)
    check_open([unit], started_on)
    return _open(
        member=member,
        unit=unit,
        started_on=started_on,
        start_reason=StartReason.READMITTED,
        card_number=card_number or (last.card_number if last else ""),
    )


# --- Checks shared by the workflows -----------------------------------------------------


def namesakes_without_cccd(
    *,
    unit: UnionUnit,
    full_name: str,
    birth_date: date | None = None,
    birth_year: int | None = None,
) -> list[Member]:
    """Members of ``unit`` with no CCCD on record, and this name and birth: admitting
    the person would put them on the register twice if they are the same person
    (the import matches people without a CCCD the same way)."""
    key = rules.person_key(full_name, birth_date, birth_year)
    candidates = Member.objects.filter(
        Q(cccd__isnull=True) | Q(cccd=""),
        current_unit=unit,
        search_name=text.search_key(full_name),
    )
    return [
        member
        for member in candidates
        if rules.person_key(member.full_name, member.birth_date, member.birth_year)
        == key
    ]


def check_admission(
    *, member: Member, unit: UnionUnit, joined_on: date, today: date | None = None
) -> date:
    """The admission rules that need no query, for bulk writers (the importer) that
    validate many rows first; ``admit_member`` applies the same ones. Returns the
    date the membership starts: the joining date, or the union's founding if later.

    A bulk writer passes ``today`` once instead of asking the clock for every row."""
    return check_joining(
        birth_date=member.birth_date,
        birth_year=member.birth_year,
        unit=unit,
        joined_on=joined_on,
        today=today,
    )


def check_joining(
    *,
    birth_date: date | None,
    birth_year: int | None,
    unit: UnionUnit,
    joined_on: date,
    today: date | None = None,
) -> date:
    """``check_admission`` on plain values, for a bulk writer that builds no Member."""
    _refuse_future(
        joined_on, _("The joining date cannot be in the future."), today=today
    )
    _refuse_under_age(birth_date, birth_year, joined_on)
    # A membership cannot begin before its union existed.
    started_on = max(joined_on, unit.founded_on)
    _refuse_unit_not_taking_members(unit, started_on)
    return started_on


def _refuse_future(day: date, message, *, today: date | None = None) -> None:
    if day > (today or timezone.localdate()):
        raise ValidationError(message, code="date_in_future")


@dataclass(frozen=True)
class CccdMatch:
    """The person a CCCD belongs to, and whether the asking user holds their record."""

    member: Member
    current: Membership | None
    in_scope: bool

    def refusal(self) -> ValidationError:
        """Why the person cannot be admitted; outside the user's scope, without their
        name or union (docs/security.md, "Look up by CCCD")."""
        if not self.in_scope:
            return ValidationError(ELSEWHERE, code="member_elsewhere")
        if self.current is not None:
            return ValidationError(
                _("This person (%(name)s) is already a member of %(unit)s."),
                params={"name": self.member, "unit": self.current.unit},
                code="already_active",
            )
        return ValidationError(
            _(
                "This person (%(name)s) is already on the register as a former member; "
                "readmit them instead."
            ),
            params={"name": self.member},
            code="former_member",
        )


# What a CCCD of someone outside the user's scope is answered with, active or former:
# neither their name nor their union, only where to turn.
ELSEWHERE = _("Already a member elsewhere — ask for a transfer.")


def find_by_cccd(cccd: str | None, *, user=None) -> CccdMatch | None:
    """Who has this CCCD on the register, if anyone; ``in_scope`` when ``user`` is
    None (the command line without --user) or holds the record (Member.for_user)."""
    if not cccd:
        return None
    member = Member.objects.filter(cccd=cccd).first()
    if member is None:
        return None
    current = (
        member.memberships.filter(left_on__isnull=True).select_related("unit").first()
    )
    in_scope = (
        user is None or Member.objects.for_user(user).filter(pk=member.pk).exists()
    )
    return CccdMatch(member=member, current=current, in_scope=in_scope)


def _refuse_under_age(
    birth_date: date | None, birth_year: int | None, day: date
) -> None:
    age = rules.age_on(birth_date, birth_year, day)
    if age is None:
        raise ValidationError(
            {"birth_date": _("Give the birth date, or at least the birth year.")}
        )
    if age < MINIMUM_AGE:
        raise rules.under_age_error()


def _refuse_unit_not_taking_members(unit: UnionUnit, day: date) -> None:
    if not unit.is_grassroots:
        raise ValidationError(
            _("Members belong to a grassroots union (CĐCS); %(unit)s is not one."),
            params={"unit": unit},
            code="not_grassroots",
        )
    if unit.dissolved_on and unit.dissolved_on <= day:
        raise ValidationError(
            _("%(unit)s was dissolved on %(day)s."),
            params={"unit": unit, "day": f"{unit.dissolved_on:%d/%m/%Y}"},
            code="unit_dissolved",
        )


def _current_membership(member: Member) -> Membership:
    # Locking the open membership makes a second transfer or departure wait for this one.
    current = (
        Membership.objects.select_for_update()
        .filter(member=member, left_on__isnull=True)
        .select_related("unit", "member")
        .first()
    )
    if current is None:
        raise ValidationError(
            _("%(name)s is not an active member."),
            params={"name": member},
            code="not_active",
        )
    return current


def _check_transfer(
    current: Membership,
    to_unit: UnionUnit,
    day: date,
    pending: TransferRequest | None = None,
) -> None:
    if to_unit.pk == current.unit_id:
        raise ValidationError(
            _("%(name)s is already a member of %(unit)s."),
            params={"name": current.member, "unit": to_unit},
            code="same_unit",
        )
    _refuse_future(day, _("The transfer date cannot be in the future."))
    if day <= current.started_on:
        raise ValidationError(
            _(
                "The transfer date must be after the current membership began (%(day)s)."
            ),
            params={"day": f"{current.started_on:%d/%m/%Y}"},
            code="transfer_before_start",
        )
    if to_unit.founded_on > day:
        raise ValidationError(
            _("%(unit)s was founded only on %(day)s."),
            params={"unit": to_unit, "day": f"{to_unit.founded_on:%d/%m/%Y}"},
            code="unit_not_founded",
        )
    _refuse_unit_not_taking_members(to_unit, day)
    check_open([current.unit, to_unit], day)
    others = current.member.transfer_requests.pending()
    if pending is not None:
        others = others.exclude(pk=pending.pk)
    if others.exists():
        raise ValidationError(
            _("%(name)s already has a transfer request waiting for an answer."),
            params={"name": current.member},
            code="transfer_pending",
        )


def _check_readmission_after(last: Membership, day: date) -> None:
    if last.leave_reason == LeaveReason.DECEASED:
        raise ValidationError(
            _("%(name)s is recorded as deceased."),
            params={"name": last.member},
            code="deceased",
        )
    if last.left_on and day < last.left_on:
        raise ValidationError(
            _("The readmission date cannot be before the member left (%(day)s)."),
            params={"day": f"{last.left_on:%d/%m/%Y}"},
            code="readmitted_before_leaving",
        )
    if last.leave_reason in WAIT_BEFORE_READMISSION:
        earliest = _add_months(last.left_on, READMISSION_WAIT_MONTHS)
        if day < earliest:
            raise ValidationError(
                _(
                    "After leaving for this reason, readmission is possible from %(day)s."
                ),
                params={"day": f"{earliest:%d/%m/%Y}"},
                code="readmitted_too_soon",
            )


def _in_scope(user, unit: UnionUnit) -> bool:
    return UnionUnit.objects.for_user(user).filter(pk=unit.pk).exists()


def _pending(transfer_request: TransferRequest) -> TransferRequest:
    transfer_request = (
        TransferRequest.objects.select_for_update()
        .select_related("member", "from_unit", "to_unit")
        .get(pk=transfer_request.pk)
    )
    if not transfer_request.is_pending:
        raise ValidationError(
            _("This transfer request was already answered (%(status)s)."),
            params={"status": transfer_request.get_status_display()},
            code="transfer_answered",
        )
    return transfer_request


def _decide(transfer_request: TransferRequest, status: str, user) -> None:
    transfer_request.status = status
    transfer_request.decided_by = user
    transfer_request.decided_at = timezone.now()
    transfer_request.save()


# --- Writing ----------------------------------------------------------------------------


def _move(current: Membership, to_unit: UnionUnit, day: date) -> Membership:
    current.left_on = day
    current.leave_reason = LeaveReason.TRANSFER
    current.save()
    return _open(
        member=current.member,
        unit=to_unit,
        started_on=day,
        start_reason=StartReason.TRANSFERRED,
        card_number=current.card_number,  # the card stays with the person
    )


def _open(**fields) -> Membership:
    membership = Membership(**fields)
    membership.full_clean(validate_constraints=False)
    _save(membership)
    return membership


def _save(instance) -> None:
    """Save, turning a lost race on a unique rule into a refusal the user can read."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise ValidationError(
            _(
                "Someone else changed this person's membership at the same moment; "
                "nothing was saved. Reload the page and try again."
            ),
            code="concurrent_change",
        ) from error


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


# --- Many members at once: a CĐCS dissolved or merged -----------------------------------


@transaction.atomic
def transfer_members(
    *,
    memberships: list[Membership],
    to_unit: UnionUnit,
    transferred_on: date,
    user=None,
) -> list[Membership]:
    """Transfer the members of open ``memberships`` to ``to_unit`` on one date, all at
    once: ``transfer_member``'s rules, checked for everyone before anything is written."""
    _refuse_future(transferred_on, _("The transfer date cannot be in the future."))
    if to_unit.founded_on > transferred_on:
        raise ValidationError(
            _("%(unit)s was founded only on %(day)s."),
            params={"unit": to_unit, "day": f"{to_unit.founded_on:%d/%m/%Y}"},
            code="unit_not_founded",
        )
    _refuse_unit_not_taking_members(to_unit, transferred_on)
    if any(m.unit_id == to_unit.pk for m in memberships):
        raise ValidationError(
            _("Members of %(unit)s cannot be transferred to the same union."),
            params={"unit": to_unit},
            code="same_unit",
        )
    _refuse_ended_after(memberships, transferred_on)
    check_open({m.unit_id for m in memberships} | {to_unit.pk}, transferred_on)
    _close(memberships, transferred_on, LeaveReason.TRANSFER, "", user)
    opened = [
        Membership(
            member_id=m.member_id,
            unit=to_unit,
            started_on=transferred_on,
            start_reason=StartReason.TRANSFERRED,
            card_number=m.card_number,  # the card stays with the person
        )
        for m in memberships
    ]
    return bulk_create_with_history(opened, Membership, default_user=user)


@transaction.atomic
def record_departures(
    *,
    memberships: list[Membership],
    left_on: date,
    reason: str,
    note: str = "",
    user=None,
) -> list[Membership]:
    """Record that the members of open ``memberships`` left on one date, all at once
    (``record_departure``'s rules, checked for everyone first)."""
    if reason not in DEPARTURE_REASONS:
        raise ValidationError(
            _("Choose a reason for leaving."), code="leave_reason_missing"
        )
    _refuse_future(left_on, _("The leaving date cannot be in the future."))
    _refuse_ended_after(memberships, left_on)
    check_open({m.unit_id for m in memberships}, left_on)
    _close(memberships, left_on, reason, (note or "").strip(), user)
    return memberships


@transaction.atomic
def reopen_memberships(*, closed: list[int], opened: list[int], user=None) -> None:
    """Undo ``transfer_members`` or ``record_departures`` done today: the memberships
    they opened go, the ones they closed are open again. Refused when the members
    moved or left again since."""
    changed = (
        Membership.objects.filter(pk__in=opened, left_on__isnull=False)
        .select_related("member")
        .first()
    )
    ended = Membership.objects.filter(pk__in=closed)
    since = ended.order_by("left_on").values_list("left_on", flat=True).first()
    later = (
        Membership.objects.filter(
            member__in=ended.values("member_id"), started_on__gte=since
        )
        .exclude(pk__in=opened)
        .select_related("member")
        .first()
        if since
        else None
    )
    if changed or later:
        raise ValidationError(
            _("%(name)s's membership changed since: undo that change first."),
            params={"name": (changed or later).member},
            code="membership_changed",
        )
    # The undone operation's date: what it changed from then on changes back.
    touched = [
        *Membership.objects.filter(pk__in=opened).values_list("unit_id", "started_on"),
        *ended.values_list("unit_id", "left_on"),
    ]
    if touched:
        check_open({unit for unit, _day in touched}, min(day for _u, day in touched))
    Membership.objects.filter(pk__in=opened).delete()
    reopened = list(Membership.objects.filter(pk__in=closed))
    for membership in reopened:
        membership.left_on, membership.leave_reason, membership.leave_note = (
            None,
            "",
            "",
        )
    bulk_update_with_history(
        reopened,
        Membership,
        ["left_on", "leave_reason", "leave_note"],
        default_user=user,
        batch_size=1000,
    )


def _refuse_ended_after(memberships: list[Membership], day: date) -> None:
    """Refuse members whose open membership began on ``day`` or later."""
    late = [m for m in memberships if m.started_on >= day]
    if late:
        raise ValidationError(
            _(
                "%(count)s members joined on %(day)s or later (%(names)s): their "
                "membership cannot end on that date."
            ),
            params={
                "count": len(late),
                "day": f"{day:%d/%m/%Y}",
                "names": ", ".join(str(m.member) for m in late[:5]),
            },
            code="started_after",
        )
    pending = TransferRequest.objects.pending().filter(
        member__in=[m.member_id for m in memberships]
    )
    if first := pending.select_related("member").first():
        raise ValidationError(
            _(
                "%(name)s has a transfer request waiting for an answer: answer it first."
            ),
            params={"name": first.member},
            code="transfer_pending",
        )


def _close(memberships, day: date, reason: str, note: str, user) -> None:
    for membership in memberships:
        membership.left_on, membership.leave_reason = day, reason
        membership.leave_note = note
    bulk_update_with_history(
        memberships,
        Membership,
        ["left_on", "leave_reason", "leave_note"],
        default_user=user,
        batch_size=1000,
    )
