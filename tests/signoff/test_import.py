"""A member file's row dated inside a signed-off period is a row error of its preview."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from members.models import Membership
from registry.models import ImportJob
from registry.spreadsheets.undoing import plan_undo
from tests.imports import files
from tests.imports.test_undo_import import imported
from unions.coverage.signing import sign_off

from .conftest import Q1_2025

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày vào công đoàn"]
ROWS = [
    [1, "Nguyễn Thị Lan", "08/03/1990", "Nữ", "001190012345", "10/02/2025"],
    [2, "Trần Văn Bình", "12/11/1985", "Nam", "001085012346", "02/04/2025"],
]


def test_a_row_dated_inside_a_signed_period_is_refused_in_the_preview(
    client, officer, cdcs, signed_q1
):
    client.force_login(officer)
    upload = SimpleUploadedFile("ds.xlsx", files.xlsx([HEADER, *ROWS]))
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            reverse("import_upload"),
            {"kind": "members", "into": cdcs.code, "file": upload},
        )
    job = ImportJob.objects.get()

    preview = client.get(reverse("import_preview", args=[job.pk]))

    assert preview.status_code == 200
    assert "Số liệu Quý I/2025 của Công đoàn các KCN tỉnh đã được chốt" in preview.text
    assert job_summary(job)["invalid"] == 1
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("import_confirm", args=[job.pk]), {"skip_invalid": "1"})
    admitted = Membership.objects.filter(started_on__gte=date(2025, 1, 1))
    assert list(admitted.values_list("started_on", flat=True)) == [date(2025, 4, 2)]


def job_summary(job):
    job.refresh_from_db()
    return job.preview["summary"]


def test_undoing_an_import_into_a_period_signed_since_is_refused(
    officer, cdcs, district, members
):
    job = imported(officer, [ROWS[0]], cdcs)
    sign_off(unit=district, period=Q1_2025, user=officer)

    plan = plan_undo(job)

    assert not plan.possible
    assert "Quý I/2025" in " ".join(plan.refusals)
