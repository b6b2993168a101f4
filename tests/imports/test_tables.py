"""Real files, as people send them: read, understood and parsed without the database."""

from datetime import date

import pytest

from registry.spreadsheets.reading import UnusableFile
from registry.spreadsheets.tables import parse_file

from . import files
from .files import SIGNATURE_ROWS, TITLE_ROWS

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày vào công đoàn"]
ROW_1 = [1, "Nguyễn Thị Lan", "08/03/1990", "Nữ", "001190012345", "01/05/2015"]
ROW_2 = [2, "Trần Văn Bình", "12/11/1985", "Nam", "001085012346", "01/05/2016"]


def members(data, name="list.xlsx", **kwargs):
    return parse_file(data, name, "members", **kwargs)


def test_title_rows_above_the_header_are_skipped_and_rows_keep_excel_numbers():
    table = members(files.xlsx([*TITLE_ROWS, HEADER, ROW_1, ROW_2]))

    assert [row.number for row in table.rows] == [7, 8]
    assert table.rows[0].values["full_name"] == "Nguyễn Thị Lan"


def test_the_signature_block_after_the_data_is_not_read_as_members():
    table = members(files.xlsx([*TITLE_ROWS, HEADER, ROW_1, ROW_2, *SIGNATURE_ROWS]))

    assert [row.values["full_name"] for row in table.rows] == [
        "Nguyễn Thị Lan",
        "Trần Văn Bình",
    ]


def test_a_numbered_column_row_under_the_header_is_skipped():
    table = members(files.xlsx([HEADER, [1, 2, 3, 4, 5, 6], ROW_1]))

    assert len(table.rows) == 1


def test_header_wording_varies_in_case_spacing_diacritics_and_synonyms():
    header = [
        "TT",
        "HO  TEN",
        "ngày sinh",
        "GIỚI TÍNH",
        "Số định danh cá nhân",
        "Ngày kết nạp",
        "SĐT",
    ]
    table = members(files.xlsx([header, [*ROW_1, "0912345678"]]))

    assert set(table.header.mapping.values()) == {
        "row_number",
        "full_name",
        "birth_date",
        "gender",
        "cccd",
        "joined_on",
        "phone",
    }
    assert table.rows[0].values["phone"] == "0912345678"


def test_cccd_cmnd_header_is_understood():
    table = members(
        files.xlsx(
            [
                ["Họ tên", "CCCD/CMND", "Ngày kết nạp"],
                ["A B", "001190012345", "01/01/2020"],
            ]
        )
    )

    assert table.rows[0].values["cccd"] == "001190012345"


def test_two_row_merged_header_with_birth_date_under_nam_and_nu():
    rows = [
        ["STT", "Họ và tên", "Ngày, tháng, năm sinh", None, "Ngày kết nạp"],
        [None, None, "Nam", "Nữ", None],
        [1, "Trần Văn Bình", "12/11/1985", None, "01/05/2016"],
        [2, "Nguyễn Thị Lan", None, "08/03/1990", "01/05/2015"],
    ]
    table = members(files.xlsx(rows, merged=["A1:A2", "B1:B2", "C1:D1", "E1:E2"]))

    bình, lan = (row.values for row in table.rows)
    assert (bình["gender"], bình["birth_date"]) == ("M", date(1985, 11, 12))
    assert (lan["gender"], lan["birth_date"]) == ("F", date(1990, 3, 8))


def test_two_row_header_works_in_a_csv_without_merged_cells():
    rows = [
        ["STT", "Họ và tên", "Năm sinh", "", "Ngày kết nạp"],
        ["", "", "Nam", "Nữ", ""],
        ["1", "Trần Văn Bình", "1985", "", "01/05/2016"],
    ]
    table = members(files.csv_bytes(rows), "list.csv")

    assert table.rows[0].values["birth_year"] == 1985
    assert table.rows[0].values["gender"] == "M"


def test_numbers_that_lost_leading_zeros_get_them_back():
    rows = [
        ["Họ tên", "CCCD", "SĐT", "Ngày kết nạp"],
        ["An", 1190012345, 912345678, "01/01/2020"],
    ]
    values = members(files.xlsx(rows)).rows[0].values

    assert values["cccd"] == "001190012345"
    assert values["phone"] == "0912345678"


def test_excel_serial_dates_text_dates_and_a_bare_birth_year():
    rows = [
        ["Họ tên", "Năm sinh", "Ngày kết nạp"],
        ["An", "1985", 42125],
        ["Bình", "8-3-1990", "01/05/2015"],
    ]
    first, second = (row.values for row in members(files.xlsx(rows)).rows)

    assert (first["birth_year"], first["birth_date"], first["joined_on"]) == (
        1985,
        None,
        date(2015, 5, 1),
    )
    assert second["birth_date"] == date(1990, 3, 8)


def test_tcvn3_text_in_a_vntime_font_is_converted_and_noted():
    rows = [["Hä vµ tªn", "Ngµy kÕt n¹p"], ["NguyÔn V¨n Hïng", "01/01/2020"]]
    table = members(files.xlsx(rows, font=".VnTime"))

    assert table.rows[0].values["full_name"] == "Nguyễn Văn Hùng"
    assert table.encoding == "tcvn3"
    assert any("TCVN3" in note for note in table.notes)


def test_vni_text_in_an_old_xls_file_is_converted():
    rows = [["Hoï vaø teân", "Ngaøy keát naïp"], ["Nguyeãn Vaên Huøng", "01/01/2020"]]
    table = members(files.xls(rows, font="VNI-Times"), "old.xls")

    assert table.rows[0].values["full_name"] == "Nguyễn Văn Hùng"
    assert table.encoding == "vni"


def test_nfd_text_doubled_spaces_and_capitals_become_clean_nfc():
    rows = [
        ["Họ và tên", "Ngày kết nạp"],
        ["NGUYE\u0302\u0303N  VĂN   HÙNG", "01/01/2020"],
    ]
    table = members(files.csv_bytes(rows), "list.csv")

    assert table.rows[0].values["full_name"] == "Nguyễn Văn Hùng"
    assert any("NFD" in note for note in table.notes)


@pytest.mark.parametrize("bom", [True, False])
def test_csv_in_utf8_with_or_without_bom(bom):
    table = members(files.csv_bytes([HEADER, ROW_1], bom=bom), "list.csv")

    assert table.rows[0].values["full_name"] == "Nguyễn Thị Lan"


def test_a_semicolon_separated_csv_is_read():
    table = members(files.csv_bytes([HEADER, ROW_1], delimiter=";"), "list.csv")

    assert table.rows[0].values["cccd"] == "001190012345"


def test_the_sheet_holding_the_member_table_is_found_among_several():
    data = files.xlsx(
        [HEADER, ROW_1],
        sheet="Danh sách",
        extra_sheets={"Hướng dẫn": [["Điền vào sheet sau"]]},
    )

    table = members(data)

    assert table.sheet == "Danh sách"
    assert table.sheet_names == ["Hướng dẫn", "Danh sách"]


def test_the_user_may_pick_the_sheet():
    data = files.xlsx([HEADER, ROW_1], sheet="B", extra_sheets={"A": [HEADER, ROW_2]})

    assert members(data, sheet="A").rows[0].values["full_name"] == "Trần Văn Bình"


def test_formulas_give_their_cached_value():
    rows = [
        ["Họ và tên", "Ngày kết nạp", "Số thẻ đoàn viên"],
        ["An", "01/01/2020", ('="T-"&"001"', "T-001")],
    ]
    table = members(files.xlsx_with_formulas(rows))

    assert table.rows[0].values["card_number"] == "T-001"


def test_duplicates_inside_the_file_are_errors_naming_the_first_row():
    table = members(files.xlsx([HEADER, ROW_1, ROW_2, ROW_1]))

    assert [row.number for row in table.invalid_rows] == [4]
    assert "2" in table.invalid_rows[0].errors[0].message


def test_a_corrected_mapping_overrides_the_guess():
    rows = [["Họ và tên", "Ngày", "Ngày kết nạp"], ["An", "01/01/1990", "01/01/2020"]]

    table = members(files.xlsx(rows), overrides={"ngay": "birth_date"})

    assert table.rows[0].values["birth_date"] == date(1990, 1, 1)


def test_a_missing_required_column_is_reported():
    table = members(files.xlsx([["Họ và tên", "Ngày sinh"], ["An", "01/01/1990"]]))

    assert table.missing == ["Joined the union on"]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.4 not a sheet", "list.pdf"),
        (b"\x00\x01\x02binary", "list.bin"),
        (b"PK\x03\x04broken zip", "list.xlsx"),
        (b"", "empty.csv"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused_clearly(data, name):
    with pytest.raises(UnusableFile):
        members(data, name)


def test_a_password_protected_workbook_is_refused_with_a_hint():
    with pytest.raises(UnusableFile, match="password"):
        members(files.password_protected())


def test_a_zip_bomb_is_refused_before_unpacking():
    with pytest.raises(UnusableFile, match="unpacks"):
        members(files.zip_bomb())


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000

    with pytest.raises(UnusableFile, match="limit"):
        members(b"x" * 1001, "big.csv")


def test_a_sheet_without_a_header_is_refused():
    with pytest.raises(UnusableFile, match="header"):
        members(files.xlsx([["abc", "def"], [1, 2]]))
