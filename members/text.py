"""People's names and ID numbers: plain functions the forms, services and importer share."""

import unicodedata
from functools import lru_cache

import vn_collate
from django.utils.translation import gettext as _

from registry.identifiers import (
    cccd_structure_problems,
    mask_cccd,  # noqa: F401 (text.mask_cccd, as before)
    parse_cccd,
)
from registry.text import clean, fold, title_case

# --- Names ------------------------------------------------------------------------------


@lru_cache(maxsize=65536)  # names repeat: a register has few distinct parts
def normalise_name(full_name: str) -> str:
    """NFC, single spaces, Vietnamese title case: how a full name is stored."""
    return title_case(clean(full_name))


def split_name(full_name: str) -> tuple[str, str, str]:
    """(family, middle, given): first word, the words between, last word.

    A default only: compound family names (Tôn Nữ, Âu Dương) and two-word given names
    exist, so the parts stay correctable by hand as long as they still make the full name.
    """
    words = normalise_name(full_name).split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def join_name(family: str, middle: str, given: str) -> str:
    return " ".join(part for part in (family, middle, given) if part)


def search_key(full_name: str) -> str:
    """What the search box matches against: folded, padded so " an" finds a word start."""
    return f" {fold(full_name)} "


# --- Vietnamese sort order --------------------------------------------------------------
# vn_collate gives ICU's Vietnamese weights for letters and tones, but it files a space
# with the punctuation *after* the letters, where ICU puts it *before* them ("Thu Hà"
# < "Thuý" in ICU). So the key is rebuilt here, one character cluster at a time, with the
# same layout as vn_collate's (all primaries, then tones, then case, each level ended by
# 00): a space weighs 1, other punctuation 2, and vn_collate's own weights move up by 2.

_SPACE, _PUNCTUATION, _SHIFT = 1, 2, 2


@lru_cache(maxsize=8192)
def _cluster_weights(cluster: str) -> tuple[int, int, int]:
    if cluster.isspace():
        return _SPACE, 0, 0
    primary, _end, tone, _end, case, _end = bytes.fromhex(
        vn_collate.collate_key(cluster)
    )
    if primary == vn_collate.FALLBACK_PRIMARY and not cluster[0].isalnum():
        return _PUNCTUATION, 0, 0
    # Letters of other scripts (Chinese characters, ß) share vn_collate's fallback
    # weight, the highest: shifted, it would no longer fit in a byte.
    return min(primary + _SHIFT, 255), tone, case


def _clusters(text: str) -> list[str]:
    clusters: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if clusters and unicodedata.combining(char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


@lru_cache(maxsize=65536)
def collation_key(text: str) -> str:
    """Hex sort key that orders like ICU's ``vi`` collation when compared bytewise."""
    weights = [_cluster_weights(cluster) for cluster in _clusters(text)]
    levels = [[w[level] for w in weights] + [0] for level in range(3)]
    return bytes(levels[0] + levels[1] + levels[2]).hex()


def sort_key(family: str, middle: str, given: str) -> str:
    """Given name, then family name, then middle name, each in Vietnamese order.

    Each part's key ends with its own terminators and no key is a prefix of another,
    so comparing the concatenation compares the parts one after the other.
    """
    return collation_key(given) + collation_key(family) + collation_key(middle)


# Longest key sort_key() can build for the model's name lengths (50 + 50 + 80 letters).
SORT_KEY_LENGTH = 2 * 3 * (50 + 50 + 80 + 3)


# --- CCCD --------------------------------------------------------------------------------
# The structure of the number is registry.identifiers' (a tax code can be one too).


def cccd_warnings(
    cccd: str | None, *, gender: str = "", birth_year: int | None = None
) -> list[str]:
    """Where a CCCD disagrees with itself or with the gender or birth year given with it.

    A warning, not a refusal: old records hold typing mistakes on either side, and a
    person must check which one is wrong.
    """
    info = parse_cccd(cccd or "")
    if info is None:
        return []
    warnings = cccd_structure_problems(cccd)
    if gender and gender != info.gender:
        warnings.append(
            _("The CCCD's fourth digit says %(gender)s, but the gender given differs.")
            % {"gender": _("male") if info.gender == "M" else _("female")}
        )
    if birth_year and birth_year != info.birth_year:
        warnings.append(
            _(
                "The CCCD says born in %(cccd_year)s, but the birth year given is %(year)s."
            )
            % {"cccd_year": info.birth_year, "year": birth_year}
        )
    return warnings


# --- Ethnic groups ----------------------------------------------------------------------

# The 54 ethnic groups of Vietnam (General Statistics Office list, Quyết định
# 121-TCTK/PPCĐ), in the spelling most forms use.
ETHNIC_GROUPS = [
    "Kinh",
    "Tày",
    "Thái",
    "Hoa",
    "Khmer",
    "Mường",
    "Nùng",
    "Mông",
    "Dao",
    "Gia Rai",
    "Ngái",
    "Ê Đê",
    "Ba Na",
    "Xơ Đăng",
    "Sán Chay",
    "Cơ Ho",
    "Chăm",
    "Sán Dìu",
    "Hrê",
    "Mnông",
    "Ra Glai",
    "Xtiêng",
    "Bru - Vân Kiều",
    "Thổ",
    "Giáy",
    "Cơ Tu",
    "Giẻ Triêng",
    "Mạ",
    "Khơ Mú",
    "Co",
    "Tà Ôi",
    "Chơ Ro",
    "Kháng",
    "Xinh Mun",
    "Hà Nhì",
    "Chu Ru",
    "Lào",
    "La Chí",
    "La Ha",
    "Phù Lá",
    "La Hủ",
    "Lự",
    "Lô Lô",
    "Chứt",
    "Mảng",
    "Pà Thẻn",
    "Cờ Lao",
    "Cống",
    "Bố Y",
    "Si La",
    "Pu Péo",
    "Brâu",
    "Ơ Đu",
    "Rơ Măm",
]
_ETHNIC_ALIASES = {
    "Khmer": ["Khơ Me", "Khơ-me", "Khmer"],
    "Mông": ["H'Mông", "Hmông", "Hmong", "Mèo"],
    "Ê Đê": ["Ê-đê", "Êđê", "Ede"],
    "Gia Rai": ["Gia-rai", "Jrai"],
    "Ba Na": ["Ba-na", "Bahnar"],
    "Xơ Đăng": ["Xơ-đăng", "Sedang"],
    "Cơ Ho": ["Cơ-ho", "K'Ho"],
    "Bru - Vân Kiều": ["Bru-Vân Kiều", "Vân Kiều", "Bru"],
    "Ra Glai": ["Raglai", "Ra-glai"],
    "Mnông": ["M'Nông"],
    "Khơ Mú": ["Khơ-mú", "Khmu"],
    "Tà Ôi": ["Tà-ôi", "Pa Kô"],
    "Chơ Ro": ["Chơ-ro"],
    "Cờ Lao": ["Co Lao"],
    "Rơ Măm": ["Rơ-măm"],
    "Xinh Mun": ["Xinh-mun"],
    "Giẻ Triêng": ["Gié Triêng", "Gié-Triêng"],
}
_ETHNIC_BY_FOLDED = {
    fold(alias).replace(" ", ""): name
    for name in ETHNIC_GROUPS
    for alias in [name, *_ETHNIC_ALIASES.get(name, [])]
}


def ethnicity_from_text(text: str) -> str | None:
    """The official group a person meant ("Ê-đê", "khmer", "dan toc Kinh"), or None."""
    key = fold(text).removeprefix("dan toc").replace(" ", "")
    return _ETHNIC_BY_FOLDED.get(key)
