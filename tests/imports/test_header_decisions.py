"""Which column means what: the exact, leftmost, unqualified match wins, and whenever
the engine was not sure it says so, naming the columns and what it decided."""

import pytest

from members import text as member_text
from registry.spreadsheets.tables import parse_file

from . import files

NAME, BORN, CCCD, JOINED = "Họ và tên", "Ngày sinh", "Số CCCD", "Ngày vào công đoàn"
LAN = ["Nguyễn Thị Lan", "08/03/1990", "001190012345", "01/05/2015"]
BINH = ["Trần Văn Bình", "12/11/1985", "001085012346", "01/05/2016"]


def members(rows, **kwargs):
    return parse_file(files.xlsx(rows), "list.xlsx", "members", **kwargs)


def column_of(table, key):
    return [c["label"] for c in table.columns() if c["key"] == key]


def file_warnings(table):
    return [p for p in table.warnings if p.row is None]


@pytest.mark.parametrize(
    "gender_header",
    ["Giới tính (Nam/Nữ)", "Giới tính Nam/Nữ", "Giới tính\n(Nam hoặc nữ)", "Nam/Nữ"],
)
def test_a_gender_header_with_a_hint_is_the_gender_column(gender_header):
    header = [NAME, BORN, gender_header, CCCD, JOINED]
    lan = [*LAN[:2], "Nữ", *LAN[2:]]
    binh = [*BINH[:2], "Nam", *BINH[2:]]

    table = members([header, lan, binh])

    assert column_of(table, "gender") == [" ".join(gender_header.split())]
    assert [row.values["gender"] for row in table.rows] == ["F", "M"]


def test_a_cell_that_says_nu_in_the_male_tick_column_never_becomes_male():
    upper = [NAME, BORN, "Giới tính", None, CCCD, JOINED]
    lower = [None, None, "Nam", "Nữ", None, None]
    lan = [*LAN[:2], "Nữ", None, *LAN[2:]]  # written in the "Nam" column
    binh = [*BINH[:2], "x", None, *BINH[2:]]

    table = members([upper, lower, lan, binh])

    assert table.rows[0].values["gender"] != "M"
    assert table.rows[0].errors[0].column == "Giới tính Nam"
    assert table.rows[1].values["gender"] == "M"
    warning = file_warnings(table)[0]
    assert warning.column == "Giới tính Nam"
    assert "Nữ" in warning.message


def test_the_member_s_name_is_taken_not_a_relative_s_next_to_quan_he():
    header = ["STT", "HỌ VÀ TÊN", "Năm sinh", "Đơn vị", "HỌ TÊN", "Quan hệ", JOINED]
    row = [1, "Nguyễn Thị Lan", 1990, "Tổ 1", "Trần Văn Nam", "Chồng", "01/05/2015"]

    table = members([header, row])

    assert column_of(table, "full_name") == ["HỌ VÀ TÊN"]
    assert table.rows[0].values["full_name"] == "Nguyễn Thị Lan"
    warning = next(w for w in file_warnings(table) if "HỌ TÊN" in w.message)
    assert "HỌ VÀ TÊN" in warning.message


def test_of_bilingual_name_columns_the_vietnamese_one_is_taken_with_a_warning():
    header = ["Họ tên(Hoa)", "Họ tên(Việt)", BORN, CCCD, JOINED]
    row = ["陳大文", "Trần Đại Văn", "12/11/1985", "001085012346", "01/05/2016"]

    table = members([header, row])

    assert column_of(table, "full_name") == ["Họ tên(Việt)"]
    assert table.rows[0].values["full_name"] == "Trần Đại Văn"
    assert any("Họ tên(Việt)" in w.message for w in file_warnings(table))


@pytest.mark.parametrize(
    "header", ["Số thẻ BHYT", "Mã thẻ BHYT", "Số thẻ bảo hiểm", "Số thẻ đoàn"]
)
def test_insurance_and_youth_union_cards_never_fill_the_union_card(header):
    table = members([[NAME, BORN, CCCD, JOINED, header], [*LAN, "HS4010123456789"]])

    assert column_of(table, "card_number") == []
    assert table.rows[0].values["card_number"] == ""


def test_a_union_position_is_not_the_job():
    header = [NAME, BORN, CCCD, JOINED, "Chức vụ công đoàn"]

    table = members([header, [*LAN, "Tổ trưởng công đoàn"]])

    assert column_of(table, "job") == []
    assert table.rows[0].values["job"] == ""


def test_the_year_column_is_not_a_male_tick_column():
    table = members([[NAME, "Năm", CCCD, JOINED], [LAN[0], 1990, *LAN[2:]]])

    assert column_of(table, "male_mark") == []


def test_a_name_in_chinese_characters_is_a_clear_error_not_a_crash():
    table = members([[NAME, BORN, CCCD, JOINED], ["陳大文", *LAN[1:]]])

    assert table.rows[0].errors[0].column == NAME
    assert "陳大文" in table.rows[0].errors[0].message
    assert any(w.column == NAME for w in file_warnings(table))


def test_the_sort_key_of_a_name_in_chinese_characters_sorts_after_vietnamese_names():
    assert member_text.sort_key("陳", "大", "文") > member_text.sort_key("", "", "Yến")


def test_each_column_records_how_sure_the_match_is():
    header = ["Họ và tên", "Ngày tháng năm sinh", "Số CCCD của đoàn viên", JOINED]

    table = members([header, LAN])

    confidence = {c["label"]: c["confidence"] for c in table.columns()}
    assert confidence == {
        "Họ và tên": "exact",
        "Ngày tháng năm sinh": "synonym",
        "Số CCCD của đoàn viên": "partial",
        JOINED: "exact",
    }


def test_a_partial_match_is_a_warning_naming_the_column():
    header = [NAME, BORN, "Số CCCD của đoàn viên", JOINED]

    table = members([header, LAN])

    assert [w.column for w in file_warnings(table)] == ["Số CCCD của đoàn viên"]


def test_a_plain_file_gets_no_column_warnings():
    table = members(
        [[NAME, BORN, "Giới tính", CCCD, JOINED], [*LAN[:2], "Nữ", *LAN[2:]]]
    )

    assert file_warnings(table) == []


def test_a_column_the_user_chose_is_not_warned_about_again():
    header = ["STT", "HỌ VÀ TÊN", "Năm sinh", "HỌ TÊN", "Quan hệ", JOINED]
    row = [1, "Nguyễn Thị Lan", 1990, "Trần Văn Nam", "Chồng", "01/05/2015"]

    table = members([header, row], overrides={"ho va ten": "full_name"})

    assert not any("HỌ TÊN" in w.message for w in file_warnings(table))
