"""The workers' half of the import and export jobs (tasks.py runs these): check a file
for its preview, import it, write an export. services.py stores the jobs and queues them.
"""

import io
import threading
from itertools import islice

from django.db import OperationalError, connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from registry.models import AccessLog, ExportJob, ImportJob
from registry.writing import write_csv, write_xlsx
from unions.coverage import spells

from . import leases, retention
from .exporting import export_rows
from .headers import FIELDS
from .importing import run_import, without_cycle_collection
from .reading import UnusableFile
from .reports import error_report, has_report
from .tables import Table
from .undoing import job_reason

PREVIEW_ROWS = 20
PREVIEW_PROBLEMS = 2000  # more than anyone reads; the error report has them all


def before_each_job() -> None:
    """What any worker does before a job: fail the jobs and tasks of workers that
    died, and delete the files kept past their time (cheap when there is nothing to
    do)."""
    leases.fail_abandoned_jobs()
    leases.fail_abandoned_tasks()
    retention.delete_old_files()
    retention.delete_old_exports()


def run_check_job(job_id: int, check: int) -> None:
    """The background half of the preview, a dry run of the import: the header and
    the first rows are shown first, then every row is checked, with progress."""
    before_each_job()
    try:
        with leases.holding_lease(job_id):
            _run_check_job(job_id, check)
    except BaseException:
        # Not left "checking" for ever: stopped, with the error in the worker's log.
        job = ImportJob.objects.get(pk=job_id)
        if job.preview.get("check") == check:
            job.preview |= {"checking": False, "stopped": True, "reason": "error"}
            job.save(update_fields=["preview"])
        raise


def _run_check_job(job_id: int, check: int) -> None:
    job = ImportJob.objects.select_related("into", "user").get(pk=job_id)

    def current() -> bool:
        # A newer check (the user corrected the columns meanwhile) replaces this one.
        latest = ImportJob.objects.filter(pk=job.pk).values_list("preview", flat=True)
        return latest.first().get("check") == check

    def on_head(table: Table, rows: int) -> None:
        if current():
            job.sheet = table.sheet
            job.preview = _head(table) | {"checking": True, "check": check}
            job.done, job.total = 0, rows
            job.save(update_fields=["sheet", "preview", "done", "total"])

    def checked(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    try:
        table, outcome = run_import(
            bytes(job.data), job.filename, job.kind, into=job.into.code if job.into else None,
            user=job.user, sheet=job.sheet or None, overrides=job.overrides, dry_run=True,
            checked=checked, on_head=on_head,
        )  # fmt: skip
    except UnusableFile as error:
        preview = {**job.preview, "message": str(error)}
    else:
        job.sheet = table.sheet
        preview = _head(table) | _problems(outcome)
    if current():
        job.preview = preview | {"checking": False, "check": check}
        job.save(update_fields=["sheet", "preview"])


HEAD_KEYS = ("sheet", "sheets", "columns", "fields", "notes", "rows")


def _head(table: Table) -> dict:
    """How the file was understood: its sheets, columns and first rows."""
    return {
        "sheet": table.sheet,
        "sheets": table.sheet_names,
        "columns": table.columns(),
        "fields": {f.key: str(f.verbose_name) for f in FIELDS[table.kind]},
        "notes": [str(note) for note in table.notes],
        # What the engine was not sure of, said once for the file (the columns'
        # meaning, a column that is missing): the user decides above the rows.
        "file_problems": [
            {"level": "error", **problem.as_dict()} for problem in table.file_errors
        ]
        + [
            {"level": "warning", **problem.as_dict()} for problem in table.file_warnings
        ],
        "rows": [
            {"number": row.number, "values": _shown(row.values), "ok": not row.errors}
            for row in table.rows[:PREVIEW_ROWS]
        ],
    }


def _problems(outcome) -> dict:
    """Every row's errors and warnings (up to PREVIEW_PROBLEMS of each), and the
    counts; the file's own problems are in _head's file_problems."""
    by_row = {}
    for level, problems in (("errors", outcome.errors), ("warnings", outcome.warnings)):
        in_rows = (problem for problem in problems if problem.row is not None)
        for problem in islice(in_rows, PREVIEW_PROBLEMS):
            found = by_row.setdefault(problem.row, {"errors": [], "warnings": []})
            found[level].append(problem.as_dict())
    return {
        "problems": [
            {"row": number, **found} for number, found in sorted(by_row.items())
        ],
        "summary": outcome.counts(),
        # New memberships dated before today: the confirmation offers to admit
        # them as of today instead (import_members._say_backdated).
        "backdated": outcome.backdated,
        "lookups": outcome.lookups,
    }


_GENDERS = {"M": "Nam", "F": "Nữ"}


def _shown(values: dict) -> dict:
    shown = {
        key: value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value
        for key, value in values.items()
    }
    if "gender" in shown:
        shown["gender"] = _GENDERS.get(shown["gender"], "")
    return shown


def run_import_job(job_id: int) -> ImportJob:
    """The background half: write the file, keep the progress and the error report."""
    # As in the import command: the cycle collector waits until the import's objects
    # are let go, when _run_import_job returns (importing.py says why).
    with without_cycle_collection():
        return _run_import_job(job_id)


def _run_import_job(job_id: int) -> ImportJob:
    before_each_job()
    # Claimed by one worker only: a job queued twice, or already run, is left alone.
    claimed = ImportJob.objects.filter(
        pk=job_id, status=ImportJob.Status.QUEUED
    ).update(
        status=ImportJob.Status.RUNNING,
        attempts=F("attempts") + 1,
        lease_until=timezone.now() + leases.lease_length(),
    )
    job = ImportJob.objects.select_related("into", "user").get(pk=job_id)
    if not claimed:
        return job
    try:
        with leases.holding_lease(job_id):
            return _import(job)
    except BaseException:
        # Not left "running" for ever: failed, with the error in the worker's log.
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(
            status=ImportJob.Status.FAILED,
            outcome={"reason": "error"},
            finished_at=timezone.now(),
        )
        raise


def _import(job: ImportJob) -> ImportJob:
    def progress(done, total):
        report_progress(ImportJob.objects.filter(pk=job.pk), done=done, total=total)

    try:
        table, outcome = run_import(
            bytes(job.data), job.filename, job.kind, into=job.into.code if job.into else None,
            user=job.user, sheet=job.sheet or None, overrides=job.overrides,
            skip_invalid=job.skip_invalid, progress=progress, start_today=job.start_today,
            reason=job_reason(job.pk),
        )  # fmt: skip
    except UnusableFile as error:
        job.status = ImportJob.Status.FAILED
        job.outcome = {"message": str(error), "reason": "file"}
    else:
        job.status = (
            ImportJob.Status.STOPPED if outcome.stopped else ImportJob.Status.DONE
        )
        # The counts: every problem is in the preview and the error report, and a
        # list of 100,000 warnings would be megabytes in the job's row.
        job.outcome = outcome.counts()
        job.error_report = error_report(table) if has_report(table) else None
        job.done = job.total = outcome.written
        if job.kind != "members" and outcome.written:
            refresh_coverage()
        AccessLog.objects.create(
            user=job.user, action=AccessLog.Action.IMPORT,
            target=f"{job.kind}: {job.filename}"[:255], object_id=str(job.pk),
            details={k: v for k, v in job.outcome.items() if k not in ("errors", "warnings")},
        )  # fmt: skip
    job.finished_at = timezone.now()
    job.save(update_fields=[
        "status", "outcome", "error_report", "done", "total", "finished_at",
    ])  # fmt: skip
    return job


def refresh_coverage() -> None:
    """Recompute the coverage spells of the employers an import changed, so the
    dashboard's next reader does not wait for it (units and agreements queue their
    employers too)."""
    spells.refresh()


def report_progress(queryset, **values) -> None:
    """``queryset.update(**values)`` where other requests see it at once.

    The import writes in one transaction; an update made inside it would show only
    when the import is over. On PostgreSQL the update goes through a connection of its
    own (Django gives each thread one). SQLite lets one writer at a time, so there the
    progress shows at the end.
    """
    if not connection.in_atomic_block or connection.vendor == "sqlite":
        queryset.update(**values)
        return

    def update():
        # Progress is only shown: if the row is locked, skip this report rather than
        # wait for the lock (the next report or the end of the import shows it).
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                queryset.update(**values)
        except OperationalError:
            pass
        finally:
            connections.close_all()

    thread = threading.Thread(target=update)
    thread.start()
    thread.join()


def run_export_job(job_id: int) -> ExportJob:
    before_each_job()
    job = ExportJob.objects.select_related("user", "unit").get(pk=job_id)
    headers, rows = export_rows(job.kind, unit=job.unit, user=job.user, day=job.as_of)

    def counted():
        for number, row in enumerate(rows, 1):
            if number % 5000 == 0:
                ExportJob.objects.filter(pk=job.pk).update(rows=number)
            yield row

    buffer = io.BytesIO()
    if job.file_format == "csv":
        text = io.TextIOWrapper(
            buffer, encoding="utf-8", newline="", write_through=True
        )
        write_csv(text, headers, counted())
        text.detach()
    else:
        write_xlsx(buffer, headers, counted())
    job.data = buffer.getvalue()
    job.rows = job.total
    job.is_finished = True
    job.save()
    return job
