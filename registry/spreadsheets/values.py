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
LAST_SERIAL = 73050  # 31/12/2099: a larger number in a date column is no Excel date
FIRST_YEAR, LAST_YEAR = 1900, 2100  # a four-digit number in between is a year
_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
# Year first: 1990-03-12, 1990/03/12, 1990.03.12 (a time after it is dropped).
_ISO_DATE = re.compile(
    r"^(\d{4})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?:[ T][\d:.]+)?$"
)
_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})\s*[/.\-]\s*(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_DIGITS = re.compile(r"^\d{6}$|^\d{8}$")
# What a name cell may carry after the name: "(Toán)", "81", "- tổ 3".
_NAME_SUFFIX = re.compile(r"\s*(\([^()]*\)|\[[^\[\]]*\]|[-–,;:/#.]*\s*\d[\d\s./-]*)$")
YEAR, MONTH = "year", "month"  # how much of a date a cell gave (``date_or_part``)
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
    """A person's name as stored: clean text in title case (``normalise_name``)."""
    return title_case(text(value))


def name_and_suffix(value) -> tuple[str, str]:
    """(the name, what followed it): "Nguyễn Thu Dung (Toán)" is the name "Nguyễn Thu
    Dung" and the suffix "(Toán)", "Nguyễn Thị Hiền 81" the name and "81"."""
    raw = text(value)
    rest = raw
    while match := _NAME_SUFFIX.search(rest):
        if match.start() == 0:
            break
        rest = rest[: match.start()]
    return rest, raw[len(rest) :].strip()


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
    """A date from a real date cell, an Excel serial number, or text: dd/mm/yyyy,
    yyyy-mm-dd, yyyy/mm/dd, yyyymmdd.

    A year or a month alone is refused; with ``allow_year`` (a birth date) the year of
    one comes back as an int (1985).
    """
    found, part = date_or_part(value)
    if part and allow_year:
        return found.year
    if part:
        raise BadValue(_only_part_message(value, part))
    return found


def date_or_part(value) -> tuple[date | None, str]:
    """(the date, "") for a whole date; (its first day, YEAR or MONTH) for a year or a
    month given alone: 1992, "03/1992", "1992-03", 199203 (yyyymm). A four-digit
    number in a date column is a year, never an Excel serial (that would be a day in
    1905), and a number past 31/12/2099 is no serial either."""
    if value is None or value == "":
        return None, ""
    if isinstance(value, datetime):
        return value.date(), ""
    if isinstance(value, date):
        return value, ""
    if isinstance(value, bool):
        raise BadValue(_("This is not a date."))
    if isinstance(value, _NUMBERS):
        if value != int(value):
            raise BadValue(_("This is not a date."))
        number = int(value)
        if FIRST_YEAR <= number <= LAST_YEAR or _DIGITS.match(str(number)):
            return _date_from_text(str(number))
        if 1 <= number <= LAST_SERIAL:
            return (EXCEL_EPOCH + timedelta(days=number)).date(), ""
        raise BadValue(_("This is not a date."))
    return _date_from_text(text(value))


def _date_from_text(raw: str) -> tuple[date, str]:
    part = ""
    if match := _DATE_TEXT.match(raw):
        day, month, year = (int(part) for part in match.groups())
        if year < 100:
            year += 1900 if year > date.today().year % 100 else 2000
    elif match := _ISO_DATE.match(raw):
        year, _separator, month, day = match.groups()
        year, month, day = int(year), int(month), int(day)
    elif match := _YEAR.match(raw):
        year, month, day, part = int(match.group(1)), 1, 1, YEAR
    elif match := _MONTH_YEAR.match(raw):
        year, month, day, part = int(match.group(2)), int(match.group(1)), 1, MONTH
    elif match := _YEAR_MONTH.match(raw):
        year, month, day, part = int(match.group(1)), int(match.group(2)), 1, MONTH
    elif _DIGITS.match(raw):
        return _date_from_digits(raw)
    else:
        raise BadValue(
            _("“%(value)s” is not a date; write it as dd/mm/yyyy.") % {"value": raw}
        )
    if part and not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadValue(
            _("“%(value)s” is not a date; write it as dd/mm/yyyy.") % {"value": raw}
        )
    try:
        return date(year, month, day), part
    except ValueError:
        raise BadValue(
            _("“%(value)s” is not a date on the calendar.") % {"value": raw}
        ) from None


def _date_from_digits(raw: str) -> tuple[date, str]:
    """yyyymm (200601, January 2006), yyyymmdd or ddmmyyyy: only one reading of the
    digits is a date of 1900–2100, or the cell is refused."""
    if len(raw) == 6:
        readings = [(int(raw[:4]), int(raw[4:]), 1, MONTH)]
    else:
        readings = [
            (int(raw[:4]), int(raw[4:6]), int(raw[6:]), ""),
            (int(raw[4:]), int(raw[2:4]), int(raw[:2]), ""),
        ]
    found = []
    for year, month, day, part in readings:
        if FIRST_YEAR <= year <= LAST_YEAR:
            try:
                found.append((date(year, month, day), part))
            except ValueError:
                continue
    if len(found) != 1:
        raise BadValue(
            _("“%(value)s” is not a date; write it as dd/mm/yyyy.") % {"value": raw}
        )
    return found[0]


def _only_part_message(value, part: str) -> str:
    if part == YEAR:
        return _(
            "Only a year is given (%(value)s); write the whole date, dd/mm/yyyy."
        ) % {"value": text(value)}
    return _("Only a month is given (%(value)s); write the whole date, dd/mm/yyyy.") % {
        "value": text(value)
    }


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
