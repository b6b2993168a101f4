"""Signing off a unit's periodic report (chốt số liệu): the report is built once, on the
tree of each date, and kept as it was signed — its figures and its workbook.

The rule that protects a signed period from later changes is unions/signoff.py.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registry.audit import record_access
from registry.models import AccessLog
from unions.models import SignedPeriod, UnionUnit
from unions.periods import Period
from unions.signoff import log_target, may_sign_off

from .figures import Structure
from .report import PeriodReport, period_report
from .workbook import columns, report_workbook, structure_note

# Signed reports are official documents sent upward: written in Vietnamese, whatever
# language the officer's screen is in.
LANGUAGE = "vi"


@transaction.atomic
def sign_off(
    *, unit: UnionUnit, period: Period, user, ip_address: str | None = None
) -> SignedPeriod:
    """Sign off ``unit``'s figures for ``period``: refused for a period that has not
    ended, one already signed off (and not reopened), or a user who may not. Written
    to the access log."""
    if not may_sign_off(user, unit):
        raise ValidationError(
            _(
                "Only an officer of %(unit)s or of a unit above it can sign off its figures."
            )
            % {"unit": unit.name},
            code="not_allowed",
        )
    if period.ends_on >= timezone.localdate():
        raise ValidationError(
            _("%(period)s ends on %(day)s: a period is signed off once it has ended.")
            % {"period": period.label, "day": f"{period.ends_on:%d/%m/%Y}"},
            code="period_not_ended",
        )
    # Two officers signing the same period at once: the second waits, then is refused.
    UnionUnit.objects.select_for_update().filter(pk=unit.pk).first()
    earlier = (
        SignedPeriod.objects.signed()
        .filter(unit=unit, kind=period.kind, starts_on=period.starts_on)
        .first()
    )
    if earlier is not None:
        raise ValidationError(
            _("%(period)s of %(unit)s was already signed off on %(day)s.")
            % {
                "period": period.label,
                "unit": unit.name,
                "day": f"{timezone.localdate(earlier.signed_at):%d/%m/%Y}",
            },
            code="already_signed",
        )
    with translation.override(LANGUAGE):
        report = period_report(unit, period.starts_on, period.ends_on)
        figures = stored_figures(report, period)
        workbook = report_workbook(report)
    signed_period = SignedPeriod.objects.create(
        unit=unit,
        kind=period.kind,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        signed_by=user,
        figures=figures,
        workbook=workbook,
    )
    record_access(
        user=user,
        action=AccessLog.Action.SIGN_OFF,
        target=log_target(signed_period),
        object_id=unit.code,
        ip_address=ip_address,
        signed_period=signed_period.pk,
    )
    return signed_period


def stored_figures(report: PeriodReport, period: Period) -> dict:
    """The report as its page shows it: the column headings and every row's values."""
    cols = columns(report)
    return {
        "unit": {"code": report.unit.code, "name": report.unit.name},
        "period": period.label,
        "starts_on": report.starts_on.isoformat(),
        "ends_on": report.ends_on.isoformat(),
        "structure": str(Structure.HISTORICAL),
        "structure_note": structure_note(report),
        "columns": [[group, heading] for group, heading, _value in cols],
        "rows": [
            {
                "code": row.unit.code,
                "label": row.label,
                "values": [value(row) for _group, _heading, value in cols],
            }
            for row in report.rows
        ],
        "total": {
            "label": _("Total"),
            "values": [value(report.total) for _group, _heading, value in cols],
        },
    }
