"""From uploaded bytes to parsed rows: sheet choice, text repair, header, table end.

This is the part of an import that needs no database, so the preview, the command
line and the tests all run exactly this. The import modules take it from here.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from itertools import zip_longest

from django.utils.translation import gettext as _

from registry.text import fold

from . import legacy_encodings
from .headers import FIELDS, Header, find_header, missing_required
from .member_rows import parse_member_rows
from .reading import HEAD_ROWS, Sheet, UnusableFile, read_workbook
from .rows import PARSERS, ParsedRow, Problem, column_name

SAMPLE_ROWS = 300  # rows looked at to detect the text encoding
HEAD_TABLE_ROWS = 20  # rows the preview shows while the rest are checked
_EMPTY = ("", None)
_FOOTER_WORDS = re.compile(
    r"\b(nguoi lap( bieu)?|lap bieu|chu tich|thu truong|tm ban chap hanh|tm bch|"
    r"ky ten|ghi ro ho ten|xac nhan|tong cong|tong so|ke toan|giam doc|"
    r"ngay \d* ?thang \d* ?nam)\b"
)
_IDENTITY_KEYS = {
    "members": ("cccd",),
    "units": ("code",),
    "enterprises": ("tax_code",),
    "agreements": ("tax_code", "signed_on"),
}


@dataclass
class Table:
    kind: str
    sheet: str
    sheet_names: list[str]
    header: Header
    encoding: str = legacy_encodings.UNICODE
    notes: list[str] = field(default_factory=list)
    rows: list[ParsedRow] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required columns not found
    # The table's rows as read, (Excel row number, cells), until ``parse`` turns them
    # into ``rows`` (and leaves None in their place).
    data: list[tuple[int, list]] = field(default_factory=list, repr=False)
    _seen: dict[tuple, int] = field(default_factory=dict, repr=False)
    # The CCCD column's conversions, shared by the importer's look-up and the parser.
    cccd_memo: dict = field(default_factory=dict, repr=False)

    @property
    def errors(self) -> list[Problem]:
        return [problem for row in self.rows for problem in row.errors]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for row in self.rows for problem in row.warnings]

    @property
    def valid_rows(self) -> list[ParsedRow]:
        return [row for row in self.rows if not row.errors]

    @property
    def invalid_rows(self) -> list[ParsedRow]:
        return [row for row in self.rows if row.errors]

    def cells(self, key: str) -> list:
        """Every row's cell for field ``key``, as read (None where it has no column)."""
        found = [
            column for column, mapped in self.header.mapping.items() if mapped == key
        ]
        if not found:
            return [None] * len(self.data)
        column = max(found)  # as in parsing: of two columns for one field, the last
        return [
            row[column] if column < len(row) else None for _number, row in self.data
        ]

    def parse(
        self,
        size: int | None = None,
        on_head: Callable[["Table", int], None] | None = None,
    ) -> Iterator[list[ParsedRow]]:
        """Parse the rows as read, ``size`` at a time, adding them to ``rows``; yields
        each batch. ``on_head(table, rows)`` sees the first HEAD_TABLE_ROWS rows parsed
        and the number of rows to come, before the rest are parsed."""
        size = size or len(self.data) or 1
        for start in range(len(self.rows), len(self.data), size):
            batch = _parsed(
                self.kind, self.header, self.data[start : start + size], self.cccd_memo
            )
            # From here the cells live on in each row's ``raw`` only, which an importer
            # may drop once the row can no longer reach the error report.
            self.data[start : start + size] = [None] * len(batch)
            for row in batch:
                _check_duplicate(row, _IDENTITY_KEYS[self.kind], self._seen)
            self.rows.extend(batch)
            if on_head is not None and start == 0:
                on_head(replace(self, rows=self.rows[:HEAD_TABLE_ROWS]), len(self.data))
            yield batch

    def columns(self) -> list[dict]:
        """Each column of the file: its label and the field it was taken for."""
        return [
            {
                "index": index,
                "label": label,
                "key": self.header.mapping.get(index, ""),
                "score": round(self.header.scores.get(index, 0), 2),
            }
            for index, label in enumerate(self.header.labels)
            if label
        ]


def parse_file(
    data: bytes,
    filename: str,
    kind: str,
    *,
    sheet: str | None = None,
    overrides: dict[str, str] | None = None,
) -> Table:
    """Read, repair and parse a file of ``kind`` (see ``read_table``)."""
    table = read_table(data, filename, kind, sheet=sheet, overrides=overrides)
    for _batch in table.parse():
        pass
    return table


def read_table(
    data: bytes,
    filename: str,
    kind: str,
    *,
    sheet: str | None = None,
    overrides: dict[str, str] | None = None,
) -> Table:
    """Read and repair a file of ``kind`` and find its table; ``Table.parse`` does the
    rest. ``overrides`` maps a column's folded label to the field the user chose for
    it ("" to ignore the column)."""
    fields = FIELDS[kind]
    sheets = read_workbook(data, filename)
    chosen, header, encoding = _choose_sheet(sheets, fields, sheet)
    table = Table(kind, chosen.name, [s.name for s in sheets], header, encoding)
    if encoding != legacy_encodings.UNICODE:
        _convert_legacy(chosen, encoding)
        table.notes.append(
            _(
                "The text was typed in the old %(encoding)s encoding and was converted to Unicode."
            )
            % {"encoding": {"tcvn3": "TCVN3 (ABC)", "vni": "VNI"}[encoding]}
        )
    if _has_nfd(chosen):
        table.notes.append(
            _("Some text was in decomposed Unicode (NFD) and was normalised to NFC.")
        )
    _apply_overrides(header, overrides or {})
    table.missing = [str(f.verbose_name) for f in missing_required(header, fields)]
    table.notes.append(
        _("Header found on row %(row)s of sheet “%(sheet)s”.")
        % {"row": header.first_row + 1, "sheet": chosen.name}
    )
    table.data = list(_data_rows(chosen, header))
    return table


def _choose_sheet(sheets: list[Sheet], fields, wanted: str | None):
    if wanted is not None:
        matches = [s for s in sheets if s.name == wanted]
        if not matches:
            raise UnusableFile(
                _("The file has no sheet named “%(name)s”; it has: %(names)s.")
                % {"name": wanted, "names": ", ".join(s.name for s in sheets)}
            )
        candidates = matches
    else:
        candidates = sheets
    best = None
    for candidate in candidates:
        encoding = legacy_encodings.detect(
            _text_cells(candidate.rows[:SAMPLE_ROWS]), candidate.fonts
        )
        head = candidate.head
        if encoding != legacy_encodings.UNICODE:
            head = [[_converted(cell, encoding) for cell in row] for row in head]
        header = find_header(head, fields)
        if header is None:
            continue
        score = len(header.mapping) - 3 * len(missing_required(header, fields))
        if best is None or score > best[0]:
            best = (score, candidate, header, encoding)
    if best is None:
        raise UnusableFile(
            _(
                "No table header was found: the first rows should hold column titles "
                "such as “%(example)s”."
            )
            % {"example": " | ".join(f.header for f in fields[1:4])}
        )
    return best[1], best[2], best[3]


def _text_cells(rows: list[list]) -> list[str]:
    return [cell for row in rows for cell in row if isinstance(cell, str) and cell]


def _converted(cell, encoding: str):
    if isinstance(cell, str) and legacy_encodings.may_be_legacy(cell):
        return legacy_encodings.to_unicode(cell, encoding)
    return cell


def _convert_legacy(sheet: Sheet, encoding: str) -> None:
    for row in sheet.rows:
        for index, cell in enumerate(row):
            if isinstance(cell, str) and legacy_encodings.may_be_legacy(cell):
                row[index] = legacy_encodings.to_unicode(cell, encoding)


def _has_nfd(sheet: Sheet) -> bool:
    import unicodedata

    return any(
        not unicodedata.is_normalized("NFC", cell)
        for cell in _text_cells(sheet.rows[:SAMPLE_ROWS])
    )


def _apply_overrides(header: Header, overrides: dict[str, str]) -> None:
    for index, label in enumerate(header.labels):
        key = overrides.get(fold(label))
        if key is None:
            continue
        for other, other_key in list(header.mapping.items()):
            if key and other_key == key and other != index:
                del header.mapping[other]
        if key:
            header.mapping[index] = key
            header.scores[index] = 1.0
        else:
            header.mapping.pop(index, None)


def parse_rows(
    kind: str, numbers: list[int], columns: dict[str, list], memo: dict | None = None
) -> list[ParsedRow]:
    """One ParsedRow per row number, from each mapped field's column of cells."""
    if kind == "members":
        return parse_member_rows(numbers, columns, memo)
    parse = PARSERS[kind]
    return [
        parse(number, {key: cells[index] for key, cells in columns.items()})
        for index, number in enumerate(numbers)
    ]


def _parsed(
    kind: str, header: Header, data: list[tuple[int, list]], memo: dict | None = None
) -> list[ParsedRow]:
    """The rows of ``data`` parsed, each keeping its cells as read."""
    # Turned into columns in one go (C code), short rows padded with None.
    by_column = list(zip_longest(*(row for _number, row in data)))
    columns = {
        key: list(by_column[column]) if column < len(by_column) else [None] * len(data)
        for column, key in sorted(header.mapping.items())
    }
    parsed = parse_rows(kind, [number for number, _row in data], columns, memo)
    for row, (_number, cells) in zip(parsed, data, strict=True):
        row.raw = cells
    return parsed


def _data_rows(sheet: Sheet, header: Header):
    """(Excel row number, cells) of each row of the table: blank rows and rows with
    nothing but a row number are skipped, and the signature block ends the table."""
    counted = [column for column, key in header.mapping.items() if key != "row_number"]
    number_columns = [c for c, key in header.mapping.items() if key == "row_number"]
    number_column = number_columns[0] if number_columns else None
    for index in range(header.data_start, len(sheet.rows)):
        row = sheet.rows[index]
        filled = [cell for cell in row if cell not in _EMPTY]
        if not filled:
            continue
        if len(filled) <= 3 and _is_footer(row, filled, number_column):
            return
        if any(row[column] not in _EMPTY for column in counted if column < len(row)):
            yield index + 1, row


def _is_footer(row: list, filled: list, number_column: int | None) -> bool:
    """The signature block under the table: few cells, one of the usual phrases."""
    if number_column is not None and number_column < len(row):
        if isinstance(row[number_column], int | float):
            return False
    return any(_FOOTER_WORDS.search(fold(str(cell))) for cell in filled)


def _check_duplicate(row: ParsedRow, identity: tuple[str, ...], seen: dict) -> None:
    key = tuple(row.values.get(k) for k in identity)
    if any(part in ("", None) for part in key):
        return
    if key in seen:
        row.error(
            identity[0],
            _("The same %(column)s is already on row %(row)s of this file.")
            % {"column": column_name(identity[0], row.kind), "row": seen[key]},
        )
    else:
        seen[key] = row.number


def head_rows(data: bytes, filename: str, sheet: str | None = None) -> list[list]:
    """The first rows of a sheet as read, for showing what the file looks like."""
    sheets = read_workbook(data, filename)
    chosen = next((s for s in sheets if s.name == sheet), sheets[0])
    return chosen.rows[:HEAD_ROWS]
