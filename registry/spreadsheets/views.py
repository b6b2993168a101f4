"""Upload → preview → confirm → progress → summary and error report; exports."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.audit import log_access
from registry.models import AccessLog, ExportJob, ImportJob
from registry.writing import csv_lines, xlsx_bytes

from . import services, undoing
from .exporting import count, export_rows
from .forms import ExportForm, UploadForm
from .headers import CONFIDENCE_NAMES, FIELDS
from .reading import UnusableFile
from .reattach import KIND as REATTACH
from .reports import template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Bigger exports to .xlsx go to the background worker; CSV always streams.
EXPORT_INLINE_ROWS = 20_000


def _imports():
    """The import jobs of these pages: a mapping file has its own (views_reattach.py)."""
    return ImportJob.objects.exclude(kind=REATTACH)


def _job(request, pk):
    return get_object_or_404(
        _imports().select_related("into"), pk=pk, user=request.user
    )


@login_required
@permission_required("registry.import_data", raise_exception=True)
def import_upload(request):
    form = UploadForm(
        request.POST or None, request.FILES or None, user=request.user,
        initial={"kind": request.GET.get("kind")},
    )  # fmt: skip
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.start_import(
                user=request.user, kind=form.cleaned_data["kind"], filename=upload.name,
                data=upload.read(), into=form.cleaned_data["into"],
            )  # fmt: skip
        except UnusableFile as error:
            form.add_error("file", str(error))
        else:
            return redirect("import_preview", pk=job.pk)
    jobs = _imports().defer("data", "error_report", "preview")
    context = {
        "form": form,
        "jobs": jobs.filter(user=request.user)[:10],
        # Imports of the units below, which this officer may look at and undo.
        "jobs_below": jobs.for_user(request.user)
        .exclude(user=request.user)
        .exclude(status=ImportJob.Status.PREVIEW)
        .select_related("user")[:10],
    }
    return render(request, "registry/import_upload.html", context)


@login_required
@permission_required("registry.import_data", raise_exception=True)
def import_preview(request, pk):
    job = _job(request, pk)
    if job.status != ImportJob.Status.PREVIEW:
        return redirect("import_progress", pk=job.pk)
    if request.headers.get("X-Partial"):
        context = {"job": job, "preview": job.preview}
        return render(request, "registry/import_preview.html#status", context)
    fields = [(f.key, f.verbose_name) for f in FIELDS[job.kind]]
    preview = job.preview
    # The values as understood, for the columns that hold anything in these rows.
    filled = {
        key
        for row in preview.get("rows", [])
        for key, value in row["values"].items()
        if value not in ("", None, False)
    }
    shown = [(key, name) for key, name in fields if key in filled]
    columns = [
        column | {"confidence_name": CONFIDENCE_NAMES.get(column.get("confidence"), "")}
        for column in preview.get("columns", [])
    ]
    if job.kind == "members":
        # The CĐCS each row goes into, as it will be stored.
        shown = [(key, name) for key, name in shown if key != "unit_code"]
        shown.append(("unit_code", _("Grassroots union code")))
    context = {
        "job": job,
        "preview": preview,
        "columns": columns,
        "fields": fields,
        "destination": _destination(job),
        "shown_names": [name for key, name in shown],
        "shown_rows": [
            (row["number"], row["ok"], [_stored(job, row["values"], key) for key, _name in shown])
            for row in preview.get("rows", [])
        ],
    }  # fmt: skip
    if "summary" in preview and not preview.get("checking"):
        # The rows' problems are shown: who is already on the register, and where.
        log_access(
            request, action=AccessLog.Action.PREVIEW_IMPORT,
            target=f"{job.kind}: {job.filename}", object_id=job.pk,
            count=preview["summary"].get("rows"), lookups=preview.get("lookups", {}),
        )  # fmt: skip
    return render(request, "registry/import_preview.html", context)


def _stored(job, values: dict, key: str):
    """A preview cell as the register will hold it."""
    value = values.get(key)
    if key == "unit_code" and job.into and job.into.is_grassroots:
        return job.into.code
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


def _destination(job) -> str:
    """Where the rows of a member file go, said above the rows."""
    if job.kind != "members":
        return ""
    if job.into and job.into.is_grassroots:
        return _("The members go into the CĐCS %(unit)s.") % {
            "unit": f"{job.into.code} — {job.into.name}"
        }
    if job.into:
        return _(
            "Each member goes into the CĐCS named in the row's “Mã CĐCS” column, "
            "among the CĐCS under %(unit)s."
        ) % {"unit": f"{job.into.code} — {job.into.name}"}
    return _("Each member goes into the CĐCS named in the row's “Mã CĐCS” column.")


@login_required
@permission_required("registry.import_data", raise_exception=True)
@require_POST
def import_remap(request, pk):
    job = _job(request, pk)
    names = {f.key: f.verbose_name for f in FIELDS[job.kind]}
    chosen = [
        ((column["index"], column["label"]), request.POST[f"column-{column['index']}"])
        for column in job.preview.get("columns", [])
        if request.POST.get(f"column-{column['index']}") in names.keys() | {""}
    ]
    for key, labels in _taken_twice(chosen).items():
        messages.error(
            request,
            _(
                "Columns %(columns)s were all given the meaning “%(field)s”; a field "
                "comes from one column only. Nothing was changed: choose again."
            )
            % {
                "columns": ", ".join(f"“{label}”" for label in labels),
                "field": names[key],
            },
        )
    if not _taken_twice(chosen):
        services.remap(
            job=job, sheet=request.POST.get("sheet", job.sheet), choices=dict(chosen)
        )
        messages.success(request, _("The file is being read again with your choices."))
    return redirect("import_preview", pk=job.pk)


def _taken_twice(chosen: list[tuple[tuple, str]]) -> dict[str, list[str]]:
    """The fields given to more than one column: field → the columns' labels."""
    labels: dict[str, list[str]] = {}
    for (_index, label), key in chosen:
        if key:
            labels.setdefault(key, []).append(label)
    return {key: found for key, found in labels.items() if len(found) > 1}


@login_required
@permission_required("registry.import_data", raise_exception=True)
@require_POST
def import_confirm(request, pk):
    job = _job(request, pk)
    try:
        services.confirm_import(
            job=job,
            skip_invalid=bool(request.POST.get("skip_invalid")),
            start_today=request.POST.get("start") == "today",
        )
    except UnusableFile as error:
        messages.error(request, str(error))
        return redirect("import_preview", pk=job.pk)
    return redirect("import_progress", pk=job.pk)


@login_required
@permission_required("registry.import_data", raise_exception=True)
@require_POST
def import_retry(request, pk):
    job = _job(request, pk)
    try:
        job = services.retry_import(job=job)
    except UnusableFile as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The file is being processed again."))
    if job.status == ImportJob.Status.PREVIEW:
        return redirect("import_preview", pk=job.pk)
    return redirect("import_progress", pk=job.pk)


@login_required
@permission_required("registry.import_data", raise_exception=True)
def import_progress(request, pk):
    job = get_object_or_404(
        _imports().for_user(request.user).select_related("into", "user"), pk=pk
    )
    context = {
        "job": job,
        "outcome": job.outcome,
        "can_undo": undoing.can_be_undone(job),
    }
    if request.headers.get("X-Partial"):
        return render(request, "registry/import_progress.html#status", context)
    return render(request, "registry/import_progress.html", context)


@login_required
@permission_required("registry.import_data", raise_exception=True)
def import_undo(request, pk):
    """What undoing the import would do, or why it cannot; POST undoes it."""
    job = get_object_or_404(
        _imports().for_user(request.user).select_related("into", "user"), pk=pk
    )
    if request.method == "POST":
        plan = undoing.undo_import(job=job, user=request.user)
        if plan.possible:
            messages.success(
                request,
                _(
                    "The import was undone: %(removed)s members removed from the "
                    "register, %(restored)s given back their earlier values."
                )
                % plan.counts(),
            )
            return redirect("import_progress", pk=job.pk)
    else:
        plan = undoing.plan_undo(job)
    return render(request, "registry/import_undo.html", {"job": job, "plan": plan})


@login_required
@permission_required("registry.import_data", raise_exception=True)
def import_report(request, pk):
    job = _job(request, pk)
    if not job.error_report:
        raise Http404
    log_access(
        request, action=AccessLog.Action.DOWNLOAD_REPORT,
        target=f"{job.kind}: {job.filename}", object_id=job.pk,
        count=job.outcome.get("invalid"),
    )  # fmt: skip
    response = HttpResponse(bytes(job.error_report), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="loi-{job.pk}.xlsx"'
    return response


@login_required
def import_template(request, kind):
    if kind not in FIELDS:
        raise Http404
    response = HttpResponse(template(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-{kind}.xlsx"'
    return response


@login_required
@permission_required("members.export_member", raise_exception=True)
def export(request):
    form = ExportForm(request.GET or None, user=request.user)
    if not form.is_valid():
        jobs = ExportJob.objects.filter(user=request.user).defer("data")[:10]
        return render(request, "registry/export.html", {"form": form, "jobs": jobs})
    kind, unit = form.cleaned_data["kind"], form.cleaned_data["unit"]
    as_of = form.cleaned_data["as_of"] or timezone.localdate()
    file_format, purpose = (
        form.cleaned_data["file_format"],
        form.cleaned_data["purpose"],
    )
    filename = f"{kind}-{unit.code}-{as_of:%Y%m%d}.{file_format}"
    if file_format == "csv":
        services.log_export(
            request,
            kind=kind,
            unit=unit,
            as_of=as_of,
            rows=count(kind, unit=unit, user=request.user, day=as_of),
            purpose=purpose,
        )
        headers, rows = export_rows(kind, unit=unit, user=request.user, day=as_of)
        response = StreamingHttpResponse(
            csv_lines(headers, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    total = count(kind, unit=unit, user=request.user, day=as_of)
    if total > EXPORT_INLINE_ROWS:
        job = services.start_export(
            request=request, kind=kind, unit=unit, as_of=as_of,
            file_format=file_format, purpose=purpose,
        )  # fmt: skip
        return redirect("export_progress", pk=job.pk)
    services.log_export(
        request, kind=kind, unit=unit, as_of=as_of, rows=total, purpose=purpose
    )
    headers, rows = export_rows(kind, unit=unit, user=request.user, day=as_of)
    response = HttpResponse(xlsx_bytes(headers, rows), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@permission_required("members.export_member", raise_exception=True)
def export_progress(request, pk):
    job = get_object_or_404(ExportJob.objects.defer("data"), pk=pk, user=request.user)
    if request.headers.get("X-Partial"):
        return render(request, "registry/export.html#job", {"job": job})
    return render(request, "registry/export.html", {"job": job})


@login_required
@permission_required("members.export_member", raise_exception=True)
def export_download(request, pk):
    job = get_object_or_404(ExportJob, pk=pk, user=request.user, is_finished=True)
    if job.file_deleted_at:
        # Gone after the retention period: the page says when, and to export again.
        return render(request, "registry/export.html", {"job": job}, status=410)
    filename = f"{job.kind}-{job.unit.code}-{job.as_of:%Y%m%d}.{job.file_format}"
    return FileResponse(
        io.BytesIO(bytes(job.data)), as_attachment=True, filename=filename
    )
