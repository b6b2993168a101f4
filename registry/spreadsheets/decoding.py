"""Decode legacy text, the stage after reading: each cell in the encoding its evidence
shows.

Member lists kept for years mix cells typed in TCVN3 or VNI fonts with cells retyped
in Unicode, so no encoding holds for a whole sheet. A cell is converted when a legacy
reading of it is more Vietnamese than the text as typed (legacy_encodings.readings);
when both read as valid Vietnamese ("Tô Lâm" is "Tụ Lõm" in TCVN3), the cell's font
decides, and the decoder says so: a cell that is valid as typed is never changed, nor
kept against its column's other cells, without a doubt on record (``Doubt``), which
the table turns into a warning on the row. The user may then choose the column's
encoding (``apply_choice``).

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
    clear: dict[int, Counter] = {}  # column → encoding → cells plainly legacy
    clear_in_font: Counter = Counter()  # column → of those, cells in a legacy font
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
                clear.setdefault(c, Counter())[reading.encoding] += 1
                clear_in_font[c] += bool(font)
    for r, c, font, verdict in verdicts:
        column = clear.get(c, Counter())
        _apply(sheet, decoding, r, c, font, verdict, column, clear_in_font[c])
    return decoding


def _verdict(text: str, font_encoding: str | None):
    """("legacy", the reading to take, ()) for a cell plainly legacy;
    ("both", None, the valid legacy readings) for one valid both ways; else None."""
    typed, *others = legacy.readings(text)
    better = [
        r
        for r in others
        if r.score > typed.score and r.syllables > typed.syllables
        and r.text != typed.text
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
    column: Counter, in_font: int,
) -> None:  # fmt: skip
    kind, reading, others = verdict
    typed = sheet.rows[r][c]
    font_encoding = legacy.encoding_of_font(font or "")
    if kind == "legacy":
        if len(others) > 1 and reading.encoding != font_encoding and column:
            # TCVN3 and VNI read equally well: the column's other cells decide.
            majority = column.most_common(1)[0][0]
            reading = next((o for o in others if o.encoding == majority), reading)
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
    majority = column.most_common(1)[0][0] if column else None
    if majority not in by_encoding:
        return
    # The column's legacy cells carry a legacy font and this one does not: the fonts
    # tell the retyped cells apart, and this one was retyped.
    told_apart_by_font = font is not None and in_font * 2 >= sum(column.values())
    if not told_apart_by_font:
        reading = by_encoding[majority]
        decoding.doubts.append(Doubt(r, c, majority, typed, reading.text, False))


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
