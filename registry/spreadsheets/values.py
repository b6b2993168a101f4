"""Cell values as people type them, turned into clean Python values.

Every parser takes what the reader gave (str, float, int, bool, date, datetime or None)
and returns the value, or raises ``BadValue`` with a message for the error report.
No ORM here.
"""

import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

from registry.text import clean, fold, title_case
from registry.writing import FORMULA_START

EXCEL_EPOCH = datetime(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug
_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_DIGIT_SEPARATORS = re.compile(r"[\s.\-]")
_NUMBER_SEPARATORS = re.compile(r"[\s.,]")
_DATES = (datetime, date)
_NUMBERS = (int, float)
_ID_NUMBER = _("The ID number")


# Coded columns (gender, ticks) repeat a handful of spellings down 100,000 rows.
_folded = lru_cache(maxsize=4096)(fold)


class BadValue(ValueError):
    """A cell that cannot mean what its column says; the message is for the user."""


def text(value) -> str:
    """Any cell as clean NFC text with single spaces ("" for empty)."""
    # Called for most cells of a 100,000-row file: plain text goes straight through,
    # and the type tests are tuples (``A | B`` would build a new union on every call).
    if value is None:
        return ""
    if value.__class__ is not str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, _DATES):
            return value.strftime("%d/%m/%Y")
        value = str(value)
    result = clean(value)
    # Our exports neutralise formula-looking text with a leading quote; take it off.
    if result.startswith("'") and result[1:2] in FORMULA_START:
        result = result[1:]
    return result


def name(value) -> str:
    """A person's name: clean text, and ALL CAPS or all lower case turned to title case."""
    result = text(value)
    letters = [char for char in result if char.isalpha()]
    if letters and (result.isupper() or result.islower()):
        return title_case(result)
    return result


def digits(value, *, length: int, label) -> str:
    """An identifier of ``length`` digits, restoring zeros a numeric cell dropped."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        if not value.is_integer():
            raise BadValue(_("%(label)s must be digits only.") % {"label": label})
        value = int(value)
    raw = text(value)
    result = _DIGIT_SEPARATORS.sub("", raw)
    if not result.isdigit():
        raise BadValue(_("%(label)s must be digits only.") % {"label": label})
    if isinstance(value, int) and len(result) < length:
        result = result.zfill(length)  # the cell was numeric: leading zeros were lost
    return result


def id_number(value) -> tuple[str, str]:
    """(CCCD, old CMND) from a "CCCD/CMND" cell: 12 digits, or a 9-digit old card."""
    if value is None or value == "":
        return "", ""
    if isinstance(value, _NUMBERS) and len(str(int(value))) <= 9:
        return "", digits(value, length=9, label=_ID_NUMBER)
    result = digits(value, length=12, label=_ID_NUMBER)
    if len(result) == 12:
        return result, ""
    if len(result) == 9:
        return "", result
    raise BadValue(
        _("A CCCD number has 12 digits (an old CMND 9); this one has %(count)s.")
        % {"count": len(result)}
    )


def parse_date(value, *, allow_year: bool = False) -> date | int | None:
    """A date from a real date cell, an Excel serial number, or dd/mm/yyyy text.

    With ``allow_year`` a bare year (1985) comes back as the int 1985.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise BadValue(_("This is not a date."))
    if isinstance(value, _NUMBERS):
        number = int(value)
        if allow_year and 1900 <= number <= 2100 and number == value:
            return number
        if 1 <= value < 2958466:  # 1/1/1900 to 31/12/9999
            return (EXCEL_EPOCH + timedelta(days=int(value))).date()
        raise BadValue(_("This is not a date."))
    return _date_from_text(text(value), allow_year=allow_year)


def _date_from_text(raw: str, *, allow_year: bool) -> date | int:
    if match := _DATE_TEXT.match(raw):
        day, month, year = (int(part) for part in match.groups())
        if year < 100:
            year += 1900 if year > date.today().year % 100 else 2000
    elif match := _ISO_DATE.match(raw):
        year, month, day = (int(part) for part in match.groups())
    elif allow_year and (match := _YEAR.match(raw)):
        return int(match.group(1))
    elif allow_year and (match := _MONTH_YEAR.match(raw)):
        return int(match.group(2))
    else:
        raise BadValue(
            _("“%(value)s” is not a date; write it as dd/mm/yyyy.") % {"value": raw}
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise BadValue(
            _("“%(value)s” is not a date on the calendar.") % {"value": raw}
        ) from None


_MALE = {"nam", "m", "male", "trai", "1", "x nam"}
_FEMALE = {"nu", "f", "female", "gai", "0", "x nu"}


def gender(value) -> str:
    """ "M", "F" or "" from Nam / Nữ / M / F (any case, with or without marks)."""
    key = _folded(text(value))
    if not key:
        return ""
    if key in _MALE:
        return "M"
    if key in _FEMALE:
        return "F"
    raise BadValue(
        _("Gender is “Nam” or “Nữ”, not “%(value)s”.") % {"value": text(value)}
    )


_TRUE = {"x", "co", "1", "true", "yes", "dang vien", "v", "dv", "la dang vien", "✓"}
_FALSE = {"", "khong", "0", "false", "no", "k", "-"}


def yes_no(value) -> bool:
    """A tick column: x, có, 1, ✓ are yes; empty, không, 0 are no."""
    if isinstance(value, bool):
        return value
    key = _folded(text(value)) if text(value) != "✓" else "✓"
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise BadValue(_("Write “x” for yes and leave empty for no."))


def integer(value, *, label) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raw = _NUMBER_SEPARATORS.sub("", text(value))
    if raw.isdigit():
        return int(raw)
    raise BadValue(_("%(label)s must be a whole number.") % {"label": label})


def code(value) -> str:
    """A unit code as stored: clean, upper case."""
    return text(value).upper()


def is_nfd(value: str) -> bool:
    return not unicodedata.is_normalized("NFC", value)
