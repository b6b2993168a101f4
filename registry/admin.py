import logging

from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import access_log_admin, accounts
from .audit import log_access
from .edit_conflicts import RefusesStaleEdits, RefusesStaleEditsAdmin
from .fields import UnitCodeField
from .models import AccessLog, Province, User, Ward
from .paginators import EstimatedCountPaginator
from .text import fold

admin.site.site_header = _("Union member registry: administration")
admin.site.site_title = _("Union member registry")
admin.site.index_title = _("Reference data and accounts")


security_log = logging.getLogger("django.security.DisallowedModelAdminLookup")


class RefusedLookup(DisallowedModelAdminLookup):
    """A list parameter that no filter offered to the user takes (a 400, never a 500)."""

    def __init__(self, parameter: str):
        super().__init__(f"Filtering by {parameter} not allowed")
        self.parameter = parameter


class AllowListedChangeList(ChangeList):
    """A list narrowed only by the filters its admin offers the user, nothing else.

    Django's admin takes any lookup on the model's own fields from the URL, whatever the
    list shows: ``?cccd__startswith=0`` then ``01``, ``012``… reads a whole CCCD one
    digit at a time, and ``?is_party_member__exact=1`` reads a field the role may not
    see. Here a parameter that none of ``get_list_filter(request)`` takes is refused;
    each role's filters are its allow-list (docs/security.md).
    """

    def get_filters(self, request):
        filters, has_filters, remaining, duplicates, active = super().get_filters(
            request
        )
        # The date hierarchy turns its own year/month/day into these two bounds.
        bounds = (
            {f"{self.date_hierarchy}__gte", f"{self.date_hierarchy}__lt"}
            if self.date_hierarchy
            else set()
        )
        if unknown := sorted(set(remaining) - bounds):
            raise RefusedLookup(unknown[0])
        return filters, has_filters, remaining, duplicates, active


class AllowListedFilters:
    """For every model admin: list parameters are limited to the offered filters."""

    def get_changelist(self, request, **kwargs):
        return AllowListedChangeList

    def lookup_allowed(self, lookup, value, request):
        # Decided once the filters have taken their parameters (AllowListedChangeList):
        # Django's own check would let every lookup on the model's fields through.
        return True

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except RefusedLookup as refused:
            security_log.warning(
                "%s refused on %s for %s",
                refused.parameter,
                self.opts.label,
                request.user,
            )
            return refused_lookup(request, self, refused.parameter)


def refused_lookup(request, model_admin, parameter: str):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": gettext("This list cannot be filtered that way"),
        "parameter": parameter,
    }
    return TemplateResponse(request, "admin/refused_lookup.html", context, status=400)


class LoggedPeopleList:
    """For the admin lists of people (members, memberships, transfer requests): every
    list page shown is one access-log entry with its count, its filters and its
    search, never an entry per person."""

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        if response.status_code == 200 and (cl := context.get("cl")) is not None:
            params = {k: v for k, v in request.GET.items() if k not in ("p", "o")}
            log_access(
                request,
                action=AccessLog.Action.LIST_MEMBERS,
                target=f"admin: {self.opts.verbose_name_plural}",
                count=len(cl.result_list),
                is_sensitive=self.lists_sensitive_data(params),
                filters=params,
                model=self.opts.label,
            )
        return response

    def lists_sensitive_data(self, params: dict) -> bool:
        """Whether the filters chose people by a sensitive field."""
        return False


class ScopedModelAdmin(AllowListedFilters, admin.ModelAdmin):
    """An admin that shows each user their own scope only, counts cheaply, never deletes.

    Lists, change pages, autocompletes and actions all start from ``get_queryset``, so
    scoping it with the model's ``for_user`` covers them all.
    """

    paginator = EstimatedCountPaginator
    show_full_result_count = False  # no second COUNT(*) over the whole table
    show_facets = admin.ShowFacets.NEVER  # a facet is one more COUNT per filter choice

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Django's admin would redirect with "does not exist"; like every other page
            # of the registry, another unit's object is simply not found.
            raise Http404
        return obj

    def has_delete_permission(self, request, obj=None):
        return False  # registry data is never deleted


class ReadOnlyMixin:
    """A model admin that shows rows and never writes them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AccountForm(RefusesStaleEdits, UserChangeForm):
    pass


@admin.register(User)
class UserAdmin(RefusesStaleEditsAdmin, AllowListedFilters, DjangoUserAdmin):
    """Accounts: only a system administrator has the permissions to see this page."""

    form = AccountForm
    list_display = ["username", "full_name", "role", "unit", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    list_select_related = ["unit"]
    search_fields = [
        "username",
        "first_name",
        "last_name",
        "email",
        "unit__code",
        "unit__former_codes__code",
    ]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Role and scope"), {"fields": ["role", "unit", "is_active"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "usable_password",
                    "password1",
                    "password2",
                    "role",
                    "unit",
                ],
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["unlock", "sign_out_everywhere", "reset_two_factor"]

    @admin.action(description=_("Unlock sign-in (after too many wrong passwords)"))
    def unlock(self, request, queryset):
        for user in queryset:
            accounts.unlock(user)
        self._done(request, queryset, _("Unlocked"))

    @admin.action(description=_("Sign out everywhere"))
    def sign_out_everywhere(self, request, queryset):
        for user in queryset:
            accounts.sign_out_everywhere(user)
        self._done(request, queryset, _("Signed out everywhere"))

    @admin.action(description=_("Reset two-factor sign-in (lost phone)"))
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            accounts.reset_two_factor(user)
        self._done(request, queryset, _("Two-factor sign-in reset"))

    def _done(self, request, queryset, what):
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "%(what)s: %(count)d account.", "%(what)s: %(count)d accounts.", count
            )
            % {"what": what, "count": count},
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            # Typed by code: a drop-down of 150,000 units helps nobody.
            units = db_field.related_model._default_manager
            return UnitCodeField(
                units.for_user(request.user),
                required=False,
                label=_("union unit code"),
                help_text=_("Empty only for a system administrator."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # access logs point at accounts: deactivate instead

    @admin.display(description=_("full name"))
    def full_name(self, user):
        return user.get_full_name()


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyMixin, access_log_admin.AccessLogPages, ScopedModelAdmin):
    """Read-only: entries written by accounts inside the viewer's subtree."""


@admin.register(Province)
class ProvinceAdmin(ReadOnlyMixin, AllowListedFilters, admin.ModelAdmin):
    list_display = ["code", "name", "codename", "data_version"]
    search_fields = ["name", "codename"]


@admin.register(Ward)
class WardAdmin(ReadOnlyMixin, AllowListedFilters, admin.ModelAdmin):
    list_display = ["code", "name", "province", "data_version"]
    list_filter = ["province"]
    list_select_related = ["province"]
    search_fields = ["name"]  # folded in get_search_results
    search_help_text = _("Code or name, with or without accents.")

    def get_search_results(self, request, queryset, search_term):
        words = fold(search_term).split()
        if not words:
            return queryset, False
        if search_term.strip().isdigit():
            return queryset.filter(code=int(search_term)), False
        # 3,321 names: folding them here is quicker than keeping a folded column.
        folded = {
            code: fold(name) for code, name in Ward.objects.values_list("code", "name")
        }
        codes = [code for code, name in folded.items() if all(w in name for w in words)]
        return queryset.filter(code__in=codes), False
