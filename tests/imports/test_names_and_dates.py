"""Names with a suffix, and dates given as a year, a month or year first."""

from datetime import date

import pytest

from members.models import Member
from registry.spreadsheets.tables import parse_file

from . import files

HEADER = ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Số CCCD", "Năm vào công đoàn"]


def row(n: int, name: str, joined) -> list:
    return [n, name, 1985, "Nữ", f"0011850000{n:02d}", joined]


def parsed(rows):
    return parse_file(files.xlsx([HEADER, *rows]), "list.xlsx", "members").rows


def test_a_year_under_the_year_of_joining_is_that_year_not_a_day_in_1905():
    [first] = parsed([row(1, "Lê Thị Hoa", 1992)])

    assert first.values["joined_on"] == date(1992, 1, 1)
    assert not first.errors
    [warning] = first.warnings
    assert warning.column == "Ngày vào công đoàn"
    assert "Only the year" in warning.message and "01/01/1992" in warning.message


def test_a_joining_month_written_yyyymm_is_that_month_not_a_date_in_2449():
    [first] = parsed([row(1, "Lê Thị Hoa", 200601)])

    assert first.values["joined_on"] == date(2006, 1, 1)
    assert "Only the month" in first.warnings[0].message


def test_a_year_first_date_with_slashes_is_read():
    [first] = parsed([row(1, "Lê Thị Hoa", "2006/03/12")])

    assert first.values["joined_on"] == date(2006, 3, 12)
    assert not first.warnings and not first.errors


@pytest.mark.parametrize(
    ("cell", "stored", "suffix"),
    [("Nguyễn Thu Dung (Toán)", "Nguyễn Thu Dung", "(Toán)"),
     ("Nguyễn Thị Hiền 81", "Nguyễn Thị Hiền", "81")],
)  # fmt: skip
def test_a_suffix_after_a_name_is_left_out_with_a_warning(cell, stored, suffix):
    [first] = parsed([row(1, cell, "01/01/2010")])

    assert first.values["full_name"] == stored
    [warning] = first.warnings
    assert warning.column == "Họ và tên" and suffix in warning.message


@pytest.mark.django_db
def test_a_suffixed_name_gets_its_real_given_name(run_command, write_file, cdcs):
    path = write_file("a.xlsx", files.xlsx([HEADER, row(1, "Nguyễn Thu Dung (Toán)",
                                                         "01/01/2010")]))  # fmt: skip

    run_command("import", "members", path, "--into", cdcs.code)

    member = Member.objects.get()
    assert (member.full_name, member.given_name) == ("Nguyễn Thu Dung", "Dung")


@pytest.mark.django_db
def test_importing_names_in_any_case_twice_changes_nothing_the_second_time(
    run_command, write_file, cdcs
):
    rows = [row(1, "Nguyễn thị Lan", "01/01/2010"), row(2, "NGUYỄN THU DUNG (Toán)",
            "01/01/2010"), row(3, "trần văn bình", 2005)]  # fmt: skip
    path = write_file("a.xlsx", files.xlsx([HEADER, *rows]))
    run_command("import", "members", path, "--into", cdcs.code)
    history = Member.history.count()

    result = run_command("import", "members", path, "--into", cdcs.code, "--json")

    assert (result.json["updated"], result.json["unchanged"]) == (0, 3)
    assert Member.history.count() == history
    assert sorted(Member.objects.values_list("full_name", flat=True)) == [
        "Nguyễn Thu Dung", "Nguyễn Thị Lan", "Trần Văn Bình",
    ]  # fmt: skip
