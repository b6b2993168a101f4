from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Lower, StrIndex
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.identifiers import normalise_phone, validate_cccd, validate_phone
from registry.models import Province, Ward
from unions.models import UnionUnit

from . import rules, search_plan, text

EthnicGroup = models.TextChoices(
    "EthnicGroup", [(name, name) for name in text.ETHNIC_GROUPS]
)


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


# The alias a search leaves when its matches are to be sorted (search_plan).
SORTED_MATCHES = "sorted_name_key"


class MemberQuerySet(models.QuerySet):
    def for_user(self, user):
        """People whose record the user holds: those whose open membership is in the
        user's subtree, and former members whose last membership was there.

        Someone who moved away belongs to the union they moved to; the union they left
        keeps their name and dates in its own lists (Membership.objects.for_user), not
        their record (docs/security.md).
        """
        if user.is_system_admin:
            return self
        if not user.is_authenticated or not user.is_active or user.unit_id is None:
            return self.none()
        if user.unit.is_grassroots:
            current = Q(current_unit=user.unit)
        else:
            current = Q(current_unit__in=UnionUnit.objects.within(user.unit))
        last = Membership.objects.for_user(user).ended().last_of_each_member()
        return self.filter(
            current | Q(current_unit__isnull=True, pk__in=last.values("member_id"))
        )

    def having(self, memberships):
        """People with at least one of ``memberships`` (a semi-join: no duplicates).

        Written as ``id IN (…)`` rather than EXISTS: SQLite runs a correlated EXISTS
        once per person, and through the unit's index at that; PostgreSQL plans both
        forms as the same semi-join.
        """
        return self.filter(pk__in=memberships.values("member_id"))

    def active_on(self, day: date, units, *, from_own_rows: bool = False):
        """People with a membership running on ``day`` in ``units`` (a UnionUnit
        queryset, or one grassroots unit): Membership.objects.active_on seen per person.

        For today it reads the person's own row: ``current_unit``, the open membership's
        union, kept by database triggers (triggers.py). Leaving dates are never in the
        future (Membership.clean), so the open membership is the one running today.

        A past day asks the memberships, one lookup per person. ``from_own_rows``
        answers it mostly from the person's row instead: those whose open membership
        in ``units`` began by ``day``, plus the few whose membership there covering
        ``day`` has ended since (memberships never overlap, so the two never meet).
        Same people; it pays where ``units`` hold a small share of a large register,
        which the name-order walk then filters without a lookup per person.
        """
        in_units = Q(unit=units) if isinstance(units, UnionUnit) else Q(unit__in=units)
        if day == timezone.localdate() or from_own_rows:
            current = Q(current_since__lte=day) & (
                Q(current_unit=units)
                if isinstance(units, UnionUnit)
                else Q(current_unit__in=units)
            )
            if day == timezone.localdate():
                return self.filter(current)
            ended = Membership.objects.filter(
                in_units, left_on__gt=day, started_on__lte=day
            )
            return self.filter(current | Q(pk__in=ended.values("member_id")))
        return self.having(Membership.objects.active_on(day).filter(in_units))

    def search(self, query: str):
        """Names with a word starting with each word of ``query``, ignoring marks and case.

        "nguyen van an", "Nguyễn Văn An" and "an nguyễn" find each other; "an" finds
        An and Anh but not Lan.
        """
        words = list(dict.fromkeys(text.fold(query).split()))
        queryset = self
        for i, word in enumerate(words):
            # " word" must start a word; STRPOS/INSTR checks it row by row.
            at = f"_word_{i}"
            queryset = queryset.alias(
                **{at: StrIndex("search_name", Value(f" {word}"))}
            ).filter(**{f"{at}__gt": 0})
        # The trigram index (PostgreSQL) is asked only about the words worth it
        # (search_plan; all of them without statistics): a common word's posting
        # lists cost more than walking the names in order, which STRPOS alone leaves
        # as the only way. A word of three letters or more is put without its
        # word-start space, whose trigrams ("  t", " th") are in nearly every name; a
        # shorter one has no trigram of its own, so it keeps the space.
        plan = search_plan.plan(words, self)
        for word in words if plan is None else plan.indexed:
            queryset = queryset.filter(
                search_name__contains=word if len(word) >= 3 else f" {word}"
            )
        if plan is not None and plan.sorts_matches:
            queryset = queryset.alias(**{SORTED_MATCHES: Lower("sort_key")})
        return queryset

    def aged_on(self, day: date, youngest: int, oldest: int | None):
        """People aged ``youngest`` to ``oldest`` (inclusive) on ``day``."""
        born_after = None if oldest is None else _add_years(day, -oldest - 1)
        born_by = _add_years(day, -youngest)
        by_date = Q(birth_date__lte=born_by)
        by_year = Q(birth_date__isnull=True, birth_year__lte=day.year - youngest)
        if born_after is not None:
            by_date &= Q(birth_date__gt=born_after)
            by_year &= Q(birth_year__gte=day.year - oldest)
        return self.filter(by_date | by_year)

    def in_name_order(self):
        """Vietnamese order: given name, family name, middle name (see text.sort_key).

        After a search whose plan sorts its matches, by the same key as an expression
        (lower case changes no hex digit): PostgreSQL then sorts the matches, and
        cannot walk the whole name index instead.
        """
        if SORTED_MATCHES in self.query.annotations:
            return self.order_by(SORTED_MATCHES, "id")
        return self.order_by("sort_key", "id")

    def after(self, member):
        """The members after ``member`` in name order: the next page, by keyset."""
        return self.filter(sort_key__gte=member.sort_key).exclude(
            sort_key=member.sort_key, id__lte=member.id
        )

    def before(self, member):
        return self.filter(sort_key__lte=member.sort_key).exclude(
            sort_key=member.sort_key, id__gte=member.id
        )


class Member(models.Model):
    """A person on the register; their memberships say where and when they belonged."""

    full_name = models.CharField(_("full name"), max_length=150)
    family_name = models.CharField(_("family name"), max_length=50, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=80, blank=True)
    given_name = models.CharField(_("given name"), max_length=50, blank=True)
    # Folded for accent-free search (a trigram index on PostgreSQL, migration 0003).
    search_name = models.CharField(max_length=160, editable=False)
    # Vietnamese order as a bytewise-comparable key (text.sort_key): PostgreSQL's own
    # collations cannot sort by given name first, and SQLite has no Vietnamese at all.
    sort_key = models.CharField(max_length=text.SORT_KEY_LENGTH, editable=False)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender, blank=True)
    ethnicity = models.CharField(
        _("ethnicity"), max_length=40, choices=EthnicGroup, blank=True
    )
    religion = models.CharField(_("religion"), max_length=60, blank=True)
    cccd = models.CharField(
        _("citizen ID (CCCD)"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_cccd],
    )
    old_id_number = models.CharField(_("old ID card (CMND)"), max_length=12, blank=True)
    phone = models.CharField(
        _("phone"), max_length=10, blank=True, validators=[validate_phone]
    )
    email = models.EmailField(_("email"), blank=True)
    education = models.CharField(_("education level"), max_length=120, blank=True)
    job = models.CharField(_("job"), max_length=120, blank=True)
    is_party_member = models.BooleanField(_("party member"), default=False)
    address = models.CharField(_("address"), max_length=255, blank=True)
    # Indexed where filled only (Meta.indexes): most people have no address on file,
    # and an index of empty entries costs every new member two insertions for nothing.
    province = models.ForeignKey(
        Province,
        models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        verbose_name=_("province"),
    )
    ward = models.ForeignKey(
        Ward,
        models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        verbose_name=_("ward"),
    )
    joined_union_on = models.DateField(_("joined the union on"))
    # The open membership's union and start, kept by database triggers (triggers.py)
    # so that "who is in this subtree today" needs no join per person. No foreign key
    # in the database: the value is copied from the open membership, whose own unit is
    # checked, and checking it again cost every imported member a second lookup.
    current_unit = models.ForeignKey(
        UnionUnit,
        models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("current grassroots union"),
    )
    current_since = models.DateField(null=True, blank=True, editable=False)

    objects = MemberQuerySet.as_manager()
    # The derived keys change with the name, which the history already shows. The
    # history is read by person (``id``) only: no index on its copies of the CCCD or
    # the address, which every imported member would otherwise pay for.
    history = HistoricalRecords(
        excluded_fields=["search_name", "sort_key", "current_unit", "current_since"],
        no_db_index=["cccd", "province", "ward"],
    )

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        # The member list's indexes (name order; one union's members) are created by
        # migration 0007, because their best shape differs between the databases.
        indexes = [
            models.Index(
                fields=["province"],
                condition=Q(province__isnull=False),
                name="member_province",
            ),
            models.Index(
                fields=["ward"], condition=Q(ward__isnull=False), name="member_ward"
            ),
        ]
        permissions = [
            (
                "view_sensitive_data",
                _("Can see CCCD, ethnicity, religion, party membership"),
            ),
            ("export_member", _("Can export member lists")),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("members:member_detail", args=[self.pk])

    def clean_fields(self, exclude=None):
        # People write "+84 912 345 678" or lose the leading zero in a spreadsheet.
        self.phone = normalise_phone(self.phone) if self.phone else ""
        super().clean_fields(exclude)

    def clean(self):
        super().clean()
        errors = {}
        self.full_name = text.normalise_name(self.full_name)
        if name_error := rules.name_error(self.full_name):
            errors["full_name"] = name_error
        parts = [text.normalise_name(p) for p in self.name_parts]
        if any(parts) and text.join_name(*parts) != self.full_name:
            errors["given_name"] = ValidationError(
                _(
                    "Family, middle and given names together must make up the full name."
                ),
                code="name_parts",
            )
        errors.update(self._date_errors())
        if (
            self.ward_id
            and self.province_id
            and self.ward.province_id != self.province_id
        ):
            errors["ward"] = ValidationError(
                _("This ward is not in the chosen province."), code="ward_province"
            )
        if errors:
            raise ValidationError(errors)

    def _date_errors(self):
        return rules.date_errors(
            birth_date=self.birth_date,
            birth_year=self.birth_year,
            joined_on=self.joined_union_on,
            today=timezone.localdate(),
        )

    def set_derived_fields(self):
        """Normalise the name and refresh its parts and keys (bulk writers call this too).

        Parts that no longer make up the full name (it was edited) are split afresh.
        """
        self.full_name = text.normalise_name(self.full_name)
        parts = [text.normalise_name(p) for p in self.name_parts]
        if text.join_name(*parts) != self.full_name:
            parts = text.split_name(self.full_name)
        self.family_name, self.middle_name, self.given_name = parts
        self.search_name = text.search_key(self.full_name)
        self.sort_key = text.sort_key(*parts)
        if self.birth_date:
            self.birth_year = self.birth_date.year

    @property
    def name_parts(self):
        return self.family_name, self.middle_name, self.given_name

    @property
    def born_in(self):
        """The birth year, from the date when there is one."""
        return self.birth_date.year if self.birth_date else self.birth_year

    def age_on(self, day: date) -> int | None:
        """Full years on ``day``; from the year alone when the birth date is unknown."""
        return rules.age_on(self.birth_date, self.birth_year, day)

    @property
    def masked_cccd(self):
        return text.mask_cccd(self.cccd)

    def cccd_warnings(self):
        return text.cccd_warnings(
            self.cccd, gender=self.gender, birth_year=self.born_in
        )


class LeaveReason(models.TextChoices):
    TRANSFER = "transfer", _("Transferred to another union")
    LEFT_JOB = "left_job", _("Left the job")
    RETIRED = "retired", _("Retired")
    VOLUNTARY = "voluntary", _("Left voluntarily")
    REMOVED = "removed", _("Name removed")
    EXPELLED = "expelled", _("Expelled")
    DECEASED = "deceased", _("Deceased")
    RESTRUCTURED = "restructured", _("Union dissolved or restructured")


class StartReason(models.TextChoices):
    ADMITTED = "admitted", _("Admitted")
    TRANSFERRED = "transferred", _("Transferred in")
    READMITTED = "readmitted", _("Readmitted")


class MembershipQuerySet(models.QuerySet):
    def active_on(self, day):
        """Memberships running on ``day``; every list, count and export uses this."""
        return self.filter(
            Q(left_on__isnull=True) | Q(left_on__gt=day), started_on__lte=day
        )

    def for_user(self, user):
        """Memberships in a unit of the user's subtree."""
        if user.is_system_admin:
            return self
        if not user.is_authenticated or not user.is_active or user.unit_id is None:
            return self.none()
        return self.within(user.unit)

    def ended(self):
        return self.filter(left_on__isnull=False)

    def last_of_each_member(self):
        """Each person's latest membership (by start, then by id)."""
        later = Membership.objects.filter(member=OuterRef("member")).filter(
            Q(started_on__gt=OuterRef("started_on"))
            | Q(started_on=OuterRef("started_on"), pk__gt=OuterRef("pk"))
        )
        return self.filter(~Exists(later))

    def within(self, unit):
        """Memberships in ``unit`` or any unit below it."""
        if unit.is_grassroots:  # a leaf: the plain foreign key is easier to plan
            return self.filter(unit=unit)
        return self.filter(unit__path__startswith=unit.path)


class Membership(models.Model):
    """A stretch of time a person belonged to one grassroots union."""

    member = models.ForeignKey(
        Member, models.PROTECT, related_name="memberships", verbose_name=_("member")
    )
    unit = models.ForeignKey(
        UnionUnit,
        models.PROTECT,
        related_name="memberships",
        db_index=False,  # membership_unit_dates starts with the unit
        verbose_name=_("grassroots union"),
    )
    started_on = models.DateField(_("started on"))
    start_reason = models.CharField(
        _("how it started"),
        max_length=20,
        choices=StartReason,
        default=StartReason.ADMITTED,
    )
    card_number = models.CharField(_("member card number"), max_length=30, blank=True)
    # The "Ghi chú" of the union's own list: a note of this union about the person
    # while here, which does not follow them to the next union.
    notes = models.CharField(_("notes"), max_length=255, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(
        _("reason for leaving"), max_length=20, choices=LeaveReason, blank=True
    )
    leave_note = models.CharField(
        _("note on leaving"),
        max_length=255,
        blank=True,
        help_text=_("Decision number or circumstances, if any."),
    )

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords(no_db_index=["unit"])  # read by person or membership

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(left_on__isnull=True),
                name="one_active_membership_per_member",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("started_on")),
                name="membership_ends_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(
                fields=["unit", "started_on", "left_on"], name="membership_unit_dates"
            ),
            # Memberships that ended, by end date: "who was here on a past day but has
            # left or moved since" is a short range (MemberQuerySet.active_on), read
            # from the index alone. Key columns rather than INCLUDE: SQLite has none.
            models.Index(
                fields=["left_on", "unit", "started_on", "member"],
                condition=Q(left_on__isnull=False),
                name="membership_ended",
            ),
        ]

    def __str__(self):
        return f"{self.member} @ {self.unit.code}"

    def clean(self):
        super().clean()
        if self.left_on and self.started_on and self.left_on < self.started_on:
            message = _("A membership cannot end before it starts.")
            raise ValidationError(
                {"left_on": ValidationError(message, code="left_before_start")}
            )
        if self.left_on and self.left_on > timezone.localdate():
            message = _("The leaving date cannot be in the future.")
            raise ValidationError(
                {"left_on": ValidationError(message, code="date_in_future")}
            )
        if bool(self.left_on) != bool(self.leave_reason):
            message = _("A leaving date needs a reason, and only then.")
            raise ValidationError(
                {"leave_reason": ValidationError(message, code="leave_reason_missing")}
            )

    @property
    def is_open(self):
        return self.left_on is None


class TransferRequestQuerySet(models.QuerySet):
    def for_user(self, user):
        """Requests into or out of the user's subtree."""
        if user.is_system_admin:
            return self
        if not user.is_authenticated or not user.is_active or user.unit_id is None:
            return self.none()
        return self.filter(
            Q(to_unit__path__startswith=user.unit.path)
            | Q(from_unit__path__startswith=user.unit.path)
        )

    def incoming_for(self, user):
        """Requests the user's subtree is asked to accept or refuse."""
        if user.is_system_admin:
            return self
        if not user.is_authenticated or not user.is_active or user.unit_id is None:
            return self.none()
        return self.filter(to_unit__path__startswith=user.unit.path)

    def pending(self):
        return self.filter(status=TransferRequest.Status.PENDING)


class TransferRequest(models.Model):
    """A transfer into a unit outside the sender's scope: the receiving unit decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the receiving union")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    member = models.ForeignKey(
        Member,
        models.PROTECT,
        related_name="transfer_requests",
        verbose_name=_("member"),
    )
    from_unit = models.ForeignKey(
        UnionUnit, models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_unit = models.ForeignKey(
        UnionUnit,
        models.PROTECT,
        related_name="incoming_transfer_requests",
        verbose_name=_("to"),
    )
    transferred_on = models.DateField(_("transfer date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    refusal_reason = models.CharField(
        _("reason for refusal"), max_length=255, blank=True
    )
    membership = models.OneToOneField(
        Membership,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="transfer_request",
        verbose_name=_("membership opened"),
    )

    objects = TransferRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("transfer request")
        verbose_name_plural = _("transfer requests")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status="pending"),
                name="one_pending_transfer_per_member",
            )
        ]

    def __str__(self):
        return f"{self.member}: {self.from_unit.code} → {self.to_unit.code}"

    def get_absolute_url(self):
        return f"{reverse('members:transfer_requests')}#request-{self.pk}"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
