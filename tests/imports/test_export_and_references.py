from datetime import date

import pytest
from python_calamine import CalamineWorkbook

from members.models import Member
from registry.models import AccessLog
from tests.factories import (
    CollectiveAgreementFactory,
    EmployerFactory,
    MemberFactory,
    MembershipFactory,
    valid_tax_code,
)
from unions.models import CollectiveAgreement, Employer, UnionUnit

from . import files

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_members(cdcs):
    MembershipFactory(
        member=MemberFactory(full_name="Nguyễn Thị Lan", gender="F", cccd="001190012345",
                             phone="0912345678", ethnicity="Kinh", is_party_member=True),
        unit=cdcs,
    )  # fmt: skip
    MembershipFactory(
        member=MemberFactory(full_name="Trần Văn Bình", birth_date=None, birth_year=1985,
                             cccd="001085012346", email="=cmd@x.vn"),
        unit=cdcs, card_number="T-01",
    )  # fmt: skip


def sheet_rows(path):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_member_export_then_import_changes_nothing(
    run_command, tmp_path, two_members, cdcs, extension
):
    out = tmp_path / f"ds.{extension}"
    run_command(
        "export",
        "--purpose=Báo cáo quý",
        "members",
        "--unit",
        cdcs.code,
        "--out",
        str(out),
    )

    result = run_command("import", "members", str(out), "--into", cdcs.code, "--json")

    assert result.code == 0, result.output
    assert (result.json["rows"], result.json["unchanged"]) == (2, 2)
    assert result.json["created"] + result.json["updated"] == 0


def test_member_export_uses_the_canonical_headers_and_real_dates(
    run_command, tmp_path, two_members, cdcs
):
    out = tmp_path / "ds.xlsx"

    run_command(
        "export",
        "--purpose=Báo cáo quý",
        "members",
        "--unit",
        cdcs.code,
        "--out",
        str(out),
    )

    rows = sheet_rows(out)
    assert rows[0][:4] == ["STT", "Họ và tên", "Ngày sinh", "Giới tính"]
    assert rows[0][-2:] == ["Mã CĐCS", "Ghi chú"]
    assert isinstance(rows[1][11], date)


def test_exported_cells_that_look_like_formulas_are_neutralised(
    run_command, tmp_path, two_members, cdcs
):
    out = tmp_path / "ds.csv"

    run_command(
        "export",
        "--purpose=Báo cáo quý",
        "members",
        "--unit",
        cdcs.code,
        "--out",
        str(out),
    )

    assert "'=cmd@x.vn" in out.read_text(encoding="utf-8-sig")


def test_an_export_without_sensitive_rights_leaves_personal_data_out(
    run_command, tmp_path, two_members, cdcs, leader
):
    out = tmp_path / "ds.csv"

    run_command(
        "export",
        "--purpose=Báo cáo quý",
        "members",
        "--unit",
        cdcs.code,
        "--out",
        str(out),
        "--user",
        leader.username,
    )

    text = out.read_text(encoding="utf-8-sig")
    assert "Nguyễn Thị Lan" in text and "001190012345" not in text


def test_an_export_outside_the_users_scope_is_refused(
    run_command, tmp_path, other_cdcs, officer
):
    result = run_command("export", "--purpose=Báo cáo quý", "members", "--unit", other_cdcs.code, "--out", str(tmp_path / "x.csv"),
                         "--user", officer.username)  # fmt: skip

    assert result.code == 2
    assert not (tmp_path / "x.csv").exists()


def test_exports_are_audit_logged(run_command, tmp_path, two_members, cdcs):
    run_command(
        "export",
        "--purpose=Báo cáo quý",
        "members",
        "--unit",
        cdcs.code,
        "--out",
        str(tmp_path / "x.csv"),
    )

    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert (entry.count, entry.purpose, entry.is_sensitive) == (2, "Báo cáo quý", True)


def test_export_as_of_a_past_date_lists_who_was_a_member_then(
    run_command, tmp_path, two_members, cdcs
):
    out = tmp_path / "old.csv"

    run_command(
        "export",
        "--purpose=Báo cáo quý",
        "members",
        "--unit",
        cdcs.code,
        "--out",
        str(out),
        "--as-of",
        "2010-01-01",
    )

    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 1


UNIT_HEADER = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Loại đơn vị",
    "Mã đơn vị cấp trên",
    "Ngày thành lập",
]


def test_units_are_created_under_their_parent_with_kinds_as_people_write_them(
    run_command, write_file, district
):
    rows = [
        UNIT_HEADER,
        ["CDCS-N1", "Công đoàn Công ty Dệt", "CĐCS", district.code, "01/03/2012"],
    ]

    result = run_command(
        "import", "units", write_file("u.xlsx", files.xlsx(rows)), "--json"
    )

    assert result.code == 0, result.output
    unit = UnionUnit.objects.get(code="CDCS-N1")
    assert unit.kind == "grassroots"
    assert UnionUnit.objects.get_parent(unit) == district


def test_a_unit_that_may_not_sit_under_its_parent_is_a_row_error(
    run_command, write_file, cdcs
):
    rows = [UNIT_HEADER, ["CDCS-N2", "Công đoàn Con", "CĐCS", cdcs.code, "01/03/2012"]]

    result = run_command(
        "import", "units", write_file("u.xlsx", files.xlsx(rows)), "--json"
    )

    assert result.code == 1
    assert not UnionUnit.objects.filter(code="CDCS-N2").exists()


def test_units_export_then_import_changes_nothing(
    run_command, tmp_path, cdcs, other_cdcs, province
):
    out = tmp_path / "units.xlsx"
    run_command(
        "export",
        "--purpose=Báo cáo quý",
        "units",
        "--unit",
        province.code,
        "--out",
        str(out),
    )

    result = run_command("import", "units", str(out), "--json")

    assert result.code == 0, result.output
    assert result.json["unchanged"] == result.json["rows"] == 5


def test_employers_are_matched_by_tax_code_and_updated(
    run_command, write_file, district, cdcs
):
    employer = EmployerFactory(managing_unit=district, name="Công ty Cũ")
    header = [
        "Mã số thuế",
        "Tên đơn vị sử dụng lao động",
        "Loại hình",
        "Số lao động",
        "Mã công đoàn cấp trên quản lý",
    ]
    rows = [
        header,
        [employer.tax_code, "Công ty Mới", "FDI", 300, district.code],
        [valid_tax_code(999), "Công ty Gỗ", "Ngoài nhà nước", 40, district.code],
    ]

    result = run_command(
        "import", "enterprises", write_file("e.xlsx", files.xlsx(rows)), "--json"
    )

    assert (result.json["updated"], result.json["created"]) == (1, 1), result.output
    employer.refresh_from_db()
    assert (employer.name, employer.kind, employer.workers) == (
        "Công ty Mới",
        "fdi",
        300,
    )


def test_a_tax_code_that_lost_its_leading_zero_and_has_a_bad_check_digit_is_refused(
    run_command, write_file, district
):
    rows = [["Mã số thuế", "Tên đơn vị", "Loại hình"], [100109107, "Công ty X", "FDI"]]

    result = run_command(
        "import",
        "enterprises",
        write_file("e.xlsx", files.xlsx(rows)),
        "--into",
        district.code,
        "--json",
    )

    assert result.code == 1
    assert "0100109107" in result.output


def test_agreements_are_matched_by_employer_and_signing_date(
    run_command, write_file, employer
):
    CollectiveAgreementFactory(employer=employer, signed_on=date(2023, 1, 1))
    header = ["Mã số thuế", "Ngày ký", "Ngày hiệu lực", "Ngày hết hạn", "Xếp loại"]
    rows = [header, [employer.tax_code, "01/01/2023", "01/01/2023", "01/01/2025", "A"],
            [employer.tax_code, "01/02/2025", "", "01/02/2027", "B"]]  # fmt: skip

    result = run_command(
        "import", "agreements", write_file("a.xlsx", files.xlsx(rows)), "--json"
    )

    assert (result.json["updated"], result.json["created"]) == (1, 1), result.output
    assert CollectiveAgreement.objects.get(signed_on=date(2023, 1, 1)).grade == "A"


def test_an_agreement_longer_than_three_years_is_refused_by_the_model_rule(
    run_command, write_file, employer
):
    rows = [
        ["Mã số thuế", "Ngày ký", "Ngày hết hạn"],
        [employer.tax_code, "01/01/2023", "01/01/2030"],
    ]

    result = run_command(
        "import", "agreements", write_file("a.xlsx", files.xlsx(rows)), "--json"
    )

    assert result.code == 1
    assert "3" in result.json["errors"][0]["message"]


def test_nothing_is_left_behind_when_a_reference_import_stops(
    run_command, write_file, district
):
    rows = [
        ["Mã số thuế", "Tên đơn vị", "Loại hình"],
        [valid_tax_code(5), "A", "FDI"],
        ["123", "B", "FDI"],
    ]

    run_command(
        "import",
        "enterprises",
        write_file("e.xlsx", files.xlsx(rows)),
        "--into",
        district.code,
    )

    assert not Employer.objects.exists()
    assert not Member.objects.exists()
