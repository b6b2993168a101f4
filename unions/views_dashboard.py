"""Coverage dashboard, white spots, agreements due for renewal and the periodic report."""

from html import escape
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from registry.audit import log_access
from registry.models import AccessLog, Ward
from registry.writing import xlsx_bytes

from .coverage import figures, signing
from .coverage.renewal_list import RenewalList
from .coverage.report import period_report
from .coverage.white_spot_list import WhiteSpotList
from .coverage.workbook import columns, report_workbook, structure_note
from .forms_dashboard import ReportForm, UnitForm, WhiteSpotForm
from .forms_signoff import SignOffForm, ended_periods, period_value
from .kinds import GRASSROOTS_KINDS
from .models import Employer, UnionUnit
from .signoff import may_sign_off

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The children table's figure columns: (figure, heading, shown on a phone).
HEADINGS = [
    ("members", gettext_lazy("Members"), True),
    ("workers", gettext_lazy("Workers"), False),
    ("unionisation_rate", gettext_lazy("Members per worker"), True),
    ("employers_eligible", gettext_lazy("Eligible employers"), False),
    ("employers_with_union", gettext_lazy("With a union"), False),
    ("employer_coverage_rate", gettext_lazy("Coverage"), True),
    ("cdcs", gettext_lazy("CĐCS"), True),
    ("enterprises_with_union", gettext_lazy("Enterprises with a union"), False),
    ("enterprises_with_cba", gettext_lazy("With an agreement"), False),
    ("cba_rate", gettext_lazy("Agreement rate"), True),
]
SORTS = [name for name, _heading, _narrow in HEADINGS]
PREVIEW = 10


@login_required
@permission_required("unions.view_dashboard", raise_exception=True)
def dashboard(request):
    form = UnitForm(request.GET, user=request.user)
    if not form.is_valid():
        return refuse(request, form, "unions/dashboard.html")
    unit, day = form.cleaned_data["unit"], form.cleaned_data["as_of"]
    structure = form.cleaned_data["structure"]
    total, children = figures.coverage_with_children(unit, day, structure=structure)
    sort = request.GET.get("sort", "")
    context = {
        **scope_context(request, form, unit, day),
        "total": total,
        "progress": total.progress(),
        "children": sort_rows(children, sort),
        "sort": sort,
        "headings": HEADINGS,
        "largest_white_spots": figures.largest_white_spots(
            unit, day, PREVIEW, structure
        ),
        "renewals": figures.due_for_renewal(unit, day, structure)[:PREVIEW],
        "charts": charts(total, children, structure),
    }
    return render(request, "unions/dashboard.html", context)


@login_required
@permission_required("unions.view_dashboard", raise_exception=True)
def white_spots(request):
    form = white_spot_form(request)
    if not form.is_valid():
        return refuse(request, form, "unions/dashboard_white_spots.html")
    unit, day = form.cleaned_data["unit"], form.cleaned_data["as_of"]
    structure = form.cleaned_data["structure"]
    employers = WhiteSpotList(unit, day, structure, **form.chosen_filters())
    page = Paginator(employers, 50).get_page(request.GET.get("page"))
    context = {**scope_context(request, form, unit, day), "page": page}
    return render(request, "unions/dashboard_white_spots.html", context)


@login_required
@permission_required("unions.export_coverage", raise_exception=True)
def white_spots_export(request):
    form = white_spot_form(request)
    if not form.is_valid():
        return refuse(request, form, "unions/dashboard_white_spots.html")
    unit, day = form.cleaned_data["unit"], form.cleaned_data["as_of"]
    structure = form.cleaned_data["structure"]
    # The page's list, read from the spells (the definition, figures.white_spots, is
    # the same employers: tests/coverage/test_rollups_match_a_recount.py).
    employers = WhiteSpotList(unit, day, structure, **form.chosen_filters())
    headers = [
        _("No."),
        _("Tax code"),
        _("Employer"),
        _("Type"),
        _("Workers"),
        _("Industrial zone"),
        _("Ward or commune"),
        _("Address"),
        _("Managing unit"),
    ]
    rows = (
        [
            number,
            employer.tax_code_for(request.user),
            employer.name,
            employer.get_kind_display(),
            employer.workers_on,
            str(employer.industrial_zone or ""),
            str(employer.ward or ""),
            employer.address,
            employer.managing_unit_name_on,
        ]
        for number, employer in enumerate(employers, 1)
    )
    log_access(
        request,
        action=AccessLog.Action.EXPORT,
        target=_("White spots of %(unit)s on %(day)s")
        % {"unit": unit.code, "day": f"{day:%d/%m/%Y}"},
        object_id=unit.code,
        filters=request.GET.dict(),
    )
    return xlsx_response(
        xlsx_bytes(headers, rows, sheet=_("White spots")[:31]),
        f"white-spots-{unit.code}-{day:%Y%m%d}.xlsx",
    )


@login_required
@permission_required("unions.view_dashboard", raise_exception=True)
def renewals(request):
    form = UnitForm(request.GET, user=request.user)
    if not form.is_valid():
        return refuse(request, form, "unions/dashboard_renewals.html")
    unit, day = form.cleaned_data["unit"], form.cleaned_data["as_of"]
    renewals = RenewalList(unit, day, form.cleaned_data["structure"])
    page = Paginator(renewals, 50).get_page(request.GET.get("page"))
    context = {**scope_context(request, form, unit, day), "page": page}
    return render(request, "unions/dashboard_renewals.html", context)


@login_required
@permission_required("unions.export_coverage", raise_exception=True)
def renewals_export(request):
    form = UnitForm(request.GET, user=request.user)
    if not form.is_valid():
        return refuse(request, form, "unions/dashboard_renewals.html")
    unit, day = form.cleaned_data["unit"], form.cleaned_data["as_of"]
    structure = form.cleaned_data["structure"]
    headers = [
        _("No."),
        _("Tax code"),
        _("Enterprise"),
        _("Workers"),
        _("Agreement expires on"),
        _("Status"),
        _("CĐCS code"),
        _("CĐCS to contact"),
    ]
    rows = (
        [
            number,
            employer.tax_code,
            employer.name,
            employer.workers_on,
            employer.last_expires_on,
            renewal_status(employer, day),
            employer.grassroots_union.code,
            employer.grassroots_union.name,
        ]
        for number, employer in enumerate(RenewalList(unit, day, structure), 1)
    )
    log_access(
        request,
        action=AccessLog.Action.EXPORT,
        target=_("Agreements due for renewal in %(unit)s on %(day)s")
        % {"unit": unit.code, "day": f"{day:%d/%m/%Y}"},
        object_id=unit.code,
    )
    return xlsx_response(
        xlsx_bytes(headers, rows, sheet=_("Renewals")[:31]),
        f"renewals-{unit.code}-{day:%Y%m%d}.xlsx",
    )


@login_required
@permission_required("unions.export_coverage", raise_exception=True)
def report(request):
    form = ReportForm(request.GET, user=request.user)
    if not form.is_valid():
        return refuse(request, form, "unions/dashboard_report.html")
    data = form.cleaned_data
    result = period_report(
        data["unit"], data["starts_on"], data["ends_on"], structure=data["structure"]
    )
    context = {
        **scope_context(request, form, data["unit"], data["ends_on"]),
        "report": result,
        "structure_note": structure_note(result),
        "columns": columns(result),
        "groups": [
            (group, len(list(members)))
            for group, members in groupby(columns(result), key=lambda column: column[0])
        ],
        "table": [
            (row, [value(row) for _group, _heading, value in columns(result)])
            for row in [*result.rows, result.total]
        ],
        "sign_off_form": sign_off_form(request.user, result),
    }
    return render(request, "unions/dashboard_report.html", context)


def sign_off_form(user, result):
    """The form signing off the report's unit, the report's own period chosen when it
    is one; None for a user who may not sign it off."""
    if not may_sign_off(user, result.unit):
        return None
    shown = (result.starts_on, result.ends_on)
    same = [p for p in ended_periods() if (p.starts_on, p.ends_on) == shown]
    return SignOffForm(initial={"period": period_value(same[0]) if same else None})


@login_required
@permission_required("unions.sign_off_period", raise_exception=True)
@require_POST
def sign_off(request):
    """Sign off an ended period of a unit in scope; a refusal goes back to the report."""
    scope = UnionUnit.objects.for_user(request.user)
    unit = get_object_or_404(scope, code=request.POST.get("unit", ""))
    form = SignOffForm(request.POST)
    back = f"{reverse('unions:dashboard_report')}?unit={unit.code}"
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("period", [])))
        return redirect(back)
    chosen = form.cleaned_data["period"]
    back += f"&starts_on={chosen.starts_on:%d/%m/%Y}&ends_on={chosen.ends_on:%d/%m/%Y}"
    try:
        signed = signing.sign_off(
            unit=unit,
            period=chosen,
            user=request.user,
            ip_address=request.META.get("REMOTE_ADDR") or None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(
        request,
        _("The figures of %(period)s of %(unit)s are signed off.")
        % {"period": chosen.label, "unit": unit.name},
    )
    return redirect("unions:signed_period", pk=signed.pk)


@login_required
@permission_required("unions.export_coverage", raise_exception=True)
def report_export(request):
    form = ReportForm(request.GET, user=request.user)
    if not form.is_valid():
        return refuse(request, form, "unions/dashboard_report.html")
    data = form.cleaned_data
    result = period_report(
        data["unit"], data["starts_on"], data["ends_on"], structure=data["structure"]
    )
    log_access(
        request,
        action=AccessLog.Action.EXPORT,
        target=_("Statistical report of %(unit)s, %(start)s–%(end)s")
        % {
            "unit": result.unit.code,
            "start": f"{result.starts_on:%d/%m/%Y}",
            "end": f"{result.ends_on:%d/%m/%Y}",
        },
        object_id=result.unit.code,
    )
    return xlsx_response(
        report_workbook(result),
        f"report-{result.unit.code}-{result.starts_on:%Y%m%d}-{result.ends_on:%Y%m%d}.xlsx",
    )


# --- Helpers -------------------------------------------------------------------------


def refuse(request, form, template):
    """The page with the form's message: 404 for a unit out of reach, else 400."""
    status = 404 if form.unit_not_found else 400
    context = {"form": form, "unit_codes": unit_codes(request.user)}
    return render(request, template, context, status=status)


def scope_context(request, form, unit, day) -> dict:
    scope = UnionUnit.objects.for_user(request.user)
    # Show the unit and date the page is about, also when they came from the defaults.
    form.data = form.data.copy()
    form.data["unit"] = unit.code
    if "as_of" in form.fields:
        form.data["as_of"] = day.strftime("%d/%m/%Y")
    structure = form.cleaned_data["structure"]
    form.data["structure"] = structure
    if structure == figures.Structure.CURRENT:
        above = UnionUnit.objects.get_ancestors(unit)
    else:  # the chain of that date
        above = UnionUnit.objects.ancestors_on(unit, day)
    return {
        "form": form,
        "unit": unit,
        "day": day,
        "ancestors": scope.filter(pk__in=[a.pk for a in above]).order_by("depth"),
        "unit_codes": unit_codes(request.user),
        "structure": structure,
        "other_structure": (
            figures.Structure.CURRENT
            if structure == figures.Structure.HISTORICAL
            else figures.Structure.HISTORICAL
        ),
    }


def unit_codes(user):
    """<option>s of the upper-level units for the picker (a CĐCS: drill down or type it).

    Joined here rather than looped over in the template: a national scope has a
    thousand of them, and the template loop was a fifth of the page's time.
    """
    units = (
        UnionUnit.objects.for_user(user)
        .exclude(kind__in=GRASSROOTS_KINDS)
        .values_list("code", "name")[:1000]
    )
    # The standard library's escape: format_html_join cost ~10 ms for 1,000 options.
    return mark_safe(  # noqa: S308 - every value is escaped here
        "".join(
            f'<option value="{escape(code)}">{escape(name)}</option>'
            for code, name in units
        )
    )


def white_spot_form(request):
    """The white-spot filters, the wards offered being those of the unit's employers."""
    base = UnitForm(request.GET, user=request.user)
    wards = Ward.objects.none()
    if base.is_valid():
        wards = Ward.objects.filter(
            pk__in=Employer.objects.within(base.cleaned_data["unit"]).values("ward")
        )
    return WhiteSpotForm(request.GET, user=request.user, wards=wards)


def sort_rows(rows, sort: str):
    """Rows sorted by a figure (``-members`` = most first); undefined rates go last,
    and the row of what is placed at the unit itself stays at the end."""
    name = sort.removeprefix("-")
    if name not in SORTS:
        return rows
    descending = sort.startswith("-")
    known = [row for row in rows if not row.is_own and getattr(row, name) is not None]
    unknown = [row for row in rows if not row.is_own and getattr(row, name) is None]
    known.sort(key=lambda row: getattr(row, name), reverse=descending)
    return known + unknown + [row for row in rows if row.is_own]


def charts(total, children, structure) -> dict:
    """Data for the three charts, passed to the page with json_script."""
    by_month = figures.members_by_month(
        total.unit, total.as_of, current=total, structure=structure
    )
    children = [child for child in children if not child.is_own]
    return {
        "months": [point.strftime("%m/%Y") for point, _m, _a in by_month],
        "members": [members for _p, members, _a in by_month],
        "admitted": [admitted for _p, _m, admitted in by_month],
        "children": [child.unit.code for child in children],
        "child_names": [child.unit.name for child in children],
        "coverage": [_percent(child.employer_coverage_rate) for child in children],
        "unionisation": [_percent(child.unionisation_rate) for child in children],
        "cba": [_percent(child.cba_rate) for child in children],
        "labels": {
            "members": _("Members"),
            "admitted": _("Admitted that month"),
            "coverage": _("Employers with a union"),
            "unionisation": _("Members per worker"),
            "cba": _("Enterprises with a valid agreement"),
        },
    }


def _percent(fraction):
    return None if fraction is None else round(fraction * 100, 1)


def renewal_status(employer, day) -> str:
    if employer.last_expires_on <= day:
        return _("lapsed on %(day)s") % {"day": f"{employer.last_expires_on:%d/%m/%Y}"}
    days = (employer.last_expires_on - day).days
    return _("expires in %(days)s days") % {"days": days}


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
