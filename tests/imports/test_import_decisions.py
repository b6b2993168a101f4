"""The import command says what it was not sure of, takes the user's column choices
(--map), pins each row error on its column and says a file's own problem once."""

import io
from datetime import date

import pytest
from python_calamine import CalamineWorkbook

from members.models import Member

from . import files

pytestmark = pytest.mark.django_db

WELFARE = [
    "STT",
    "HỌ VÀ TÊN",
    "Ngày sinh",
    "Số CCCD",
    "HỌ TÊN",
    "Quan hệ",
    "Ngày kết nạp",
]
LAN = [1, "Nguyễn Thị Lan", "08/03/1990", "001190012345", "Trần Văn Nam", "Chồng", "01/05/2015"]  # fmt: skip
PLAIN = ["Họ và tên", "Ngày sinh", "Ngày vào công đoàn"]


def test_the_command_prints_the_column_doubts(run_command, write_file, cdcs):
    path = write_file("welfare.xlsx", files.xlsx([WELFARE, LAN]))

    result = run_command("import", "members", path, "--into", cdcs.code, "--dry-run")

    assert "Warning: HỌ VÀ TÊN: Columns “HỌ VÀ TÊN”, “HỌ TÊN”" in result.output


def test_map_decides_what_a_column_means(run_command, write_file, cdcs):
    path = write_file("welfare.xlsx", files.xlsx([WELFARE, LAN]))

    result = run_command(
        "import", "members", path, "--into", cdcs.code,
        "--map", "HỌ TÊN=full_name", "--map", "HỌ VÀ TÊN=-",
    )  # fmt: skip

    assert result.code == 0
    assert Member.objects.get().full_name == "Trần Văn Nam"
    assert "Columns “HỌ VÀ TÊN”" not in result.output


@pytest.mark.parametrize(
    ("choice", "said"),
    [
        ("HỌ TÊN=nickname", "“nickname” is not a field"),
        ("Biệt danh=full_name", "no column titled “biet danh”"),
        ("HỌ TÊN", "is not HEADER=field"),
    ],
)
def test_a_wrong_map_is_refused_before_anything_is_read(
    run_command, write_file, cdcs, choice, said
):
    path = write_file("welfare.xlsx", files.xlsx([WELFARE, LAN]))

    result = run_command("import", "members", path, "--into", cdcs.code, "--map", choice, "--json")  # fmt: skip

    assert result.code == 2
    assert said in result.json["errors"][0]["message"]
    assert not Member.objects.exists()


def test_two_columns_mapped_to_one_field_are_refused(run_command, write_file, cdcs):
    path = write_file("welfare.xlsx", files.xlsx([WELFARE, LAN]))

    result = run_command(
        "import", "members", path, "--into", cdcs.code, "--json",
        "--map", "HỌ TÊN=full_name", "--map", "HỌ VÀ TÊN=Họ và tên",
    )  # fmt: skip

    assert result.code == 2
    assert "full_name given twice" in result.json["errors"][0]["message"]


def test_the_under_age_error_is_on_the_birth_date_column(run_command, write_file, cdcs):
    child = ["Nguyễn Văn Tí", "01/01/2010", "01/05/2015"]
    path = write_file("young.xlsx", files.xlsx([PLAIN, child]))

    result = run_command("import", "members", path, "--into", cdcs.code, "--json")

    assert result.code == 1
    assert [(e["row"], e["column"]) for e in result.json["errors"]] == [
        (2, "Ngày sinh")
    ]


def test_a_missing_birth_column_is_said_once_for_the_file(
    run_command, write_file, cdcs
):
    rows = [["Họ và tên", "Ngày vào công đoàn"]]
    rows += [[f"Nguyễn Văn {name}", "01/05/2015"] for name in ("An", "Bình", "Cường")]
    path = write_file("no-birth.xlsx", files.xlsx(rows))

    result = run_command("import", "members", path, "--into", cdcs.code, "--json")

    assert result.code == 1
    assert [(e["row"], e["column"]) for e in result.json["errors"]] == [
        (None, "Ngày sinh")
    ]
    assert "the 3 people" in result.json["errors"][0]["message"]
    assert not Member.objects.exists()


def test_a_file_for_an_upper_unit_without_a_cdcs_column_is_said_once(
    run_command, write_file, district, cdcs
):
    rows = [PLAIN, ["Nguyễn Văn An", "01/01/1990", "01/05/2015"]]
    rows.append(["Nguyễn Văn Bình", "01/01/1991", "01/05/2015"])
    path = write_file("upper.xlsx", files.xlsx(rows))

    result = run_command("import", "members", path, "--into", district.code, "--json")

    assert result.code == 1
    assert [(e["row"], e["column"]) for e in result.json["errors"]] == [
        (None, "Mã CĐCS")
    ]


def test_a_person_without_cccd_twice_in_one_file_is_flagged_not_made_twice(
    run_command, write_file, cdcs
):
    twice = ["Nguyễn Văn An", "01/01/1990", "01/05/2015"]
    path = write_file("twice.xlsx", files.xlsx([PLAIN, twice, twice]))

    result = run_command("import", "members", path, "--into", cdcs.code, "--json")

    assert result.code == 1
    assert [(e["row"], e["column"]) for e in result.json["errors"]] == [
        (3, "Họ và tên")
    ]
    assert "row 2" in result.json["errors"][0]["message"]
    assert not Member.objects.exists()


def test_the_error_report_starts_with_the_file_s_own_problems(
    run_command, write_file, tmp_path, district
):
    rows = [PLAIN, ["Nguyễn Văn An", "01/01/1990", "01/05/2015"]]
    path = write_file("upper.xlsx", files.xlsx(rows))
    report = tmp_path / "report.xlsx"

    run_command("import", "members", path, "--into", district.code, "--report", str(report))  # fmt: skip

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(report.read_bytes()))
    first = sheet.get_sheet_by_index(0).to_python()[1]
    assert first[-1].startswith("Mã CĐCS: The file goes into")


def test_a_cdcs_file_without_a_cdcs_column_still_imports(run_command, write_file, cdcs):
    rows = [PLAIN, ["Nguyễn Văn An", "01/01/1990", "01/05/2015"]]
    path = write_file("cdcs.xlsx", files.xlsx(rows))

    result = run_command("import", "members", path, "--into", cdcs.code)

    assert result.code == 0
    assert Member.objects.get().birth_date == date(1990, 1, 1)


def test_the_command_says_the_back_dated_joinings_and_may_start_them_today(
    run_command, write_file, cdcs
):
    from django.utils import timezone

    from members.models import Membership

    path = write_file("m.xlsx", files.xlsx([WELFARE, LAN]))

    checked = run_command("import", "members", path, "--into", cdcs.code, "--dry-run")
    run_command("import", "members", path, "--into", cdcs.code, "--start-today")

    assert "1 new members joined before today, the earliest on 01/05/2015" in (
        checked.output
    )
    membership = Membership.objects.select_related("member").get()
    assert membership.started_on == timezone.localdate()
    assert membership.member.joined_union_on.year == 2015
