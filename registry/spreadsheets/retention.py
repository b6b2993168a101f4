"""Files are not kept for ever. IMPORT_FILE_RETENTION_DAYS after the upload, an import's
file, its error report and the rows its preview shows are deleted (the job's counts and
its access-log rows stay); EXPORT_FILE_RETENTION_DAYS after a background export, its
file is deleted (the job's row stays, saying when). ``manage.py sweep_jobs`` runs this;
a worker also runs it before each job.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from registry.models import ExportJob, ImportJob

# The preview's parts that hold people's data; the rest says how the file was read.
_PERSONAL_PREVIEW = ("rows", "problems")


def delete_old_files() -> int:
    """Delete the files uploaded longer ago than the retention period; how many."""
    now = timezone.now()
    cutoff = now - timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
    old = ImportJob.objects.filter(created_at__lt=cutoff, file_deleted_at__isnull=True)
    old = old.exclude(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING])
    deleted = 0
    for job in old.only("pk", "preview"):
        preview = {k: v for k, v in job.preview.items() if k not in _PERSONAL_PREVIEW}
        deleted += ImportJob.objects.filter(
            pk=job.pk, file_deleted_at__isnull=True
        ).update(data=b"", error_report=None, preview=preview, file_deleted_at=now)
    return deleted


def delete_old_exports() -> int:
    """Delete the files of exports written longer ago than the retention period; how
    many."""
    now = timezone.now()
    cutoff = now - timedelta(days=settings.EXPORT_FILE_RETENTION_DAYS)
    return ExportJob.objects.filter(
        created_at__lt=cutoff, is_finished=True, file_deleted_at__isnull=True
    ).update(data=None, file_deleted_at=now)
