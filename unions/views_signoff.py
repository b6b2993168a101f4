"""A unit's signed-off periods: the list, the signed copy and its workbook, reopening.

Signing off is done from the periodic report's page (views_dashboard.sign_off).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.audit import log_access
from registry.models import AccessLog

from .forms_signoff import ReopenForm
from .models import SignedPeriod, UnionUnit
from .signoff import log_target, may_reopen, reopen

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERMISSION = "unions.export_coverage"  # whoever may print the report reads its copies


@login_required
@permission_required(PERMISSION, raise_exception=True)
def signed_periods(request, code):
    unit = get_object_or_404(UnionUnit.objects.for_user(request.user), code=code)
    rows = unit.signed_periods.select_related("signed_by", "reopened_by")
    return render(
        request, "unions/signed_periods.html", {"unit": unit, "signed_periods": rows}
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
def signed_period(request, pk, form=None):
    signed = _visible(request.user, pk)
    context = {
        "signed_period": signed,
        "unit": signed.unit,
        "figures": signed.figures,
        "groups": _groups(signed.figures["columns"]),
        "may_reopen": signed.is_signed and may_reopen(request.user, signed),
        "form": form or ReopenForm(),
    }
    return render(request, "unions/signed_period.html", context)


@login_required
@permission_required(PERMISSION, raise_exception=True)
def signed_period_workbook(request, pk):
    """The workbook as it was signed, byte for byte."""
    signed = _visible(request.user, pk)
    log_access(
        request,
        action=AccessLog.Action.EXPORT,
        target=log_target(signed),
        object_id=signed.unit.code,
        signed_period=signed.pk,
    )
    response = HttpResponse(bytes(signed.workbook), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="signed-{signed.unit.code}-'
        f'{signed.starts_on:%Y%m%d}-{signed.ends_on:%Y%m%d}.xlsx"'
    )
    return response


@login_required
@permission_required("unions.sign_off_period", raise_exception=True)
@require_POST
def signed_period_reopen(request, pk):
    signed = _visible(request.user, pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            reopen(
                signed_period=signed,
                user=request.user,
                reason=form.cleaned_data["reason"],
                ip_address=request.META.get("REMOTE_ADDR") or None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(period)s of %(unit)s is reopened.")
                % {"period": signed.period.label, "unit": signed.unit.name},
            )
            return redirect("unions:signed_period", pk=signed.pk)
    response = signed_period(request, pk, form=form)
    response.status_code = 400
    return response


def _visible(user, pk) -> SignedPeriod:
    """A sign-off of a unit in the user's scope; any other is not found."""
    return get_object_or_404(
        SignedPeriod.objects.for_user(user).select_related(
            "unit", "signed_by", "reopened_by"
        ),
        pk=pk,
    )


def _groups(columns: list) -> list[tuple[str, int]]:
    """Column groups and how many columns each spans, in order."""
    groups: list[list] = []
    for group, _heading in columns:
        if groups and groups[-1][0] == group:
            groups[-1][1] += 1
        else:
            groups.append([group, 1])
    return [tuple(group) for group in groups]
