"""Signed-off periods (chốt số liệu): the one rule that refuses changes inside them,
and reopening a period.

The rule: a sign-off of unit S for a period ending E refuses a change dated D ≤ E to a
unit that was under S (or was S), in the tree of the date, on any day from D to E.
Figures are counted on the tree of each date and a change dated D alters them from D
on, so such a change would alter S's signed figures (docs/domain.md, "Signed-off
periods (chốt số liệu)"). Every writer that could alter signed figures calls
``check_open`` (one change) or ``OpenPeriods`` (many rows, e.g. an import), naming the
units the change touches and its date.

Signing off itself builds the report, so it lives with the figures
(unions/coverage/signing.py).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.audit import record_access
from registry.models import AccessLog

from .models import (
    CollectiveAgreement,
    Employer,
    SignedPeriod,
    UnionUnit,
    UnitAncestry,
)

PERMISSION = "unions.sign_off_period"


def _id(unit) -> int | None:
    return getattr(unit, "pk", unit)


class OpenPeriods:
    """The sign-offs that could refuse changes to ``units``, loaded once (two queries,
    one when none could, and one more for each signed period a refusal names) and
    asked for each change: for an import's rows, or one service call."""

    def __init__(self, units: Iterable, *, since: date | None = None):
        self._ids = {_id(unit) for unit in units if unit is not None}
        signed = SignedPeriod.objects.signed()
        if since is not None:
            signed = signed.filter(ends_on__gte=since)
        above = UnitAncestry.objects.filter(unit__in=self._ids).values("ancestor")
        self._periods = defaultdict(list)  # signed unit → (end, id), latest first
        for pk, unit, ends_on in (
            signed.filter(unit__in=above)
            .order_by("-ends_on")
            .values_list("pk", "unit", "ends_on")
        ):
            self._periods[unit].append((ends_on, pk))
        self._loaded: dict[int, SignedPeriod] = {}  # the ones a refusal named
        self._above = defaultdict(list)  # unit → [(signed unit above it, from, until)]
        if self._periods:
            for unit, ancestor, starts, ends in UnitAncestry.objects.filter(
                unit__in=self._ids, ancestor__in=list(self._periods)
            ).values_list("unit", "ancestor", "starts_on", "ends_on"):
                self._above[unit].append((ancestor, starts, ends))

    def refusal(self, unit, day: date) -> ValidationError | None:
        """Why a change to ``unit`` dated ``day`` is refused, or None when it may be made."""
        blocking = None
        for ancestor, starts, ends in self._above.get(_id(unit), []):
            for period_end, pk in self._periods[ancestor]:
                if period_end < day:
                    break  # the rest ended earlier still
                # Under the signed unit on some day from ``day`` to the period's end.
                if starts <= period_end and (ends is None or ends > day):
                    if blocking is None or period_end > blocking[0]:
                        blocking = (period_end, pk)
                    break
        if blocking is None:
            return None
        if blocking[1] not in self._loaded:
            self._loaded[blocking[1]] = SignedPeriod.objects.select_related("unit").get(
                pk=blocking[1]
            )
        return refusal(self._loaded[blocking[1]], day)

    def check(self, units: Iterable, day: date) -> None:
        """Refuse a change dated ``day`` touching any of ``units``."""
        for unit in units:
            if unit is not None and (error := self.refusal(unit, day)):
                raise error


def check_open(units: Iterable, day: date) -> None:
    """Refuse a change dated ``day`` to ``units`` (units or ids) that would alter the
    figures of a signed-off period."""
    units = [unit for unit in units if unit is not None]
    OpenPeriods(units, since=day).check(units, day)


def check_agreement(agreement: CollectiveAgreement) -> None:
    """Refuse a new or changed collective agreement whose days in force would change
    inside a signed-off period of its employer's units (the enterprises with a valid
    agreement are a signed figure). The admin form and the importer call this."""
    before = (
        CollectiveAgreement.objects.select_related("employer")
        .filter(pk=agreement.pk)
        .first()
        if agreement.pk
        else None
    )
    if agreement.employer_id is None or agreement.effective_on is None:
        return  # the form says what is missing
    now = (agreement.effective_on, agreement.expires_on)
    if before is None:
        day, employers = now[0], [agreement.employer]
    elif before.employer_id != agreement.employer_id:
        day, employers = (
            min(before.effective_on, now[0]),
            [before.employer, agreement.employer],
        )
    else:
        then = (before.effective_on, before.expires_on)
        changed = [min(a, b) for a, b in zip(then, now, strict=True) if a != b and b]
        if not changed:
            return
        day, employers = min(changed), [agreement.employer]
    check_open([unit for e in employers for unit in employer_units(e)], day)


# What decides where and whether an employer counts: a correction of these has no
# date and restates the past from the first day the employer counts (docs/domain.md).
PLACED = ["grassroots_union_id", "managing_unit_id", "kind", "founded_on"]


def check_employer(employer: Employer) -> None:
    """Refuse a new or corrected employer (its admin form, the employer importer) that
    would change a signed-off period's figures: a correction of its place, type or
    founding from the first day it counts, a worker count from the count's date."""
    before = Employer.objects.filter(pk=employer.pk).first() if employer.pk else None
    days, units = [], set(employer_units(employer))
    if before is None or any(
        getattr(before, f) != getattr(employer, f) for f in PLACED
    ):
        reported = list(
            employer.workforce_reports.values_list("reported_on", flat=True)
            if employer.pk
            else []
        )
        first = [e.known_from(reported) for e in (before, employer) if e is not None]
        days.append(min(day or UnitAncestry.ALWAYS for day in first))
        units.update(employer_units(before) if before else [])
    counted = ("workers", "workers_reported_on")
    if employer.workers_reported_on and (
        before is None
        or any(getattr(before, f) != getattr(employer, f) for f in counted)
    ):
        days.append(employer.workers_reported_on)
    if days:
        check_open(units, min(days))


def employer_units(employer: Employer) -> list[int]:
    """The units whose figures count ``employer`` (ids): its CĐCS, and its managing
    unit, where it is counted while it has no active CĐCS."""
    return [employer.grassroots_union_id, employer.managing_unit_id]


def refusal(signed_period: SignedPeriod, day: date) -> ValidationError:
    return ValidationError(
        _(
            "The figures of %(period)s of %(unit)s were signed off on %(signed)s: "
            "nothing dated %(day)s can be changed (the period runs to %(end)s). An "
            "officer of a unit above can reopen the period."
        ),
        params={
            "period": signed_period.period.label,
            "unit": signed_period.unit.name,
            "signed": f"{timezone.localdate(signed_period.signed_at):%d/%m/%Y}",
            "day": f"{day:%d/%m/%Y}",
            "end": f"{signed_period.ends_on:%d/%m/%Y}",
        },
        code="period_signed_off",
    )


# --- Who may sign off and reopen --------------------------------------------------------


def may_sign_off(user, unit: UnionUnit) -> bool:
    """An officer of ``unit`` or of a unit above it, with the permission."""
    return (
        user.has_perm(PERMISSION)
        and UnionUnit.objects.for_user(user).filter(pk=unit.pk).exists()
    )


def may_reopen(user, signed_period: SignedPeriod) -> bool:
    """An officer of a unit strictly above the signed unit, with the permission."""
    if not user.has_perm(PERMISSION):
        return False
    if user.is_system_admin:
        return True
    unit = signed_period.unit
    return (
        user.unit_id is not None
        and user.unit_id != unit.pk
        and unit.path.startswith(user.unit.path)
    )


@transaction.atomic
def reopen(
    *, signed_period: SignedPeriod, user, reason: str, ip_address: str | None = None
) -> SignedPeriod:
    """Reopen a signed-off period: changes dated inside it are allowed again. The
    signed copy stays as it was; signing the period again makes a new one. Written
    to the access log with its reason."""
    signed_period = (
        SignedPeriod.objects.select_for_update()
        .select_related("unit")
        .get(pk=signed_period.pk)
    )
    if not may_reopen(user, signed_period):
        raise ValidationError(
            _("Only an officer of a unit above %(unit)s can reopen its periods."),
            params={"unit": signed_period.unit.name},
            code="not_allowed",
        )
    if not signed_period.is_signed:
        raise ValidationError(
            _("This period was already reopened on %(day)s."),
            params={"day": f"{timezone.localdate(signed_period.reopened_at):%d/%m/%Y}"},
            code="already_reopened",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the period is reopened.")}, code="reason_missing"
        )
    signed_period.reopened_by, signed_period.reopened_at = user, timezone.now()
    signed_period.reopen_reason = reason
    signed_period.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])
    record_access(
        user=user,
        action=AccessLog.Action.REOPEN_PERIOD,
        target=log_target(signed_period),
        object_id=signed_period.unit.code,
        purpose=reason,
        ip_address=ip_address,
        signed_period=signed_period.pk,
    )
    return signed_period


def log_target(signed_period: SignedPeriod) -> str:
    """How the access log names a sign-off: the period and the unit."""
    return f"{signed_period.period.label} – {signed_period.unit.code} {signed_period.unit.name}"
