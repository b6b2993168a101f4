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
    ("samples", "encoding"),
    [
        (["NguyÔn V¨n Hïng", "Hä vµ tªn", "Ngµy sinh"], TCVN3),
        (["Nguyeãn Vaên Huøng", "Tröôøng", "Ngaøy sinh"], VNI),
        (["Nguyễn Văn Hùng", "Hà Tĩnh"], UNICODE),
        (["Lê Võ", "Hà"], UNICODE),
        (["Nguyen Van A", "123"], UNICODE),
    ],
)
def test_encoding_is_detected_from_the_text_alone(samples, encoding):
    assert legacy.detect(samples) == encoding


def test_a_legacy_font_decides_when_the_text_is_ambiguous():
    assert legacy.detect(["Hµ"], fonts={".VnTime"}) == TCVN3
    assert legacy.detect(["Hoaø"], fonts={"VNI-Times"}) == VNI


def test_a_unicode_font_does_not_force_a_conversion():
    assert legacy.detect(["Hà Võ"], fonts={"Times New Roman"}) == UNICODE


def test_cells_beyond_latin_1_are_never_taken_for_legacy_text():
    assert not legacy.may_be_legacy("Nguyễn")
    assert legacy.may_be_legacy("NguyÔn")
