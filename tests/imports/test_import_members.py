from datetime import date

import pytest
from django.core.management import CommandError, call_command

from members.models import Member, Membership
from registry.models import AccessLog
from tests.factories import MemberFactory, MembershipFactory

from . import files
from .files import SIGNATURE_ROWS, TITLE_ROWS

pytestmark = pytest.mark.django_db

HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Số điện thoại",
    "Ngày vào công đoàn",
]
LAN = [
    1,
    "Nguyễn Thị Lan",
    "08/03/1990",
    "Nữ",
    "001190012345",
    "0912345678",
    "01/05/2015",
]
BINH = [2, "TRẦN VĂN BÌNH", "12/11/1985", "Nam", "001085012346", "", "01/05/2016"]


@pytest.fixture
def member_file(write_file):
    return write_file(
        "ds.xlsx", files.xlsx([*TITLE_ROWS, HEADER, LAN, BINH, *SIGNATURE_ROWS])
    )


def test_members_are_admitted_into_the_cdcs(run_command, member_file, cdcs):
    result = run_command(
        "import", "members", member_file, "--into", cdcs.code, "--json"
    )

    assert result.code == 0
    assert result.json["created"] == 2
    assert result.json["written"] == 2
    lan = Member.objects.get(cccd="001190012345")
    assert lan.memberships.get().unit == cdcs
    assert Member.objects.get(cccd="001085012346").full_name == "Trần Văn Bình"


def test_the_json_summary_has_the_contract_fields(run_command, member_file, cdcs):
    result = run_command(
        "import", "members", member_file, "--into", cdcs.code, "--json"
    )

    assert set(result.json) == {
        "kind", "rows", "created", "updated", "unchanged", "invalid", "written",
        "errors", "warnings",
    }  # fmt: skip
    assert result.json["kind"] == "members"
    assert result.json["rows"] == 2


def test_imported_members_are_counted_in_the_coverage_figures_at_once(
    run_command, member_file, province, cdcs
):
    from django.db import connection

    from unions.coverage import triggers
    from unions.coverage.figures import coverage

    run_command("import", "members", member_file, "--into", cdcs.code)

    assert coverage(province).members == 2
    assert coverage(province, date(2015, 12, 31)).members == 1
    assert triggers.tally_differences(connection) == 0


def test_importing_the_same_file_again_creates_nothing(run_command, member_file, cdcs):
    run_command("import", "members", member_file, "--into", cdcs.code)

    result = run_command(
        "import", "members", member_file, "--into", cdcs.code, "--json"
    )

    assert (result.json["created"], result.json["unchanged"]) == (0, 2)
    assert Member.objects.count() == 2


def test_a_changed_field_is_updated_and_counted(run_command, write_file, cdcs):
    run_command(
        "import",
        "members",
        write_file("a.xlsx", files.xlsx([HEADER, LAN])),
        "--into",
        cdcs.code,
    )
    changed = [*LAN[:5], "0987654321", LAN[6]]

    result = run_command(
        "import", "members", write_file("b.xlsx", files.xlsx([HEADER, changed])),
        "--into", cdcs.code, "--json",
    )  # fmt: skip

    assert (result.json["updated"], result.json["created"]) == (1, 0)
    member = Member.objects.get(cccd="001190012345")
    assert member.phone == "0987654321"
    assert member.history.count() == 2


def test_an_update_gets_a_change_history_row_holding_the_new_values(
    run_command, write_file, cdcs, officer
):
    first = [*LAN[:6], LAN[6]]
    run_command("import", "members", write_file("a.xlsx", files.xlsx([HEADER, first])),
                "--into", cdcs.code)  # fmt: skip
    changed = [*LAN[:5], "0987654321", LAN[6]]

    run_command("import", "members", write_file("b.xlsx", files.xlsx([HEADER, changed])),
                "--into", cdcs.code, "--user", officer.username)  # fmt: skip

    member = Member.objects.get(cccd="001190012345")
    latest = member.history.order_by("history_id").last()
    assert (latest.history_type, latest.history_user_id) == ("~", officer.pk)
    assert latest.history_change_reason == "import"
    assert (latest.phone, latest.full_name) == ("0987654321", member.full_name)


def test_new_members_and_memberships_get_history_rows_equal_to_what_was_written(
    run_command, member_file, cdcs, officer
):
    run_command(
        "import",
        "members",
        member_file,
        "--into",
        cdcs.code,
        "--user",
        officer.username,
    )

    for model in (Member, Membership):
        historical = model.history.model
        tracked = [
            f.attname
            for f in historical._meta.concrete_fields
            if not f.attname.startswith("history_")
        ]
        written = sorted(model.objects.values_list(*tracked))
        recorded = historical.objects.values_list(*tracked, "history_type",
                                                  "history_user_id", "history_change_reason")  # fmt: skip
        assert sorted(row[: len(tracked)] for row in recorded) == written
        assert {row[len(tracked) :] for row in recorded} == {
            ("+", officer.pk, "import")
        }


def test_invalid_rows_stop_the_whole_write_with_exit_1(run_command, write_file, cdcs):
    bad = [3, "Lê Văn C", "31/02/1990", "Nam", "001090012347", "", "01/01/2020"]
    path = write_file("bad.xlsx", files.xlsx([HEADER, LAN, bad]))

    result = run_command("import", "members", path, "--into", cdcs.code, "--json")

    assert result.code == 1
    assert result.json["invalid"] == 1
    assert result.json["written"] == 0
    assert result.json["errors"][0]["row"] == 3
    assert result.json["errors"][0]["column"] == "Ngày sinh"
    assert not Member.objects.exists()


def test_skip_invalid_writes_the_valid_rows(run_command, write_file, cdcs):
    bad = [3, "Lê Văn C", "31/02/1990", "Nam", "001090012347", "", "01/01/2020"]
    path = write_file("bad.xlsx", files.xlsx([HEADER, LAN, bad]))

    result = run_command(
        "import", "members", path, "--into", cdcs.code, "--skip-invalid", "--json"
    )

    assert result.code == 0
    assert (result.json["written"], result.json["invalid"]) == (1, 1)
    assert Member.objects.count() == 1


def test_dry_run_writes_nothing(run_command, member_file, cdcs):
    result = run_command(
        "import", "members", member_file, "--into", cdcs.code, "--dry-run", "--json"
    )

    assert (result.code, result.json["created"], result.json["written"]) == (0, 2, 0)
    assert not Member.objects.exists()


def test_the_error_report_lists_rejected_rows_with_an_error_column(
    run_command, write_file, tmp_path, cdcs
):
    from python_calamine import CalamineWorkbook

    bad = [3, "Lê Văn C", "31/02/1990", "Nam", "001090012347", "", "01/01/2020"]
    report = tmp_path / "loi.xlsx"

    run_command("import", "members", write_file("bad.xlsx", files.xlsx([HEADER, LAN, bad])),
                "--into", cdcs.code, "--report", str(report))  # fmt: skip

    rows = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "Dòng" and rows[0][-1] == "Lỗi"
    assert rows[1][0] == 3 and rows[1][2] == "Lê Văn C"
    assert "Ngày sinh" in rows[1][-1]


def test_a_person_active_in_another_cdcs_is_an_error_naming_it(
    run_command, member_file, cdcs, other_cdcs
):
    MembershipFactory(member=MemberFactory(cccd="001190012345"), unit=other_cdcs)

    result = run_command(
        "import", "members", member_file, "--into", cdcs.code, "--json"
    )

    assert result.code == 1
    message = result.json["errors"][0]["message"]
    assert other_cdcs.code in message
    assert Membership.objects.get(member__cccd="001190012345").unit == other_cdcs


def test_into_a_higher_unit_each_row_names_its_cdcs(
    run_command, write_file, district, cdcs, other_cdcs
):
    header = [*HEADER, "Mã CĐCS"]
    rows = [header, [*LAN, cdcs.code], [*BINH, other_cdcs.code]]

    result = run_command(
        "import",
        "members",
        write_file("m.xlsx", files.xlsx(rows)),
        "--into",
        district.code,
        "--json",
    )

    assert result.code == 1
    assert result.json["errors"][0]["row"] == 3
    assert other_cdcs.code in result.json["errors"][0]["message"]


def test_an_unknown_unit_code_makes_the_input_unusable(run_command, member_file, cdcs):
    result = run_command("import", "members", member_file, "--into", "NOPE", "--json")

    assert result.code == 2
    assert result.json["written"] == 0


def test_a_unit_outside_the_users_scope_is_refused_like_an_unknown_one(
    run_command, member_file, other_cdcs, officer
):
    result = run_command(
        "import",
        "members",
        member_file,
        "--into",
        other_cdcs.code,
        "--user",
        officer.username,
    )

    assert result.code == 2
    assert not Member.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_exits_2(run_command, write_file, cdcs):
    result = run_command(
        "import",
        "members",
        write_file("x.pdf", b"%PDF-1.4"),
        "--into",
        cdcs.code,
        "--json",
    )

    assert result.code == 2
    assert "spreadsheet" in result.json["errors"][0]["message"]


def test_a_minor_is_refused_by_the_admission_rule(run_command, write_file, cdcs):
    child = [1, "Bé Na", "01/01/2015", "Nữ", "001315012345", "", "01/01/2024"]

    result = run_command(
        "import",
        "members",
        write_file("c.xlsx", files.xlsx([HEADER, child])),
        "--into",
        cdcs.code,
        "--json",
    )

    assert result.code == 1
    assert "15" in result.json["errors"][0]["message"]


def test_the_import_is_audit_logged(run_command, member_file, cdcs):
    run_command("import", "members", member_file, "--into", cdcs.code)

    assert AccessLog.objects.filter(action=AccessLog.Action.IMPORT).count() == 1


def test_members_without_cccd_are_matched_by_name_and_birth_on_reimport(
    run_command, write_file, cdcs
):
    row = [1, "Phạm Thị Hoa", "02/02/1992", "Nữ", "", "", "01/01/2018"]
    path = write_file("h.xlsx", files.xlsx([HEADER, row]))
    run_command("import", "members", path, "--into", cdcs.code)

    result = run_command("import", "members", path, "--into", cdcs.code, "--json")

    assert result.json["unchanged"] == 1
    assert Member.objects.get().birth_date == date(1992, 2, 2)


def test_the_command_offers_only_the_kinds_it_can_import(run_command, write_file):
    """A mapping file has its own page (Sắp xếp tổ chức): the command refuses the kind
    with its usage message instead of failing on a missing importer."""
    path = write_file("map.xlsx", files.xlsx([["STT", "Mã CĐCS", "Mã cấp trên mới"]]))
    with pytest.raises(CommandError, match="invalid choice: 'reattach'"):
        call_command("import", "reattach", path)
