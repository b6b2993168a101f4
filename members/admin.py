from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from registry.admin import LoggedPeopleList, ScopedModelAdmin
from registry.audit import log_access
from registry.edit_conflicts import RefusesStaleEditsAdmin, StaleCheckedModelForm
from registry.models import AccessLog
from unions.models import UnionUnit

from . import services
from .forms import DayField, LeaveForm, UnitCodeField
from .history import SENSITIVE_FIELDS
from .models import Member, Membership, TransferRequest


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["unit", "started_on", "start_reason", "left_on", "leave_reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-started_on"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Member)
class MemberAdmin(
    LoggedPeopleList, RefusesStaleEditsAdmin, SimpleHistoryAdmin, ScopedModelAdmin
):
    """People: corrections here; admission, transfer and departure on their own pages."""

    form = StaleCheckedModelForm
    list_display = ["full_name", "born_in", "gender", "masked_cccd", "joined_union_on"]
    list_filter = ["gender"]
    search_fields = ["search_name"]  # folded in get_search_results
    search_help_text = _("Part of a name, with or without accents.")
    ordering = ["sort_key", "id"]
    inlines = [MembershipInline]
    list_per_page = 50

    def has_add_permission(self, request):
        return False  # admission goes through the admit page (members:admit)

    def get_list_filter(self, request):
        if request.user.has_perm("members.view_sensitive_data"):
            return ["gender", "is_party_member", "ethnicity"]
        return self.list_filter

    def get_exclude(self, request, obj=None):
        if request.user.has_perm("members.view_sensitive_data"):
            return []
        return sorted(SENSITIVE_FIELDS)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        member = self.get_object(request, object_id)
        log_access(
            request,
            action=AccessLog.Action.VIEW_MEMBER,
            target=member.full_name,
            object_id=member.pk,
            is_sensitive=request.user.has_perm("members.view_sensitive_data"),
            via="admin",
        )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("citizen ID (CCCD)"))
    def masked_cccd(self, member):
        return member.masked_cccd

    @admin.display(description=_("born"))
    def born_in(self, member):
        return member.born_in

    def lists_sensitive_data(self, params):
        return any(name.split("__")[0] in SENSITIVE_FIELDS for name in params)

    def history_view(self, request, object_id, extra_context=None):
        self._check_history_access(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_history_access(request, object_id, version=version_id)
        if request.method == "POST":
            raise PermissionDenied  # no reverting: corrections go through the form
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _check_history_access(self, request, object_id, **details):
        # simple_history looks records up without the scope, and its lists show every
        # field's old and new value: only roles allowed the sensitive fields, in scope.
        member = self.get_object(request, unquote(object_id))
        if not request.user.has_perm("members.view_sensitive_data"):
            raise PermissionDenied
        log_access(
            request, action=AccessLog.Action.VIEW_HISTORY, target=member.full_name,
            object_id=member.pk, is_sensitive=True, via="admin", **details,
        )  # fmt: skip

    def revert_disabled(self, request, obj=None):
        return True


class TransferActionForm(forms.Form):
    to_unit = UnitCodeField(
        label=_("Receiving grassroots union (code)"),
        queryset=UnionUnit.objects.grassroots(),
    )
    transferred_on = DayField(label=_("Transfer date"))


class DepartureActionForm(LeaveForm):
    pass


@admin.register(Membership)
class MembershipAdmin(LoggedPeopleList, ScopedModelAdmin):
    """Read-only: memberships change through the workflows, here as admin actions."""

    list_display = [
        "member",
        "unit",
        "started_on",
        "start_reason",
        "left_on",
        "leave_reason",
    ]
    list_filter = ["start_reason", "leave_reason"]
    list_select_related = ["member", "unit"]
    search_fields = ["member__search_name", "unit__code"]
    search_help_text = _("Member's name (accents optional) or the union's code.")
    ordering = ["-started_on", "-id"]
    actions = ["transfer", "record_departure"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_workflow_permission(self, request):
        return request.user.has_perm("members.change_membership")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        members = Member.objects.search(term)
        return (
            queryset.filter(member__in=members)
            | queryset.filter(unit__in=UnionUnit.objects.with_code(term))
        ), False

    @admin.action(description=_("Transfer to another CĐCS"), permissions=["workflow"])
    def transfer(self, request, queryset):
        return self._run_action(
            request,
            queryset,
            TransferActionForm,
            lambda m, data: services.transfer_member(
                member=m.member, user=request.user, **data
            ),
            title=_("Transfer the selected members"),
        )

    @admin.action(description=_("Record a departure"), permissions=["workflow"])
    def record_departure(self, request, queryset):
        return self._run_action(
            request,
            queryset,
            DepartureActionForm,
            lambda m, data: services.record_departure(member=m.member, **data),
            title=_("Record the departure of the selected members"),
        )

    def _run_action(self, request, queryset, form_class, run, *, title):
        open_memberships = queryset.filter(left_on__isnull=True).select_related(
            "member", "unit"
        )
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = 0
            for membership in open_memberships:
                try:
                    run(membership, form.cleaned_data)
                except ValidationError as error:
                    self.message_user(
                        request,
                        f"{membership.member}: {' '.join(error.messages)}",
                        messages.ERROR,
                    )
                else:
                    done += 1
            self.message_user(
                request,
                ngettext("%(count)d member done.", "%(count)d members done.", done)
                % {"count": done},
                messages.SUCCESS if done else messages.WARNING,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "memberships": open_memberships,
            "action": request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        }
        return TemplateResponse(
            request, "admin/members/membership/workflow_action.html", context
        )


@admin.register(TransferRequest)
class TransferRequestAdmin(LoggedPeopleList, ScopedModelAdmin):
    list_display = [
        "member",
        "from_unit",
        "to_unit",
        "transferred_on",
        "status",
        "requested_by",
        "requested_at",
    ]
    list_filter = ["status"]
    list_select_related = ["member", "from_unit", "to_unit", "requested_by"]
    search_fields = ["member__search_name"]
    ordering = ["-requested_at"]
    actions = ["accept"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_answer_permission(self, request):
        return request.user.has_perm("members.change_transferrequest")

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(member__in=Member.objects.search(search_term)), False

    @admin.action(description=_("Accept the transfer"), permissions=["answer"])
    def accept(self, request, queryset):
        for transfer_request in queryset.pending():
            try:
                services.accept_transfer(
                    transfer_request=transfer_request, user=request.user
                )
            except ValidationError as error:
                self.message_user(
                    request,
                    f"{transfer_request.member}: {' '.join(error.messages)}",
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    _("%(name)s moved to %(unit)s.")
                    % {
                        "name": transfer_request.member,
                        "unit": transfer_request.to_unit,
                    },
                )
