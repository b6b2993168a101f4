"""The member import's web flow: what the preview says (where the rows go, the first
rows as stored, a back-dating choice, a name corrected), and the choices kept."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Membership
from registry.models import ImportJob, SavedMapping
from registry.spreadsheets.exporting import export_rows
from tests.factories import MemberFactory, MembershipFactory
from tests.imports import files

from .test_import_pages import committed, upload

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày kết nạp",
          "Đảng viên", "Ghi chú"]  # fmt: skip
LAN = [1, "Nguyễn Thị Lan", "08/03/1990", "Nữ", "001190012345", "01/05/2015", "x",
       "Tổ trưởng tổ May 1"]  # fmt: skip
BINH = [2, "Trần Văn Bình", "12/11/1985", "Nam", "001085012346", "01/05/2016", "", ""]


def preview(client, rows, *, into, header=HEADER):
    upload(client, files.xlsx([header, *rows]), into=into)
    job = ImportJob.objects.get()
    return job, client.get(reverse("import_preview", args=[job.pk]))


def confirm(client, job, **data):
    with committed():
        return client.post(reverse("import_confirm", args=[job.pk]), data)


def test_the_preview_shows_party_membership_as_yes_or_no(client, officer, cdcs):
    client.force_login(officer)

    _job, response = preview(client, [LAN, BINH], into=cdcs)

    cells = [row[2] for row in response.context["shown_rows"]]
    party = response.context["shown_names"].index("Đảng viên")
    assert [c[party] for c in cells] == ["Có", "Không"]
    assert "True" not in response.content.decode()


def test_the_note_is_stored_on_the_membership_and_exported(client, officer, cdcs):
    client.force_login(officer)
    job, _response = preview(client, [LAN, BINH], into=cdcs)

    confirm(client, job)

    lan = Membership.objects.get(member__cccd=LAN[4])
    assert lan.notes == "Tổ trưởng tổ May 1"
    headers, rows = export_rows("members", unit=cdcs, day=timezone.localdate())
    notes = headers.index("Ghi chú")
    assert sorted(row[notes] for row in rows) == ["", "Tổ trưởng tổ May 1"]
    detail = client.get(reverse("members:member_detail", args=[lan.member_id]))
    assert "Tổ trưởng tổ May 1" in detail.content.decode()


def test_the_preview_says_the_rows_go_into_the_cdcs(client, officer, cdcs):
    client.force_login(officer)

    _job, response = preview(client, [LAN], into=cdcs)

    assert "CDCS-A — Công đoàn Công ty May A" in response.context["destination"]
    codes = response.context["shown_names"].index("Mã CĐCS")
    assert response.context["shown_rows"][0][2][codes] == "CDCS-A"


def test_the_preview_says_each_row_goes_into_its_own_cdcs_under_an_upper_unit(
    client, officer, district, cdcs
):
    client.force_login(officer)

    _job, response = preview(
        client, [[*LAN, "CDCS-A"]], into=district, header=[*HEADER, "Mã CĐCS"]
    )

    assert "“Mã CĐCS”" in response.context["destination"]
    assert "CD-KCN" in response.context["destination"]


def test_the_preview_offers_to_admit_back_dated_members_as_of_today(
    client, officer, cdcs
):
    client.force_login(officer)

    job, response = preview(client, [LAN, BINH], into=cdcs)

    page = response.content.decode()
    assert job.preview["backdated"] == 2
    assert 'id="start-choice"' in page
    assert any("01/05/2015" in note for note in job.preview["notes"])


def test_back_dated_members_keep_the_file_s_dates_by_default(client, officer, cdcs):
    client.force_login(officer)
    job, _response = preview(client, [LAN], into=cdcs)

    confirm(client, job)

    assert Membership.objects.get().started_on == date(2015, 5, 1)


def test_back_dated_members_may_be_admitted_as_of_today(client, officer, cdcs):
    client.force_login(officer)
    job, _response = preview(client, [LAN], into=cdcs)

    confirm(client, job, start="today")

    membership = Membership.objects.select_related("member").get()
    assert membership.started_on == timezone.localdate()
    assert membership.member.joined_union_on == date(2015, 5, 1)


def test_a_corrected_name_is_an_update_with_a_warning(client, officer, cdcs):
    member = MemberFactory(
        full_name="Nguyễn Thị Lam", cccd=LAN[4], birth_date=date(1990, 3, 8), gender="F",
        joined_union_on=date(2015, 5, 1),
    )  # fmt: skip
    MembershipFactory(member=member, unit=cdcs, started_on=date(2015, 5, 1))
    client.force_login(officer)
    job, _response = preview(client, [LAN], into=cdcs)

    assert job.preview["summary"]["updated"] == 1
    (row,) = job.preview["problems"]
    assert row["errors"] == []
    assert "Nguyễn Thị Lam" in row["warnings"][0]["message"]
    confirm(client, job)

    member.refresh_from_db()
    assert (member.full_name, member.given_name) == ("Nguyễn Thị Lan", "Lan")


def test_an_exact_cccd_header_gets_no_warning(client, officer, cdcs):
    client.force_login(officer)

    job, _response = preview(client, [LAN], into=cdcs)

    cccd = next(c for c in job.preview["columns"] if c["label"] == "Số CCCD")
    assert cccd["confidence"] == "exact"
    assert job.preview["file_problems"] == []


def test_a_saved_column_choice_applies_to_the_same_place_and_title_only(
    client, officer, cdcs
):
    header = ["STT", "Họ và tên", "Ngày", "Giới tính", "Số CCCD", "Ngày kết nạp"]
    row = [1, "Nguyễn Thị Lan", "08/03/1990", "Nữ", "001190012345", "01/05/2015"]
    client.force_login(officer)
    job, _response = preview(client, [row], into=cdcs, header=header)
    with committed():
        client.post(reverse("import_remap", args=[job.pk]), {"column-2": "birth_date"})
    confirm(client, job)
    assert SavedMapping.objects.get().overrides == {"column:2:ngay": "birth_date"}

    moved = ["STT", "Họ và tên", "Giới tính", "Ngày", "Số CCCD", "Ngày kết nạp"]
    upload(client, files.xlsx([moved, [1, "Lê Văn An", "Nam", "01/01/1991",
                                       "001091012345", "01/05/2015"]]), into=cdcs)  # fmt: skip

    later = ImportJob.objects.first()
    assert "birth_date" not in {c["key"] for c in later.preview["columns"]}
