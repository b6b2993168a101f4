"""Re-attaching many CĐCS by a mapping file, a page of the reorganisation (Sắp xếp tổ
chức): upload with the decision and date → preview of every row, with the error report
→ apply, all rows in one transaction → the operation's result page, where it is undone
on the same day like every reorganisation.

The file, its preview and its error report are kept as an ImportJob of kind
``reattach`` (deleted with the other uploads after IMPORT_FILE_RETENTION_DAYS); the
preview is the operation run and rolled back (``reattach_from_file(dry_run=True)``),
and applying runs the same checks again on the register as it is then.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.audit import log_access
from registry.models import AccessLog, ImportJob
from unions.reorganisation import PERMISSION

from .forms import MappingFileForm
from .reading import UnusableFile
from .reattach import KIND, Mapping, reattach_from_file
from .reports import error_report, has_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@permission_required(PERMISSION, raise_exception=True)
def mapping_upload(request):
    form = MappingFileForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        upload, day = form.cleaned_data["file"], form.cleaned_data["effective_on"]
        decision, data = form.cleaned_data["decision"], upload.read()
        try:
            mapping = reattach_from_file(
                data, upload.name, moved_on=day, decision=decision,
                user=request.user, dry_run=True,
            )  # fmt: skip
        except UnusableFile as error:
            form.add_error("file", str(error))
        else:
            job = ImportJob(
                user=request.user, kind=KIND, filename=upload.name[:255], data=data
            )
            _keep_preview(job, mapping, day, decision)
            job.save()
            return redirect("reattach:mapping_preview", pk=job.pk)
    jobs = ImportJob.objects.filter(user=request.user, kind=KIND).defer(
        "data", "error_report"
    )
    context = {"form": form, "jobs": jobs[:10]}
    return render(request, "registry/mapping_upload.html", context)


def _keep_preview(job: ImportJob, mapping: Mapping, day: date, decision: str) -> None:
    """What the preview page shows, and the error report, kept with the job."""
    table, rows = mapping.table, mapping.rows
    moved = [row for row in rows if not row["errors"] and not row["unchanged"]]
    job.preview = {
        "effective_on": day.isoformat(),
        "decision": decision,
        "notes": table.notes,
        "file_errors": [f"{p.column}: {p.message}".lstrip(": ") for p in table.file_errors],
        "file_warnings": [f"{p.column}: {p.message}".lstrip(": ") for p in table.file_warnings],
        "rows": rows,
        "counts": {
            "rows": len(rows),
            "moved": len(moved),
            "unchanged": sum(row["unchanged"] for row in rows),
            "invalid": sum(bool(row["errors"]) for row in rows),
            "members": sum(row["members"] for row in moved),
            "employers": sum(row["employers"] for row in moved),
        },
        "ready": not table.errors,
    }  # fmt: skip
    job.error_report = error_report(table) if has_report(table) else None


def _job(request, pk) -> ImportJob:
    return get_object_or_404(
        ImportJob.objects.defer("data"), pk=pk, user=request.user, kind=KIND
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
def mapping_preview(request, pk):
    job = _job(request, pk)
    context = {
        "job": job,
        "preview": job.preview,
        "effective_on": date.fromisoformat(job.preview["effective_on"]),
        "reorganisation": job.outcome.get("reorganisation"),
    }
    return render(request, "registry/mapping_preview.html", context)


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def mapping_apply(request, pk):
    """Re-attach every CĐCS of the file, in one transaction, or show why not."""
    with transaction.atomic():
        job = get_object_or_404(
            ImportJob.objects.select_for_update(), pk=pk, user=request.user, kind=KIND
        )
        refusal = _refusal(job)
        if refusal:
            messages.error(request, refusal)
            return redirect("reattach:mapping_preview", pk=job.pk)
        day = date.fromisoformat(job.preview["effective_on"])
        decision = job.preview["decision"]
        mapping = reattach_from_file(
            bytes(job.data), job.filename, moved_on=day, decision=decision,
            user=request.user,
        )  # fmt: skip
        if mapping.record is None:
            # The register changed since the preview: show the file as it checks now.
            _keep_preview(job, mapping, day, decision)
            job.save(update_fields=["preview", "error_report"])
            messages.error(
                request,
                _("Nothing was changed: the file no longer passes its checks (below)."),
            )
            return redirect("reattach:mapping_preview", pk=job.pk)
        job.status, job.finished_at = ImportJob.Status.DONE, timezone.now()
        job.outcome = {"reorganisation": mapping.record.pk}
        job.save(update_fields=["status", "finished_at", "outcome"])
    messages.success(
        request, _("Recorded: %(operation)s.") % {"operation": mapping.record}
    )
    return redirect("reorganisation:operation_detail", pk=mapping.record.pk)


def _refusal(job: ImportJob) -> str:
    if job.status != ImportJob.Status.PREVIEW:
        return _("This file was already applied.")
    if job.file_deleted_at:
        return _("The file was deleted on %(day)s; upload it again.") % {
            "day": job.file_deleted_on.strftime("%d/%m/%Y")
        }
    if not job.preview.get("ready"):
        return _("Some rows have errors: correct the file and upload it again.")
    return ""


@login_required
@permission_required(PERMISSION, raise_exception=True)
def mapping_report(request, pk):
    job = _job(request, pk)
    if not job.error_report:
        raise Http404
    log_access(
        request, action=AccessLog.Action.DOWNLOAD_REPORT,
        target=f"{job.kind}: {job.filename}", object_id=job.pk,
        count=job.preview.get("counts", {}).get("invalid"),
    )  # fmt: skip
    response = HttpResponse(bytes(job.error_report), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="loi-{job.pk}.xlsx"'
    return response
