"""The queue's record of a task (django-tasks-db's DBTaskResult) left "running" by a
worker that was killed is failed once its lease, or its age, clearly ran out."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registry.models import ImportJob
from registry.spreadsheets import tasks
from registry.spreadsheets.leases import LEASED_TASKS, WorkerStopped, lease_length

pytestmark = pytest.mark.django_db


def claimed(task, *args, started_ago: timedelta) -> DBTaskResult:
    """What a worker that claimed ``task(*args)`` and was then killed leaves behind."""
    result = DBTaskResult.objects.create(
        task_path=task.module_path,
        args_kwargs={"args": list(args), "kwargs": {}},
        backend_name="default",
        run_after=timezone.now() - started_ago,
    )
    result.claim("killed-worker")
    DBTaskResult.objects.filter(pk=result.pk).update(
        started_at=timezone.now() - started_ago
    )
    return result


def job(officer, cdcs, *, lease_until) -> ImportJob:
    return ImportJob.objects.create(
        user=officer, kind="members", into=cdcs, filename="ds.xlsx", data=b"x",
        status=ImportJob.Status.RUNNING, lease_until=lease_until,
    )  # fmt: skip


def status(result) -> str:
    result.refresh_from_db()
    return result.status


def test_the_leased_tasks_are_the_ones_of_tasks_py():
    assert set(LEASED_TASKS) == {
        tasks.check_file.module_path,
        tasks.import_file.module_path,
    }


def test_the_import_task_of_a_killed_worker_is_failed_with_its_job(officer, cdcs):
    killed = job(officer, cdcs, lease_until=timezone.now() - timedelta(seconds=1))
    result = claimed(tasks.import_file, killed.pk, started_ago=2 * lease_length())

    out = io.StringIO()
    call_command("sweep_jobs", stdout=out)

    result.refresh_from_db()
    killed.refresh_from_db()
    assert result.status == TaskResultStatus.FAILED and result.finished_at
    assert result.exception_class_path.endswith(WorkerStopped.__name__)
    assert killed.status == ImportJob.Status.FAILED
    assert "1 tác vụ" in out.getvalue()


def test_a_task_whose_job_holds_its_lease_is_left_running(officer, cdcs):
    alive = job(officer, cdcs, lease_until=timezone.now() + lease_length())
    result = claimed(tasks.import_file, alive.pk, started_ago=10 * lease_length())

    call_command("sweep_jobs", stdout=io.StringIO())

    assert status(result) == TaskResultStatus.RUNNING


def test_a_task_started_within_a_lease_is_left_running(officer, cdcs):
    # Claimed by a worker that has not yet taken the job's lease.
    queued = job(officer, cdcs, lease_until=None)
    result = claimed(tasks.check_file, queued.pk, 1, started_ago=timedelta(seconds=1))

    call_command("sweep_jobs", stdout=io.StringIO())

    assert status(result) == TaskResultStatus.RUNNING


@override_settings(TASK_RUN_LIMIT_SECONDS=3600)
def test_a_task_without_a_lease_is_failed_past_the_run_limit(officer, cdcs):
    old = claimed(tasks.export_file, 1, started_ago=timedelta(hours=2))
    young = claimed(tasks.export_file, 2, started_ago=timedelta(minutes=30))

    call_command("sweep_jobs", stdout=io.StringIO())

    assert status(old) == TaskResultStatus.FAILED
    assert status(young) == TaskResultStatus.RUNNING


def test_a_finished_task_is_never_touched(officer, cdcs):
    killed = job(officer, cdcs, lease_until=timezone.now() - timedelta(seconds=1))
    result = claimed(tasks.import_file, killed.pk, started_ago=2 * lease_length())
    result.set_successful(None)

    call_command("sweep_jobs", stdout=io.StringIO())

    assert status(result) == TaskResultStatus.SUCCESSFUL
