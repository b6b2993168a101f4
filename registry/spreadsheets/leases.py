"""Jobs that end: a worker holds a lease on the import job it runs, and a job whose
lease ran out is failed, so that nobody waits on a dead worker.

The worker renews the lease from a thread of its own every third of its length
(IMPORT_JOB_LEASE_SECONDS) while it checks or imports the file. When the worker is
killed — the machine restarted, the process ran out of memory — the lease runs out,
and the next job any worker starts, or ``manage.py sweep_jobs``, marks the job failed;
its page says so and offers to run it again. The import's rows are written in one
transaction, so a killed worker left none of them behind.

The queue's own record of each task (django-tasks-db's DBTaskResult) says "running"
from the moment a worker claims it; a killed worker never says more. A task that runs
under a job's lease (checking or importing a file) is failed once it has run longer
than a lease and its job holds no lease; any other task (an export, a refresh of the
figures) once it has run longer than TASK_RUN_LIMIT_SECONDS.

On SQLite an import that is writing holds the database's only write lock, so the
lease cannot be renewed while it writes: the lease must outlast the longest write
there (PostgreSQL renews it from another connection meanwhile).
"""

import threading
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registry.models import ImportJob

WORKER_STOPPED = "worker_stopped"  # the reason a job failed, for its page

# The tasks of tasks.py that run under their job's lease, as the queue names them;
# their first argument is the job's id.
LEASED_TASKS = (
    "registry.spreadsheets.tasks.check_file",
    "registry.spreadsheets.tasks.import_file",
)


class WorkerStopped(Exception):
    """Why a task of a worker that died is failed (the queue records the class)."""


def lease_length() -> timedelta:
    return timedelta(seconds=settings.IMPORT_JOB_LEASE_SECONDS)


@contextmanager
def holding_lease(job_id: int):
    """Keep the job's lease renewed while the block runs; let it go afterwards."""
    jobs = ImportJob.objects.filter(pk=job_id)
    jobs.update(lease_until=timezone.now() + lease_length())
    stop = threading.Event()
    renewer = threading.Thread(target=_renew, args=(job_id, stop), daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()
        jobs.update(lease_until=None)


def _renew(job_id: int, stop: threading.Event) -> None:
    try:
        while not stop.wait(lease_length().total_seconds() / 3):
            try:
                ImportJob.objects.filter(pk=job_id).update(
                    lease_until=timezone.now() + lease_length()
                )
            except DatabaseError:
                pass  # SQLite while the import writes; the next renewal may pass
    finally:
        connections.close_all()  # this thread's own


def fail_abandoned_jobs() -> int:
    """Mark failed every job whose worker stopped renewing its lease; how many."""
    now = timezone.now()
    failed = ImportJob.objects.filter(
        status=ImportJob.Status.RUNNING, lease_until__lt=now
    ).update(
        status=ImportJob.Status.FAILED,
        outcome={"reason": WORKER_STOPPED},
        lease_until=None,
        finished_at=now,
    )
    checks = ImportJob.objects.filter(
        status=ImportJob.Status.PREVIEW, lease_until__lt=now
    )
    for job in checks:
        # Only while the lease is the one read: a check that ended or renewed it
        # meanwhile keeps its own result.
        stopped = {**job.preview, "checking": False, "stopped": True}
        failed += checks.filter(pk=job.pk, lease_until=job.lease_until).update(
            preview=stopped, lease_until=None
        )
    return failed


def fail_abandoned_tasks() -> int:
    """Mark failed the queue's tasks still "running" in a worker that died; how many."""
    now = timezone.now()
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    leased = running.filter(
        task_path__in=LEASED_TASKS, started_at__lt=now - lease_length()
    )
    held = set(
        ImportJob.objects.filter(lease_until__gte=now).values_list("pk", flat=True)
    )
    dead = [
        task.pk
        for task in leased.only("pk", "args_kwargs")
        if (task.args_kwargs.get("args") or [None])[0] not in held
    ]
    limit = timedelta(seconds=settings.TASK_RUN_LIMIT_SECONDS)
    unleased = running.exclude(task_path__in=LEASED_TASKS)
    dead += unleased.filter(started_at__lt=now - limit).values_list("pk", flat=True)
    return running.filter(pk__in=dead).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{__name__}.{WorkerStopped.__name__}",
        traceback=(
            "The worker running this task stopped (killed, or its machine restarted): "
            "its lease ran out, or the task ran past TASK_RUN_LIMIT_SECONDS."
        ),
    )
