from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from registry.identifiers import is_personal_tax_code, mask_cccd, validate_tax_code
from registry.models import Province, Ward
from registry.text import clean, fold

from .kinds import GRASSROOTS_KINDS, Kind
from .periods import Period, PeriodKind, period_of


class UnionUnitQuerySet(MP_NodeQuerySet):
    """Two trees: today's (the materialised path, ``within``) and the tree of any
    date (``UnitAncestry``: ``within_on``, ``children_on``, ``ancestors_on``)."""

    def for_user(self, user):
        """The user's own unit and everything below it (all units for a system admin)."""
        if user.is_system_admin:
            return self
        if not user.is_authenticated or not user.is_active or user.unit_id is None:
            return self.none()
        return self.filter(path__startswith=user.unit.path)

    def with_code(self, code: str):
        """The unit known by ``code``, today's or a former one (FormerCode)."""
        code = clean(code).upper()
        return self.filter(
            Q(code=code) | Q(pk__in=FormerCode.objects.filter(code=code).values("unit"))
        )

    def by_codes(self, codes) -> dict:
        """The units of ``codes`` by code, former codes included (code → unit)."""
        codes = list(codes)
        units = {unit.code: unit for unit in self.filter(code__in=codes)}
        former = FormerCode.objects.filter(code__in=codes, unit__in=self.order_by())
        units.update({f.code: f.unit for f in former.select_related("unit")})
        return units

    def within(self, unit):
        """``unit`` and its whole subtree: one indexed prefix match on the path."""
        return self.filter(path__startswith=unit.path)

    def active_on(self, day):
        """Units founded on or before ``day`` and not yet dissolved on it."""
        return self.filter(
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day), founded_on__lte=day
        )

    def grassroots(self):
        return self.filter(kind__in=GRASSROOTS_KINDS)

    def within_on(self, unit, day):
        """``unit`` and the units under it on ``day``, in the tree of that date."""
        return self.filter(_placed_on(day, ancestor=unit))

    def children_on(self, unit, day):
        """Units directly under ``unit`` on ``day`` (founded or not: see active_on)."""
        return self.filter(_placed_on(day, ancestor=unit, depth=1))

    def ancestors_on(self, unit, day):
        """The units above ``unit`` on ``day``, from the top down."""
        return (
            self.filter(
                pk__in=UnitAncestry.objects.on(day)
                .filter(unit=unit, depth__gt=0)
                .values("ancestor")
            )
            .annotate(_depth=_depth_under(unit, day))
            .order_by("-_depth")
        )

    def parent_on(self, unit, day):
        """The unit directly above ``unit`` on ``day``, or None."""
        return self.filter(_placed_on(day, unit=unit, depth=1)).first()


def _placed_on(day, *, unit=None, ancestor=None, depth=None) -> Q:
    """Units linked by an ancestry row in force on ``day``: those under ``ancestor``,
    or those above ``unit``; ``depth`` levels apart when given."""
    if ancestor is not None:
        prefix, lookups = "ancestry", {"ancestry__ancestor": ancestor}
    else:
        prefix, lookups = "descendancy", {"descendancy__unit": unit}
    if depth is not None:
        lookups[f"{prefix}__depth"] = depth
    return Q(
        Q(**{f"{prefix}__ends_on__isnull": True})
        | Q(**{f"{prefix}__ends_on__gt": day}),
        **{f"{prefix}__starts_on__lte": day},
        **lookups,
    )


def _depth_under(unit, day):
    return models.Subquery(
        UnitAncestry.objects.on(day)
        .filter(unit=unit, ancestor=models.OuterRef("pk"))
        .values("depth")[:1]
    )


class UnionUnitManager(MP_NodeManager.from_queryset(UnionUnitQuerySet)):
    def get_queryset(self):
        # treebeard's manager builds its own queryset class; keep ours, in tree order.
        return UnionUnitQuerySet(self.model, using=self._db).order_by("path")


class UnionUnit(MP_Node):
    # Materialised path (treebeard): "everything under this unit" is one prefix match on
    # an indexed column, which stays cheap at 150,000 units and is what almost every
    # screen, count and permission check asks. Moving a subtree rewrites its paths once.
    Kind = Kind

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=255)
    search_name = models.CharField(max_length=255, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    founded_on = models.DateField(_("founded on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    decision = models.CharField(
        _("decision number"),
        max_length=100,
        blank=True,
        help_text=_("Decision that founded, dissolved or last reorganised the unit."),
    )
    province = models.ForeignKey(
        Province, models.PROTECT, null=True, blank=True, verbose_name=_("province")
    )
    ward = models.ForeignKey(
        Ward, models.PROTECT, null=True, blank=True, verbose_name=_("ward")
    )

    steplen = 4
    objects = UnionUnitManager()

    class Meta:
        verbose_name = _("union unit")
        verbose_name_plural = _("union units")
        permissions = [
            ("reorganise_unionunit", _("Can merge, move, recode and dissolve units"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(dissolved_on__gte=models.F("founded_on")),
                name="unit_dissolved_after_founded",
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("unions:unit_detail", args=[self.code])

    def set_derived_fields(self):
        """Normalise name and code and refresh the search key (bulk writers call this too)."""
        self.name = clean(self.name)
        self.code = clean(self.code).upper()
        self.search_name = fold(f"{self.code} {self.name}")

    @property
    def is_grassroots(self):
        return self.kind in GRASSROOTS_KINDS

    def is_active_on(self, day: date) -> bool:
        return self.founded_on <= day and (
            self.dissolved_on is None or self.dissolved_on > day
        )


class Reorganisation(models.Model):
    """A reorganisation of the tree decided by one decision (số quyết định), on one date.

    Written by unions/reorganisation.py (members/reorganisation.py for the operations
    that carry members); ``restore`` holds what undoing it on the same day puts back.
    """

    class Kind(models.TextChoices):
        MERGE = "merge", _("Merge units")
        MOVE = "move", _("Move a unit with its subtree")
        REATTACH = "reattach", _("Re-attach CĐCS by a mapping file")
        RECODE = "recode", _("Rename or recode a unit")
        DISSOLVE_GRASSROOTS = "dissolve_grassroots", _("Dissolve a CĐCS")
        DISSOLVE_UNIT = "dissolve_unit", _("Dissolve an upper-level unit")

    kind = models.CharField(_("operation"), max_length=20, choices=Kind)
    effective_on = models.DateField(_("effective date"))
    decision = models.CharField(_("decision number"), max_length=100)
    units = models.ManyToManyField(
        UnionUnit, related_name="reorganisations", verbose_name=_("units")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )
    # What it touched, as shown in its preview and result (codes, counts, accounts).
    summary = models.JSONField(default=dict, blank=True, editable=False)
    # What undoing it restores, by id (see unions/reorganisation.py).
    restore = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")

    def __str__(self):
        return (
            f"{self.get_kind_display()} {self.decision} ({self.effective_on:%d/%m/%Y})"
        )

    @property
    def is_undone(self):
        return self.undone_at is not None


class FormerCode(models.Model):
    """A code a unit had before it was recoded: it still finds the unit everywhere."""

    code = models.CharField(_("former code"), max_length=30, unique=True)
    unit = models.ForeignKey(
        UnionUnit, models.CASCADE, related_name="former_codes", verbose_name=_("unit")
    )
    used_until = models.DateField(_("used until"))
    reorganisation = models.ForeignKey(
        Reorganisation, models.PROTECT, related_name="former_codes"
    )

    class Meta:
        ordering = ["-used_until"]
        verbose_name = _("former code")
        verbose_name_plural = _("former codes")

    def __str__(self):
        return f"{self.code} → {self.unit.code}"


class UnitMove(models.Model):
    """A re-parenting of a unit (e.g. the 2025 reorganisation), kept for history."""

    unit = models.ForeignKey(
        UnionUnit, models.PROTECT, related_name="moves", verbose_name=_("unit")
    )
    from_parent = models.ForeignKey(
        UnionUnit, models.PROTECT, related_name="+", null=True, verbose_name=_("from")
    )
    to_parent = models.ForeignKey(
        UnionUnit, models.PROTECT, related_name="+", null=True, verbose_name=_("to")
    )
    moved_on = models.DateField(_("moved on"))
    decision = models.CharField(_("decision number"), max_length=100, blank=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    reorganisation = models.ForeignKey(
        Reorganisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="moves",
        verbose_name=_("reorganisation"),
    )
    # What undoing the move restores exactly: the unit's place in today's tree and
    # its parents over time ([parent id, starts_on, ends_on or None], ISO dates).
    from_path = models.CharField(max_length=255, blank=True, editable=False)
    parents_before = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["-moved_on", "-id"]
        verbose_name = _("unit move")
        verbose_name_plural = _("unit moves")

    def __str__(self):
        return f"{self.unit.code}: {self.from_parent} → {self.to_parent}"


class UnitAncestryQuerySet(models.QuerySet):
    def on(self, day):
        """The rows in force on ``day``: the tree of that date."""
        return self.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gt=day), starts_on__lte=day
        )

    def current(self):
        """The rows in force today and from now on: today's tree."""
        return self.filter(ends_on__isnull=True)


class UnitAncestry(models.Model):
    """``ancestor`` is ``depth`` levels above ``unit`` from ``starts_on`` until the day
    before ``ends_on`` (empty: still so); depth 0 is the unit itself.

    The tree of every date as a closure table (unions/ancestry.py explains how it is
    kept): "under U on D" is one indexed lookup of U's rows in force on D, however
    deep the subtree. Rows that were always so start on ALWAYS.
    """

    ALWAYS = date(1900, 1, 1)

    unit = models.ForeignKey(UnionUnit, models.CASCADE, related_name="ancestry")
    ancestor = models.ForeignKey(UnionUnit, models.CASCADE, related_name="descendancy")
    depth = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    objects = UnitAncestryQuerySet.as_manager()

    class Meta:
        default_permissions = []
        verbose_name = _("unit ancestry")
        verbose_name_plural = _("unit ancestries")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "ancestor", "depth", "starts_on"],
                name="one_ancestry_row_a_start",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(ends_on__gt=models.F("starts_on")),
                name="ancestry_ends_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(
                fields=["ancestor", "depth", "starts_on"], name="ancestry_below"
            )
        ]

    def __str__(self):
        return f"{self.unit_id} ↑{self.depth} {self.ancestor_id} {self.starts_on}–{self.ends_on or ''}"


class IndustrialZone(models.Model):
    """An industrial park, export-processing, economic or hi-tech zone (KCN/KCX/KKT)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=255)
    search_name = models.CharField(max_length=255, editable=False)
    province = models.ForeignKey(
        Province, models.PROTECT, null=True, blank=True, verbose_name=_("province")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("industrial zone")
        verbose_name_plural = _("industrial zones")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean(self.name)
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)


# Who may change the shared list of industrial zones: in the admin and by import.
ZONE_PERMISSIONS = ("unions.add_industrialzone", "unions.change_industrialzone")


def union_active_on(day) -> Q:
    """The employer's CĐCS exists and is active on ``day``: by its present link (on
    Employer) or by an earlier one (on EmployerLink), the fields being the same."""
    return Q(grassroots_union__founded_on__lte=day) & (
        Q(grassroots_union__dissolved_on__isnull=True)
        | Q(grassroots_union__dissolved_on__gt=day)
    )


def no_union_on(day) -> Q:
    """The employer has no CĐCS, or its CĐCS is not active on ``day``."""
    return (
        Q(grassroots_union__isnull=True)
        | Q(grassroots_union__founded_on__gt=day)
        | Q(grassroots_union__dissolved_on__lte=day)
    )


def _links_on(day):
    """The employer's earlier links in force on ``day`` (none: its present ones)."""
    return EmployerLink.objects.filter(
        Q(starts_on__isnull=True) | Q(starts_on__lte=day),
        employer=models.OuterRef("pk"),
        ends_on__gt=day,
    )


def links_on(day, rule: Q) -> Q:
    """``rule`` (on the link fields) holds for the links the employer had on ``day``."""
    earlier = _links_on(day)
    return Q(~models.Exists(earlier), rule) | models.Exists(earlier.filter(rule))


class EmployerQuerySet(models.QuerySet):
    def for_user(self, user):
        """Employers managed by, or unionised in, a unit of the user's subtree."""
        if user.is_system_admin:
            return self
        if not user.is_authenticated or not user.is_active or user.unit_id is None:
            return self.none()
        return self.within(user.unit)

    def within(self, unit):
        return self.filter(
            Q(managing_unit__path__startswith=unit.path)
            | Q(grassroots_union__path__startswith=unit.path)
        )

    def placed_within(self, unit, day):
        """Employers counted in ``unit``'s figures on ``day``, each in one place only.

        An employer is placed at its CĐCS while that CĐCS is active, else at its
        managing unit (docs/domain.md, "Where an employer is counted"): an employer
        managed under one unit and unionised under another counts once, where its
        members are counted.
        """
        return self.filter(
            links_on(
                day,
                Q(union_active_on(day), grassroots_union__path__startswith=unit.path)
                | Q(no_union_on(day), managing_unit__path__startswith=unit.path),
            )
        )

    def with_managing_unit_on(self, day):
        """Annotate ``managing_unit_name_on``: the name of the unit that managed it on
        ``day`` (an earlier link's, else today's)."""
        earlier = _links_on(day).order_by().values("managing_unit__name")[:1]
        return self.annotate(
            managing_unit_name_on=Coalesce(
                models.Subquery(earlier), models.F("managing_unit__name")
            )
        )

    def placed_within_on(self, unit, day):
        """``placed_within`` on the tree of ``day``: the place (CĐCS or managing
        unit) was under ``unit`` on that day."""
        subtree = UnionUnit.objects.within_on(unit, day).values("pk")
        return self.filter(
            links_on(
                day,
                Q(union_active_on(day), grassroots_union__in=subtree)
                | Q(no_union_on(day), managing_unit__in=subtree),
            )
        )

    def known_on(self, day):
        """Employers known to exist on ``day`` (docs/domain.md, "When an employer
        counts"): from their founding or registration date, else from their first
        workforce report, else from the day they were recorded."""
        reports = WorkforceReport.objects.filter(employer=models.OuterRef("pk"))
        undated = Q(
            ~models.Exists(reports),
            Q(recorded_on__isnull=True) | Q(recorded_on__lte=day),
            workers_reported_on__isnull=True,
        )
        return self.filter(
            Q(founded_on__lte=day)
            | Q(
                models.Exists(reports.filter(reported_on__lte=day))
                | Q(workers_reported_on__lte=day)
                | undated,
                founded_on__isnull=True,
            )
        )

    def enterprises(self):
        return self.filter(kind__in=Employer.ENTERPRISE_KINDS)

    def may_have_union_on(self, day):
        """Employers whose type may still have a union on ``day``.

        docs/domain.md, "Types (loại hình) and which may have a union".
        """
        if day >= settings.STATE_SECTOR_UNIONS_ENDED_ON:
            return self.exclude(kind__in=Employer.NO_UNION_KINDS)
        return self

    def without_union(self):
        return self.filter(grassroots_union__isnull=True)


class Employer(models.Model):
    class Kind(models.TextChoices):
        STATE = "state", _("State-owned enterprise")
        NON_STATE = "non_state", _("Non-state enterprise")
        FDI = "fdi", _("Foreign-invested enterprise (FDI)")
        COOPERATIVE = "cooperative", _("Cooperative")
        ADMINISTRATIVE = "administrative", _("State administrative agency")
        ARMED_FORCES = "armed_forces", _("Armed forces unit")
        PUBLIC_FUNDED = (
            "public_funded",
            _("Public service unit fully funded by the state"),
        )
        PUBLIC_SERVICE = "public_service", _("Other public or non-public service unit")
        FOREIGN_ORGANISATION = "foreign_org", _("Foreign organisation")
        HOUSEHOLD = "household", _("Household business")
        OTHER = "other", _("Other")

    ENTERPRISE_KINDS = [Kind.STATE, Kind.NON_STATE, Kind.FDI]
    # No union since 15/06/2025 (settings.STATE_SECTOR_UNIONS_ENDED_ON).
    NO_UNION_KINDS = [Kind.ADMINISTRATIVE, Kind.ARMED_FORCES, Kind.PUBLIC_FUNDED]
    # Those whose tax code may be a person's 12-digit identification number
    # (docs/domain.md, "Identifiers: tax codes"); organisations have 10 digits.
    PERSONAL_TAX_CODE_KINDS = [Kind.HOUSEHOLD, Kind.OTHER]

    tax_code = models.CharField(
        _("tax code"), max_length=14, unique=True, validators=[validate_tax_code]
    )
    name = models.CharField(_("name"), max_length=255)
    search_name = models.CharField(max_length=255, editable=False, db_index=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind)
    industry = models.CharField(_("industry"), max_length=120, blank=True)
    industrial_zone = models.ForeignKey(
        IndustrialZone,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="employers",
        verbose_name=_("industrial zone"),
    )
    workers = models.PositiveIntegerField(_("workers"), default=0)
    workers_reported_on = models.DateField(
        _("workers reported on"), null=True, blank=True
    )
    founded_on = models.DateField(
        _("founded or registered on"),
        null=True,
        blank=True,
        help_text=_(
            "The date on its business registration or founding decision. Figures for "
            "earlier dates leave it out; without it, it counts from its first "
            "workforce report."
        ),
    )
    # The day it was entered: when nothing else dates it, it counts from then. Empty
    # for records entered before this was kept (they count as always known).
    recorded_on = models.DateField(
        null=True, blank=True, editable=False, default=timezone.localdate
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    province = models.ForeignKey(
        Province, models.PROTECT, null=True, blank=True, verbose_name=_("province")
    )
    ward = models.ForeignKey(
        Ward, models.PROTECT, null=True, blank=True, verbose_name=_("ward")
    )
    managing_unit = models.ForeignKey(
        UnionUnit,
        models.PROTECT,
        related_name="managed_employers",
        verbose_name=_("managing upper-level union"),
    )
    grassroots_union = models.ForeignKey(
        UnionUnit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="employers",
        verbose_name=_("grassroots union (CĐCS)"),
        help_text=_("Empty while the employer has no union yet."),
    )

    objects = EmployerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        indexes = [
            models.Index(fields=["kind", "workers"], name="employer_kind_workers")
        ]

    def __str__(self):
        # Select boxes, breadcrumbs and logs show it to every role.
        return f"{self.masked_tax_code} {self.name}"

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        # By id: a household's tax code is its owner's ID number, which never goes in a URL.
        return reverse("unions:employer_detail", args=[self.pk])

    def set_derived_fields(self):
        """Normalise the name and refresh the search key (bulk writers call this too)."""
        self.name = clean(self.name)
        # A household's ID number stays out of it: a name search finds no one by it.
        self.search_name = fold(f"{self.name} {self.masked_tax_code}")

    def clean(self):
        super().clean()
        if self.managing_unit_id and self.managing_unit.is_grassroots:
            raise ValidationError(
                {
                    "managing_unit": _(
                        "The managing unit must be an upper-level union, not a CĐCS."
                    )
                }
            )
        if self.grassroots_union_id and not self.grassroots_union.is_grassroots:
            raise ValidationError(
                {
                    "grassroots_union": _(
                        "Choose a grassroots union (CĐCS) or leave it empty."
                    )
                }
            )
        if (
            self.ward_id
            and self.province_id
            and self.ward.province_id != self.province_id
        ):
            raise ValidationError(
                {"ward": _("This ward is not in the chosen province.")}
            )
        self.check_personal_tax_code()

    def check_personal_tax_code(self):
        if (
            is_personal_tax_code(self.tax_code)
            and self.kind
            and self.kind not in self.PERSONAL_TAX_CODE_KINDS
        ):
            raise ValidationError(
                {
                    "tax_code": _(
                        "A 12-digit tax code is a person's identification number, "
                        "used by household businesses and individuals (type “%(household)s” "
                        "or “%(other)s”); a “%(kind)s” has a tax code of 10 digits."
                    )
                    % {
                        "household": self.Kind.HOUSEHOLD.label,
                        "other": self.Kind.OTHER.label,
                        "kind": self.get_kind_display(),
                    }
                }
            )

    @property
    def has_personal_tax_code(self):
        """Its tax code is a person's ID number: personal data, shown as a CCCD is."""
        return is_personal_tax_code(self.tax_code)

    @property
    def masked_tax_code(self):
        """The tax code for a role without the sensitive fields: an ID number masked."""
        return mask_cccd(self.tax_code) if self.has_personal_tax_code else self.tax_code

    def tax_code_for(self, user):
        """The tax code as ``user`` may see it (docs/security.md, "Sensitive fields")."""
        if user is None or user.has_perm("members.view_sensitive_data"):
            return self.tax_code
        return self.masked_tax_code

    @property
    def is_enterprise(self):
        return self.kind in self.ENTERPRISE_KINDS

    def known_from(self, reported: list[date]):
        """The first day it counts, given the dates of its workforce reports (None:
        always); ``known_on`` is the same rule as a query."""
        if self.founded_on is not None:
            return self.founded_on
        dates = [*reported, self.workers_reported_on]
        dates = [day for day in dates if day is not None]
        return min(dates) if dates else self.recorded_on


class WorkforceReport(models.Model):
    """A worker count an employer reported on a date; coverage on a past date uses these."""

    employer = models.ForeignKey(
        Employer,
        models.PROTECT,
        related_name="workforce_reports",
        verbose_name=_("employer"),
    )
    reported_on = models.DateField(_("reported on"))
    workers = models.PositiveIntegerField(_("workers"))

    class Meta:
        ordering = ["-reported_on"]
        verbose_name = _("workforce report")
        verbose_name_plural = _("workforce reports")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "reported_on"], name="one_workforce_report_a_day"
            )
        ]

    def __str__(self):
        return f"{self.employer.tax_code} {self.reported_on:%d/%m/%Y}: {self.workers}"


class EmployerLink(models.Model):
    """The links an employer had to the tree before its present ones: the managing
    unit and the CĐCS it had from ``starts_on`` (empty: from the start) until
    ``ends_on`` (exclusive).

    ``Employer.managing_unit`` and ``grassroots_union`` are today's links, in force
    since the last of these rows ended. A reorganisation that re-points an employer on
    day M records here the links it had until M, so the figures of earlier days still
    count it where it was (docs/domain.md, "Where an employer is counted"); undoing the
    operation deletes the row. Written only together with a change of those two fields,
    whose trigger queues the employer's figures.
    """

    employer = models.ForeignKey(
        Employer, models.CASCADE, related_name="past_links", verbose_name=_("employer")
    )
    managing_unit = models.ForeignKey(
        UnionUnit, models.PROTECT, related_name="+", verbose_name=_("managing unit")
    )
    grassroots_union = models.ForeignKey(
        UnionUnit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grassroots union (CĐCS)"),
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"))
    reorganisation = models.ForeignKey(
        Reorganisation,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="employer_links",
        verbose_name=_("reorganisation"),
        help_text="The operation that re-pointed the employer; empty for a past "
        "link recorded as history (the demo province's 2025 reorganisation).",
    )

    class Meta:
        ordering = ["employer", "ends_on"]
        verbose_name = _("earlier link of an employer")
        verbose_name_plural = _("earlier links of employers")
        default_permissions = []
        indexes = [models.Index(fields=["employer", "ends_on"], name="link_employer")]

    def __str__(self):
        return f"{self.employer_id} until {self.ends_on:%d/%m/%Y}"


class CollectiveAgreementQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(employer__in=Employer.objects.for_user(user))

    def valid_on(self, day):
        """Agreements in force on ``day``: effective on or before it, expiring after it."""
        return self.filter(effective_on__lte=day, expires_on__gt=day)


class CollectiveAgreement(models.Model):
    """An enterprise collective labour agreement (thỏa ước lao động tập thể, TƯLĐTT)."""

    class Grade(models.TextChoices):
        A = "A", _("Grade A")
        B = "B", _("Grade B")
        C = "C", _("Grade C")

    MIN_YEARS, MAX_YEARS = 1, 3  # Labour Code 2019 Art. 78

    employer = models.ForeignKey(
        Employer, models.PROTECT, related_name="agreements", verbose_name=_("employer")
    )
    signed_on = models.DateField(_("signed on"))
    effective_on = models.DateField(_("effective on"))
    expires_on = models.DateField(_("expires on"))
    grade = models.CharField(_("grade"), max_length=1, choices=Grade, blank=True)
    document = models.FileField(
        _("scanned document"), upload_to="agreements/%Y/", blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = CollectiveAgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_on"]
        verbose_name = _("collective agreement")
        verbose_name_plural = _("collective agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "signed_on"], name="one_agreement_a_signing_day"
            ),
            models.CheckConstraint(
                condition=Q(effective_on__gte=models.F("signed_on"))
                & Q(expires_on__gt=models.F("effective_on")),
                name="agreement_dates_in_order",
            ),
        ]
        indexes = [
            models.Index(
                fields=["employer", "effective_on", "expires_on"],
                name="agreement_validity",
            )
        ]

    def __str__(self):
        return _("Agreement of %(employer)s signed %(day)s") % {
            "employer": self.employer.name if self.employer_id else "?",
            "day": self.signed_on.strftime("%d/%m/%Y") if self.signed_on else "?",
        }

    def clean(self):
        super().clean()
        if self.effective_on is None and self.signed_on:
            self.effective_on = (
                self.signed_on
            )  # Art. 78: effective on signing unless agreed
        if not (self.signed_on and self.effective_on and self.expires_on):
            return
        if self.effective_on < self.signed_on:
            raise ValidationError(
                {
                    "effective_on": _(
                        "An agreement cannot take effect before it is signed."
                    )
                }
            )
        if not (
            add_years(self.effective_on, self.MIN_YEARS)
            <= self.expires_on
            <= add_years(self.effective_on, self.MAX_YEARS)
        ):
            raise ValidationError(
                {
                    "expires_on": _(
                        "A collective agreement runs from 1 to 3 years after it takes effect (Labour Code 2019, Art. 78)."
                    )
                }
            )

    def is_valid_on(self, day: date) -> bool:
        return self.effective_on <= day < self.expires_on


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class SignedPeriodQuerySet(models.QuerySet):
    def signed(self):
        """Sign-offs in force: not reopened. Changes dated inside them are refused."""
        return self.filter(reopened_at__isnull=True)

    def for_user(self, user):
        """Sign-offs of units in the user's scope."""
        return self.filter(unit__in=UnionUnit.objects.for_user(user).values("pk"))


class SignedPeriod(models.Model):
    """A unit's figures for a reporting period, signed off (chốt số liệu) by an officer.

    The report is kept as it was signed (its figures and its workbook's bytes), and
    changes dated on or before ``ends_on`` that would alter it are refused while it is
    signed (unions/signoff.py). Reopening keeps the row and its copy; signing the
    period again makes a new row.
    """

    unit = models.ForeignKey(
        UnionUnit,
        models.PROTECT,
        related_name="signed_periods",
        verbose_name=_("unit"),
    )
    kind = models.CharField(_("period"), max_length=10, choices=PeriodKind)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    signed_at = models.DateTimeField(_("signed off at"), default=timezone.now)
    # The report as signed: its columns and rows (unions/coverage/signing.py) and the
    # workbook it was printed from, served again byte for byte.
    figures = models.JSONField(_("figures"), default=dict, editable=False)
    workbook = models.BinaryField(_("workbook"), editable=False)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reopened by"),
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    objects = SignedPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-ends_on", "-signed_at"]
        verbose_name = _("signed-off period")
        verbose_name_plural = _("signed-off periods")
        permissions = [("sign_off_period", _("Can sign off and reopen periods"))]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "starts_on"],
                condition=Q(reopened_at__isnull=True),
                name="one_signoff_a_period",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="signed_period_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["unit", "ends_on"], name="signed_period_end")]

    def __str__(self):
        return f"{self.unit.code} {self.period.label}"

    @property
    def period(self) -> Period:
        return period_of(self.kind, self.starts_on)

    @property
    def is_signed(self) -> bool:
        return self.reopened_at is None


# Coverage targets and the membership tally live with the coverage code.
from .coverage.models import (  # noqa: E402, F401
    EmployerSpell,
    EmployerTally,
    EmployerTallyBasis,
    MemberTally,
    StaleEmployer,
    Target,
    UnitEmployerTally,
    UnitMemberTally,
)
