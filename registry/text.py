"""Vietnamese text: one normal form for storage, one folded key for matching."""

import re
import unicodedata

import vn_text

_SPACES = re.compile(r"\s+")


def clean(value: str) -> str:
    """NFC, single spaces, no padding: how every name is stored."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value or "")).strip()


def fold(value: str) -> str:
    """Search key: lower case, no tone or vowel marks, đ→d, punctuation as spaces."""
    return _SPACES.sub(" ", vn_text.fold(clean(value))).strip()


def title_case(value: str) -> str:
    """Vietnamese title case for personal names ("NGUYỄN văn an" → "Nguyễn Văn An")."""
    return " ".join(
        word[:1].upper() + word[1:].lower() for word in clean(value).split()
    )
