"""Rows that are not people, recognised by what they are wherever they stand."""

import pytest

from registry.spreadsheets.tables import parse_file

from . import files
from .files import TITLE_ROWS

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày vào công đoàn"]
WIDTH = len(HEADER)


def person(n: int) -> list:
    return [n, f"Nguyễn Văn Người {n}", "08/03/1990", "Nam", f"0010900{n:05d}",
            "01/05/2015"]  # fmt: skip


def people(first: int, count: int) -> list[list]:
    return [person(n) for n in range(first, first + count)]


def members(rows, merged=(), name="list.xlsx"):
    data = (
        files.xlsx(rows, merged=merged) if name.endswith(".xlsx") else files.xls(rows)
    )
    return parse_file(data, name, "members")


def names(table) -> list[str]:
    return [row.values["full_name"] for row in table.rows]


# Before the table: 5 title rows and the header; ``padding`` people push the layout
# past row 40, where the engine once read merged cells differently.
@pytest.mark.parametrize("padding", [0, 45])
def test_a_department_heading_merged_across_the_table_is_not_a_member(padding):
    start = len(TITLE_ROWS) + 2 + padding  # the heading's Excel row
    rows = [*TITLE_ROWS, HEADER, *people(1, padding), ["Phòng Kế toán"],
            *people(100, 2), ["II", "PHÂN XƯỞNG MAY"], *people(200, 1)]  # fmt: skip

    table = members(rows, merged=[f"A{start}:F{start}"])

    assert len(table.rows) == padding + 3
    assert not table.errors
    assert "Phòng Kế Toán" not in names(table)
    assert any("Phòng Kế toán" in note and str(start) in note for note in table.notes)
    assert any("PHÂN XƯỞNG MAY" in note for note in table.notes)


@pytest.mark.parametrize("padding", [0, 45])
def test_totals_and_the_signature_block_are_not_members(padding):
    end = len(TITLE_ROWS) + 2 + padding + 2  # the first row after the people
    rows = [
        *TITLE_ROWS, HEADER, *people(1, padding + 2),
        ["TỔNG CỘNG", None, 25, 30, None, None],
        ["Bằng chữ: Năm mươi lăm người"],
        [None, None, None, None, None, "Kỳ Anh, ngày 15 tháng 03 năm 2024"],
        [None, "Người lập biểu", None, None, "Chủ tịch CĐCS"],
        [None, "(Ký, ghi rõ họ tên)", None, None, "(Ký, ghi rõ họ tên)"],
        [],
        [None, "Trần Thị Bình", None, None, "Lê Văn Cường"],
    ]  # fmt: skip
    merged = [f"A{end}:B{end}", f"A{end + 1}:F{end + 1}", f"F{end + 2}:F{end + 2}"]

    table = members(rows, merged=merged)

    assert len(table.rows) == padding + 2
    assert not table.errors
    assert not {"Chủ Tịch Cđcs", "Trần Thị Bình", "Lê Văn Cường"} & set(names(table))
    assert any("TỔNG CỘNG" in note for note in table.notes)
    assert any(f"{end + 2}, {end + 3}" in note for note in table.notes)


def test_a_place_and_date_line_under_the_join_date_column_is_not_an_error():
    line = [None, None, "Hà Tĩnh, ngày 10 tháng 3 năm 2024", None, None, None]
    rows = [HEADER, *people(1, 2), line]

    table = members(rows, merged=["C4:F4"])

    assert len(table.rows) == 2 and not table.errors


def test_a_member_with_a_job_title_like_a_signature_is_a_member():
    header = [*HEADER, "Chức vụ"]
    rows = [header, [*person(1), "Chủ tịch CĐCS"], [*person(2), "Kế toán"]]

    table = members(rows)

    assert [row.values["job"] for row in table.rows] == ["Chủ tịch CĐCS", "Kế toán"]


def test_people_after_a_subtotal_are_still_read():
    rows = [HEADER, *people(1, 2), [None, "Cộng", "2 người", None, None, None],
            *people(3, 2), ["Tổng số", None, None, None, None, None]]  # fmt: skip

    table = members(rows)

    assert len(table.rows) == 4 and not table.errors


def test_a_header_repeated_on_a_later_page_is_skipped():
    rows = [HEADER, *people(1, 2), HEADER, *people(3, 1)]

    table = members(rows)

    assert len(table.rows) == 3 and not table.errors


def test_a_person_without_evidence_is_still_a_row_with_errors():
    rows = [HEADER, *people(1, 1), [2, "Nguyễn Văn Hai"]]

    table = members(rows)

    assert names(table)[-1] == "Nguyễn Văn Hai"
    assert table.rows[-1].errors


def test_merged_cells_are_not_copied_into_data_rows():
    rows = [HEADER, person(1), [2, "Lê Thị Hoa", "01/01/1991", "Nữ", "001191000002",
                                "01/05/2015"], [3, "Lê Thị Mai", "02/02/1992", "Nữ",
                                                "001192000003", None]]  # fmt: skip

    table = members(rows, merged=["F3:F4"])

    assert table.rows[2].values["joined_on"] is None


def test_the_same_rows_in_an_old_xls_file():
    rows = [
        HEADER,
        *people(1, 2),
        ["TỔNG CỘNG", None, 2, None, None, None],
        [None, "Người lập biểu", None, None, "CHỦ TỊCH"],
        [None, "Trần Thị Bình"],
    ]

    table = members(rows, name="list.xls")

    assert len(table.rows) == 2 and not table.errors
