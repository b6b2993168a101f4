"""From uploaded bytes to parsed rows: sheet choice, decoding, header, row kinds.

This is the part of an import that needs no database, so the preview, the command
line and the tests all run exactly this. The import modules take it from here.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from itertools import zip_longest

from django.utils.translation import gettext as _

from members import rules
from registry.text import fold

from . import classifying, decoding, legacy_encodings
from .column_checks import column_doubts
from .decoding import Decoding
from .headers import (
    CHOSEN,
    FIELDS,
    Header,
    doubt_messages,
    find_header,
    missing_required,
)
from .member_rows import parse_member_rows
from .reading import Sheet, UnusableFile, read_workbook
from .rows import PARSERS, ParsedRow, Problem, column_name

SAMPLE_ROWS = 300  # rows looked at for decomposed (NFD) text
ENCODING_CHOICE = "encoding:"  # overrides key prefix: a column's encoding, by label
COLUMN_CHOICE = "column:"  # overrides key prefix: a column's field, by place and label
_ENCODING_NAMES = {"unicode": "Unicode", "tcvn3": "TCVN3 (ABC)", "vni": "VNI"}
ENCODINGS = tuple(_ENCODING_NAMES)  # what a user may choose for a column's text
HEAD_TABLE_ROWS = 20  # rows the preview shows while the rest are checked
_IDENTITY_KEYS = {
    "members": ("cccd",),
    "units": ("code",),
    "reattach": ("code",),
    "enterprises": ("tax_code",),
    "agreements": ("tax_code", "signed_on"),
    "zones": ("code",),
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
    # Problems of the file as a whole (row None): said once, not on every row.
    file_errors: list[Problem] = field(default_factory=list)
    file_warnings: list[Problem] = field(default_factory=list)
    # The table's rows as read, (Excel row number, cells), until ``parse`` turns them
    # into ``rows`` (and leaves None in their place).
    data: list[tuple[int, list]] = field(default_factory=list, repr=False)
    _seen: dict[tuple, int] = field(default_factory=dict, repr=False)
    # The CCCD column's conversions, shared by the importer's look-up and the parser.
    cccd_memo: dict = field(default_factory=dict, repr=False)
    # Warnings about single cells found before parsing (an encoding in doubt), by
    # Excel row number; each joins its row's warnings when the row is parsed.
    cell_warnings: dict[int, list[Problem]] = field(default_factory=dict, repr=False)

    @property
    def errors(self) -> list[Problem]:
        return [*self.file_errors, *(p for row in self.rows for p in row.errors)]

    @property
    def warnings(self) -> list[Problem]:
        return [*self.file_warnings, *(p for row in self.rows for p in row.warnings)]

    def file_error(self, column: str, message) -> None:
        self.file_errors.append(Problem(None, column, str(message)))

    def file_warning(self, column: str, message) -> None:
        self.file_warnings.append(Problem(None, column, str(message)))

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
            identity = _IDENTITY_KEYS[self.kind]
            for row in batch:
                _check_duplicate(row, identity, self._seen)
                if self.kind == "members" and not row.values.get("cccd"):
                    _check_same_person(row, self._seen)
                if self.cell_warnings and row.number in self.cell_warnings:
                    row.warnings.extend(self.cell_warnings[row.number])
            self.rows.extend(batch)
            if on_head is not None and start == 0:
                on_head(replace(self, rows=self.rows[:HEAD_TABLE_ROWS]), len(self.data))
            yield batch
        self.file_warnings += column_doubts(
            self.kind, self.header, FIELDS[self.kind], self.rows
        )

    def columns(self) -> list[dict]:
        """Each column of the file: its label and the field it was taken for."""
        return [
            {
                "index": index,
                "label": label,
                "key": self.header.mapping.get(index, ""),
                "score": round(self.header.scores.get(index, 0), 2),
                "confidence": self.header.confidence.get(index, ""),
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
    strict: bool = False,
) -> Table:
    """Read and repair a file of ``kind`` and find its table; ``Table.parse`` does the
    rest. ``overrides`` maps a column's folded label to the field the user chose for
    it ("" to ignore the column), and ``"encoding:" + folded label`` to the encoding
    the user chose for its text ("unicode", "tcvn3" or "vni"). With ``strict``, every
    one of them must name a column of the table (the command line's choices, not a
    mapping saved for any file)."""
    fields = FIELDS[kind]
    overrides = overrides or {}
    sheets = read_workbook(data, filename)
    chosen, header, decoded = _choose_sheet(sheets, fields, sheet)
    table = Table(kind, chosen.name, [s.name for s in sheets], header)
    if strict:
        _check_overrides(header, overrides)
    decided = _apply_overrides(header, overrides)
    _apply_encoding_choices(chosen, header, decoded, overrides)
    table.encoding = decoded.encoding
    table.notes.extend(_decoding_notes(header, decoded, kind))
    table.cell_warnings = _doubts(header, decoded, kind)
    if _has_nfd(chosen):
        table.notes.append(
            _("Some text was in decomposed Unicode (NFD) and was normalised to NFC.")
        )
    for column, message in doubt_messages(header, fields, leave_out=decided):
        table.file_warning(header.labels[column], message)
    table.missing = [str(f.verbose_name) for f in missing_required(header, fields)]
    table.notes.append(
        _("Header found on row %(row)s of sheet “%(sheet)s”.")
        % {"row": header.first_row + 1, "sheet": chosen.name}
    )
    table.data, skipped = classifying.table_rows(chosen, header)
    table.notes.extend(_skipped_notes(skipped))
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
        decoded = decoding.decode(candidate)
        header = find_header(candidate.head, fields)
        if header is None:
            continue
        score = len(header.mapping) - 3 * len(missing_required(header, fields))
        if best is None or score > best[0]:
            best = (score, candidate, header, decoded)
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


def _apply_encoding_choices(
    sheet: Sheet, header: Header, decoded: Decoding, overrides: dict[str, str]
) -> None:
    rows = range(header.data_start, len(sheet.rows))
    for index, label in enumerate(header.labels):
        choice = overrides.get(ENCODING_CHOICE + fold(label))
        if choice in _ENCODING_NAMES:
            decoding.apply_choice(sheet, decoded, index, choice, rows)


def _column_label(header: Header, column: int, kind: str) -> str:
    key = header.mapping.get(column)
    if key:
        return column_name(key, kind)
    return header.labels[column] if column < len(header.labels) else str(column + 1)


def _decoding_notes(header: Header, decoded: Decoding, kind: str) -> list[str]:
    """What was converted, column by column, and where the decoder was unsure."""
    converted: dict[tuple[int, str], int] = {}
    for (r, c), (_typed, encoding) in decoded.converted.items():
        if r >= header.data_start:
            converted[(c, encoding)] = converted.get((c, encoding), 0) + 1
    notes = [
        _("Column “%(column)s”: %(count)s cells typed in %(encoding)s were converted to Unicode.")
        % {"column": _column_label(header, c, kind), "count": count,
           "encoding": _ENCODING_NAMES[encoding]}
        for (c, encoding), count in sorted(converted.items())
    ]  # fmt: skip
    if decoded.converted and not notes:
        notes.append(
            _("The text was typed in the old %(encoding)s encoding and was converted to Unicode.")
            % {"encoding": _ENCODING_NAMES[decoded.encoding]}
        )  # fmt: skip
    doubted: dict[tuple[int, str], int] = {}
    for doubt in _data_doubts(header, decoded):
        key = (doubt.column, doubt.encoding)
        doubted[key] = doubted.get(key, 0) + 1
    notes.extend(
        _(
            "Column “%(column)s”: %(count)s cells read as Vietnamese both as typed and "
            "in %(encoding)s; each is marked on its row. Choose the column's encoding "
            "if the decision was wrong."
        )
        % {"column": _column_label(header, c, kind), "count": count,
           "encoding": _ENCODING_NAMES[encoding]}
        for (c, encoding), count in sorted(doubted.items())
    )  # fmt: skip
    return notes


def _data_doubts(header: Header, decoded: Decoding) -> list:
    return [
        doubt
        for doubt in decoded.doubts
        if doubt.row >= header.data_start and doubt.column in header.mapping
    ]


def _doubts(header: Header, decoded: Decoding, kind: str) -> dict[int, list[Problem]]:
    """A warning on the row for each cell of the table the decoder was unsure of."""
    found: dict[int, list[Problem]] = {}
    for doubt in _data_doubts(header, decoded):
        values = {
            "typed": doubt.typed, "converted": doubt.converted, "font": doubt.font,
            "encoding": _ENCODING_NAMES[doubt.encoding],
        }  # fmt: skip
        if doubt.is_converted and not doubt.font:
            message = _(
                "“%(typed)s” reads as Vietnamese both as typed and in %(encoding)s, "
                "the encoding of the other old cells of its row; it was read as "
                "“%(converted)s”."
            )
        elif doubt.is_converted:
            message = _(
                "“%(typed)s” reads as Vietnamese both as typed and in %(encoding)s; its "
                "font %(font)s is a %(encoding)s font, so it was read as “%(converted)s”."
            )
        else:
            message = _(
                "“%(typed)s” reads as Vietnamese both as typed and in %(encoding)s, the "
                "encoding of this column's other old cells; it was kept as typed (in "
                "%(encoding)s it would be “%(converted)s”)."
            )
        column = column_name(header.mapping[doubt.column], kind)
        found.setdefault(doubt.row + 1, []).append(
            Problem(doubt.row + 1, column, message % values)
        )
    return found


def _has_nfd(sheet: Sheet) -> bool:
    import unicodedata

    return any(
        not unicodedata.is_normalized("NFC", cell)
        for cell in _text_cells(sheet.rows[:SAMPLE_ROWS])
    )


def column_choice(index: int, label: str) -> str:
    """The overrides key of the user's choice for one column of the preview: its place
    and its folded title, so that a saved choice applies to the same layout only, and
    two columns of one title ("HỌ TÊN" of the member and of a relative) stay apart.
    The command line's --map keys a choice by the title alone."""
    return f"{COLUMN_CHOICE}{index}:{fold(label)}"


def _check_overrides(header: Header, overrides: dict[str, str]) -> None:
    labels = {fold(label) for label in header.labels}
    unknown = [
        label.removeprefix(ENCODING_CHOICE)
        for label in overrides
        if label.removeprefix(ENCODING_CHOICE) not in labels
    ]
    if unknown:
        raise UnusableFile(
            _(
                "The table has no column titled %(unknown)s; its columns are: %(columns)s."
            )
            % {
                "unknown": ", ".join(f"“{label}”" for label in unknown),
                "columns": ", ".join(f"“{label}”" for label in header.labels if label),
            }
        )


def _apply_overrides(header: Header, overrides: dict[str, str]) -> set[int]:
    """The user's choices over the engine's; returns the columns they chose for."""
    chosen = set()
    for index, label in enumerate(header.labels):
        key = overrides.get(column_choice(index, label), overrides.get(fold(label)))
        if key is None:
            continue
        chosen.add(index)
        for other, other_key in list(header.mapping.items()):
            if key and other_key == key and other != index:
                del header.mapping[other]
                chosen.add(other)
        if key:
            header.mapping[index] = key
            header.scores[index] = 1.0
            header.confidence[index] = CHOSEN
        else:
            header.mapping.pop(index, None)
            header.confidence.pop(index, None)
    return chosen


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


def _skipped_notes(skipped: list[classifying.Skipped]) -> list[str]:
    """One note per heading and total left out, one for the rows of signatures."""
    notes = []
    for row in skipped:
        values = {"row": row.number, "text": row.text}
        if row.kind == classifying.GROUP:
            notes.append(
                _(
                    "Row %(row)s, “%(text)s”, is a group heading, not a member; the "
                    "group is not stored."
                )
                % values
            )
        elif row.kind == classifying.TOTAL:
            notes.append(
                _("Row %(row)s, “%(text)s”, holds totals, not a member.") % values
            )
        elif row.kind == classifying.HEADER:
            notes.append(_("Row %(row)s repeats the header.") % values)
    footer = [str(row.number) for row in skipped if row.kind == classifying.FOOTER]
    if footer:
        notes.append(
            _(
                "Rows %(rows)s hold the place, the date and the signatures under the "
                "table, not members."
            )
            % {"rows": ", ".join(footer)}
        )
    return notes


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


def _check_same_person(row: ParsedRow, seen: dict) -> None:
    """People without a CCCD are told apart by name and birth: the same twice in
    one file would become two members."""
    born = row.values.get("birth_date") or row.values.get("birth_year")
    name = row.values.get("full_name")
    if not name or not born:
        return
    key = (
        "same person",
        *rules.person_key(
            name, row.values.get("birth_date"), row.values.get("birth_year")
        ),
    )
    if key in seen:
        row.error(
            "full_name",
            _(
                "The same name and birth date as row %(row)s, and no CCCD to tell them "
                "apart: give their CCCD, or leave out the repeated row."
            )
            % {"row": seen[key]},
        )
    else:
        seen[key] = row.number


def head_rows(data: bytes, filename: str, sheet: str | None = None) -> list[list]:
    """The first rows of a sheet as read, for showing what the file looks like."""
    sheets = read_workbook(data, filename)
    chosen = next((s for s in sheets if s.name == sheet), sheets[0])
    return chosen.head
