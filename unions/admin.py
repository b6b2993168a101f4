import re
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from registry.admin import (
    AllowListedChangeList,
    AllowListedFilters,
    ReadOnlyMixin,
    ScopedModelAdmin,
)
from registry.edit_conflicts import RefusesStaleEditsAdmin
from registry.identifiers import PERSONAL_TAX_CODE_PATTERN
from registry.text import clean, fold

from . import resources, services
from .admin_forms import CollectiveAgreementForm, EmployerForm, UnionUnitForm
from .kinds import GRASSROOTS_KINDS
from .models import (
    ZONE_PERMISSIONS,
    CollectiveAgreement,
    Employer,
    FormerCode,
    IndustrialZone,
    SignedPeriod,
    Target,
    UnionUnit,
    UnitMove,
    WorkforceReport,
)

# What a tax-code search looks like: digits, maybe the branch dash (docs/domain.md,
# "Tax codes").
_TAX_CODE_START = re.compile(r"^\d{3,10}(-\d{0,3})?$|^\d{11,12}$")
# A personal ID number as tax code (docs/domain.md, "Tax codes"): a role without the
# sensitive fields sees its first four digits (mask_cccd) and may search by no more.
_SHOWN_DIGITS = 4
# Sorts after every longer path that starts with a given one (treebeard paths use 0-9A-Z).
_PATH_END = "Z" * UnionUnit._meta.get_field("path").max_length


def search_folded(queryset, field: str, term: str):
    """Rows whose folded ``field`` contains every word of ``term``, accents ignored."""
    for word in fold(term).split():
        queryset = queryset.filter(**{f"{field}__contains": word})
    return queryset


def search_employers(queryset, term: str, user, via: str = ""):
    """Employers (or rows ``via`` an employer) by tax-code prefix or by folded name."""
    term = term.strip()
    if _TAX_CODE_START.match(term):
        # A prefix of the unique tax code: an index range, not a scan.
        queryset = queryset.filter(**{f"{via}tax_code__startswith": term})
        if len(term) > _SHOWN_DIGITS and not user.has_perm(
            "members.view_sensitive_data"
        ):
            queryset = queryset.exclude(
                **{f"{via}tax_code__regex": PERSONAL_TAX_CODE_PATTERN}
            )
        return queryset
    return search_folded(queryset, f"{via}search_name", term)


def grassroots_below():
    """How many CĐCS active today sit anywhere under each unit: one correlated subquery."""
    # A range on the indexed path rather than LIKE: PostgreSQL walks the index for a
    # range bound to the outer row, but cannot for a pattern built from it.
    subtree = (
        UnionUnit.objects.grassroots()
        .active_on(timezone.localdate())
        .filter(
            path__gt=OuterRef("path"),
            path__lte=Concat(OuterRef("path"), Value(_PATH_END)),
        )
        .order_by()
        .annotate(count=Func(F("pk"), function="COUNT"))
        .values("count")
    )
    return Subquery(subtree, output_field=IntegerField())


def former_codes_matching(term: str):
    """The units (ids) a former code containing ``term`` still finds: a recoded unit
    is found by its old code too (FormerCode)."""
    code = clean(term).upper()
    if not code or " " in code:
        return FormerCode.objects.none().values("unit")
    return FormerCode.objects.filter(code__contains=code).values("unit")


def employer_unit_choices(queryset, field_name: str):
    """The units an employer may point at: a CĐCS as its union, anything else to manage it."""
    if field_name == "grassroots_union":
        return queryset.grassroots()
    return queryset.exclude(kind__in=GRASSROOTS_KINDS)


class YesNoFilter(admin.SimpleListFilter):
    """A yes/no filter on the condition a subclass returns from ``condition()``."""

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(self.condition())
        if self.value() == "no":
            return queryset.filter(~self.condition())
        return queryset


class ActiveUnitFilter(YesNoFilter):
    title = _("active today")
    parameter_name = "active"

    def condition(self):
        active = UnionUnit.objects.active_on(timezone.localdate())
        return Exists(active.filter(pk=OuterRef("pk")))


class HistoryInline(admin.TabularInline):
    """Records kept for history, shown under their parent and written only by services."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class UnitMoveInline(HistoryInline):
    model = UnitMove
    fk_name = "unit"
    fields = ["moved_on", "from_parent", "to_parent", "decision", "moved_by"]
    verbose_name_plural = _("moves in the tree")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("from_parent", "to_parent", "moved_by")
        )

    def has_view_permission(self, request, obj=None):
        # The moves are part of the unit's record: whoever reads the unit reads them.
        return request.user.has_perm("unions.view_unionunit")


@admin.register(UnionUnit)
class UnionUnitAdmin(RefusesStaleEditsAdmin, ExportMixin, ScopedModelAdmin):
    resource_classes = [resources.UnionUnitResource]
    form = UnionUnitForm
    list_display = [
        "code",
        "indented_name",
        "kind",
        "founded_on",
        "dissolved_on",
        "children",
        "grassroots_count",
    ]
    list_filter = ["kind", ActiveUnitFilter, "province"]
    search_fields = ["search_name"]  # folded in get_search_results
    search_help_text = _("Code or name, with or without accents.")
    sortable_by = []  # the list is the tree, in tree order
    ordering = ["path"]
    autocomplete_fields = ["ward"]
    inlines = [UnitMoveInline]

    def get_queryset(self, request):
        user = request.user
        top = 1 if user.is_system_admin or user.unit is None else user.unit.depth
        return (
            super()
            .get_queryset(request)
            .annotate(indent=F("depth") - top, grassroots_count=grassroots_below())
        )

    def get_search_results(self, request, queryset, search_term):
        queryset = search_folded(queryset, "search_name", search_term) | (
            queryset.filter(pk__in=former_codes_matching(search_term))
        )
        # Employer forms ask for their units through the autocomplete: a CĐCS for
        # grassroots_union, an upper-level unit for managing_unit.
        if request.GET.get("model_name") == "employer":
            queryset = employer_unit_choices(queryset, request.GET.get("field_name"))
        return queryset, False

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                "code",
                "name",
                "kind",
                "parent",
                "founded_on",
                "decision",
                "province",
                "ward",
            ]
        return [
            "code",
            "name",
            "kind",
            "parent_unit",
            "founded_on",
            "dissolved_on",
            "decision",
            "province",
            "ward",
        ]

    def get_readonly_fields(self, request, obj=None):
        # The place in the tree, the code and the end date change only through the
        # reorganisation operations, which keep their history (and former codes).
        return ["parent_unit", "dissolved_on", "code"] if obj else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user  # a new class per call: safe to set
        return form

    def save_model(self, request, obj, form, change):
        saved = form.save_through_services()
        # The admin goes on to log and redirect with ``obj``: give it the saved row.
        for field in UnionUnit._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    @admin.display(description=_("name"))
    def indented_name(self, unit):
        return format_html(
            '<span style="padding-left: {}em">{}</span>', 1.5 * unit.indent, unit.name
        )

    @admin.display(description=_("parent unit"))
    def parent_unit(self, unit):
        return UnionUnit.objects.get_parent(unit) or "—"

    @admin.display(description=_("units directly below"))
    def children(self, unit):
        return unit.numchild

    @admin.display(description=_("CĐCS below"))
    def grassroots_count(self, unit):
        return unit.grassroots_count

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/move/",
                self.admin_site.admin_view(self.move_view),
                name="{}_{}_move".format(*info),
            ),
            path(
                "<path:object_id>/dissolve/",
                self.admin_site.admin_view(self.dissolve_view),
                name="{}_{}_dissolve".format(*info),
            ),
        ] + super().get_urls()

    def move_view(self, request, object_id):
        return self._reorganise(request, object_id, "move")

    def dissolve_view(self, request, object_id):
        unit = self._unit_to_change(request, object_id)
        operation = "dissolve-cdcs" if unit.is_grassroots else "dissolve-unit"
        return self._reorganise(request, object_id, operation)

    def _reorganise(self, request, object_id, operation):
        """Moves and dissolutions are reorganisations, with their decision, preview
        and undo: the admin hands over to those pages, the unit filled in."""
        unit = self._unit_to_change(request, object_id)
        if not request.user.has_perm("unions.reorganise_unionunit"):
            raise PermissionDenied
        url = reverse("reorganisation:operation_form", args=[operation])
        return redirect(f"{url}?{urlencode({'unit': unit.code})}")

    def _unit_to_change(self, request, object_id):
        unit = self.get_object(request, object_id)  # 404 outside the user's scope
        if not self.has_change_permission(request, unit):
            raise PermissionDenied
        return unit


@admin.register(IndustrialZone)
class IndustrialZoneAdmin(ExportMixin, AllowListedFilters, admin.ModelAdmin):
    """Industrial zones are shared reference data: every officer sees all of them.

    Exported here; imported through the registry's own import pages (kind "zones"),
    the one path on which an upload is read: under the size checks, in the capped
    reading process, with a preview of every row's problems (docs/security.md).
    """

    resource_classes = [resources.IndustrialZoneResource]
    change_list_template = "admin/unions/industrialzone/change_list.html"
    list_display = ["code", "name", "province"]
    list_filter = ["province"]
    list_select_related = ["province"]
    search_fields = ["search_name"]  # folded in get_search_results
    search_help_text = _("Code or name, with or without accents.")

    def get_search_results(self, request, queryset, search_term):
        return search_folded(queryset, "search_name", search_term), False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
        ] + super().get_urls()

    def import_view(self, request):
        """Where the admin's import was: it leads to the import page and reads no
        file (a file posted here is not opened)."""
        if not request.user.has_perms(ZONE_PERMISSIONS):
            raise PermissionDenied
        if request.method == "POST":
            messages.error(
                request,
                _(
                    "The file was not read: industrial zones are imported on this "
                    "page, which checks every file before reading it. Upload it here."
                ),
            )
        return redirect(f"{reverse('import_upload')}?kind=zones")


class HasGrassrootsFilter(YesNoFilter):
    title = _("has a CĐCS")
    parameter_name = "has_cdcs"

    def condition(self):
        return Q(grassroots_union__isnull=False)


class HasValidAgreementFilter(YesNoFilter):
    title = _("has a valid agreement today")
    parameter_name = "has_agreement"

    def condition(self):
        valid = CollectiveAgreement.objects.valid_on(timezone.localdate())
        return Exists(valid.filter(employer=OuterRef("pk")))


class WorkforceReportInline(HistoryInline):
    model = WorkforceReport
    fields = ["reported_on", "workers"]
    verbose_name_plural = _("reported worker counts")


class EmployerChangeList(AllowListedChangeList):
    def get_results(self, request):
        super().get_results(request)
        # Asked for the page's rows only: as an EXISTS column of the list query,
        # PostgreSQL hashes every agreement valid today before it returns 100 rows.
        self.result_list = list(self.result_list)
        valid = set(
            CollectiveAgreement.objects.valid_on(timezone.localdate())
            .filter(employer__in=[employer.pk for employer in self.result_list])
            .values_list("employer_id", flat=True)
        )
        for employer in self.result_list:
            employer.has_valid_agreement = employer.pk in valid


@admin.register(Employer)
class EmployerAdmin(RefusesStaleEditsAdmin, ExportMixin, ScopedModelAdmin):
    resource_classes = [resources.EmployerResource]
    form = EmployerForm
    list_display = [
        "tax_code",
        "employer_name",
        "kind",
        "industrial_zone",
        "workers",
        "managing_unit",
        "grassroots_union",
        "has_valid_agreement",
    ]
    list_filter = [
        "kind",
        "industrial_zone",
        HasGrassrootsFilter,
        HasValidAgreementFilter,
    ]
    list_select_related = ["industrial_zone", "managing_unit", "grassroots_union"]
    # The folded name is indexed and ends with the unique tax code (a household's masked,
    # which Django's own tie-break on the id completes): a cheap, total order.
    ordering = ["search_name"]
    search_fields = ["tax_code", "search_name"]  # see get_search_results
    search_help_text = _("Tax code, or name with or without accents.")
    autocomplete_fields = [
        "industrial_zone",
        "ward",
        "managing_unit",
        "grassroots_union",
    ]
    inlines = [WorkforceReportInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "tax_code",
                    "name",
                    "kind",
                    "industry",
                    "industrial_zone",
                    "founded_on",
                ]
            },
        ),
        (_("Workers"), {"fields": ["workers", "workers_reported_on"]}),
        (_("Address"), {"fields": ["address", "province", "ward"]}),
        (_("Union"), {"fields": ["managing_unit", "grassroots_union"]}),
    ]

    def get_changelist(self, request, **kwargs):
        return EmployerChangeList

    def get_search_results(self, request, queryset, search_term):
        return search_employers(queryset, search_term, request.user), False

    # A household's tax code is its owner's ID number: masked for the roles without
    # the sensitive fields (docs/security.md), in the list, the record and the export.
    def get_list_display(self, request):
        if request.user.has_perm("members.view_sensitive_data"):
            return self.list_display
        return ["masked_tax_code", *self.list_display[1:]]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.has_perm("members.view_sensitive_data"):
            return fieldsets
        (name, options), *rest = fieldsets
        fields = [
            "masked_tax_code" if f == "tax_code" else f for f in options["fields"]
        ]
        return [(name, {**options, "fields": fields}), *rest]

    def get_readonly_fields(self, request, obj=None):
        if obj is None or request.user.has_perm("members.view_sensitive_data"):
            return self.readonly_fields
        return [*self.readonly_fields, "masked_tax_code"]

    def get_export_resource_kwargs(self, request, **kwargs):
        return super().get_export_resource_kwargs(request, **kwargs) | {
            "user": request.user
        }

    @admin.display(description=_("tax code"), ordering="tax_code")
    def masked_tax_code(self, employer):
        return employer.masked_tax_code

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("managing_unit", "grassroots_union"):
            # A crafted POST naming a unit outside the scope fails validation here.
            kwargs["queryset"] = employer_unit_choices(
                UnionUnit.objects.for_user(request.user), db_field.name
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        reported = {"workers", "workers_reported_on"} & set(form.changed_data)
        if reported and obj.workers_reported_on:
            # Keeps the dated history that coverage on a past date is computed from.
            services.record_workforce(
                employer=obj, workers=obj.workers, reported_on=obj.workers_reported_on
            )

    @admin.display(description=_("name"), ordering="search_name")
    def employer_name(self, employer):
        return employer.name

    @admin.display(description=_("valid agreement today"), boolean=True)
    def has_valid_agreement(self, employer):
        return employer.has_valid_agreement


class ValidTodayFilter(YesNoFilter):
    title = _("valid today")
    parameter_name = "valid"

    def condition(self):
        valid = CollectiveAgreement.objects.valid_on(timezone.localdate())
        return Exists(valid.filter(pk=OuterRef("pk")))


@admin.register(CollectiveAgreement)
class CollectiveAgreementAdmin(RefusesStaleEditsAdmin, ExportMixin, ScopedModelAdmin):
    resource_classes = [resources.CollectiveAgreementResource]
    form = CollectiveAgreementForm
    list_display = [
        "employer",
        "signed_on",
        "effective_on",
        "expires_on",
        "grade",
        "valid_today",
    ]
    list_filter = ["grade", ValidTodayFilter]
    list_select_related = ["employer"]
    search_fields = ["employer__search_name"]  # see get_search_results
    search_help_text = _("Employer's tax code, or name with or without accents.")
    autocomplete_fields = ["employer"]
    fields = [
        "employer",
        "signed_on",
        "effective_on",
        "expires_on",
        "grade",
        "document",
        "notes",
    ]

    def get_search_results(self, request, queryset, search_term):
        return (
            search_employers(queryset, search_term, request.user, via="employer__"),
            False,
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "employer":
            kwargs["queryset"] = Employer.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("valid today"), boolean=True)
    def valid_today(self, agreement):
        return agreement.is_valid_on(timezone.localdate())


@admin.register(Target)
class TargetAdmin(ScopedModelAdmin):
    """A unit's yearly targets; the coverage dashboard shows progress against them."""

    list_display = ["unit", "year", "new_members", "new_grassroots", "cba_rate"]
    list_filter = ["year"]
    search_fields = ["unit__code", "unit__search_name", "unit__former_codes__code"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    ordering = ["-year", "unit__path"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = UnionUnit.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(SignedPeriod)
class SignedPeriodAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Sign-offs are made and reopened from the report pages, and never deleted."""

    list_display = [
        "unit",
        "kind",
        "starts_on",
        "ends_on",
        "signed_by",
        "signed_at",
        "reopened_by",
        "reopened_at",
    ]
    list_filter = ["kind"]
    list_select_related = ["unit", "signed_by", "reopened_by"]
    search_fields = ["unit__code", "unit__search_name"]
    fields = [*list_display, "reopen_reason"]
    ordering = ["-ends_on", "unit__path"]
