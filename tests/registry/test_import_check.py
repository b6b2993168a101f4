"""The preview's full check runs in the background job, not in the upload request."""

import pytest
from django.urls import reverse

from members.models import Member
from registry.models import ImportJob
from registry.spreadsheets import jobs, services
from tests.imports import files

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày kết nạp"]
LAN = [1, "Nguyễn Thị Lan", "08/03/1990", "Nữ", "001190012345", "01/05/2015"]
BAD = [2, "Trần Văn Bình", "12/11/1985", "Nam", "123", "01/05/2016"]


@pytest.fixture
def queued_tasks(settings):
    """Tasks wait in a queue nobody works on, as when the worker is busy."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }


def upload(client, data, *, into, name="ds.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("import_upload"),
        {"kind": "members", "into": into.code, "file": SimpleUploadedFile(name, data)},
    )


def test_the_upload_request_stores_the_file_and_leaves_the_reading_to_the_worker(
    client, officer, cdcs, queued_tasks
):
    client.force_login(officer)

    upload(client, files.xlsx([HEADER, LAN, BAD]), into=cdcs)

    job = ImportJob.objects.get()
    assert job.preview["checking"] is True
    assert "columns" not in job.preview
    page = client.get(reverse("import_preview", args=[job.pk])).content.decode()
    assert 'id="job-status"' in page and "<progress" in page
    assert 'id="confirm"' not in page


def test_the_worker_fills_in_the_mapping_first_rows_and_every_problem(
    client, officer, cdcs, queued_tasks
):
    client.force_login(officer)
    upload(client, files.xlsx([HEADER, LAN, BAD]), into=cdcs)
    job = ImportJob.objects.get()

    jobs.run_check_job(job.pk, job.preview["check"])

    job.refresh_from_db()
    assert job.preview["checking"] is False
    assert [row["number"] for row in job.preview["rows"]] == [2, 3]
    assert job.preview["summary"]["invalid"] == 1
    assert job.preview["problems"][0]["row"] == 3
    assert (job.done, job.total) == (2, 2)
    page = client.get(reverse("import_preview", args=[job.pk])).content.decode()
    assert 'id="confirm"' in page and 'id="problems"' in page


def test_the_status_block_alone_shows_the_rows_checked_so_far(
    client, officer, cdcs, queued_tasks
):
    client.force_login(officer)
    upload(client, files.xlsx([HEADER, LAN, BAD]), into=cdcs)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(done=1, total=2)

    response = client.get(reverse("import_preview", args=[job.pk]), HTTP_X_PARTIAL="1")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="job-status"')
    assert 'value="50"' in html


def test_a_file_still_being_checked_cannot_be_confirmed(
    client, officer, cdcs, queued_tasks
):
    client.force_login(officer)
    upload(client, files.xlsx([HEADER, LAN]), into=cdcs)
    job = ImportJob.objects.get()

    client.post(reverse("import_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW
    assert not Member.objects.exists()


def test_an_older_check_does_not_overwrite_the_one_after_a_correction(
    client, officer, cdcs, queued_tasks
):
    client.force_login(officer)
    upload(client, files.xlsx([HEADER, LAN]), into=cdcs)
    job = ImportJob.objects.get()
    services.remap(job=job, sheet="", choices={(2, "Ngày sinh"): ""})

    jobs.run_check_job(job.pk, 1)

    job.refresh_from_db()
    assert (job.preview["checking"], job.preview["check"]) == (True, 2)
    jobs.run_check_job(job.pk, 2)
    job.refresh_from_db()
    assert job.preview["checking"] is False
    assert "birth_date" not in {column["key"] for column in job.preview["columns"]}


def test_a_file_the_worker_cannot_read_says_why_on_the_preview(
    client, officer, cdcs, queued_tasks
):
    client.force_login(officer)
    upload(client, files.xlsx([["Tên cửa hàng", "Doanh thu"], ["A", 1]]), into=cdcs)
    job = ImportJob.objects.get()

    jobs.run_check_job(job.pk, 1)

    job.refresh_from_db()
    assert job.preview["checking"] is False
    page = client.get(reverse("import_preview", args=[job.pk])).content.decode()
    assert job.preview["message"] in page
    assert 'id="confirm"' not in page
