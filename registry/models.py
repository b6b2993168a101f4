from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .roles import Role


class User(AbstractUser):
    """A staff account: one union unit, one role; it sees that unit's subtree only."""

    unit = models.ForeignKey(
        "unions.UnionUnit",
        models.PROTECT,
        related_name="users",
        verbose_name=_("union unit"),
        null=True,
        blank=True,
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.LEADER)
    # Part of every session's check (get_session_auth_hash): raising it ends all of the
    # account's sessions at once, for good (registry.services.sign_out_everywhere).
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self):
        super().clean()
        if self.role != Role.SYSTEM_ADMIN and self.unit_id is None:
            raise ValidationError(
                {
                    "unit": _(
                        "Every account except a system administrator belongs to a union unit."
                    )
                }
            )

    def save(self, *args, **kwargs):
        # Admin access and superuser status follow the role, so the two can't disagree.
        self.is_superuser = self.role == Role.SYSTEM_ADMIN
        self.is_staff = True
        if not self.is_active:
            # A deactivated account's sessions stay ended when it is reactivated.
            self.session_generation += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {
                    *kwargs["update_fields"],
                    "session_generation",
                }
        super().save(*args, **kwargs)

    def _get_session_auth_hash(self, secret=None):
        # Django's own hash covers the password only; the generation joins it so that
        # "sign out everywhere" and deactivation void every session already issued.
        return salted_hmac(
            "registry.User.get_session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_system_admin(self):
        return self.is_active and self.role == Role.SYSTEM_ADMIN

    @property
    def is_read_only(self):
        return self.role == Role.LEADER


class Province(models.Model):
    """A province or centrally-run city after the 1 July 2025 merger (34 of them)."""

    code = models.PositiveSmallIntegerField(_("code"), primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    codename = models.CharField(max_length=100, blank=True)
    data_version = models.CharField(_("data version"), max_length=40)

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class Ward(models.Model):
    """A commune, ward or special zone (xã, phường, đặc khu) of the two-level divisions."""

    code = models.PositiveIntegerField(_("code"), primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    province = models.ForeignKey(
        Province, models.PROTECT, related_name="wards", verbose_name=_("province")
    )
    data_version = models.CharField(_("data version"), max_length=40)

    class Meta:
        ordering = ["name"]
        verbose_name = _("ward")
        verbose_name_plural = _("wards")

    def __str__(self):
        return self.name


class AppendOnlyError(Exception):
    """The access log keeps what it was told: no entry is changed or deleted."""


class AccessLogQuerySet(models.QuerySet):
    def for_user(self, user):
        """Entries written by accounts of the user's subtree (every entry for a system admin)."""
        if user.is_system_admin:
            return self
        if not user.is_authenticated or not user.is_active or user.unit_id is None:
            return self.none()
        return self.filter(user__unit__path__startswith=user.unit.path)

    def update(self, **kwargs):
        raise AppendOnlyError("The access log is append-only: entries are not changed.")

    def delete(self):
        raise AppendOnlyError("The access log is append-only: entries are not deleted.")


class AccessLog(models.Model):
    """Who read or moved personal data, whose, when, from where and why: every view,
    list, lookup, preview, download and export of it (docs/security.md).

    Append-only: the model refuses to save an existing entry or delete one, and a
    database trigger refuses UPDATE and DELETE (migration 0009)."""

    class Action(models.TextChoices):
        VIEW_MEMBER = "view_member", _("Viewed a member's record")
        EDIT_FORM = "edit_member", _("Opened a member's edit form")
        VIEW_HISTORY = "view_history", _("Viewed a member's change history")
        LIST_MEMBERS = "list_members", _("Listed members")
        LOOKUP_CCCD = "lookup_cccd", _("Looked up a CCCD")
        PREVIEW_IMPORT = "preview_import", _("Viewed the check of an import")
        DOWNLOAD_REPORT = "download_report", _("Downloaded an import's error report")
        EXPORT = "export", _("Exported a list")
        EXPORT_RECORD = "export_record", _("Exported a member's own record")
        EXPORT_LOG = "export_log", _("Exported the access log")
        IMPORT = "import", _("Imported a file")
        UNDO_IMPORT = "undo_import", _("Undid an import")
        SIGN_OFF = "sign_off", _("Signed off a period's figures")
        REOPEN_PERIOD = "reopen_period", _("Reopened a signed-off period")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="access_logs",
        verbose_name=_("user"),
        null=True,
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)
    target = models.CharField(_("what"), max_length=255)
    # Whose: one member's id, or a unit's code; a list says how many and which filters.
    object_id = models.CharField(
        _("object id"), max_length=64, blank=True, db_index=True
    )
    count = models.PositiveIntegerField(_("people or rows"), null=True, blank=True)
    is_sensitive = models.BooleanField(
        _("sensitive fields shown"),
        default=False,
        help_text=_("The full CCCD, ethnicity, religion, party membership or phone."),
    )
    purpose = models.CharField(_("stated purpose"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        permissions = [("import_data", _("Can import spreadsheets"))]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.user} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(
                "The access log is append-only: entries are not changed."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The access log is append-only: entries are not deleted.")


class ImportJobQuerySet(models.QuerySet):
    def for_user(self, user):
        """The user's own imports, and those of accounts in units below the user's
        (an officer above may look at them and undo them)."""
        if user.is_system_admin:
            return self
        if not user.is_authenticated or not user.is_active or user.unit_id is None:
            return self.none()
        below = Q(user__unit__path__startswith=user.unit.path) & ~Q(
            user__unit_id=user.unit_id
        )
        return self.filter(Q(user=user) | below)


class ImportJob(models.Model):
    """One uploaded file on its way in: kept in the database, not on one server's disk,
    so the preview, the confirmation and the background worker may run anywhere."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        STOPPED = "stopped", _("Stopped: invalid rows")
        FAILED = "failed", _("Failed")
        UNDONE = "undone", _("Undone")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="import_jobs",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("what"), max_length=20)
    into = models.ForeignKey(
        "unions.UnionUnit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("into unit"),
    )
    filename = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField(_("file"))
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    overrides = models.JSONField(_("column choices"), default=dict, blank=True)
    skip_invalid = models.BooleanField(_("skip invalid rows"), default=False)
    start_today = models.BooleanField(
        _("new members admitted as of the import's day"), default=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.PREVIEW
    )
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error_report = models.BinaryField(_("error report"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The worker checking or importing the file renews this while it works; a time in
    # the past means the worker died (registry/spreadsheets/leases.py).
    lease_until = models.DateTimeField(_("worker's lease until"), null=True, blank=True)
    file_deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def percent(self):
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self):
        return self.status in (
            self.Status.DONE,
            self.Status.STOPPED,
            self.Status.FAILED,
            self.Status.UNDONE,
        )

    @property
    def is_abandoned(self):
        """Checking or importing, by a worker that stopped renewing its lease."""
        working = self.status == self.Status.RUNNING or (
            self.status == self.Status.PREVIEW and self.preview.get("checking")
        )
        return bool(working and self.lease_until and self.lease_until < timezone.now())

    @property
    def can_retry(self):
        stopped = self.status == self.Status.FAILED or self.preview.get("stopped")
        return not self.file_deleted_at and bool(stopped or self.is_abandoned)

    @property
    def file_deleted_on(self):
        """The day the uploaded file is deleted (or was)."""
        if self.file_deleted_at:
            return timezone.localdate(self.file_deleted_at)
        days = timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
        return timezone.localdate(self.created_at + days)


class SavedMapping(models.Model):
    """The column choices a user confirmed for a file layout, offered again next time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="saved_mappings",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("what"), max_length=20)
    overrides = models.JSONField(_("column choices"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("saved column mapping")
        verbose_name_plural = _("saved column mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="one_saved_mapping_per_user_and_kind"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.kind}"


class ExportJob(models.Model):
    """A large export written by the background worker; the file waits in the database."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="export_jobs",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("what"), max_length=20)
    unit = models.ForeignKey(
        "unions.UnionUnit", models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    as_of = models.DateField(_("as of"))
    file_format = models.CharField(_("format"), max_length=4, default="xlsx")
    data = models.BinaryField(_("file"), null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    is_finished = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The file is deleted after EXPORT_FILE_RETENTION_DAYS; the row stays, saying when.
    file_deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return f"{self.kind} {self.unit_id} {self.as_of:%d/%m/%Y}"

    @property
    def percent(self):
        return int(100 * self.rows / self.total) if self.total else 0

    @property
    def file_deleted_on(self):
        """The day the exported file is deleted (or was)."""
        if self.file_deleted_at:
            return timezone.localdate(self.file_deleted_at)
        days = timedelta(days=settings.EXPORT_FILE_RETENTION_DAYS)
        return timezone.localdate(self.created_at + days)
