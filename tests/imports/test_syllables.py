import pytest

from registry.spreadsheets.syllables import SYLLABLES, is_syllable


@pytest.mark.parametrize(
    "word",
    "Nguyễn Văn Hùng Lê Thu Trang Quỳnh quốc giếng gì giữa yêu khuya Huỳnh nghiêng "
    "kiến Đặng Phương Kỳ Anh tháng năm người hoà hòa thuỷ thủy xoong KHOA".split(),
)
def test_vietnamese_syllables_are_recognised(word):
    assert is_syllable(word)


@pytest.mark.parametrize(
    "word",
    ["Hµ", "NguyÔn", "Huøng", "chớnh", "John", "ka", "ce", "ghu", "ngo\u0301\u0300",
     "cáp".replace("á", "à")],
)  # fmt: skip
def test_other_words_are_not(word):
    assert not is_syllable(word)


def test_a_stopped_syllable_takes_only_the_sac_or_nang_tone():
    assert is_syllable("học") and is_syllable("cấp")
    assert not is_syllable("hòc") and not is_syllable("cẩp")


def test_the_set_is_compact():
    assert 3000 < len(SYLLABLES) < 5000
