"""Files of background exports are deleted after EXPORT_FILE_RETENTION_DAYS; the job's
row stays and its pages say when the file went."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from registry.models import ExportJob
from registry.spreadsheets.jobs import run_export_job

pytestmark = pytest.mark.django_db


def exported(officer, unit):
    job = ExportJob.objects.create(
        user=officer, kind="units", unit=unit, as_of=timezone.localdate()
    )
    return run_export_job(job.pk)


def backdate(job, *, days):
    ExportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )
    job.refresh_from_db()


@override_settings(EXPORT_FILE_RETENTION_DAYS=30)
def test_export_files_past_the_retention_period_are_deleted_and_the_rows_kept(
    officer, district
):
    old, recent = exported(officer, district), exported(officer, district)
    backdate(old, days=31)
    backdate(recent, days=29)

    out = io.StringIO()
    call_command("sweep_jobs", stdout=out)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.data is None and old.file_deleted_at is not None
    assert old.is_finished and old.total == recent.total
    assert bytes(recent.data) and recent.file_deleted_at is None
    assert "1 tệp xuất" in out.getvalue()


@override_settings(EXPORT_FILE_RETENTION_DAYS=30)
def test_the_download_of_a_deleted_export_says_so_in_vietnamese(
    client, officer, district
):
    job = exported(officer, district)
    backdate(job, days=31)
    call_command("sweep_jobs", stdout=io.StringIO())
    client.force_login(officer)

    download = client.get(reverse("export_download", args=[job.pk]))
    progress = client.get(reverse("export_progress", args=[job.pk]))

    deleted_on = f"{timezone.localdate():%d/%m/%Y}"
    assert download.status_code == 410
    for page in (download.content.decode(), progress.content.decode()):
        assert f"Tệp xuất đã bị xóa ngày {deleted_on}" in page
        assert f'href="{reverse("export_download", args=[job.pk])}"' not in page


@override_settings(EXPORT_FILE_RETENTION_DAYS=30)
def test_a_kept_export_downloads_and_says_until_when(client, officer, district):
    job = exported(officer, district)
    backdate(job, days=2)
    client.force_login(officer)

    download = client.get(reverse("export_download", args=[job.pk]))
    progress = client.get(reverse("export_progress", args=[job.pk])).content.decode()

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == bytes(job.data)
    kept_until = timezone.localdate(job.created_at) + timedelta(days=30)
    assert f"được giữ đến ngày {kept_until:%d/%m/%Y}" in progress


def test_an_unfinished_export_is_not_swept(officer, district):
    job = ExportJob.objects.create(
        user=officer, kind="units", unit=district, as_of=timezone.localdate()
    )
    ExportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timedelta(days=400)
    )

    call_command("sweep_jobs", stdout=io.StringIO())

    job.refresh_from_db()
    assert job.file_deleted_at is None
