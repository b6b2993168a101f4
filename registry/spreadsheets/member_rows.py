"""Member rows → values and problems, fast enough for 100,000 rows. No ORM here.

The file is parsed a column at a time: a member list repeats a few values down most
columns (gender, ethnicity, religion, job, education, dates of joining, the CĐCS
code), so each distinct cell of a column is converted once per file; then each row
takes its converted cells, in the same order of checks as a row-by-row parser. The
messages that land on thousands of rows ("leading zeros restored") are translated
once per file rather than once per row."""

import re
from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

from members import rules
from members import text as member_text
from registry.identifiers import normalise_phone, validate_phone
from registry.text import fold

from . import values
from .rows import ParsedRow
from .values import BadValue

_EMPTY = ("", None)
_TEXT_TYPES = {str, type(None)}

CAPITALS = _("The name was written in capitals; stored as %(name)s.")
BOTH_BIRTH_COLUMNS = _("A birth date is in both the “Nam” and the “Nữ” column.")
GENDER_DISAGREES = _("The gender column disagrees with the birth-date column.")
LEADING_ZEROS = _("Leading zeros of the CCCD were restored.")
OLD_ID_CARD = _("A 9-digit old ID card (CMND), not a CCCD, was given.")
NOT_AN_EMAIL = _("“%(value)s” is not an email address.")
NOT_AN_ETHNIC_GROUP = _("“%(value)s” is not one of the 54 ethnic groups.")
JOINED_MISSING = _("The date of joining the union is missing.")
NAME_MISSING = _("The name is missing.")
OTHER_GENDER_TICKED = _(
    "This cell says “%(value)s” in the tick column of the other gender: the gender "
    "was not taken from it."
)
BOTH_TICKED = _("Both the “Nam” and the “Nữ” tick columns are filled.")
NAME_SUFFIX = _("“%(suffix)s” after the name was left out of it; stored as %(name)s.")
JOINED_YEAR_ONLY = _(
    "Only the year of joining is known (%(value)s); stored as %(date)s."
)
JOINED_MONTH_ONLY = _(
    "Only the month of joining is known (%(value)s); stored as %(date)s."
)
# Codes of the row problems that also say something about their column's meaning;
# column_checks.py sums them up for the whole column.
FOREIGN_NAME, GENDER_TICK = "foreign_name", "gender_tick"


def _compiled(lazy_pattern) -> re.Pattern:
    return re.compile(lazy_pattern.pattern, lazy_pattern.flags)


class _EmailValidator(EmailValidator):
    """Django's e-mail rule, its patterns compiled up front: behind Django's lazy
    proxies each match cost more than the match itself, once per row."""

    user_regex = _compiled(EmailValidator.user_regex)
    domain_regex = _compiled(EmailValidator.domain_regex)
    literal_regex = _compiled(EmailValidator.literal_regex)


validate_email = _EmailValidator()


def _checked(parser, value, **kwargs) -> tuple:
    """(parser(value), None), or (None, the message) when the cell is refused."""
    try:
        return parser(value, **kwargs), None
    except BadValue as error:
        return None, str(error)


def _name(cell) -> tuple[str, str, bool, bool, str]:
    """(the cell as text, the name as stored, whether it was all capitals, whether it
    has letters of another script, what followed the name and was left out). The
    name is stored as Member stores it (``normalise_name``), so that a second import
    finds it unchanged."""
    raw = values.text(cell)
    written, suffix = values.name_and_suffix(raw)
    cleaned = member_text.normalise_name(written)
    foreign = not raw.isascii() and rules.OTHER_SCRIPT.search(raw) is not None
    capitals = bool(written) and written.isupper() and cleaned != written
    return raw, cleaned, capitals, foreign, suffix


def _id_number(cell) -> tuple[str, str, str | None, bool]:
    """(CCCD, old CMND, error, whether a numeric cell's leading zeros were restored)."""
    numbers, error = _checked(values.id_number, cell)
    cccd, old_id = numbers or ("", "")
    restored = bool(cccd) and len(values.text(cell)) in (10, 11)
    return cccd, old_id, error, restored


def _phone(cell) -> tuple[str, str | None]:
    raw = values.text(cell)
    if not raw:
        return "", None
    phone = normalise_phone(raw)
    try:
        validate_phone(phone)
    except ValidationError as error:
        return "", error.messages[0]
    return phone, None


def _email(cell) -> tuple[str, str | None]:
    email = values.text(cell).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            return "", str(NOT_AN_EMAIL % {"value": email})
    return email, None


def _ethnicity(cell) -> tuple[str, str | None]:
    raw = values.text(cell)
    if not raw:
        return "", None
    group = member_text.ethnicity_from_text(raw)
    if group is None:
        return "", str(NOT_AN_ETHNIC_GROUP % {"value": raw})
    return group, None


def _birth(cell) -> tuple:
    return _checked(values.parse_date, cell, allow_year=True)


def _date_or_part(cell) -> tuple:
    """((the date, YEAR / MONTH / ""), None), or (None, the message)."""
    return _checked(values.date_or_part, cell)


def _gender(cell) -> tuple:
    return _checked(values.gender, cell)


def _yes_no(cell) -> tuple:
    return _checked(values.yes_no, cell)


def converted(convert: Callable, cells: list, done: dict | None = None) -> list:
    """``[convert(cell) for cell in cells]``, calling ``convert`` once per distinct cell.

    Cells are told apart by type as well as value (1, 1.0 and True are equal in a dict
    but are different cells), except in the usual all-text column. ``done`` keeps the
    conversions for the next call on more cells of the same column.
    """
    if done is None and set(map(type, cells)) <= _TEXT_TYPES:
        keys = cells
        done = {cell: convert(cell) for cell in set(cells)}
    else:
        keys = list(zip(map(type, cells), cells, strict=True))
        done = {} if done is None else done
        # Not ``set(keys) - done.keys()``: that walks every key of ``done``, which
        # holds the whole file's CCCDs by the last batch.
        done.update({key: convert(key[1]) for key in set(keys) if key not in done})
    return list(map(done.__getitem__, keys))


def cccds(cells: list, done: dict | None = None) -> list[str]:
    """The CCCD each of ``cells`` holds as the row parser reads it ("" for none);
    ``done`` as in ``converted``, to share the work with the parser."""
    return [
        cccd for cccd, _old, _error, _restored in converted(_id_number, cells, done)
    ]


class _Messages:
    """The messages that land on thousands of rows, translated once per file."""

    def __init__(self) -> None:
        self.capitals = str(CAPITALS)
        self.both_birth_columns = str(BOTH_BIRTH_COLUMNS)
        self.gender_disagrees = str(GENDER_DISAGREES)
        self.leading_zeros = str(LEADING_ZEROS)
        self.old_id_card = str(OLD_ID_CARD)
        self.joined_missing = str(JOINED_MISSING)
        self.name_missing = str(NAME_MISSING)
        self.not_vietnamese = str(rules.NOT_VIETNAMESE)
        self.other_gender_ticked = str(OTHER_GENDER_TICKED)
        self.both_ticked = str(BOTH_TICKED)
        self.name_suffix = str(NAME_SUFFIX)
        self.joined_part = {
            values.YEAR: str(JOINED_YEAR_ONLY),
            values.MONTH: str(JOINED_MONTH_ONLY),
        }


def parse_member_rows(
    numbers: list[int], columns: dict[str, list], memo: dict | None = None
) -> list[ParsedRow]:
    """One ParsedRow per row number; ``columns`` holds each mapped field's cells.
    ``memo`` holds the CCCD conversions of the file's earlier rows (or of all its
    rows, when the importer looked the people up first: ``cccds``)."""
    empty = [None] * len(numbers)

    def column(key: str, convert: Callable | None = None) -> list:
        cells = columns.get(key, empty)
        return converted(convert, cells) if convert else cells

    cccd_cells = columns.get("cccd", empty)
    cells = {
        "full_name": column("full_name", _name),
        "gender": column("gender", _gender),
        "cccd": converted(_id_number, cccd_cells, memo)
        if memo is not None
        else column("cccd", _id_number),
        "phone": column("phone", _phone),
        "email": column("email", _email),
        "ethnicity": column("ethnicity", _ethnicity),
        "is_party_member": column("is_party_member", _yes_no),
        "joined_on": column("joined_on", _date_or_part),
        "unit_code": column("unit_code", values.code),
    }
    for key in ("religion", "education", "job", "address", "card_number", "notes"):
        cells[key] = column(key, values.text)
    for key in ("birth_date", "birth_male", "birth_female"):
        cells[key] = column(key, _birth)
        cells[f"{key}_cell"] = column(key)
    for key in ("family_part", "given_part", "male_mark", "female_mark"):
        cells[key] = column(key)
    cells["joined_on_cell"] = column("joined_on")
    keys = list(cells)
    messages = _Messages()
    return [
        _member_row(number, dict(zip(keys, row, strict=True)), messages)
        for number, row in zip(numbers, zip(*cells.values(), strict=True), strict=True)
    ]


def _member_row(number: int, cells: dict, say: _Messages) -> ParsedRow:
    """The row's values from its converted cells, with the errors and warnings."""
    row = ParsedRow(number)
    full_name = _full_name(row, cells, say)
    gender, birth_date, birth_year = _birth_and_gender(row, cells, say)
    cccd, old_id, error, restored = cells["cccd"]
    if error:
        row.error("cccd", error)
    if restored:
        row.warn("cccd", say.leading_zeros)
    if old_id:
        row.warn("cccd", say.old_id_card)
    phone = _taken(row, cells, "phone", "")
    email = _taken(row, cells, "email", "")
    ethnicity = _taken(row, cells, "ethnicity", "")
    is_party_member = _taken(row, cells, "is_party_member", None)
    joined_on = _joined_on(row, cells, say)
    if full_name == "":
        row.error("full_name", say.name_missing)
    if cccd:
        for message in member_text.cccd_warnings(
            cccd, gender=gender, birth_year=birth_year
        ):
            row.warn("cccd", message)
    row.values = {
        "full_name": full_name or "",
        "gender": gender,
        "birth_date": birth_date,
        "birth_year": birth_year,
        "cccd": cccd or None,
        "old_id_number": old_id,
        "phone": phone,
        "email": email,
        "ethnicity": ethnicity,
        "religion": cells["religion"],
        "education": cells["education"],
        "job": cells["job"],
        "address": cells["address"],
        "card_number": cells["card_number"],
        "notes": cells["notes"],
        "unit_code": cells["unit_code"],
        "is_party_member": bool(is_party_member),
        "joined_on": joined_on,
    }
    return row


def _taken(row: ParsedRow, cells: dict, key: str, default):
    """A converted cell's value, or ``default`` with its error noted on the row."""
    value, error = cells[key]
    if error:
        row.error(key, error)
        return default
    return value


def _joined_on(row: ParsedRow, cells: dict, say: _Messages) -> date | None:
    """The date of joining; a year or a month alone is its first day, with a word."""
    found, error = cells["joined_on"]
    if error:
        row.error("joined_on", error)
        return None
    joined_on, part = found
    if joined_on is None:
        row.error("joined_on", say.joined_missing)
    elif part:
        row.warn(
            "joined_on",
            say.joined_part[part]
            % {
                "value": values.text(cells["joined_on_cell"]),
                "date": joined_on.strftime("%d/%m/%Y"),
            },
        )
    return joined_on


def _full_name(row: ParsedRow, cells: dict, say: _Messages) -> str | None:
    """The name as stored; None when it cannot be (the error is on the row)."""
    raw, cleaned, capitals, foreign, suffix = cells["full_name"]
    key = "full_name"
    if not raw and (cells["family_part"] or cells["given_part"]):
        parts = (values.text(cells["family_part"]), values.text(cells["given_part"]))
        raw, cleaned, capitals, foreign, suffix = _name(
            " ".join(part for part in parts if part)
        )
        key = "family_part" if cells["family_part"] else "given_part"
    if foreign:
        row.error(key, say.not_vietnamese % {"value": raw}, FOREIGN_NAME)
        return None
    if suffix:
        row.warn(key, say.name_suffix % {"suffix": suffix, "name": cleaned})
    if capitals:
        row.warn("full_name", say.capitals % {"name": cleaned})
    return cleaned


def _ticked_gender(row: ParsedRow, cells: dict, say: _Messages) -> str:
    """The gender of the tick columns "Nam" | "Nữ"; "" when they contradict
    themselves (a cell that says "Nữ" in the "Nam" column is never taken as male)."""
    male, female = values.text(cells["male_mark"]), values.text(cells["female_mark"])
    for key, cell, other in (("male_mark", male, "nu"), ("female_mark", female, "nam")):
        if fold(cell) == other:
            row.error(key, say.other_gender_ticked % {"value": cell}, GENDER_TICK)
            return ""
    if male and female:
        row.error("male_mark", say.both_ticked)
        return ""
    return "M" if male else "F"


def _birth_and_gender(row: ParsedRow, cells: dict, say: _Messages) -> tuple:
    """(gender, birth date, birth year); the classic form puts the birth date in the
    "Nam" or the "Nữ" column, which then says the gender."""
    gender = _taken(row, cells, "gender", None) or ""
    birth_key = "birth_date"
    male, female = cells["birth_male_cell"], cells["birth_female_cell"]
    if male not in _EMPTY or female not in _EMPTY:
        if male not in _EMPTY and female not in _EMPTY:
            row.error("birth_male", say.both_birth_columns)
        birth_key = "birth_male" if male not in _EMPTY else "birth_female"
        column_gender = "M" if birth_key == "birth_male" else "F"
        if gender and gender != column_gender:
            row.error("gender", say.gender_disagrees)
        gender = column_gender
    elif cells["male_mark"] not in _EMPTY or cells["female_mark"] not in _EMPTY:
        gender = _ticked_gender(row, cells, say)
    born, error = cells[birth_key]
    if error:
        row.error(birth_key, error)
    if isinstance(born, date):
        return gender, born, born.year
    return gender, None, born
