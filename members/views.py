from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import BadRequest, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.audit import log_access
from registry.models import AccessLog, Ward
from registry.parameters import row_id
from registry.throttles import allow_cccd_lookup
from unions.kinds import GRASSROOTS_KINDS
from unions.models import UnionUnit

from . import services, subject_access
from .estimates import planned_rows, share_in_units
from .forms import (
    AdmitForm,
    ChooseUnitForm,
    LeaveForm,
    MemberFilterForm,
    MemberForm,
    ReadmitForm,
    RecordExportForm,
    RefuseTransferForm,
    TransferForm,
    add_service_error,
)
from .history import SENSITIVE_FIELDS, changes_of
from .models import Member, Membership, TransferRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
# Lists count exactly up to here; beyond, PostgreSQL's estimate ("about 41,000"). Finding
# 201 matches in name order is a short walk even for a rare search in a large scope;
# 1,001 took four times as long (docs/benchmarks.md). Never a COUNT(*) of a million.
COUNT_LIMIT = 200
# SQLite has no planner estimate to show; the databases it serves (a province's demo, a
# small federation) are small enough to count exactly, up to here.
EXACT_COUNT_LIMIT = 100_000
UNIT_CHOICES_LIMIT = 2000
# A past day's list is read from the people's own rows (MemberQuerySet.active_on) when
# the scope holds this share of the register: above it nearly everyone walked in name
# order is a match, and a lookup each is cheaper than gathering who left since; below
# it the few people are fetched from their memberships directly.
OWN_ROWS_SHARE = (0.001, 0.2)


@login_required
@permission_required("members.view_member", raise_exception=True)
def member_list(request):
    show_sensitive = request.user.has_perm("members.view_sensitive_data")
    units = UnionUnit.objects.for_user(request.user)
    form = MemberFilterForm(request.GET, units=units, show_sensitive=show_sensitive)
    if not form.is_valid():
        return render(request, "members/member_list.html", {"form": form, "rows": []})
    day = form.cleaned_data["on"] or timezone.localdate()
    scope = _scope(request.user, units, form.cleaned_data["unit"])
    people = Member.objects.active_on(
        day, scope, from_own_rows=_read_from_own_rows(day, scope)
    )
    is_past = day != timezone.localdate()
    if is_past and form.filters_personal_data():
        # Who moved away since is the new union's to describe: "women aged 30-39
        # on 1/1/2024" must not tell the union they left about them.
        people = people.for_user(request.user)
    members = form.apply(people, day).in_name_order()
    in_scope = {"unit": scope} if isinstance(scope, UnionUnit) else {"unit__in": scope}
    memberships = Membership.objects.active_on(day).filter(**in_scope)
    page = _keyset_page(members, request.GET)
    rows = _with_memberships(page.pop("ids"), memberships)
    _mark_held(rows, request.user, is_past=is_past)
    _log_list(request, form, rows, page, day)
    context = {
        "form": form,
        "day": day,
        "rows": rows,
        "member_list_url": request.path,
        "upper_units": units.exclude(kind__in=GRASSROOTS_KINDS).only("code", "name")[
            :UNIT_CHOICES_LIMIT
        ],
        "admit_unit": _own_grassroots(request.user),
        **page,
    }
    template = "members/member_list.html"
    if request.headers.get("X-Fragment") == "rows":
        template += "#results"
    return render(request, template, context)


def _log_list(request, form, rows, page, day) -> None:
    """One entry for the page of people shown: how many, and the filters that chose
    them (never an entry per person)."""
    filters = {
        name: value.code if isinstance(value, UnionUnit) else str(value)
        for name, value in form.cleaned_data.items()
        if value not in (None, "")
    }
    log_access(
        request,
        action=AccessLog.Action.LIST_MEMBERS,
        target=f"members: {filters.get('unit') or getattr(request.user.unit, 'code', '*')}",
        count=len(rows),
        is_sensitive=bool(filters.get("party")),  # the list shows masked CCCDs only
        filters=filters,
        on=day.isoformat(),
        matches=page["estimate"] or page["count"],
    )


def _scope(user, units, chosen):
    """The units listed: the chosen one's subtree, else the user's; a CĐCS as itself
    (a leaf: its own members are one range of an index)."""
    unit = chosen or user.unit
    if unit is not None and unit.is_grassroots:
        return unit
    return units.within(chosen) if chosen else units


def _read_from_own_rows(day, scope) -> bool:
    if day == timezone.localdate() or isinstance(scope, UnionUnit):
        return False
    share = share_in_units(Member.objects.all(), scope)
    return share is not None and OWN_ROWS_SHARE[0] <= share < OWN_ROWS_SHARE[1]


def _keyset_page(members, params) -> dict:
    """The ids of one page after (or before) the member whose id is in the query string,
    and the count of all matches: exact up to COUNT_LIMIT, then the planner's estimate
    (PostgreSQL) or an exact count up to EXACT_COUNT_LIMIT (SQLite).

    The first page, which is also every keystroke of a search, asks for up to
    COUNT_LIMIT + 1 ids in name order (an index-only walk, or one trigram search) and
    takes both its page and its count from them; the search runs once.
    """
    anchor_id = row_id(params.get("after") or params.get("before"))
    anchor = (
        Member.objects.filter(pk=anchor_id).only("sort_key").first()
        if anchor_id
        else None
    )
    ids = members.values_list("pk", flat=True)
    if anchor is None:
        found = list(ids[: COUNT_LIMIT + 1])
        count, has_previous = len(found), False
        has_next, found = len(found) > PAGE_SIZE, found[:PAGE_SIZE]
    elif "before" in params:
        found = list(ids.before(anchor).reverse()[: PAGE_SIZE + 1])
        has_previous, found = len(found) > PAGE_SIZE, found[:PAGE_SIZE][::-1]
        has_next = True
    else:
        found = list(ids.after(anchor)[: PAGE_SIZE + 1])
        has_next, found = len(found) > PAGE_SIZE, found[:PAGE_SIZE]
        has_previous = True
    if anchor is not None:
        count = members.order_by()[: COUNT_LIMIT + 1].count()
    estimate, count_limit = None, COUNT_LIMIT
    if count > COUNT_LIMIT:
        estimate = planned_rows(members)
        if estimate is None:  # no planner to ask: count, as far as is cheap
            count_limit = EXACT_COUNT_LIMIT
            count = members.order_by()[: EXACT_COUNT_LIMIT + 1].count()
    return {
        "ids": found,
        "count": count,
        "count_limit": count_limit,
        "estimate": estimate if estimate and estimate > COUNT_LIMIT else None,
        "next_id": found[-1] if found and has_next else None,
        "previous_id": found[0] if found and has_previous else None,
    }


def _with_memberships(ids: list[int], memberships) -> list[Member]:
    """The members of ``ids`` in that order, each with the membership that lists them.

    One query: every listed member has such a membership (that is why they are listed).
    """
    by_member = {
        m.member_id: m
        for m in memberships.filter(member_id__in=ids).select_related("member", "unit")
    }
    rows = []
    for pk in ids:
        if membership := by_member.get(pk):
            membership.member.membership = membership
            rows.append(membership.member)
    return rows


def _mark_held(rows: list[Member], user, *, is_past: bool) -> None:
    """Say which listed people's records the user holds (Member.objects.for_user).

    Everyone active today in the user's scope is; on a past day, people who moved away
    since are listed with their name and that membership's dates only.
    """
    held = (
        set(
            Member.objects.for_user(user)
            .filter(pk__in=[m.pk for m in rows])
            .values_list("pk", flat=True)
        )
        if is_past and rows
        else None
    )
    for member in rows:
        member.is_held = held is None or member.pk in held


def _own_grassroots(user):
    unit = user.unit
    return unit if unit is not None and unit.is_grassroots else None


@login_required
@permission_required("members.view_member", raise_exception=True)
def member_detail(request, pk):
    member = get_object_or_404(
        Member.objects.for_user(request.user).select_related("province", "ward"),
        pk=pk,
    )
    show_sensitive = request.user.has_perm("members.view_sensitive_data")
    log_access(
        request,
        action=AccessLog.Action.VIEW_MEMBER,
        target=member.full_name,
        object_id=member.pk,
        is_sensitive=show_sensitive,
    )
    memberships = list(
        member.memberships.select_related("unit").order_by("-started_on", "-id")
    )
    current = next((m for m in memberships if m.left_on is None), None)
    in_scope = current is not None and (
        Membership.objects.for_user(request.user).filter(pk=current.pk).exists()
    )
    context = {
        "member": member,
        "memberships": memberships,
        "current": current,
        "show_sensitive": show_sensitive,
        "can_move": in_scope and request.user.has_perm("members.change_membership"),
        "can_readmit": current is None
        and request.user.has_perm("members.add_membership"),
        "transfer_requests": member.transfer_requests.select_related(
            "from_unit", "to_unit", "requested_by", "decided_by"
        ),
        "changes": changes_of(member, show_sensitive=show_sensitive),
        "warnings": member.cccd_warnings() if show_sensitive else [],
        "address": " · ".join(
            str(part) for part in (member.address, member.ward, member.province) if part
        ),
    }
    return render(request, "members/member_detail.html", context)


@login_required
@permission_required("members.add_membership", raise_exception=True)
def admit_start(request):
    """Pick the CĐCS to admit into, then go to its admission form."""
    units = _open_grassroots(request.user)
    form = ChooseUnitForm(request.GET or None, units=units)
    if form.is_valid():
        return redirect("members:admit", form.cleaned_data["unit"].code)
    return render(
        request,
        "members/admit_start.html",
        {"form": form, "units": units[:UNIT_CHOICES_LIMIT]},
    )


def _open_grassroots(user):
    today = timezone.localdate()
    return (
        UnionUnit.objects.for_user(user)
        .grassroots()
        .filter(founded_on__lte=today)
        .exclude(dissolved_on__lte=today)
        .only("code", "name")
    )


@login_required
@permission_required("members.add_membership", raise_exception=True)
def admit(request, unit_code):
    unit = get_object_or_404(
        UnionUnit.objects.for_user(request.user).grassroots().with_code(unit_code)
    )
    if unit.code != unit_code and request.method == "GET":
        return redirect("members:admit", unit.code)  # a former code: today's address
    form = AdmitForm(request.POST or None, unit=unit)
    if form.is_valid() and _look_up_cccd(request, form, unit):
        try:
            membership = services.admit_member(
                unit=unit, user=request.user, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s admitted into %(unit)s.")
                % {"name": membership.member, "unit": unit.name},
            )
            return redirect(membership.member)
    return render(request, "members/admit.html", {"unit": unit, "form": form})


def _look_up_cccd(request, form, unit) -> bool:
    """Log the CCCD the admit form is about to look up on the register; past the
    hourly limit (enumeration) refuse it with a word on the field instead."""
    cccd = form.cleaned_data["cccd"]
    if not cccd:
        return True
    if not allow_cccd_lookup(request.user):
        form.add_error(
            "cccd",
            _(
                "You have looked up %(limit)s CCCDs in the last hour, the most allowed. "
                "Try again later, or import the list as a file."
            )
            % {"limit": settings.CCCD_LOOKUPS_PER_HOUR},
        )
        return False
    match = services.find_by_cccd(cccd, user=request.user)
    if match is None:
        outcome = "not_found"
    else:
        outcome = "in_scope" if match.in_scope else "elsewhere"
    log_access(
        request,
        action=AccessLog.Action.LOOKUP_CCCD,
        target=f"admit: {unit.code}",
        object_id=match.member.pk if match else "",
        count=1,
        outcome=outcome,
    )
    return True


def _current_membership(user, pk) -> Membership:
    """The member's open membership, if it is in the user's scope (else a 404)."""
    return get_object_or_404(
        Membership.objects.for_user(user)
        .filter(left_on__isnull=True)
        .select_related("member", "unit"),
        member_id=pk,
    )


@login_required
@permission_required("members.change_membership", raise_exception=True)
def transfer(request, pk):
    current = _current_membership(request.user, pk)
    form = TransferForm(request.POST or None)
    if form.is_valid():
        try:
            result = services.transfer_member(
                member=current.member, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if isinstance(result, TransferRequest):
                messages.info(
                    request,
                    _(
                        "%(unit)s is outside your scope: a transfer request was sent; "
                        "%(name)s moves when it is accepted."
                    )
                    % {"unit": result.to_unit.name, "name": current.member},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s transferred to %(unit)s.")
                    % {"name": current.member, "unit": result.unit.name},
                )
            return redirect(current.member)
    context = {
        "current": current,
        "member": current.member,
        "form": form,
        "units": _open_grassroots(request.user).exclude(pk=current.unit_id)[
            :UNIT_CHOICES_LIMIT
        ],
    }
    return render(request, "members/transfer.html", context)


@login_required
@permission_required("members.change_membership", raise_exception=True)
def leave(request, pk):
    current = _current_membership(request.user, pk)
    form = LeaveForm(request.POST or None)
    if form.is_valid():
        try:
            services.record_departure(member=current.member, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Departure of %(name)s recorded.") % {"name": current.member}
            )
            return redirect(current.member)
    context = {"current": current, "member": current.member, "form": form}
    return render(request, "members/leave.html", context)


@login_required
@permission_required("members.add_membership", raise_exception=True)
def readmit(request, pk):
    member = get_object_or_404(Member.objects.for_user(request.user), pk=pk)
    units = _open_grassroots(request.user)
    form = ReadmitForm(request.POST or None, units=units)
    if form.is_valid():
        try:
            membership = services.readmit_member(member=member, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s readmitted into %(unit)s.")
                % {"name": member, "unit": membership.unit.name},
            )
            return redirect(member)
    context = {"member": member, "form": form, "units": units[:UNIT_CHOICES_LIMIT]}
    return render(request, "members/readmit.html", context)


@login_required
@permission_required("members.change_member", raise_exception=True)
@transaction.atomic  # the record stays locked from the stale-edit check to the save
def member_edit(request, pk):
    member = get_object_or_404(Member.objects.for_user(request.user), pk=pk)
    form = MemberForm(request.POST or None, instance=member)
    show_sensitive = request.user.has_perm("members.view_sensitive_data")
    if not show_sensitive:
        for name in SENSITIVE_FIELDS:
            del form.fields[name]
    log_access(
        request, action=AccessLog.Action.EDIT_FORM, target=member.full_name,
        object_id=member.pk, is_sensitive=show_sensitive, method=request.method,
    )  # fmt: skip
    if form.is_valid():
        form.save()
        messages.success(request, _("Record of %(name)s saved.") % {"name": member})
        return redirect(member)
    return render(request, "members/member_edit.html", {"member": member, "form": form})


@login_required
@permission_required("members.export_member", raise_exception=True)
def member_export(request, pk):
    """A member's own record as a file, for their data-subject request."""
    member = get_object_or_404(Member.objects.for_user(request.user), pk=pk)
    form = RecordExportForm(request.POST or None)
    if not form.is_valid():
        return render(
            request, "members/member_export.html", {"member": member, "form": form}
        )
    file_format = form.cleaned_data["file_format"]
    record = subject_access.record_of(member)
    log_access(
        request, action=AccessLog.Action.EXPORT_RECORD, target=member.full_name,
        object_id=member.pk, count=1, is_sensitive=True,
        purpose=form.cleaned_data["purpose"], file_format=file_format,
    )  # fmt: skip
    if file_format == "json":
        data, content_type = subject_access.as_json(record), "application/json"
    else:
        data, content_type = subject_access.as_xlsx(record), XLSX
    response = HttpResponse(data, content_type=content_type)
    filename = f"doan-vien-{member.pk}-{timezone.localdate():%Y%m%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@permission_required("members.view_transferrequest", raise_exception=True)
def transfer_requests(request):
    """The inbox: requests waiting for the user's unions, and those they sent."""
    visible = TransferRequest.objects.for_user(request.user).select_related(
        "member", "from_unit", "to_unit", "requested_by", "decided_by"
    )
    incoming = TransferRequest.objects.incoming_for(request.user).pending()
    context = {
        "incoming": visible.pending().filter(pk__in=incoming.values("pk")),
        "outgoing": visible.pending().exclude(pk__in=incoming.values("pk")),
        "answered": visible.exclude(status=TransferRequest.Status.PENDING)[:50],
        "refuse_form": RefuseTransferForm(),
    }
    return render(request, "members/transfer_requests.html", context)


def _visible_request(user, pk) -> TransferRequest:
    return get_object_or_404(TransferRequest.objects.for_user(user), pk=pk)


@require_POST
@login_required
@permission_required("members.change_transferrequest", raise_exception=True)
def transfer_accept(request, pk):
    transfer_request = _visible_request(request.user, pk)
    try:
        membership = services.accept_transfer(
            transfer_request=transfer_request, user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s joined %(unit)s.")
            % {"name": membership.member, "unit": membership.unit.name},
        )
    return redirect("members:transfer_requests")


@require_POST
@login_required
@permission_required("members.change_transferrequest", raise_exception=True)
def transfer_refuse(request, pk):
    transfer_request = _visible_request(request.user, pk)
    form = RefuseTransferForm(request.POST)
    try:
        services.refuse_transfer(
            transfer_request=transfer_request,
            user=request.user,
            reason=form.data.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Transfer request refused."))
    return redirect("members:transfer_requests")


@require_POST
@login_required
@permission_required("members.change_transferrequest", raise_exception=True)
def transfer_cancel(request, pk):
    transfer_request = _visible_request(request.user, pk)
    try:
        services.cancel_transfer(transfer_request=transfer_request, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Transfer request withdrawn."))
    return redirect("members:transfer_requests")


@login_required
def ward_options(request):
    """The <option>s of one province's wards, for the address fields."""
    province = row_id(request.GET.get("province"))
    if province is None:
        raise BadRequest("province")
    wards = Ward.objects.filter(province_id=province).only("code", "name")
    return render(request, "members/ward_options.html", {"wards": wards})
