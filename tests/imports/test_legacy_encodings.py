import unicodedata

import pytest

from registry.spreadsheets import legacy_encodings as legacy
from registry.spreadsheets.legacy_encodings import TCVN3, UNICODE, VNI

# Every toned letter of the alphabet, in both legacy encodings (our own tables).
ALPHABET = "aáàảãạ ăắằẳẵặ âấầẩẫậ eéèẻẽẹ êếềểễệ iíìỉĩị oóòỏõọ ôốồổỗộ ơớờởỡợ uúùủũụ ưứừửữự yýỳỷỹỵ đ"
ALPHABET_TCVN3 = "a¸µ¶·¹ ¨¾»¼½Æ ©ÊÇÈÉË eÐÌÎÏÑ ªÕÒÓÔÖ iÝ×ØÜÞ oãßáâä «èåæçé ¬íêëìî uóïñòô ­øõö÷ù yýúûüþ ®"
ALPHABET_VNI = (
    "aaùaøaûaõaï aêaéaèaúaüaë aâaáaàaåaãaä eeùeøeûeõeï eâeáeàeåeãeä iíìæóò "
    "ooùoøoûoõoï oâoáoàoåoãoä ôôùôøôûôõôï uuùuøuûuõuï ööùöøöûöõöï yyùyøyûyõî ñ"
)


def test_tcvn3_table_covers_every_vietnamese_letter():
    assert legacy.to_unicode(ALPHABET_TCVN3, TCVN3) == ALPHABET


def test_vni_table_covers_every_vietnamese_letter():
    assert legacy.to_unicode(ALPHABET_VNI, VNI) == ALPHABET


def test_vni_capitals_convert_to_capitals():
    assert legacy.to_unicode("NGUYEÃN VAÊN ÑÖÙC", VNI) == "NGUYỄN VĂN ĐỨC"


def test_tcvn3_capital_letters_of_their_own_convert():
    assert legacy.to_unicode("§¡¢£¤¥¦", TCVN3) == "ĐĂÂÊÔƠƯ"


def test_conversion_gives_nfc():
    converted = legacy.to_unicode("NguyÔn V¨n Hïng", TCVN3)

    assert converted == "Nguyễn Văn Hùng"
    assert unicodedata.is_normalized("NFC", converted)


@pytest.mark.parametrize(
    ("typed", "encoding", "meant"),
    [
        ("NguyÔn V¨n Hïng", TCVN3, "Nguyễn Văn Hùng"),
        ("Nguyeãn Vaên Huøng", VNI, "Nguyễn Văn Hùng"),
        ("Hµ", TCVN3, "Hà"),
        ("Hoaø", VNI, "Hoà"),
    ],
)
def test_a_legacy_reading_of_legacy_text_reads_better_than_the_text_as_typed(
    typed, encoding, meant
):
    as_typed, *others = legacy.readings(typed)
    best = max(others, key=lambda reading: reading.score)

    assert (best.encoding, best.text) == (encoding, meant)
    assert best.is_vietnamese and not as_typed.is_vietnamese


@pytest.mark.parametrize("typed", ["Tô Lâm", "Lê Thu Trang", "Vò Thanh", "TÔ LÂM"])
def test_some_unicode_names_read_as_vietnamese_in_tcvn3_too(typed):
    as_typed, tcvn3, _vni = legacy.readings(typed)

    assert as_typed.is_vietnamese and tcvn3.is_vietnamese
    assert as_typed.score >= tcvn3.score


@pytest.mark.parametrize("typed", ["Phòng Hành chính – Nhân sự", "Hà Tĩnh", "José"])
def test_no_legacy_reading_beats_clean_unicode_text(typed):
    as_typed, *others = legacy.readings(typed)

    assert all(reading.score <= as_typed.score for reading in others)


def test_legacy_marks_are_characters_vietnamese_text_never_holds():
    assert legacy.has_legacy_marks("NguyÔn V¨n")
    assert legacy.has_legacy_marks("Huøng")
    assert not legacy.has_legacy_marks("Nguyễn Văn Hùng – “Tô Lâm” Hà Võ Thúy")


@pytest.mark.parametrize(
    ("font", "encoding"),
    [(".VnTime", TCVN3), (".VnArialH", TCVN3), ("VNI-Times", VNI), ("Arial", None)],
)
def test_fonts_name_their_encoding(font, encoding):
    assert legacy.encoding_of_font(font) == encoding


def test_cells_beyond_latin_1_are_never_taken_for_legacy_text():
    assert not legacy.may_be_legacy("Nguyễn")
    assert legacy.may_be_legacy("NguyÔn")
    assert UNICODE == "unicode"
