"""Decode legacy text, the stage after reading: each cell in the encoding its evidence
shows.

Member lists kept for years mix cells typed in TCVN3 or VNI fonts with cells retyped
in Unicode, so no encoding holds for a whole sheet. A cell is converted when a legacy
reading of it is more Vietnamese than the text as typed (legacy_encodings.readings);
when both read as valid Vietnamese ("Tô Lâm" is "Tụ Lõm" in TCVN3), the cell's font
decides; without one, the cell is kept as typed, or, when its column holds no other
text to go by (a header over a column of numbers), it follows its row. A cell valid
as typed is never changed, nor kept against the cells around it, without a doubt on
record (``Doubt``), which the table turns into a warning on the row. The user may
then choose the column's encoding (``apply_choice``).

A sheet without legacy marks or fonts is left alone after one look at its text.
Nothing here touches the ORM.
"""

from collections import Counter
from dataclasses import dataclass, field

from . import legacy_encodings as legacy
from .legacy_encodings import TCVN3, UNICODE, VNI
from .reading import Sheet

_LEGACY = (TCVN3, VNI)


@dataclass(slots=True)
class Doubt:
    """A cell valid as typed and in a legacy reading: what was kept, what was not."""

    row: int  # 0-based, in Sheet.rows
    column: int
    encoding: str  # the legacy encoding in question
    typed: str  # the cell as typed
    converted: str  # the cell read in ``encoding``
    is_converted: bool  # which of the two the cell now holds
    font: str = ""  # the cell's font, when that decided


@dataclass
class Decoding:
    """What decoding did to one sheet."""

    # (row, column) → (the cell as typed, the encoding it was converted from)
    converted: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    doubts: list[Doubt] = field(default_factory=list)

    @property
    def encoding(self) -> str:
        """The legacy encoding most cells were converted from, or UNICODE."""
        totals = Counter(encoding for _typed, encoding in self.converted.values())
        return totals.most_common(1)[0][0] if totals else UNICODE


def has_legacy_evidence(sheet: Sheet) -> bool:
    """Any cell in a legacy font, or any text with characters only legacy text holds."""
    if any(legacy.encoding_of_font(name) for name in sheet.fonts):
        return True
    texts = [cell for row in sheet.rows for cell in row if cell.__class__ is str]
    return legacy.has_legacy_marks("\x00".join(texts))


def decode(sheet: Sheet) -> Decoding:
    """Convert the legacy-encoded cells of ``sheet`` in place (see the module)."""
    decoding = Decoding()
    if not has_legacy_evidence(sheet):
        return decoding
    fonts = sheet.legacy_fonts()
    verdicts = []
    columns, rows = _Evidence(), _Evidence()
    for r, row in enumerate(sheet.rows):
        for c, cell in enumerate(row):
            if cell.__class__ is not str or not legacy.may_be_legacy(cell):
                continue
            font = fonts.get((r, c), "") if fonts is not None else None
            verdict = _verdict(cell, legacy.encoding_of_font(font or ""))
            if verdict is None:
                continue
            verdicts.append((r, c, font, verdict))
            kind, reading, _others = verdict
            if kind == "legacy":
                columns.add(c, reading.encoding, font)
                rows.add(r, reading.encoding, font)
    for r, c, font, verdict in verdicts:
        around = columns.of(c) or rows.of(r, from_row=True)
        _apply(sheet, decoding, r, c, font, verdict, around)
    return decoding


class _Evidence:
    """The plainly legacy cells of each column (or row), by encoding, and how many of
    them are in a legacy font."""

    def __init__(self):
        self.cells: dict[int, Counter] = {}
        self.in_font: Counter = Counter()

    def add(self, key: int, encoding: str, font: str | None) -> None:
        self.cells.setdefault(key, Counter())[encoding] += 1
        self.in_font[key] += bool(font)

    def of(self, key: int, *, from_row: bool = False) -> tuple[str, bool, bool] | None:
        """(the encoding most of them are in, whether most are in a legacy font,
        ``from_row``)."""
        cells = self.cells.get(key)
        if not cells:
            return None
        in_font = self.in_font[key] * 2 >= cells.total()
        return cells.most_common(1)[0][0], in_font, from_row


def _verdict(text: str, font_encoding: str | None):
    """("legacy", the reading to take, ()) for a cell plainly legacy;
    ("both", None, the valid legacy readings) for one valid both ways; else None.
    A legacy reading is taken when it reads better and holds more syllables, or is
    Vietnamese where the text as typed is not."""
    typed, *others = legacy.readings(text)
    better = [
        r
        for r in others
        if r.text != typed.text and r.score > typed.score
        and (r.syllables > typed.syllables or r.is_vietnamese > typed.is_vietnamese)
    ]  # fmt: skip
    if better:
        best = max(r.score for r in better)
        top = [r for r in better if r.score == best]
        chosen = next((r for r in top if r.encoding == font_encoding), top[0])
        return "legacy", chosen, tuple(top)
    if typed.is_vietnamese:
        valid = tuple(r for r in others if r.is_vietnamese and r.text != typed.text)
        if valid:
            return "both", None, valid
    return None


def _apply(
    sheet: Sheet, decoding: Decoding, r: int, c: int, font: str | None, verdict,
    around: tuple[str, bool, bool] | None,
) -> None:  # fmt: skip
    """Decide one cell. ``around``: the evidence of its column, or of its row when
    the column holds no legacy text (a header cell over a column of numbers)."""
    kind, reading, others = verdict
    typed = sheet.rows[r][c]
    font_encoding = legacy.encoding_of_font(font or "")
    if kind == "legacy":
        if len(others) > 1 and reading.encoding != font_encoding and around:
            # TCVN3 and VNI read equally well: the cells around decide.
            reading = next((o for o in others if o.encoding == around[0]), reading)
        _convert(sheet, decoding, r, c, reading)
        return
    by_encoding = {o.encoding: o for o in others}
    if font_encoding in by_encoding:
        reading = by_encoding[font_encoding]
        _convert(sheet, decoding, r, c, reading)
        decoding.doubts.append(
            Doubt(r, c, reading.encoding, typed, reading.text, True, font or "")
        )
        return
    if around is None or around[0] not in by_encoding:
        return
    encoding, in_legacy_fonts, from_row = around
    if font is not None and in_legacy_fonts:
        return  # the legacy cells around have a legacy font and this one has not
    reading = by_encoding[encoding]
    if from_row:
        # Nothing else in the column to go by (a header over numbers): the cell
        # follows its row.
        _convert(sheet, decoding, r, c, reading)
    decoding.doubts.append(Doubt(r, c, encoding, typed, reading.text, from_row))


def _convert(sheet: Sheet, decoding: Decoding, r: int, c: int, reading) -> None:
    decoding.converted[(r, c)] = (sheet.rows[r][c], reading.encoding)
    sheet.rows[r][c] = reading.text


def apply_choice(
    sheet: Sheet, decoding: Decoding, column: int, encoding: str, rows: range
) -> None:
    """The user's choice of encoding for one column, over the cells of ``rows``: the
    decoder's decisions and doubts for that column give way to it."""
    decoding.doubts = [d for d in decoding.doubts if d.column != column]
    for r in rows:
        row = sheet.rows[r]
        if column >= len(row):
            continue
        typed, _encoding = decoding.converted.pop((r, column), (row[column], None))
        row[column] = typed
        if encoding in _LEGACY and typed.__class__ is str:
            if legacy.may_be_legacy(typed):
                converted = legacy.to_unicode(typed, encoding)
                if converted != typed:
                    _convert(sheet, decoding, r, column, _Chosen(encoding, converted))


@dataclass(frozen=True, slots=True)
class _Chosen:
    encoding: str
    text: str
