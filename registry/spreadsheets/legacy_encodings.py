"""Text typed in the pre-Unicode Vietnamese encodings TCVN3 (ABC) and VNI-Windows.

Old spreadsheets store such text as the Windows-1252 characters of the font's bytes:
"NguyÔn V¨n" in a .VnTime cell is Nguyễn Văn (TCVN3), "Nguyeãn Vaên" in a VNI-Times
cell is the same name in VNI (DOMAIN.md §8). The tables below are our own, written from
the published code charts; tests pin every letter of the alphabet.
"""

import re
import unicodedata

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


def may_be_legacy(text: str) -> bool:
    """Whether ``text`` could be legacy-encoded: 8-bit characters only, some non-ASCII."""
    return (
        not text.isascii()
        and all(ord(char) < 0x2200 for char in text)
        and all(ord(char) < 0x100 or char in _CP1252_EXTRAS for char in text)
    )


# Symbols, not letters, in Windows-1252; TCVN3 uses them for its commonest letters.
_TCVN3_MARKERS = set("¨©ª«¬\xad®¸µ¶·¹¾»¼½¡¢£¤¥¦§")
_CP1252_EXTRAS = set(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore"))


def strangeness(text: str) -> int:
    """How many characters of ``text`` no clean Vietnamese text would contain."""
    return sum(
        1
        for char in text
        if not char.isascii() and char not in _VIETNAMESE_LETTERS and char.isalpha()
    ) + sum(1 for char in text if char in _TCVN3_MARKERS)


def encoding_of_font(font_name: str) -> str | None:
    """TCVN3 for ".VnTime", ".VnArialH" …; VNI for "VNI-Times" …; None otherwise."""
    for encoding, pattern in _LEGACY_FONTS.items():
        if pattern.match(font_name.strip()):
            return encoding
    return None


def detect(samples: list[str], fonts: set[str] | None = None) -> str:
    """The encoding the text cells of one sheet were typed in.

    The cell fonts decide when they name a legacy font; otherwise the encoding whose
    reading leaves the fewest characters foreign to Vietnamese wins, and plain Unicode
    wins ties: a file is only converted on evidence.
    """
    font_encodings = {encoding_of_font(name) for name in fonts or ()} - {None}
    candidates = [text for text in samples if may_be_legacy(text)]
    if len(font_encodings) == 1 and candidates:
        return font_encodings.pop()
    if not candidates:
        return UNICODE
    scores = {
        encoding: sum(strangeness(to_unicode(text, encoding)) for text in candidates)
        for encoding in (UNICODE, TCVN3, VNI)
    }
    if scores[UNICODE] == 0:
        return UNICODE
    # Both legacy readings often leave nothing strange; the one whose telltale
    # characters actually occur wins.
    signals = {
        TCVN3: sum(text.count(char) for text in candidates for char in _TCVN3_MARKERS),
        VNI: sum(len(_VNI_PAIR_PATTERN.findall(text)) for text in candidates),
    }
    best = min(
        (TCVN3, VNI), key=lambda encoding: (scores[encoding], -signals[encoding])
    )
    if scores[best] * 2 >= scores[UNICODE]:
        return UNICODE
    return best
