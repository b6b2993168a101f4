"""Import jobs that end: a hostile file fails its own job, a job whose worker died is
failed and can be tried again from its page, uploaded files are deleted in time
(issue 11, findings 2, 6 and 9)."""

import io
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from members.models import Member
from registry.models import ImportJob
from registry.spreadsheets.jobs import run_import_job
from tests.imports import files

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày kết nạp"]
LAN = [1, "Nguyễn Thị Lan", "08/03/1990", "Nữ", "001190012345", "01/05/2015"]


def upload(client, data, name="ds.xlsx", *, into):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("import_upload"),
            {
                "kind": "members",
                "into": into.code,
                "file": SimpleUploadedFile(name, data),
            },
        )
    return ImportJob.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def confirm(client, job):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("import_confirm", args=[job.pk]))


def test_a_far_cell_fails_its_own_check_and_the_next_upload_is_read(
    client, officer, cdcs
):
    client.force_login(officer)

    hostile = upload(client, files.far_cell("XFD1048576"), into=cdcs)
    page = client.get(reverse("import_preview", args=[hostile.pk])).content.decode()
    honest = upload(client, files.xlsx([HEADER, LAN]), into=cdcs)
    confirm(client, honest)

    assert "XFD1048576" in page
    assert Member.objects.get().full_name == "Nguyễn Thị Lan"
    honest.refresh_from_db()
    assert honest.status == ImportJob.Status.DONE


def previewed(client, officer, cdcs, rows=(HEADER, LAN)):
    client.force_login(officer)
    return upload(client, files.xlsx(list(rows)), into=cdcs)


def abandon(job, status=ImportJob.Status.RUNNING):
    """What a worker killed mid-job leaves: the job working, its lease run out."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, lease_until=timezone.now() - timedelta(seconds=1), attempts=1
    )


def test_a_job_whose_worker_died_is_failed_by_the_next_job(client, officer, cdcs):
    job = previewed(client, officer, cdcs)
    abandon(job)

    upload(client, files.xlsx([HEADER, LAN]), into=cdcs)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.outcome == {"reason": "worker_stopped"}
    assert job.lease_until is None


def test_the_sweep_command_fails_abandoned_jobs_and_checks(client, officer, cdcs):
    importing = previewed(client, officer, cdcs)
    checking = previewed(client, officer, cdcs)
    abandon(importing)
    ImportJob.objects.filter(pk=checking.pk).update(
        preview={**checking.preview, "checking": True},
        lease_until=timezone.now() - timedelta(seconds=1),
    )

    call_command("sweep_jobs", stdout=io.StringIO())

    importing.refresh_from_db()
    checking.refresh_from_db()
    assert importing.status == ImportJob.Status.FAILED
    assert checking.preview["stopped"] and not checking.preview["checking"]


def test_a_job_holding_its_lease_is_left_alone(client, officer, cdcs):
    job = previewed(client, officer, cdcs)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING,
        lease_until=timezone.now() + timedelta(seconds=60),
    )

    call_command("sweep_jobs", stdout=io.StringIO())
    response = client.post(reverse("import_retry", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "error"


def test_the_page_of_an_abandoned_import_says_so_without_writing(client, officer, cdcs):
    job = previewed(client, officer, cdcs)
    abandon(job)

    page = client.get(reverse("import_progress", args=[job.pk])).content.decode()

    assert 'id="worker-stopped"' in page and 'id="retry"' in page
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING  # a GET never writes


def test_an_abandoned_import_is_retried_from_its_page_without_uploading(
    client, officer, cdcs
):
    job = previewed(client, officer, cdcs)
    abandon(job)

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("import_retry", args=[job.pk]))

    job.refresh_from_db()
    assert response.url == reverse("import_progress", args=[job.pk])
    assert job.status == ImportJob.Status.DONE and job.attempts == 2
    assert Member.objects.get().full_name == "Nguyễn Thị Lan"


def test_an_abandoned_check_is_run_again_from_the_preview(client, officer, cdcs):
    job = previewed(client, officer, cdcs)
    ImportJob.objects.filter(pk=job.pk).update(
        preview={"checking": True, "check": 1},
        lease_until=timezone.now() - timedelta(seconds=1),
    )
    page = client.get(reverse("import_preview", args=[job.pk])).content.decode()

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("import_retry", args=[job.pk]))

    assert 'id="worker-stopped"' in page
    job.refresh_from_db()
    assert job.preview["summary"]["created"] == 1 and not job.preview["checking"]


def test_an_import_that_raises_is_failed_not_left_running(
    client, officer, cdcs, monkeypatch
):
    job = previewed(client, officer, cdcs)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("registry.spreadsheets.jobs.run_import", broken)
    confirm(client, job)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.outcome["reason"] == "error"
    page = client.get(reverse("import_progress", args=[job.pk])).content.decode()
    assert 'id="retry"' in page


def test_a_job_queued_twice_is_imported_once(client, officer, cdcs):
    job = previewed(client, officer, cdcs)
    confirm(client, job)

    run_import_job(job.pk)

    job.refresh_from_db()
    assert job.attempts == 1 and job.status == ImportJob.Status.DONE


# --- Uploaded files are deleted after the retention period ------------------------


@override_settings(IMPORT_FILE_RETENTION_DAYS=30)
def test_files_past_the_retention_period_are_deleted_and_the_page_says_when(
    client, officer, cdcs
):
    old = previewed(client, officer, cdcs)
    recent = previewed(client, officer, cdcs)
    ImportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=31)
    )

    call_command("sweep_jobs", stdout=io.StringIO())

    old.refresh_from_db()
    recent.refresh_from_db()
    assert bytes(old.data) == b"" and old.file_deleted_at is not None
    assert "rows" not in old.preview and "columns" in old.preview
    assert bytes(recent.data) and recent.file_deleted_at is None
    page = client.get(reverse("import_preview", args=[old.pk])).content.decode()
    assert f"{timezone.localdate():%d/%m/%Y}" in page
    kept_until = timezone.localdate(recent.created_at) + timedelta(days=30)
    page = client.get(reverse("import_preview", args=[recent.pk])).content.decode()
    assert f"{kept_until:%d/%m/%Y}" in page


def test_a_deleted_file_can_be_neither_confirmed_nor_retried(client, officer, cdcs):
    job = previewed(client, officer, cdcs)
    abandon(job, status=ImportJob.Status.PREVIEW)
    ImportJob.objects.filter(pk=job.pk).update(data=b"", file_deleted_at=timezone.now())

    confirmed = client.post(reverse("import_confirm", args=[job.pk]), follow=True)
    retried = client.post(reverse("import_retry", args=[job.pk]), follow=True)

    deleted_on = f"{timezone.localdate():%d/%m/%Y}"
    for response in (confirmed, retried):
        assert deleted_on in str(list(response.context["messages"])[0])
    assert not Member.objects.exists()


def test_a_check_that_raises_is_stopped_not_left_checking(
    client, officer, cdcs, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("registry.spreadsheets.jobs.run_import", broken)
    job = previewed(client, officer, cdcs)

    page = client.get(reverse("import_preview", args=[job.pk])).content.decode()

    job.refresh_from_db()
    assert not job.preview["checking"] and job.preview["stopped"]
    assert 'id="check-error"' in page and 'id="retry"' in page
