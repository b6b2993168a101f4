from datetime import date

import pytest
from django.test import TestCase
from django.urls import reverse

from members.models import Member
from registry.models import AccessLog, ImportJob, SavedMapping
from tests.factories import (
    MemberFactory,
    MembershipFactory,
    UnionUnitFactory,
    valid_tax_code,
)
from tests.imports import files
from unions.coverage.models import EmployerSpell, StaleEmployer
from unions.models import Employer, UnionUnit

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Họ và tên", "Ngày", "Giới tính", "Số CCCD", "Ngày kết nạp"]
LAN = [1, "Nguyễn Thị Lan", "08/03/1990", "Nữ", "001190012345", "01/05/2015"]
CLEAR_HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày kết nạp"]
BAD = [2, "Trần Văn Bình", "12/11/1985", "Nam", "123", "01/05/2016"]


def upload(client, data, name="ds.xlsx", *, into, kind="members"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with committed():
        return client.post(
            reverse("import_upload"),
            {"kind": kind, "into": into.code, "file": SimpleUploadedFile(name, data)},
        )


def committed():
    """The request's transaction commits inside the test's: run the jobs it queued."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def test_upload_shows_a_preview_and_writes_nothing(client, officer, cdcs):
    client.force_login(officer)

    response = upload(client, files.xlsx([HEADER, LAN, BAD]), into=cdcs)

    job = ImportJob.objects.get()
    assert response.url == reverse("import_preview", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert "Nguyễn Thị Lan" in page and "123" in page
    assert not Member.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_gets_a_clear_message(client, officer, cdcs):
    client.force_login(officer)

    response = upload(client, b"%PDF-1.4", "x.pdf", into=cdcs)

    assert response.status_code == 200
    assert not ImportJob.objects.exists()
    assert response.context["form"].errors["file"]


def test_correcting_a_column_remembers_it_for_the_next_upload(
    client, officer, cdcs, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    upload(client, files.xlsx([HEADER, LAN]), into=cdcs)
    job = ImportJob.objects.get()
    column = next(c for c in job.preview["columns"] if c["label"] == "Ngày")

    with committed():
        client.post(
            reverse("import_remap", args=[job.pk]),
            {f"column-{column['index']}": "birth_date"},
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[job.pk]))

    assert Member.objects.get().birth_date.year == 1990
    assert SavedMapping.objects.get(user=officer).overrides == {
        "column:2:ngay": "birth_date"
    }
    upload(client, files.xlsx([HEADER, [*LAN[:4], "001190099999", LAN[5]]]), into=cdcs)
    assert (
        ImportJob.objects.first().preview["rows"][0]["values"]["birth_date"]
        == "08/03/1990"
    )


def test_confirm_runs_the_job_and_offers_the_error_report(
    client, officer, cdcs, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    upload(client, files.xlsx([CLEAR_HEADER, LAN, BAD]), into=cdcs)
    job = ImportJob.objects.get()

    with committed():
        response = client.post(
            reverse("import_confirm", args=[job.pk]), {"skip_invalid": "1"}
        )

    job.refresh_from_db()
    assert response.url == reverse("import_progress", args=[job.pk])
    assert job.status == ImportJob.Status.DONE
    assert job.outcome["written"] == 1, job.outcome
    report = client.get(reverse("import_report", args=[job.pk]))
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AccessLog.objects.filter(action=AccessLog.Action.IMPORT).exists()


def test_confirm_refuses_invalid_rows_unless_told_to_skip_them(client, officer, cdcs):
    client.force_login(officer)
    upload(client, files.xlsx([HEADER, LAN, BAD]), into=cdcs)
    job = ImportJob.objects.get()

    client.post(reverse("import_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW
    assert not Member.objects.exists()


def test_another_users_import_is_a_404(client, officer, provincial_officer, cdcs):
    client.force_login(provincial_officer)
    upload(client, files.xlsx([HEADER, LAN]), into=cdcs)
    job = ImportJob.objects.get()
    client.force_login(officer)

    assert client.get(reverse("import_preview", args=[job.pk])).status_code == 404


def test_a_unit_outside_the_scope_cannot_be_chosen(client, officer, other_cdcs):
    client.force_login(officer)

    response = upload(client, files.xlsx([HEADER, LAN]), into=other_cdcs)

    assert response.status_code == 200
    assert "into" in response.context["form"].errors


def test_an_unknown_unit_code_gets_a_clear_message(client, officer):
    client.force_login(officer)

    response = upload(
        client, files.xlsx([HEADER, LAN]), into=UnionUnit(code="KHONG-CO")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["into"] == [
        "Không có đơn vị mã KHONG-CO trong phạm vi của bạn."
    ]
    assert not ImportJob.objects.exists()


def test_a_unit_code_typed_in_lower_case_finds_the_unit(client, officer, cdcs):
    client.force_login(officer)

    upload(client, files.xlsx([HEADER, LAN]), into=UnionUnit(code=" cdcs-a "))

    assert ImportJob.objects.get().into == cdcs


def test_a_dissolved_unit_cannot_be_chosen(client, officer, district):
    closed = UnionUnitFactory(
        parent=district, code="CDCS-CU", dissolved_on=date(2024, 1, 1)
    )
    client.force_login(officer)

    response = upload(client, files.xlsx([HEADER, LAN]), into=closed)

    assert (
        "đã giải thể từ ngày 01/01/2024" in response.context["form"].errors["into"][0]
    )
    assert not ImportJob.objects.exists()


def test_an_employer_import_job_brings_the_coverage_spells_up_to_date(
    client, officer, district
):
    rows = [
        ["Mã số thuế", "Tên đơn vị sử dụng lao động", "Loại hình", "Số lao động"],
        [valid_tax_code(7), "Công ty Gỗ", "Ngoài nhà nước", 40],
    ]
    client.force_login(officer)
    upload(client, files.xlsx(rows), into=district, kind="enterprises")
    job = ImportJob.objects.get()

    with committed():
        client.post(reverse("import_confirm", args=[job.pk]))

    employer = Employer.objects.get(tax_code=valid_tax_code(7))
    assert EmployerSpell.objects.filter(employer=employer).exists()
    assert not StaleEmployer.objects.exists()


def test_a_grassroots_officer_may_not_import(client, grassroots_officer):
    client.force_login(grassroots_officer)

    assert client.get(reverse("import_upload")).status_code == 403


def test_the_member_template_has_the_canonical_headers(client, officer):
    import io

    from python_calamine import CalamineWorkbook

    client.force_login(officer)

    response = client.get(reverse("import_template", args=["members"]))

    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0][:3] == ["STT", "Họ và tên", "Ngày sinh"]


def test_csv_export_streams_the_scope_and_is_logged(client, officer, cdcs):
    MembershipFactory(member=MemberFactory(full_name="Lê Thị Hà"), unit=cdcs)
    client.force_login(officer)

    response = client.get(
        reverse("export"),
        {
            "kind": "members",
            "unit": cdcs.pk,
            "file_format": "csv",
            "purpose": "Báo cáo quý",
        },
    )

    assert (
        b"".join(response.streaming_content).decode("utf-8-sig").count("Lê Thị Hà") == 1
    )
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_xlsx_export_of_a_small_list_downloads_at_once(client, officer, cdcs):
    client.force_login(officer)

    response = client.get(
        reverse("export"),
        {
            "kind": "members",
            "unit": cdcs.pk,
            "file_format": "xlsx",
            "as_of": "01/01/2024",
            "purpose": "Báo cáo quý",
        },
    )

    assert response["Content-Disposition"].startswith("attachment")


def test_a_big_xlsx_export_runs_as_a_job(
    client, officer, cdcs, monkeypatch, django_capture_on_commit_callbacks
):
    from registry.spreadsheets import views

    monkeypatch.setattr(views, "EXPORT_INLINE_ROWS", 0)
    MembershipFactory(member=MemberFactory(), unit=cdcs)
    client.force_login(officer)

    with committed():
        response = client.get(
            reverse("export"),
            {
                "kind": "members",
                "unit": cdcs.pk,
                "file_format": "xlsx",
                "purpose": "Báo cáo quý",
            },
        )

    download = client.get(response.url.rstrip("/") + "/download/")
    assert download.status_code == 200


def test_export_of_a_unit_outside_the_scope_is_refused(client, officer, other_cdcs):
    client.force_login(officer)

    response = client.get(
        reverse("export"),
        {
            "kind": "members",
            "unit": other_cdcs.pk,
            "file_format": "csv",
            "purpose": "Báo cáo quý",
        },
    )

    assert response.status_code == 200
    assert "unit" in response.context["form"].errors


def test_a_leader_may_not_export_members(client, leader, province):
    client.force_login(leader)

    assert client.get(reverse("export")).status_code == 403
