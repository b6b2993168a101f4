"""Import and export jobs for the web pages: upload → preview → confirm → background run.

The file and its preview live in the database (ImportJob), so any web server may show
the preview and any worker may run the import. These functions store the job and
queue its task (tasks.py); the worker's half is in jobs.py, which calls the same engine
as the ``import`` and ``export`` commands.
"""

from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from registry.audit import log_access
from registry.models import AccessLog, ExportJob, ImportJob, SavedMapping

from .exporting import count
from .jobs import HEAD_KEYS
from .reading import UnusableFile, check_upload
from .tables import column_choice
from .tasks import check_file, export_file, import_file


def start_import(
    *, user, kind: str, filename: str, data: bytes, into=None
) -> ImportJob:
    """Store an upload and have a worker check it; the preview fills in as it goes.

    Raises UnusableFile when the file is plainly not a spreadsheet (or too big, or
    locked by a password); nothing is stored then. Reading and checking every row
    (seconds for 50,000 rows) is left to the worker, not the upload request.
    """
    check_upload(data, filename)
    saved = SavedMapping.objects.filter(user=user, kind=kind).first()
    job = ImportJob.objects.create(
        user=user,
        kind=kind,
        into=into,
        filename=filename[:255],
        data=data,
        overrides=saved.overrides if saved else {},
        preview={"checking": True, "check": 1},
    )
    check_file_later(job)
    return job


def remap(
    *, job: ImportJob, sheet: str, choices: dict[tuple[int, str], str]
) -> ImportJob:
    """The user corrected which column means what (or picked another sheet); each
    choice is kept for the column at that place with that title (column_choice)."""
    job.sheet = sheet
    job.overrides = {
        **job.overrides,
        **{column_choice(index, label): key for (index, label), key in choices.items()},
    }
    # What was understood so far stays on the page until the new check replaces it.
    kept = {key: job.preview[key] for key in HEAD_KEYS if key in job.preview}
    job.preview = kept | {"checking": True, "check": job.preview.get("check", 0) + 1}
    job.done = job.total = 0
    job.save(update_fields=["sheet", "overrides", "preview", "done", "total"])
    check_file_later(job)
    return job


def check_file_later(job: ImportJob) -> None:
    enqueue_on_commit(check_file, job.pk, job.preview["check"])


def enqueue_on_commit(task, *args) -> None:
    """Queue ``task(*args)`` once the current transaction commits.

    The task then never runs before its job row is visible, nor while this request
    still holds the row's lock (a backend that runs tasks at once would otherwise wait
    on it for ever when it reports progress from another connection).
    """
    transaction.on_commit(partial(task.enqueue, *args))


@transaction.atomic
def confirm_import(
    *, job: ImportJob, skip_invalid: bool, start_today: bool = False
) -> ImportJob:
    """Queue the import for the background worker and remember the column choices."""
    if job.status != ImportJob.Status.PREVIEW:
        raise UnusableFile(_("This import was already confirmed."))
    if job.file_deleted_at:
        raise UnusableFile(
            _("The file was deleted on %(day)s; upload it again.")
            % {"day": job.file_deleted_on.strftime("%d/%m/%Y")}
        )
    if job.preview.get("checking"):
        raise UnusableFile(_("The file is still being checked; wait for the result."))
    if job.preview.get("message"):
        raise UnusableFile(job.preview["message"])
    if "summary" not in job.preview:
        raise UnusableFile(_("The file was not checked to the end; check it again."))
    if job.preview.get("summary", {}).get("invalid") and not skip_invalid:
        raise UnusableFile(
            _("Some rows are invalid: correct the file, or choose to skip those rows.")
        )
    job.status = ImportJob.Status.QUEUED
    job.skip_invalid = skip_invalid
    job.start_today = start_today
    job.done = job.total = 0
    job.save(update_fields=["status", "skip_invalid", "start_today", "done", "total"])
    if job.overrides:
        SavedMapping.objects.update_or_create(
            user=job.user, kind=job.kind, defaults={"overrides": job.overrides}
        )
    enqueue_on_commit(import_file, job.pk)
    return job


@transaction.atomic
def retry_import(*, job: ImportJob) -> ImportJob:
    """Run again a check or an import that failed or whose worker died, from the file
    kept with the job (nothing to upload again)."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.file_deleted_at:
        raise UnusableFile(
            _("The file was deleted on %(day)s; upload it again.")
            % {"day": job.file_deleted_on.strftime("%d/%m/%Y")}
        )
    if not job.can_retry:
        raise UnusableFile(_("This import has not stopped; there is nothing to retry."))
    job.lease_until = None
    if job.status == ImportJob.Status.PREVIEW:
        kept = {key: job.preview[key] for key in HEAD_KEYS if key in job.preview}
        job.preview = kept | {
            "checking": True,
            "check": job.preview.get("check", 0) + 1,
        }
        job.done = job.total = 0
        job.save(update_fields=["preview", "done", "total", "lease_until"])
        check_file_later(job)
        return job
    job.status = ImportJob.Status.QUEUED
    job.outcome, job.error_report, job.finished_at = {}, None, None
    job.done = job.total = 0
    job.save(update_fields=[
        "status", "outcome", "error_report", "finished_at", "done", "total", "lease_until",
    ])  # fmt: skip
    enqueue_on_commit(import_file, job.pk)
    return job


@transaction.atomic
def start_export(
    *, request, kind: str, unit, as_of, file_format: str, purpose: str
) -> ExportJob:
    """Queue a large export; the file is written by the background worker."""
    job = ExportJob.objects.create(
        user=request.user, kind=kind, unit=unit, as_of=as_of, file_format=file_format,
        total=count(kind, unit=unit, user=request.user, day=as_of),
    )  # fmt: skip
    log_export(
        request, kind=kind, unit=unit, as_of=as_of, rows=job.total, purpose=purpose
    )
    enqueue_on_commit(export_file, job.pk)
    return job


def log_export(request, *, kind: str, unit, as_of, rows: int, purpose: str) -> None:
    log_access(
        request, action=AccessLog.Action.EXPORT, target=f"{kind}: {unit.code}",
        object_id=unit.code, count=rows, is_sensitive=kind == "members",
        purpose=purpose, as_of=as_of.isoformat(),
    )  # fmt: skip
