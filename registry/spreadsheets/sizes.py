"""How big a spreadsheet really is, told before any reader lays it out in memory.

A reader lays a sheet out as a grid from A1 to its farthest cell: one cell typed at
XFD1048576 next to a table at A1 makes 17 billion cells (512 GiB), whatever the file's
own <dimension> says. So the sheet's XML is scanned for its real extent first — the
last row that holds cells, the widest column reference — and a sheet past
IMPORT_MAX_CELLS is refused (reading.py raises the message given here) with the cell
that lies so far out. The quick scan gives
an upper bound; when that bound is over the limit (or the XML is written in a way
the quick scan does not follow, such as cells without a reference), an exact scan
counts only the cells that hold something, as the reader does, before refusing.
Nothing here touches the ORM.
"""

import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

MAX_CELLS = 20_000_000  # a 100,000-row list of 20 columns is 2 million
MAX_ROWS = 1_048_576  # Excel's own limit; a CSV may not have more lines either
CHUNK = 8 * 1024 * 1024
_ROW_WITH_CELLS = re.compile(rb'<row r="(\d+)"(?:[^>]*[^/])?>')
_TWO_LETTERS = re.compile(rb'<c r="([A-Z]{2})\d')
_ODD_CELL = re.compile(rb'<c(?! r="[A-Z]{1,2}\d)[\s>/]')
_PREFIXED_ROOT = re.compile(rb"<[A-Za-z_][\w.-]*:worksheet[\s>]")
_REFERENCE = re.compile(r"([A-Z]+)(\d+)$")


@dataclass
class Extent:
    rows: int = 0
    columns: int = 0

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def max_cells() -> int:
    return getattr(settings, "IMPORT_MAX_CELLS", MAX_CELLS)


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", MAX_ROWS)


def xlsx_refusal(archive: zipfile.ZipFile, sheets: dict[str, str]) -> str | None:
    """Why a workbook whose sheets (name → part in the archive) lay out to more than
    IMPORT_MAX_CELLS cells together, or one of them to more than IMPORT_MAX_ROWS rows,
    is refused; None for a workbook within the limits (or XML no reader can read)."""
    total = 0
    for name, path in sheets.items():
        try:
            extent = _quick_extent(archive, path)
            if extent is None or extent.cells + total > max_cells():
                extent = exact_extent(archive, path)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
            return _("The file is damaged and cannot be opened.")
        if extent is None:
            return None  # the reader says what is wrong with the XML
        if message := refusal(name, extent, total):
            return message
        total += extent.cells
    return None


def refusal(sheet: str, extent: Extent, before: int = 0) -> str | None:
    """Why a sheet of ``extent`` after ``before`` cells of other sheets is refused;
    None when it is not."""
    if extent.rows > max_rows():
        return _(
            "Sheet “%(sheet)s” has %(rows)s rows, more than the %(limit)s an "
            "import reads. Split the file and upload the parts."
        ) % {"sheet": sheet, "rows": _number(extent.rows), "limit": _number(max_rows())}
    if extent.cells + before > max_cells():
        return _(
            "Sheet “%(sheet)s” spans %(rows)s rows × %(columns)s columns, up to "
            "cell %(cell)s: %(cells)s cells, more than the %(limit)s an import "
            "reads. Something was typed or pasted far outside the table: delete "
            "the rows and columns after the table (select them, right-click, "
            "Delete), save and upload again."
        ) % {
            "sheet": sheet,
            "rows": _number(extent.rows),
            "columns": _number(extent.columns),
            "cell": f"{column_letters(extent.columns)}{extent.rows}",
            "cells": _number(extent.cells + before),
            "limit": _number(max_cells()),
        }
    return None


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def _quick_extent(archive: zipfile.ZipFile, path: str) -> Extent | None:
    """An upper bound of the sheet's extent from its row and cell references, or None
    when the XML is not written with them (then only the exact scan can tell).

    A reader places a cell by its own reference, not by the row around it; the row
    numbers of the <row> elements are an upper bound only while no cell reference has
    more digits than the largest of them (checked chunk by chunk), and past 99,999
    rows the largest cell references are read themselves."""
    rows = cell_rows = 0
    wide, letters = False, set()
    for number, part in enumerate(_parts(archive, path)):
        if number == 0 and _PREFIXED_ROOT.search(part, 0, 4096):
            return None
        found = _ROW_WITH_CELLS.findall(part)
        if found:
            rows = max(rows, max(map(int, found)))
        digits = len(str(rows)) if rows else 1
        if digits >= 6:
            found = re.findall(rb'<c r="[A-Z]+(\d{%d})"' % digits, part)
            cell_rows = max([cell_rows, *map(int, found)])
        # One pass for the usual sheet: every cell has one letter and no more digits
        # than the rows; the rest is looked at only when that pass finds a cell that
        # has not.
        if re.search(rb'<c(?! r="[A-Z]\d{1,%d}")[\s>/]' % digits, part):
            if re.search(rb'<c r="[A-Z]+\d{%d}' % (digits + 1), part):
                return None  # a cell further down than any row says
            if _ODD_CELL.search(part):
                return None  # a cell without a reference, or past column ZZ
            wide = True
            letters.update(_TWO_LETTERS.findall(part))
    digits = len(str(rows)) if rows else 1
    bound = max(rows, cell_rows) if digits >= 6 else 10**digits - 1
    columns = max(map(column_number, letters)) if wide else 26
    return Extent(bound, columns)


def _parts(archive: zipfile.ZipFile, path: str):
    """The part's XML in pieces that each end before a tag begins."""
    tail = b""
    with archive.open(path) as stream:
        while chunk := stream.read(CHUNK):
            text = tail + chunk
            cut = text.rfind(b"<")
            if cut <= 0:
                tail = text
                continue
            yield text[:cut]
            tail = text[cut:]
    yield tail


def exact_extent(archive: zipfile.ZipFile, path: str) -> Extent | None:
    """The sheet's extent from the cells that hold a value, placed as a reader places
    them (a row or cell without a reference follows the one before it); None for XML
    that cannot be read."""
    extent = Extent()
    row = column = 0
    try:
        with archive.open(path) as stream:
            for event, element in ElementTree.iterparse(stream, ("start", "end")):
                tag = element.tag.rsplit("}", 1)[-1]
                if event == "start" and tag == "row":
                    row = _int(element.get("r"), row + 1)
                    column = 0
                elif event == "end" and tag == "c":
                    # A cell's own reference places it, row and column alike.
                    cell_row, column = _place(element.get("r"), row, column + 1)
                    if len(element) or (element.text or "").strip():
                        extent.rows = max(extent.rows, row, cell_row)
                        extent.columns = max(extent.columns, column)
                    element.clear()
                elif event == "end" and tag == "row":
                    element.clear()
    except ElementTree.ParseError:
        return None
    return extent


def _int(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() else default


def _place(reference: str | None, row: int, column: int) -> tuple[int, int]:
    """(row, column) of a cell: its reference's, or the ones it follows."""
    match = _REFERENCE.match(reference or "")
    if not match:
        return row, column
    return int(match.group(2)), column_number(match.group(1).encode())


def column_number(letters: bytes) -> int:
    """Excel's column letters as a number: A is 1, XFD 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"
