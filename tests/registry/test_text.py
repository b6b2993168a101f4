import pytest

from registry.text import clean, fold


@pytest.mark.parametrize(
    "typed",
    [
        "Nguyễn  Thị Lan",
        " Nguyễn Thị Lan ",
        "Nguyễn\tThị\nLan",
        "Nguyễn\xa0Thị\u2003Lan",  # a non-breaking space and an em space from Word
        "Nguye\u0302\u0303n Thị \r\n Lan",  # decomposed (NFD)
    ],
)
def test_cleaning_gives_nfc_with_single_spaces_whatever_the_spacing(typed):
    assert clean(typed) == "Nguyễn Thị Lan"


def test_cleaning_nothing_gives_empty_text():
    assert clean(None) == clean("") == clean(" \t ") == ""


def test_the_folded_key_has_single_spaces_too():
    assert fold("  ĐẶNG\xa0Thị  Ánh ") == "dang thi anh"
