from datetime import date, datetime

import pytest

from registry.spreadsheets import values
from registry.spreadsheets.values import BadValue
from registry.writing import neutralise


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("08/03/1990", date(1990, 3, 8)),
        ("8-3-1990", date(1990, 3, 8)),
        ("08.03.1990", date(1990, 3, 8)),
        ("1990-03-08", date(1990, 3, 8)),
        (32940.0, date(1990, 3, 8)),  # an Excel serial date
        (datetime(1990, 3, 8), date(1990, 3, 8)),
        (date(1990, 3, 8), date(1990, 3, 8)),
        ("", None),
        (None, None),
    ],
)
def test_dates_are_read_in_every_usual_shape(cell, expected):
    assert values.parse_date(cell) == expected


def test_a_birth_year_alone_is_a_year():
    assert values.parse_date("1985", allow_year=True) == 1985
    assert values.parse_date(1985.0, allow_year=True) == 1985


def test_a_month_that_does_not_exist_is_refused():
    with pytest.raises(BadValue):
        values.parse_date("31/02/1990")


def test_text_that_is_no_date_is_refused():
    with pytest.raises(BadValue):
        values.parse_date("tháng ba")


def test_a_cccd_that_lost_its_leading_zeros_gets_them_back():
    assert values.id_number(1090012345.0) == ("001090012345", "")


def test_an_old_nine_digit_id_card_is_kept_apart():
    assert values.id_number("012345678") == ("", "012345678")


def test_an_id_number_of_the_wrong_length_is_refused():
    with pytest.raises(BadValue):
        values.id_number("12345")


def test_digits_restore_the_zeros_of_a_numeric_tax_code():
    assert values.digits(100109106.0, length=10, label="MST") == "0100109106"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("Nam", "M"), ("NỮ", "F"), ("nu", "F"), ("M", "M"), ("", "")],
)
def test_gender_is_read_leniently(cell, expected):
    assert values.gender(cell) == expected


def test_names_in_capitals_become_title_case():
    assert values.name("NGUYỄN  VĂN   AN") == "Nguyễn Văn An"


def test_nfd_text_becomes_nfc():
    decomposed = "Nguye\u0302\u0303n"

    assert values.text(decomposed) == "Nguyễn"


def test_formula_looking_text_is_neutralised_and_read_back():
    neutral = neutralise("=HYPERLINK(1)")

    assert neutral == "'=HYPERLINK(1)"
    assert values.text(neutral) == "=HYPERLINK(1)"


@pytest.mark.parametrize("cell", ["x", "X", "có", "1", True])
def test_ticks_mean_yes(cell):
    assert values.yes_no(cell) is True


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1990/03/12", date(1990, 3, 12)),
        ("1990.03.12", date(1990, 3, 12)),
        ("1990-03-12 00:00:00", date(1990, 3, 12)),
        ("19900312", date(1990, 3, 12)),
        (19900312, date(1990, 3, 12)),
        ("12031990", date(1990, 3, 12)),
    ],
)
def test_year_first_and_digit_only_dates_are_read(cell, expected):
    assert values.parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (1992, (date(1992, 1, 1), values.YEAR)),
        (1992.0, (date(1992, 1, 1), values.YEAR)),
        ("1992", (date(1992, 1, 1), values.YEAR)),
        (200601, (date(2006, 1, 1), values.MONTH)),
        ("200601", (date(2006, 1, 1), values.MONTH)),
        ("03/2006", (date(2006, 3, 1), values.MONTH)),
        ("2006-03", (date(2006, 3, 1), values.MONTH)),
        (42125, (date(2015, 5, 1), "")),
    ],
)
def test_a_year_or_a_month_alone_is_its_first_day_and_says_so(cell, expected):
    assert values.date_or_part(cell) == expected


@pytest.mark.parametrize("cell", [1992, 1992.0, 200601])
def test_a_year_or_month_alone_is_refused_where_a_whole_date_is_needed(cell):
    with pytest.raises(BadValue, match="Only a"):
        values.parse_date(cell)


@pytest.mark.parametrize("cell", [2958465, 99999999, "99999999", 12.5])
def test_numbers_that_are_no_date_of_1900_to_2100_are_refused(cell):
    with pytest.raises(BadValue):
        values.parse_date(cell)


@pytest.mark.parametrize(
    ("cell", "name", "suffix"),
    [
        ("Nguyễn Thu Dung (Toán)", "Nguyễn Thu Dung", "(Toán)"),
        ("Nguyễn Thị Hiền 81", "Nguyễn Thị Hiền", "81"),
        ("Lê Văn An - 2 (tổ 3)", "Lê Văn An", "- 2 (tổ 3)"),
        ("Trần Văn Bình", "Trần Văn Bình", ""),
        ("H'Hen Niê", "H'Hen Niê", ""),
    ],
)
def test_what_follows_a_name_is_told_apart_from_it(cell, name, suffix):
    assert values.name_and_suffix(cell) == (name, suffix)


def test_a_name_is_stored_in_title_case_however_it_was_written():
    assert values.name("nguyễn thị lan") == "Nguyễn Thị Lan"
    assert values.name("Nguyễn thị Lan") == "Nguyễn Thị Lan"
