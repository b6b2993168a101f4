"""Coverage targets, and the membership tally the dashboard reads instead of recounting.

Imported at the end of unions/models.py, so both are ordinary models of the unions app.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from unions.models import UnionUnit


class TargetQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(unit__in=UnionUnit.objects.for_user(user))


class Target(models.Model):
    """A unit's targets (chỉ tiêu) for one calendar year; the dashboard shows progress."""

    unit = models.ForeignKey(
        UnionUnit, models.PROTECT, related_name="targets", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    new_members = models.PositiveIntegerField(
        _("new members"),
        null=True,
        blank=True,
        help_text=_("Members to admit during the year, in the whole subtree."),
    )
    new_grassroots = models.PositiveIntegerField(
        _("new CĐCS"),
        null=True,
        blank=True,
        help_text=_(
            "Grassroots unions to found during the year, in the whole subtree."
        ),
    )
    cba_rate = models.DecimalField(
        _("collective agreement rate (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "Share of enterprises with a union that have a valid collective "
            "agreement, in per cent."
        ),
    )
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "unit__path"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"], name="one_target_per_unit_and_year"
            ),
            models.CheckConstraint(
                condition=Q(cba_rate__isnull=True)
                | Q(cba_rate__gte=0, cba_rate__lte=100),
                name="target_cba_rate_is_a_percentage",
            ),
        ]

    def __str__(self):
        return f"{self.unit.code} {self.year}"


class MemberTally(models.Model):
    """Memberships started minus ended, kept by database triggers (triggers.py).

    Two kinds of rows, so that the members of any unit on any day are three short sums:
    - day rows (span "d"): ``path`` is the unit the memberships belong to, one row per
      day on which they changed;
    - month rows (span "m"): ``path`` is an ancestor, one row per month, covering every
      membership strictly below it.
    Members of U on D = U's month rows before D's month + day rows of that month for
    U's whole subtree + U's own day rows before that month. Nothing in Python writes
    here except the full rebuild.
    """

    class Span(models.TextChoices):
        DAY = "d", _("day")
        MONTH = "m", _("month")

    pk = models.CompositePrimaryKey("path", "span", "starts_on")
    path = models.CharField(max_length=255)
    span = models.CharField(max_length=1, choices=Span)
    starts_on = models.DateField()
    net = models.IntegerField(default=0)
    admitted = models.IntegerField(
        default=0, help_text="Memberships started by admission or readmission."
    )

    class Meta:
        verbose_name = _("membership tally")
        verbose_name_plural = _("membership tallies")
        default_permissions = []
        # Its indexes are made by migration 0005: covering ones on PostgreSQL.

    def __str__(self):
        return f"{self.path} {self.span} {self.starts_on}: {self.net:+d}"


class UnitMemberTally(models.Model):
    """Members of each unit's subtree as it was on each day, kept by database triggers
    (dated_tally.py): the historical structure of the figures.

    A membership of unit X and an ancestry row (X, A, from cs until ce) overlap from
    the later of its start and cs until the earlier of its end and ce: A gains a member
    on the first of those days and loses one on the last (UnitAncestry). Each change is
    written as a day, a month and a year row of A, so the members of A on D are three
    short sums: A's year rows before D's year, month rows of D's year before D's month
    and day rows of D's month up to D. ``admitted`` counts the admissions made in a unit
    under A on their day. MemberTally, keyed by today's paths, is the current structure.
    """

    class Span(models.TextChoices):
        YEAR = "y", _("year")
        MONTH = "m", _("month")
        DAY = "d", _("day")

    pk = models.CompositePrimaryKey("unit_id", "span", "starts_on")
    unit = models.ForeignKey(
        UnionUnit,
        models.DO_NOTHING,
        db_constraint=False,  # written by triggers only; units are never deleted
        db_index=False,  # the primary key starts with it
        related_name="+",
    )
    span = models.CharField(max_length=1, choices=Span)
    starts_on = models.DateField()
    net = models.IntegerField(default=0)
    admitted = models.IntegerField(
        default=0, help_text="Memberships started by admission or readmission."
    )

    class Meta:
        verbose_name = _("membership tally on the tree of each date")
        verbose_name_plural = _("membership tallies on the tree of each date")
        default_permissions = []

    def __str__(self):
        return f"{self.unit_id} {self.span} {self.starts_on}: {self.net:+d}"


class EmployerSpell(models.Model):
    """A stretch of time over which an employer's coverage facts did not change.

    Worker count (last report, else the current one), whether its CĐCS was active and
    whether an agreement was valid are constant from ``starts_on`` up to ``ends_on``
    (exclusive; empty = still so). Figures on a day read the one spell of each employer
    that covers it instead of looking up reports, unions and agreements per employer.
    Written only by spells.refresh(), from the employers that triggers mark stale.
    """

    employer = models.ForeignKey(
        "unions.Employer",
        models.DO_NOTHING,
        db_constraint=False,  # spells of a deleted employer go at the next refresh
        db_index=False,  # spell_employer below starts with it
        related_name="+",
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True)
    workers = models.PositiveIntegerField()
    kind = models.CharField(max_length=20)
    has_union = models.BooleanField()
    has_agreement = models.BooleanField()
    managing_path = models.CharField(max_length=255)
    grassroots_path = models.CharField(max_length=255, blank=True)
    place = models.ForeignKey(
        UnionUnit,
        models.DO_NOTHING,
        db_constraint=False,  # rewritten with the spell; units are never deleted
        related_name="+",
        help_text="Where the employer is counted: its CĐCS while active, else its "
        "managing unit.",
    )
    last_agreement_expires_on = models.DateField(
        null=True,
        help_text="Latest expiry among the employer's agreements signed by starts_on.",
    )

    class Meta:
        default_permissions = []
        indexes = [
            models.Index(fields=["employer", "starts_on"], name="spell_employer"),
            # The largest white spots, read in order until ten are found.
            models.Index(
                fields=["-workers"],
                name="spell_white_spots",
                condition=Q(has_union=False),
            ),
            # Agreements to renew, soonest expiry first.
            models.Index(
                fields=["last_agreement_expires_on"],
                name="spell_renewals",
                condition=Q(has_union=True),
            ),
        ]

    def __str__(self):
        return f"{self.employer_id} {self.starts_on}–{self.ends_on or ''}"


class StaleEmployer(models.Model):
    """Employers whose spells must be recomputed; filled by triggers, emptied by refresh()."""

    employer_id = models.BigIntegerField(primary_key=True)

    class Meta:
        default_permissions = []

    def __str__(self):
        return str(self.employer_id)


class EmployerFigures(models.Model):
    """The changes of the employer figures a tally row holds (employer_tally.FIGURES)."""

    eligible = models.IntegerField(default=0)
    workers = models.BigIntegerField(default=0)
    with_union = models.IntegerField(default=0)
    enterprises = models.IntegerField(default=0)
    with_cba = models.IntegerField(default=0)
    renewals = models.IntegerField(default=0)

    class Meta:
        abstract = True


class EmployerTally(EmployerFigures):
    """Changes of the employer figures of every unit's scope, derived from the spells.

    A unit P's figures hold the employers placed in P's subtree: at their CĐCS while it
    is active, else at their managing unit (``Employer.objects.placed_within``). A spell of an eligible employer adds its figures to every such P on
    the day it starts and takes them off on the day it ends; a renewal counts from 90
    days before the expiry of the last agreement signed so far. Each change is written three times, as a
    day row, a month row and a year row of P, so the figures of P on D are three short
    sums: P's year rows before D's year, its month rows of D's year before D's month and
    its day rows of D's month up to D (about 75 rows, whatever the size of the subtree).
    Written only by employer_tally.py, whenever spells.refresh() rewrites spells.
    """

    class Span(models.TextChoices):
        YEAR = "y", _("year")
        MONTH = "m", _("month")
        DAY = "d", _("day")

    pk = models.CompositePrimaryKey("path", "span", "starts_on")
    path = models.CharField(max_length=255)
    span = models.CharField(max_length=1, choices=Span)
    starts_on = models.DateField()

    class Meta:
        verbose_name = _("employer tally")
        verbose_name_plural = _("employer tallies")
        default_permissions = []

    def __str__(self):
        return f"{self.path} {self.span} {self.starts_on}: {self.eligible:+d}"


class UnitEmployerTally(EmployerFigures):
    """The employer figures of each unit's subtree as it was on each day: the
    historical structure (EmployerTally, keyed by today's paths, is the current one).

    A spell placed at unit X and an ancestry row (X, A, from cs until ce) overlap from
    the later of their starts until the earlier of their ends: A gains the spell's
    figures on the first of those days and loses them on the last. Rows by day, month
    and year as in EmployerTally. Written only by employer_tally.py: when spells are
    rewritten, and when a move rewrites ancestry rows (ancestry.rewritten).
    """

    Span = EmployerTally.Span

    pk = models.CompositePrimaryKey("unit_id", "span", "starts_on")
    unit = models.ForeignKey(
        UnionUnit,
        models.DO_NOTHING,
        db_constraint=False,  # derived rows; units are never deleted
        db_index=False,  # the primary key starts with it
        related_name="+",
    )
    span = models.CharField(max_length=1, choices=Span)
    starts_on = models.DateField()

    class Meta:
        verbose_name = _("employer tally on the tree of each date")
        verbose_name_plural = _("employer tallies on the tree of each date")
        default_permissions = []

    def __str__(self):
        return f"{self.unit_id} {self.span} {self.starts_on}: {self.eligible:+d}"


class EmployerTallyBasis(models.Model):
    """The settings the employer tally was computed with (one row, or none: rebuild).

    The eligibility threshold and the state-sector cut-off are baked into the tally;
    when the settings differ from these, or the row is missing (after a bulk refresh),
    the next refresh (by a writer, the background task or migrate) rebuilds the tally.
    """

    min_workers = models.PositiveIntegerField()
    state_sector_ended_on = models.DateField()

    class Meta:
        default_permissions = []

    def __str__(self):
        return f"≥ {self.min_workers}, {self.state_sector_ended_on}"
