"""Classify the rows under the header: people (data) and the rows that are not.

Real lists hold, among the people, department headings merged across the table
("Phòng Kế toán"), totals ("TỔNG CỘNG", "Cộng", "Bằng chữ: …"), the place-and-date
line ("Kỳ Anh, ngày 15 tháng 03 năm 2024"), signature titles ("Chủ tịch CĐCS",
"Người lập biểu", "(Ký, ghi rõ họ tên)") and the names under them. A row is told by
what it holds, wherever it stands: a row with evidence of a person (a CCCD, a date,
a gender) is data; a row without one is a heading, a total or part of the signature
block when its first cells say so, when it is merged across the table, or when it
comes after a signature title. Every row left out is named in the preview's notes.

Most rows are people: a row is looked at closely only when its name or number cell
starts with one of the words above, when it is merged, or when it has no name.
Nothing here touches the ORM.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from registry.text import clean

from .headers import Header, is_column_numbers
from .reading import Sheet

DATA, GROUP, TOTAL, FOOTER, HEADER = "data", "group", "total", "footer", "header"
_EMPTY = ("", None)

_TOTAL = re.compile(
    r"(tổng cộng|tổng số|tổng|cộng(?! hòa| hoà)|bằng chữ|tong cong|tong so|bang chu)"
    r"(\W|$)"
)
_SIGNATURE = re.compile(
    r"[(\s]*((tm|t/m|kt|q|tl)[.\s/]+)*"
    r"(người lập|lập biểu|chủ tịch|phó chủ tịch|thủ trưởng|ban chấp hành|bch\b|"
    r"ký\b|ghi rõ|xác nhận|kế toán|giám đốc|phó giám đốc|hiệu trưởng|bí thư|"
    r"trưởng (phòng|ban|khoa)|thủ quỹ|đã ký|thay mặt)"
)
_PLACE_AND_DATE = re.compile(r"ngày[\s.…/_\d]*tháng[\s.…/_\d]*năm")
_HEADING = re.compile(
    r"(([ivxlc]+|[a-z]|\d+)[.\-/):\s]+)?"
    r"(phòng|ban|tổ|khoa|bộ phận|phân xưởng|xưởng|đội|khối|chi nhánh|văn phòng|"
    r"trung tâm|công đoàn|nhà máy|xí nghiệp|trường|lớp|chi đoàn|chi hội|đơn vị|"
    r"bộ môn|cửa hàng|trạm|kho|ca)(\W|$)"
)
_GROUP_NUMBER = re.compile(r"([ivxlc]+|[a-z])[.)]?$")
# What a row's first cells start with when it may not be a person.
_MARKER = re.compile(
    "|".join(p.pattern for p in (_TOTAL, _SIGNATURE, _HEADING))
    + "|"
    + r".*" + _PLACE_AND_DATE.pattern
)  # fmt: skip
_DATE_TEXT = re.compile(r"\d{1,4}\s*[/.\-]\s*\d{1,2}(\s*[/.\-]\s*\d{2,4})?$")
_GENDERS = {"nam", "nữ", "nu", "male", "female", "m", "f"}
_DATE_KEYS = ("birth_date", "birth_male", "birth_female", "joined_on", "founded_on",
              "signed_on", "effective_on", "expires_on")  # fmt: skip
_ID_KEYS = ("cccd", "tax_code")


@dataclass(slots=True)
class Skipped:
    """A row under the header that is not a record."""

    number: int  # as Excel shows it
    kind: str  # GROUP, TOTAL, FOOTER or HEADER
    text: str  # its first text, for the preview


def table_rows(sheet: Sheet, header: Header) -> tuple[list, list[Skipped]]:
    """(Excel row number, cells) of each record row, and the rows left out."""
    columns = _Columns(header)
    merged = _merged_rows(sheet, header)
    data, skipped = [], []
    in_footer = False
    for index in range(header.data_start, len(sheet.rows)):
        row = sheet.rows[index]
        if not columns.any_counted(row):
            # Nothing to read, but a heading merged across the table is worth a note.
            if index in merged and _first_text(row):
                kind = _kind(row, columns, header, in_footer, merged=True)
                if kind != DATA:
                    skipped.append(Skipped(index + 1, kind, _first_text(row)))
            in_footer = in_footer or _starts_footer(row)
            continue
        if not in_footer and index not in merged and not columns.may_not_be_data(row):
            data.append((index + 1, row))
            continue
        kind = _kind(row, columns, header, in_footer, index in merged)
        if kind == DATA:
            data.append((index + 1, row))
        else:
            skipped.append(Skipped(index + 1, kind, _first_text(row)))
            in_footer = in_footer or kind == FOOTER
    return data, skipped


class _Columns:
    """The header's columns a classification looks at."""

    def __init__(self, header: Header):
        by_key: dict[str, list[int]] = {}
        for column, key in header.mapping.items():
            by_key.setdefault(key, []).append(column)
        self.number = min(by_key.get("row_number", [None]))
        names = (
            by_key.get("full_name") or by_key.get("name") or by_key.get("family_part")
        )
        self.name = min(names) if names else None
        # The name first: in a record's row it is the cell surely filled.
        self.counted = sorted(
            (c for c, key in header.mapping.items() if key != "row_number"),
            key=lambda c: c != self.name,
        )
        self.name_label = _lower(header.labels[self.name]) if names else None
        self.dates = [c for key in _DATE_KEYS for c in by_key.get(key, [])]
        self.ids = [c for key in _ID_KEYS for c in by_key.get(key, [])]
        self.codes = by_key.get("code", [])  # a unit's code: one word, never a heading
        self.genders = by_key.get("gender", [])

    def any_counted(self, row: list) -> bool:
        width = len(row)
        return any(row[c] not in _EMPTY for c in self.counted if c < width)

    def may_not_be_data(self, row: list) -> bool:
        """Whether the row's name or number cell hints it may not be a person."""
        name = _cell(row, self.name)
        if name.__class__ is not str or not name:
            return True
        lowered = unicodedata.normalize("NFC", name).lower()
        if _MARKER.match(lowered) or lowered == self.name_label:
            return True
        number = _cell(row, self.number)
        return number.__class__ is str and number != "" and not number.isdigit()


def _kind(row: list, columns: _Columns, header: Header, in_footer: bool, merged: bool):
    if _is_person(row, columns):
        return DATA
    texts = [_lower(cell) for cell in row if cell.__class__ is str and cell.strip()]
    first = [_lower(c) for c in (_cell(row, columns.number), _cell(row, columns.name))
             if c.__class__ is str and c.strip()] + texts[:1]  # fmt: skip
    if any(_SIGNATURE.match(text) or _PLACE_AND_DATE.search(text) for text in first):
        return FOOTER
    if any(_TOTAL.match(text) for text in first):
        return TOTAL
    if in_footer:
        return FOOTER
    if _is_repeated_header(row, header) or is_column_numbers(row):
        return HEADER
    number = _cell(row, columns.number)
    if (
        any(_HEADING.match(text) for text in first)
        or (number.__class__ is str and _GROUP_NUMBER.match(_lower(number)))
        or (merged and len(set(texts)) == 1)
    ):
        return GROUP
    return DATA


def _is_person(row: list, columns: _Columns) -> bool:
    """A CCCD or tax code, a unit code, a date or a gender: what a record's row has
    and a heading, a total or a signature has not."""
    for column in columns.ids:
        value = _cell(row, column)
        if value.__class__ in (int, float) and value >= 1e8:
            return True
        if value.__class__ is str and len(re.sub(r"\D", "", value)) in (9, 10, 12):
            return True
    for column in columns.dates:
        value = _cell(row, column)
        if isinstance(value, date):
            return True
        if value.__class__ is float and value.is_integer() and 7000 <= value < 73051:
            return True
        if value.__class__ is str and _DATE_TEXT.match(value.strip()):
            return True
    for column in columns.codes:
        value = _cell(row, column)
        if value not in _EMPTY and len(str(value).split()) == 1:
            return True
    return any(_lower(str(_cell(row, c))) in _GENDERS for c in columns.genders)


def _is_repeated_header(row: list, header: Header) -> bool:
    """The header again (printed lists repeat it on every page)."""
    same = sum(
        1
        for column in header.mapping
        if _lower(str(_cell(row, column))) == _lower(header.labels[column])
    )
    return same >= 2


def _starts_footer(row: list) -> bool:
    """A signature title or the place-and-date line in a row with no data cells."""
    for cell in row:
        if cell.__class__ is str and cell.strip():
            text = _lower(cell)
            return bool(_SIGNATURE.match(text) or _PLACE_AND_DATE.search(text))
    return False


def _merged_rows(sheet: Sheet, header: Header) -> set[int]:
    """Rows under the header with a block merged across two columns or more."""
    rows = set()
    for (top, left), (bottom, right) in sheet.merged:
        if right > left and bottom >= header.data_start:
            rows.update(range(max(top, header.data_start), bottom + 1))
    return rows


def _cell(row: list, column: int | None):
    if column is None or column >= len(row):
        return None
    return row[column]


def _lower(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def _first_text(row: list) -> str:
    texts = [clean(str(c)) for c in row if c not in _EMPTY]
    text = next(
        (t for t in texts if not t.replace(".", "").isdigit()
         and not _GROUP_NUMBER.match(t.lower())),
        "",
    )  # fmt: skip
    return text if len(text) <= 60 else text[:59] + "…"
