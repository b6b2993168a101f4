"""Legacy text decided cell by cell: a TCVN3 list with cells retyped in Unicode."""

import io

import openpyxl
import pytest
from openpyxl.styles import Font

from registry.spreadsheets import decoding
from registry.spreadsheets.reading import Sheet
from registry.spreadsheets.tables import parse_file

from . import files, messy

HEADER = ["Hä vµ tªn", "Ngµy kÕt n¹p"]


def xlsx_with_fonts(rows_and_fonts) -> bytes:
    """An .xlsx whose rows are given as (font, cells)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for r, (font, cells) in enumerate(rows_and_fonts, start=1):
        for c, value in enumerate(cells, start=1):
            sheet.cell(r, c, value).font = Font(name=font)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def names(table):
    return [row.values["full_name"] for row in table.rows]


def test_cells_retyped_in_unicode_in_a_tcvn3_sheet_keep_their_text():
    data = xlsx_with_fonts(
        [
            (".VnTime", HEADER),
            (".VnTime", ["NguyÔn V¨n Hïng", "01/01/2020"]),
            ("Times New Roman", ["Tô Lâm", "01/01/2020"]),
            ("Times New Roman", ["Lê Thu Trang", "01/01/2020"]),
        ]
    )

    table = parse_file(data, "list.xlsx", "members")

    assert names(table) == ["Nguyễn Văn Hùng", "Tô Lâm", "Lê Thu Trang"]
    assert table.encoding == "tcvn3"
    assert not table.warnings


def test_one_cell_in_a_vntime_font_does_not_convert_a_unicode_sheet():
    data = xlsx_with_fonts(
        [
            (".VnTime", ["DANH SÁCH ĐOÀN VIÊN"]),
            ("Arial", ["Họ và tên", "Ngày kết nạp"]),
            ("Arial", ["Tô Lâm", "01/01/2020"]),
            ("Arial", ["Lê Thu Trang", "01/01/2020"]),
        ]
    )

    table = parse_file(data, "list.xlsx", "members")

    assert names(table) == ["Tô Lâm", "Lê Thu Trang"]
    assert table.encoding == "unicode"


def test_a_cell_valid_both_ways_in_a_legacy_font_is_converted_with_a_warning():
    data = xlsx_with_fonts(
        [
            (".VnTime", HEADER),
            (".VnTime", ["NguyÔn V¨n Hïng", "01/01/2020"]),
            (".VnTime", ["Vò Thanh", "01/01/2020"]),
        ]
    )

    table = parse_file(data, "list.xlsx", "members")

    assert names(table) == ["Nguyễn Văn Hùng", "Vũ Thanh"]
    [warning] = table.warnings
    assert (warning.row, warning.column) == (3, "Họ và tên")
    assert "Vò Thanh" in warning.message and ".VnTime" in warning.message


def test_without_fonts_a_cell_valid_both_ways_is_kept_with_a_warning():
    rows = [HEADER, ["NguyÔn V¨n Hïng", "01/01/2020"], ["Tô Lâm", "01/01/2020"]]

    table = parse_file(files.csv_bytes(rows), "list.csv", "members")

    assert names(table) == ["Nguyễn Văn Hùng", "Tô Lâm"]
    [warning] = table.warnings
    assert (warning.row, warning.column) == (3, "Họ và tên")
    assert "Tụ Lõm" in warning.message
    assert any("Họ và tên" in note and "both" in note for note in table.notes)


def test_a_header_valid_both_ways_over_numbers_follows_its_row():
    # "Sè CCCD" is "Số CCCD" in TCVN3, and also valid Vietnamese as typed.
    rows = [["Hä vµ tªn", "Sè CCCD (12 sè)", "Ngµy kÕt n¹p"],
            ["NguyÔn V¨n Hïng", "001090012345", "01/01/2020"]]  # fmt: skip

    table = parse_file(files.csv_bytes(rows), "list.csv", "members")

    assert table.rows[0].values["cccd"] == "001090012345"
    assert table.header.labels[1] == "Số CCCD (12 số)"


def test_the_user_may_choose_the_encoding_of_a_column():
    rows = [HEADER, ["NguyÔn V¨n Hïng", "01/01/2020"], ["Tô Lâm", "01/01/2020"]]

    table = parse_file(
        files.csv_bytes(rows), "list.csv", "members",
        overrides={"encoding:ho va ten": "tcvn3"},
    )  # fmt: skip

    assert names(table) == ["Nguyễn Văn Hùng", "Tụ Lõm"]
    assert not table.warnings


def test_choosing_unicode_undoes_the_conversion_of_a_column():
    rows = [HEADER, ["NguyÔn V¨n Hïng", "01/01/2020"]]

    table = parse_file(
        files.csv_bytes(rows), "list.csv", "members",
        overrides={"encoding:ho va ten": "unicode"},
    )  # fmt: skip

    assert table.rows[0].raw[0] == "NguyÔn V¨n Hïng"


def test_tcvn3_and_vni_cells_in_one_sheet_are_each_converted():
    sheet = Sheet("S", [["NguyÔn V¨n Hïng"], ["Nguyeãn Vaên Huøng"], ["Hà Tĩnh"]])

    decoded = decoding.decode(sheet)

    assert [row[0] for row in sheet.rows] == ["Nguyễn Văn Hùng"] * 2 + ["Hà Tĩnh"]
    assert sorted(enc for _typed, enc in decoded.converted.values()) == ["tcvn3", "vni"]


def test_a_sheet_without_legacy_evidence_is_left_alone():
    sheet = Sheet("S", [["Tô Lâm", "Lê Thu Trang", "Vò Thanh"]])

    decoded = decoding.decode(sheet)

    assert sheet.rows == [["Tô Lâm", "Lê Thu Trang", "Vò Thanh"]]
    assert not decoded.converted and not decoded.doubts


def test_a_foreign_name_with_latin_letters_is_not_converted():
    sheet = Sheet("S", [["NguyÔn V¨n Hïng"], ["José Müller"]])

    decoding.decode(sheet)

    assert sheet.rows[1] == ["José Müller"]


@pytest.mark.django_db
def test_the_command_line_takes_the_encoding_of_a_column(run_command, write_file, cdcs):
    from members.models import Member

    rows = [
        ["Họ và tên", "Năm sinh", "Số CCCD", "Ngày kết nạp"],
        ["NguyÔn V¨n Hïng", "1990", "001090012345", "01/01/2020"],
        ["Tô Lâm", "1990", "001090012346", "01/01/2020"],
    ]
    path = write_file("list.csv", files.csv_bytes(rows))

    result = run_command(
        "import", "members", path, "--into", cdcs.code, "--json",
        "--encoding", "Họ và tên=TCVN3",
    )  # fmt: skip

    assert result.code == 0 and not result.json["warnings"]
    assert Member.objects.get(cccd="001090012346").full_name == "Tụ Lõm"


def test_a_malformed_encoding_choice_exits_2(run_command, write_file):
    path = write_file("list.csv", files.csv_bytes([HEADER]))

    result = run_command("import", "members", path, "--encoding", "Họ và tên=latin")

    assert result.code == 2


def test_a_windows_1258_csv_keeps_the_two_row_nam_nu_header():
    # Windows-1258 writes "Nữ" as "Nư" and a combining tilde.
    text = (
        'STT,Họ và tên,"Ngày, tháng, năm sinh",,Ngày vào công đoàn\r\n'
        ",,Nam,Nư\u0303,\r\n"
        "1,Lê Thị Hoa,,08/03/1990,01/05/2015\r\n"
    )

    table = parse_file(messy.to_cp1258(text), "list.csv", "members")

    assert (table.rows[0].values["gender"], table.rows[0].values["full_name"]) == (
        "F",
        "Lê Thị Hoa",
    )
