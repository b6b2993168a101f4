"""Text typed in the pre-Unicode Vietnamese encodings TCVN3 (ABC) and VNI-Windows.

Old spreadsheets store such text as the Windows-1252 characters of the font's bytes:
"NguyÔn V¨n" in a .VnTime cell is Nguyễn Văn (TCVN3), "Nguyeãn Vaên" in a VNI-Times
cell is the same name in VNI (docs/domain.md, "Legacy encodings"). The tables below are
our own, written from the published code charts; tests pin every letter of the
alphabet. ``readings`` scores a cell's text as typed and in each legacy reading by how
Vietnamese it is (syllables.py); decoding.py decides, cell by cell, which one to keep.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .syllables import is_syllable

TCVN3 = "tcvn3"
VNI = "vni"
UNICODE = "unicode"

# TCVN3 (TCVN 5712:1993, VN3): one byte per letter; lower case only, except the seven
# capitals below. Upper-case accented letters came from the ".VnTimeH" style fonts,
# which draw the lower-case bytes as capitals.
_TCVN3_LOWER = {
    "a": "¸µ¶·¹",  # á à ả ã ạ  (each string: sắc, huyền, hỏi, ngã, nặng)
    "ă": "¾»¼½Æ",
    "â": "ÊÇÈÉË",
    "e": "ÐÌÎÏÑ",
    "ê": "ÕÒÓÔÖ",
    "i": "Ý×ØÜÞ",
    "o": "ãßáâä",
    "ô": "èåæçé",
    "ơ": "íêëìî",
    "u": "óïñòô",
    "ư": "øõö÷ù",
    "y": "ýúûüþ",
}
_TCVN3_PLAIN = {"ă": "¨", "â": "©", "ê": "ª", "ô": "«", "ơ": "¬", "ư": "­", "đ": "®"}
_TCVN3_CAPITALS = {"Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§"}

# Combining marks in the order the tables above list the tones.
_TONES = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")


def _with_tone(letter: str, tone: int) -> str:
    return unicodedata.normalize("NFC", letter + _TONES[tone])


def _tcvn3_table() -> dict[str, str]:
    table = {}
    for base, codes in _TCVN3_LOWER.items():
        for tone, code in enumerate(codes):
            table[code] = _with_tone(base, tone)
    for letter, code in {**_TCVN3_PLAIN, **_TCVN3_CAPITALS}.items():
        table[code] = letter
    return table


# VNI-Windows: a base letter followed by a mark byte, except for a few letters with a
# byte of their own. Lower-case marks; the capital marks are the upper-case characters.
_VNI_TONE_MARKS = "ùøûõï"  # sắc, huyền, hỏi, ngã, nặng
_VNI_BREVE_TONES = "éèúüë"  # ắ ằ ẳ ẵ ặ
_VNI_CIRCUMFLEX_TONES = "áàåãä"  # ấ ầ ẩ ẫ ậ
_VNI_SINGLE = {"ơ": "ô", "ư": "ö", "đ": "ñ", "í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó"}
_VNI_SINGLE.update({"ị": "ò", "ỵ": "î"})


def _vni_pairs() -> dict[str, str]:
    pairs: dict[str, str] = {}
    for base in "aeouy":
        for tone, mark in enumerate(_VNI_TONE_MARKS):
            pairs[base + mark] = _with_tone(base, tone)
    for base, circumflex in (("a", "â"), ("e", "ê"), ("o", "ô")):
        pairs[base + "â"] = circumflex
        for tone, mark in enumerate(_VNI_CIRCUMFLEX_TONES):
            pairs[base + mark] = _with_tone(circumflex, tone)
    pairs["aê"] = "ă"
    for tone, mark in enumerate(_VNI_BREVE_TONES):
        pairs["a" + mark] = _with_tone("ă", tone)
    for base, letter in (("ô", "ơ"), ("ö", "ư")):
        for tone, mark in enumerate(_VNI_TONE_MARKS):
            pairs[base + mark] = _with_tone(letter, tone)
    for letter, code in _VNI_SINGLE.items():
        pairs[code] = letter
    # Capitals: the same sequences in upper case.
    pairs.update({code.upper(): letter.upper() for code, letter in list(pairs.items())})
    return pairs


_TCVN3_TRANSLATION = str.maketrans(_tcvn3_table())
_VNI_PAIRS = _vni_pairs()
_VNI_PAIR_PATTERN = re.compile(
    "|".join(re.escape(code) for code in _VNI_PAIRS if len(code) == 2)
)
_VNI_PATTERN = re.compile(
    "|".join(re.escape(code) for code in sorted(_VNI_PAIRS, key=len, reverse=True))
)

# Every character a clean Vietnamese cell may hold; anything else in the Latin-1 range
# ("¸", "µ", "ø", "ï" …) is a sign of a legacy encoding.
_VIETNAMESE_LETTERS = set(
    unicodedata.normalize(
        "NFC",
        "".join(
            _with_tone(base, tone)
            for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
            for tone in range(5)
        ),
    )
) | set("ăâêôơưđĂÂÊÔƠƯĐ")
_LEGACY_FONTS = {TCVN3: re.compile(r"^\.vn", re.I), VNI: re.compile(r"^vni[-_ ]", re.I)}


def to_unicode(text: str, encoding: str) -> str:
    """``text`` read as ``encoding`` (TCVN3 or VNI), in NFC."""
    if encoding == TCVN3:
        converted = text.translate(_TCVN3_TRANSLATION)
    elif encoding == VNI:
        converted = _VNI_PATTERN.sub(lambda match: _VNI_PAIRS[match.group()], text)
    else:
        converted = text
    return unicodedata.normalize("NFC", converted)


_CP1252_EXTRAS = bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore")
# A character no legacy font could have produced: beyond Latin-1 and Windows-1252.
_BEYOND_LEGACY = re.compile("[^\x00-\xff" + re.escape(_CP1252_EXTRAS) + "]")


def may_be_legacy(text: str) -> bool:
    """Whether ``text`` could be legacy-encoded: 8-bit characters only, some non-ASCII."""
    return not text.isascii() and _BEYOND_LEGACY.search(text) is None


def _legacy_marks() -> frozenset[str]:
    codes = "".join(_tcvn3_table()) + "".join(_VNI_PAIRS)
    return frozenset(codes) - _VIETNAMESE_LETTERS - set(map(chr, range(128)))


# Characters a legacy reading gives a meaning to and clean Vietnamese text never holds
# ("¸", "µ", "ª", "ø", "ï" …): the evidence that a sheet holds legacy text at all.
LEGACY_MARKS = _legacy_marks()
_MARKS = re.compile("[" + re.escape("".join(sorted(LEGACY_MARKS))) + "]")
_WORD = re.compile(r"[^\W\d_]+")


def has_legacy_marks(text: str) -> bool:
    return _MARKS.search(text) is not None


def encoding_of_font(font_name: str) -> str | None:
    """TCVN3 for ".VnTime", ".VnArialH" …; VNI for "VNI-Times" …; None otherwise."""
    for encoding, pattern in _LEGACY_FONTS.items():
        if pattern.match(font_name.strip()):
            return encoding
    return None


@dataclass(frozen=True, slots=True)
class Reading:
    """A cell's text read in one encoding, and how Vietnamese it reads."""

    encoding: str
    text: str
    syllables: int  # words that are Vietnamese syllables
    score: int  # +1 a syllable, -1 another word, -2 a character no Vietnamese text has
    is_vietnamese: bool  # every accented word a syllable, no stray characters


def _reading(encoding: str, text: str) -> Reading:
    words = _WORD.findall(text)
    syllables = sum(map(is_syllable, words))
    accented_words_ok = all(word.isascii() or is_syllable(word) for word in words)
    marks = len(_MARKS.findall(text))
    score = 2 * syllables - len(words) - 2 * marks
    return Reading(encoding, text, syllables, score, accented_words_ok and not marks)


@lru_cache(maxsize=65536)
def readings(text: str) -> tuple[Reading, Reading, Reading]:
    """``text`` as typed (NFC), in TCVN3 and in VNI, each scored."""
    typed = unicodedata.normalize("NFC", text)
    return (
        _reading(UNICODE, typed),
        _reading(TCVN3, to_unicode(text, TCVN3)),
        _reading(VNI, to_unicode(text, VNI)),
    )
