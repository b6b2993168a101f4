"""The mapping-file page: upload with a decision and date, a preview of every row with
its errors and error report, apply in one step, undo on the same day."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.models import AccessLog, ImportJob
from tests.factories import UnionUnitFactory, UserFactory
from tests.imports.files import xlsx
from unions import reorganisation
from unions.models import Reorganisation, UnionUnit

from .conftest import JULY_2025, Kind, snapshot

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Mã CĐCS", "Mã đơn vị cấp trên mới"]


def upload(client, rows, *, day="01/08/2025", decision="25/QĐ-LĐLĐ", name="map.xlsx"):
    data = xlsx([HEADER, *rows])
    return client.post(
        reverse("reattach:mapping_upload"),
        {
            "file": SimpleUploadedFile(name, data),
            "effective_on": day,
            "decision": decision,
        },
    )


def preview_of(client, response):
    assert response.status_code == 302, response.context["form"].errors
    return client.get(response.url)


def test_the_preview_lists_each_row_and_changes_nothing(client, tree, officer_a):
    client.force_login(officer_a)
    before = snapshot()

    page = preview_of(
        client, upload(client, [[1, "CDCS-A1", "CD-XA-A"], [2, "cdcs-a2", "CD-XA-A"]])
    )

    rows = page.context["preview"]["rows"]
    assert [(r["number"], r["unit"], r["from"], r["to"]) for r in rows] == [
        (2, "CDCS-A1", "LDLD-A1", "CD-XA-A"),
        (3, "CDCS-A2", "LDLD-A1", "CD-XA-A"),
    ]
    assert [(r["members"], r["employers"]) for r in rows] == [(3, 1), (2, 1)]
    assert page.context["preview"]["counts"]["members"] == 5
    assert "Xem trước: chưa có gì thay đổi" in page.text
    assert 'id="apply"' in page.text
    assert snapshot() == before


def test_applying_re_attaches_every_row_at_once_and_undo_restores_the_tree(
    client, tree, officer_a
):
    client.force_login(officer_a)
    before = snapshot()
    page = preview_of(
        client, upload(client, [[1, "CDCS-A1", "CD-XA-A"], [2, "CDCS-A2", "CD-XA-A"]])
    )
    job = page.context["job"]

    response = client.post(reverse("reattach:mapping_apply", args=[job.pk]))

    record = Reorganisation.objects.get()
    assert response.url == reverse("reorganisation:operation_detail", args=[record.pk])
    assert (record.kind, record.decision) == (
        Reorganisation.Kind.REATTACH,
        "25/QĐ-LĐLĐ",
    )
    assert {u.code for u in UnionUnit.objects.get_children(tree["CD-XA-A"])} == {
        "CDCS-A1",
        "CDCS-A2",
    }
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE
    assert (
        client.post(reverse("reattach:mapping_apply", args=[job.pk])).status_code == 302
    )
    assert Reorganisation.objects.count() == 1

    client.post(reverse("reorganisation:operation_undo", args=[record.pk]))

    assert snapshot() == before


def test_bad_rows_are_reported_in_vietnamese_with_an_error_report(
    client, tree, officer_a
):
    UnionUnitFactory(
        parent=tree["LDLD-A1"], code="CDCS-A3", founded_on=date(2025, 9, 1)
    )
    UnionUnitFactory(parent=tree["LDLD-A1"], code="CDCS-A4")
    UnionUnitFactory(parent=tree["LDLD-A"], code="CD-XA-CU", kind=Kind.COMMUNE)
    UnionUnit.objects.filter(code="CD-XA-CU").update(dissolved_on=date(2025, 5, 1))
    client.force_login(officer_a)
    before = snapshot()

    page = preview_of(
        client,
        upload(
            client,
            [
                [1, "CDCS-A1", "CD-XA-A"],
                [2, "CDCS-KHONG-CO", "CD-XA-A"],  # unknown
                [3, "CDCS-B1", "CD-XA-A"],  # another province
                [4, "CDCS-A2", "CDCS-A1"],  # a CĐCS under a CĐCS
                [5, "CDCS-A1", "CD-XA-A"],  # twice
                [6, "CDCS-A4", "CD-XA-CU"],  # parent dissolved
                [7, "LDLD-A1", "CD-XA-A"],  # not a CĐCS
                [8, "CDCS-A3", "CD-XA-A"],  # founded after the date
            ],
        ),
    )

    errors = {
        r["number"]: " ".join(r["errors"]) for r in page.context["preview"]["rows"]
    }
    assert "Không có đơn vị nào mang mã CDCS-KHONG-CO" in errors[3]
    assert "CDCS-B1 nằm ngoài phạm vi của bạn" in errors[4]
    assert "là công đoàn cơ sở" in errors[5]
    assert "đã có ở dòng 2" in errors[6]
    assert "đã giải thể" in errors[7]
    assert "không phải CĐCS" in errors[8]
    assert "thành lập ngày 01/09/2025" in errors[9]
    assert errors[2] == ""
    assert 'id="apply"' not in page.text and 'id="not-ready"' in page.text
    job = page.context["job"]
    report = client.get(reverse("reattach:mapping_report", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        3,
        4,
        5,
        6,
        7,
        8,
        9,
    ]
    assert AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD_REPORT).exists()
    response = client.post(reverse("reattach:mapping_apply", args=[job.pk]))
    assert response.status_code == 302
    assert not Reorganisation.objects.exists()
    assert snapshot() == before


def test_a_former_code_finds_its_unit_with_a_note(client, tree, officer_a):
    reorganisation.recode_unit(
        unit=tree["CDCS-A2"],
        code="CDCS-A2-MOI",
        recoded_on=JULY_2025,
        decision="1/QĐ",
        user=officer_a,
    )
    client.force_login(officer_a)

    page = preview_of(client, upload(client, [[1, "CDCS-A2", "CD-XA-A"]]))
    [row] = page.context["preview"]["rows"]
    client.post(reverse("reattach:mapping_apply", args=[page.context["job"].pk]))

    assert (row["unit"], row["errors"]) == ("CDCS-A2-MOI", [])
    assert "CDCS-A2 là mã cũ của" in row["warnings"][0]
    assert UnionUnit.objects.get_parent(tree["CDCS-A2-MOI"]) == tree["CD-XA-A"]


def test_a_cdcs_already_under_its_new_parent_changes_nothing(client, tree, officer_a):
    client.force_login(officer_a)

    page = preview_of(client, upload(client, [[1, "CDCS-A1", "LDLD-A1"]]))

    [row] = page.context["preview"]["rows"]
    assert row["unchanged"] and row["errors"] == []
    assert "không có gì thay đổi" in page.text
    assert 'id="apply"' not in page.text


def test_the_register_changed_since_the_preview_nothing_is_applied(
    client, tree, officer_a
):
    client.force_login(officer_a)
    page = preview_of(client, upload(client, [[1, "CDCS-A1", "CD-XA-A"]]))
    UnionUnit.objects.filter(code="CD-XA-A").update(dissolved_on=JULY_2025)

    response = client.post(
        reverse("reattach:mapping_apply", args=[page.context["job"].pk]), follow=True
    )

    assert not Reorganisation.objects.exists()
    assert "đã giải thể" in " ".join(response.context["preview"]["rows"][0]["errors"])


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("map.pdf", b"%PDF-1.4 nothing", "không phải bảng tính"),
        ("map.xlsx", xlsx([["STT", "Họ và tên"], [1, "A"]]), ""),
    ],
)
def test_a_file_that_is_not_a_mapping_is_refused_on_the_form(
    client, tree, officer_a, name, data, message
):
    client.force_login(officer_a)

    response = client.post(
        reverse("reattach:mapping_upload"),
        {
            "file": SimpleUploadedFile(name, data),
            "effective_on": "01/08/2025",
            "decision": "25/QĐ",
        },
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_the_decision_number_is_required(client, tree, officer_a):
    client.force_login(officer_a)

    response = upload(client, [[1, "CDCS-A1", "CD-XA-A"]], decision="  ")

    assert response.context["form"].errors["decision"]
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("role", ["upper_level", "grassroots", "leader"])
def test_lower_roles_are_refused_the_page(client, tree, role):
    client.force_login(UserFactory(role=role, unit=tree["LDLD-A"]))

    assert client.get(reverse("reattach:mapping_upload")).status_code == 403
    assert upload(client, [[1, "CDCS-A1", "CD-XA-A"]]).status_code == 403


def test_a_mapping_job_is_neither_shown_nor_opened_by_the_import_pages(
    client, tree, officer_a, officer_b
):
    client.force_login(officer_a)
    page = preview_of(client, upload(client, [[1, "CDCS-A1", "CD-XA-A"]]))
    job = page.context["job"]

    assert client.get(reverse("import_preview", args=[job.pk])).status_code == 404
    assert "map.xlsx" not in client.get(reverse("import_upload")).text
    client.force_login(officer_b)
    assert (
        client.get(reverse("reattach:mapping_preview", args=[job.pk])).status_code
        == 404
    )
