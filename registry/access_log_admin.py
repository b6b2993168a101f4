"""The access log in the administration: read-only, searched by period, account,
member and action, and exported (.xlsx or .csv) by system administrators with a
stated purpose — an export that is itself logged (docs/security.md)."""

import copy
from datetime import datetime, time, timedelta

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import log_access
from .fields import PurposeField
from .models import AccessLog
from .writing import csv_lines, xlsx_bytes

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
# The actions about one member, whose object_id is the member's id.
MEMBER_ACTIONS = [
    AccessLog.Action.VIEW_MEMBER,
    AccessLog.Action.EDIT_FORM,
    AccessLog.Action.VIEW_HISTORY,
    AccessLog.Action.LOOKUP_CCCD,
    AccessLog.Action.EXPORT_RECORD,
]
EXPORT_COLUMNS = [
    ("at", gettext_lazy("at")),
    ("user", gettext_lazy("user")),
    ("action", gettext_lazy("action")),
    ("target", gettext_lazy("what")),
    ("object_id", gettext_lazy("object id")),
    ("count", gettext_lazy("people or rows")),
    ("is_sensitive", gettext_lazy("sensitive fields shown")),
    ("purpose", gettext_lazy("stated purpose")),
    ("ip_address", gettext_lazy("IP address")),
    ("details", gettext_lazy("details")),
]


class TypedFilter(admin.ListFilter):
    """A list filter typed into (a date, a username, a CCCD) instead of picked from a
    list: there may be thousands of accounts and millions of members."""

    template = "admin/registry/typed_filter.html"
    inputs: list[tuple[str, str, str]] = []  # (parameter, label, placeholder)

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name, *_rest in self.inputs:
            if name in params:
                value = params.pop(name)[-1].strip()
                if value:
                    self.used_parameters[name] = value

    def has_output(self):
        return True

    def expected_parameters(self):
        return [name for name, *_rest in self.inputs]

    def choices(self, changelist):
        own = set(self.expected_parameters())
        yield {
            "selected": bool(self.used_parameters),
            "hidden": [
                (name, value)
                for name, values in changelist.filter_params.items()
                if name not in own
                for value in values
            ],
            "inputs": [
                {
                    "name": name,
                    "label": label,
                    "placeholder": placeholder,
                    "value": self.used_parameters.get(name, ""),
                }
                for name, label, placeholder in self.inputs
            ],  # fmt: skip
        }


def _day(value: str):
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    raise IncorrectLookupParameters(value)


class PeriodFilter(TypedFilter):
    title = gettext_lazy("period")
    inputs = [
        ("from", gettext_lazy("from"), "dd/mm/yyyy"),
        ("to", gettext_lazy("to (inclusive)"), "dd/mm/yyyy"),
    ]

    def queryset(self, request, queryset):
        zone = timezone.get_current_timezone()
        if start := self.used_parameters.get("from"):
            day = _day(start)
            queryset = queryset.filter(at__gte=datetime.combine(day, time.min, zone))
        if end := self.used_parameters.get("to"):
            day = _day(end) + timedelta(days=1)
            queryset = queryset.filter(at__lt=datetime.combine(day, time.min, zone))
        return queryset


class AccountFilter(TypedFilter):
    title = gettext_lazy("account")
    inputs = [("username", gettext_lazy("username"), "")]

    def queryset(self, request, queryset):
        if username := self.used_parameters.get("username"):
            return queryset.filter(user__username__iexact=username)
        return queryset


class MemberFilter(TypedFilter):
    """Entries about one person, by their CCCD or their id in the registry. A CCCD
    typed here is a lookup like any other, and logged as one."""

    title = gettext_lazy("member")
    inputs = [("member", gettext_lazy("CCCD or member id"), "")]

    def queryset(self, request, queryset):
        typed = self.used_parameters.get("member", "").replace(" ", "")
        if not typed:
            return queryset
        if not typed.isdigit():
            raise IncorrectLookupParameters(typed)
        if len(typed) in (9, 12):  # an ID card number (CMND) or a CCCD
            members = apps.get_model("members", "Member").objects
            ids = list(
                members.filter(Q(cccd=typed) | Q(old_id_number=typed)).values_list(
                    "pk", flat=True
                )
            )
            log_access(
                request, action=AccessLog.Action.LOOKUP_CCCD, target="access log",
                object_id=ids[0] if len(ids) == 1 else "", count=len(ids),
                outcome="found" if ids else "not_found",
            )  # fmt: skip
        else:
            ids = [int(typed)]
        return queryset.filter(
            object_id__in=[str(pk) for pk in ids], action__in=MEMBER_ACTIONS
        )


class AccessLogExportForm(forms.Form):
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV (.csv)")],
    )
    purpose = PurposeField()


class AccessLogPages:
    """The access log's list, filters and export; registry.admin's AccessLogAdmin
    mixes this into a scoped, read-only model admin."""

    list_display = [
        "at", "user", "action", "target", "object_id", "count", "is_sensitive",
        "purpose", "ip_address",
    ]  # fmt: skip
    list_select_related = ["user"]
    search_fields = ["target", "purpose"]
    fields = [*list_display, "details"]
    change_list_template = "admin/registry/accesslog/change_list.html"

    def get_list_filter(self, request):
        if request.user.is_system_admin:
            return [PeriodFilter, AccountFilter, MemberFilter, "action", "is_sensitive"]
        return [PeriodFilter, AccountFilter, "action", "is_sensitive"]

    def get_urls(self):
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name="registry_accesslog_export",
        )
        return [export, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_export": can_export(request)}
        return super().changelist_view(request, extra_context)

    def export_view(self, request):
        """The entries the list shows with its current filters, as a file."""
        if not can_export(request):
            raise PermissionDenied
        form = AccessLogExportForm(request.GET if "purpose" in request.GET else None)
        filters = request.GET.copy()
        for name in form.base_fields:
            filters.pop(name, None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Export the access log"),
                "form": form,
                "filters": [(k, v) for k, values in filters.lists() for v in values],
            }
            return TemplateResponse(
                request, "admin/registry/accesslog/export.html", context
            )
        listed = copy.copy(request)
        listed.GET = filters
        entries = self.get_changelist_instance(listed).get_queryset(listed)
        log_access(
            request, action=AccessLog.Action.EXPORT_LOG, target="access log",
            count=entries.count(), purpose=form.cleaned_data["purpose"],
            filters={k: filters.getlist(k) for k in filters},
        )  # fmt: skip
        return _export_response(entries, form.cleaned_data["file_format"])


def can_export(request) -> bool:
    return request.user.is_system_admin


def _export_response(entries, file_format: str):
    headers = [str(label) for _name, label in EXPORT_COLUMNS]
    rows = (
        [
            timezone.localtime(e.at).replace(tzinfo=None), e.user.username if e.user else "",
            e.get_action_display(), e.target, e.object_id, e.count,
            _("yes") if e.is_sensitive else _("no"), e.purpose, e.ip_address,
            str(e.details) if e.details else "",
        ]
        for e in entries.select_related("user").iterator(chunk_size=2000)
    )  # fmt: skip
    filename = f"nhat-ky-truy-cap-{timezone.localdate():%Y%m%d}.{file_format}"
    if file_format == "csv":
        response = StreamingHttpResponse(
            csv_lines(headers, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            xlsx_bytes(headers, rows, sheet="Nhật ký"),
            content_type="application/vnd.openxmlformats-officedocument."
            "spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
