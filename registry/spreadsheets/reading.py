"""Open whatever file was uploaded and hand back its sheets as rows of cell values.

python-calamine (Rust) reads .xlsx, .xls and .ods: about 8× faster than openpyxl's
read-only mode on a 100,000-row sheet, and it returns the cached value of formulas.
It gives no styles, so the fonts (the clue to TCVN3/VNI text) come from a look at
styles.xml and the first rows of the sheet's XML, or from xlrd for old .xls files; the
font of every cell is looked up only for a sheet that shows signs of legacy text
(decoding.py). Merged cells keep their value in their first cell only: a group heading
merged across a data row is not copied into the row's columns; only the header rows
are read with merged blocks filled, as a person reads them (``Sheet.head``).
Nothing here touches the ORM.
"""

import csv
import io
import re
import struct
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineError, CalamineWorkbook

from . import sizes
from .confined import Stopped, run_confined
from .legacy_encodings import encoding_of_font

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_MB = 400  # a 100,000 × 20 sheet unpacks to ~100 MB
MAX_PACKING_RATIO = 100  # real sheets compress 10–20×; zip bombs a thousandfold
READ_MEMORY_MB = 2048  # beyond what the worker holds; a 100,000-row file needs ~500
READ_SECONDS = 300
HEAD_ROWS = 40  # title rows and headers sit in the first rows
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


class UnusableFile(Exception):
    """The upload cannot be read as a spreadsheet; the message says why, for the user."""


CellFonts = dict[tuple[int, int], str]  # (row, column) → font name


@dataclass
class Sheet:
    name: str
    rows: list[list]
    fonts: set[str] = field(default_factory=set)  # of the text cells of the first rows
    # Merged blocks, ((top, left), (bottom, right)), 0-based and inclusive.
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    # Looks up the cells in a TCVN3 or VNI font; None: the file has no fonts (CSV).
    _legacy_fonts: Callable[[], CellFonts | None] = field(
        default=lambda: None, repr=False
    )

    @property
    def head(self) -> list[list]:
        """The first rows, each merged block filled with its value (a copy)."""
        head = [list(row) for row in self.rows[:HEAD_ROWS]]
        _fill_merged(head, self.merged)
        return head

    def legacy_fonts(self) -> CellFonts | None:
        """The cells whose font is a legacy one (.VnTime, VNI-Times …) and that font;
        None when the file keeps no fonts."""
        return self._legacy_fonts()


def max_upload_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)


def read_workbook(data: bytes, filename: str = "") -> list[Sheet]:
    """Every sheet of the file, rows numbered as Excel shows them (row 1 is rows[0]).

    The file's real size is checked first (sizes.py), and the reading runs in a child
    process with a memory and a time cap (confined.py): a file that would exhaust
    either fails with a message, not the process that asked.
    """
    check_upload(data, filename)
    sheets: list[Sheet] = []
    for part in _confined(lambda: _read_parts(data, filename)):
        if isinstance(part, tuple):
            name, fonts, merged = part
            sheets.append(
                Sheet(
                    name=name, rows=[], fonts=fonts, merged=merged,
                    _legacy_fonts=lambda name=name: _cell_fonts(data, name),
                )
            )  # fmt: skip
        else:
            sheets[-1].rows.extend(part)
    return sheets


ROWS_PER_BATCH = 5000  # rows the reading child sends at a time


def _read_parts(data: bytes, filename: str) -> Iterator:
    """The sheets, each as (name, fonts, merged) followed by its rows in batches."""
    if data.startswith(b"PK\x03\x04"):
        archive = zipfile.ZipFile(io.BytesIO(data))
        if message := sizes.xlsx_refusal(archive, _xlsx_sheet_paths(archive)):
            raise UnusableFile(message)
        yield from _read_with_calamine(data, lambda name: _xlsx_fonts(archive, name))
    elif data.startswith(_OLE2):
        fonts = _xls_fonts(data)
        yield from _read_with_calamine(data, lambda name: fonts.get(name, set()))
    else:
        yield from _read_csv(data, filename)


def _cell_fonts(data: bytes, sheet_name: str) -> CellFonts | None:
    """The legacy fonts of one sheet's cells, looked up in a child process too."""

    def look_up():
        if data.startswith(b"PK\x03\x04"):
            yield _xlsx_legacy_fonts(zipfile.ZipFile(io.BytesIO(data)), sheet_name)
        elif data.startswith(_OLE2):
            yield _xls_legacy_fonts(data, sheet_name)
        else:
            yield None

    [fonts] = _confined(look_up)
    return fonts


def _confined(produce: Callable[[], Iterable]) -> Iterator:
    if not getattr(settings, "IMPORT_READ_IN_CHILD", True):
        yield from produce()
        return
    memory = getattr(settings, "IMPORT_READ_MEMORY_MB", READ_MEMORY_MB)
    seconds = getattr(settings, "IMPORT_READ_SECONDS", READ_SECONDS)
    try:
        yield from run_confined(
            produce, memory_mb=memory, seconds=seconds, passes=(UnusableFile,)
        )
    except Stopped as stopped:
        raise UnusableFile(
            _STOPPED[stopped.reason] % {"size": memory, "seconds": seconds}
        ) from None


_STOPPED = {
    "memory": _(
        "Reading the file needed more than the %(size)s MB of memory an import may "
        "use: it holds far more than it shows (cells typed far outside the table, or "
        "a damaged file). Delete what lies outside the table, or save the file again "
        "in Excel, and upload it again."
    ),
    "time": _(
        "Reading the file took more than %(seconds)s seconds, the limit for one file, "
        "and was stopped. Split the file and upload the parts."
    ),
    "crashed": _(
        "The file could not be read: the reader stopped on it. It may be damaged: "
        "save it again in Excel (as .xlsx) and upload it again."
    ),
}


def check_upload(data: bytes, filename: str = "") -> None:
    """The checks that need no reading of the cells: size, kind of file, zip bomb,
    password. The upload page runs these; a worker reads the file afterwards."""
    if len(data) > max_upload_bytes():
        raise UnusableFile(
            _("The file is larger than the %(size)s MB limit.")
            % {"size": max_upload_bytes() // (1024 * 1024)}
        )
    if not data:
        raise UnusableFile(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        _check_zip(data)
    elif data.startswith(_OLE2):
        if _ENCRYPTED_PACKAGE in data:
            raise UnusableFile(
                _(
                    "The file is protected by a password. Remove the password in Excel "
                    "(File → Info → Protect Workbook) and upload it again."
                )
            )
    else:
        _check_csv(data[:8192])


def _check_zip(data: bytes) -> None:
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        raise UnusableFile(_("The file is damaged and cannot be opened.")) from None
    unpacked = sum(entry.file_size for entry in entries)
    most = getattr(settings, "IMPORT_MAX_UNPACKED_MB", MAX_UNPACKED_MB) * 1024 * 1024
    ratio = getattr(settings, "IMPORT_MAX_PACKING_RATIO", MAX_PACKING_RATIO)
    if unpacked > most or any(
        entry.file_size > 1024 * 1024
        and entry.file_size > ratio * max(entry.compress_size, 1)
        for entry in entries
    ):
        raise UnusableFile(
            _("The file unpacks to far more data than a member list holds; refused.")
        )
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names and "content.xml" not in names:
        raise UnusableFile(
            _("This is a zip file, not a spreadsheet. Upload .xlsx, .xls or .csv.")
        )


def _check_csv(head: bytes) -> None:
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnusableFile(
            _("This is not a spreadsheet. Upload an .xlsx, .xls or .csv file.")
        )
    if head.lstrip().startswith((b"%PDF", b"<", b"{", b"GIF", b"\x89PNG")):
        raise UnusableFile(
            _("This is not a spreadsheet. Upload an .xlsx, .xls or .csv file.")
        )


def _read_with_calamine(data: bytes, fonts: Callable[[str], set[str]]) -> Iterator:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            yield name, fonts(name), list(sheet.merged_cell_ranges or [])
            # As to_python(skip_empty_area=False): iter_rows leaves out the empty
            # columns on the left (not the rows above).
            pad = [""] * sheet.start[1] if sheet.start else []
            batch = []
            for row in sheet.iter_rows():
                batch.append(pad + row if pad else row)
                if len(batch) == ROWS_PER_BATCH:
                    yield batch
                    batch = []
            yield batch
    except (CalamineError, ValueError, TypeError, OSError) as error:
        if "password" in str(error).lower() or "encrypt" in str(error).lower():
            raise UnusableFile(
                _("The file is protected by a password; remove it and upload again.")
            ) from None
        raise UnusableFile(_("The file is damaged and cannot be opened.")) from None


def _fill_merged(rows: list[list], merged) -> None:
    """Give every cell of a merged block in ``rows`` the block's text, as a person
    reads it."""
    for (top, left), (bottom, right) in merged:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for row in range(top, min(bottom, len(rows) - 1) + 1):
            for col in range(left, min(right, len(rows[row]) - 1) + 1):
                if rows[row][col] in ("", None):
                    rows[row][col] = value


def _read_csv(data: bytes, filename: str) -> Iterator:
    # UTF-16 only with its byte order mark: almost any even number of bytes decodes
    # as UTF-16, a Windows-1258 file's too.
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig",):
        try:
            content = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        content = data.decode("cp1258", errors="replace")
    name = filename.rsplit("/", 1)[-1] or "CSV"
    yield name, set(), []
    reader = csv.reader(io.StringIO(content), delimiter=_delimiter(content))
    extent, has_text, batch = sizes.Extent(), False, []
    try:
        for row in reader:
            extent.rows += 1
            extent.columns = max(extent.columns, len(row))
            if message := sizes.refusal(name, extent):
                raise UnusableFile(message)
            has_text = has_text or any(cell.strip() for cell in row)
            batch.append(row)
            if len(batch) == ROWS_PER_BATCH:
                yield batch
                batch = []
    except csv.Error:
        raise UnusableFile(
            _(
                "Line %(line)s of the CSV file cannot be read: a cell is far too long, "
                "or the line holds a character a CSV file may not."
            )
            % {"line": reader.line_num}
        ) from None
    if not has_text:
        raise UnusableFile(_("The file is empty."))
    yield batch


def _delimiter(content: str) -> str:
    """The delimiter that cuts the first lines into the most columns, most often:
    a title line, or a footer's "Kỳ Anh, ngày …", must not make a ";" file read as
    a "," one (csv.Sniffer's mistake)."""
    head = content[:65536].splitlines()[:50]
    best, best_score = ",", 0
    for delimiter in (",", ";", "\t"):
        widths = Counter(len(row) for row in csv.reader(head, delimiter=delimiter))
        widths.pop(1, None)
        widths.pop(0, None)
        if widths:
            width, count = max(widths.items(), key=lambda item: item[1] * item[0])
            if width * count > best_score:
                best, best_score = delimiter, width * count
    return best


# --- Fonts ---------------------------------------------------------------------------

_STYLE_ATTRIBUTE = re.compile(rb'<c [^>]*?s="(\d+)"[^>]*?t="(?:s|inlineStr|str)"')
_STYLE_ATTRIBUTE_REVERSED = re.compile(
    rb'<c [^>]*?t="(?:s|inlineStr|str)"[^>]*?s="(\d+)"'
)


def _xlsx_fonts(archive: zipfile.ZipFile, sheet_name: str) -> set[str]:
    """Fonts of the text cells in the first rows of one sheet of an .xlsx."""
    try:
        xfs, fonts = _xlsx_styles(archive)
        path = _xlsx_sheet_path(archive, sheet_name)
        with archive.open(path) as stream:
            sample = stream.read(256 * 1024)
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile):
        return set()
    used = {int(m) for m in _STYLE_ATTRIBUTE.findall(sample)}
    used |= {int(m) for m in _STYLE_ATTRIBUTE_REVERSED.findall(sample)}
    if not used and b't="s"' in sample:
        used = {0}  # text cells without a style attribute use the default style
    return {fonts[xfs[index]] for index in used if index < len(xfs)} - {""}


def _xlsx_styles(archive: zipfile.ZipFile) -> tuple[list[int], list[str]]:
    root = ElementTree.fromstring(archive.read("xl/styles.xml"))
    fonts = []
    for font in root.iter(f"{_MAIN_NS}font"):
        name = font.find(f"{_MAIN_NS}name")
        fonts.append(name.get("val", "") if name is not None else "")
    cell_xfs = root.find(f"{_MAIN_NS}cellXfs")
    xfs = [int(xf.get("fontId", 0)) for xf in cell_xfs] if cell_xfs is not None else []
    return [index if index < len(fonts) else 0 for index in xfs], fonts or [""]


def _xlsx_sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's part in the archive, as far as the workbook says (a sheet not
    found here is left to the reader and its child process's caps)."""
    if "xl/workbook.xml" not in archive.namelist():
        return {}  # an OpenDocument file
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        names = [sheet.get("name") for sheet in workbook.iter(f"{_MAIN_NS}sheet")]
        return {name: _xlsx_sheet_path(archive, name) for name in names}
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, AttributeError):
        return {}


def _xlsx_sheet_path(archive: zipfile.ZipFile, sheet_name: str) -> str:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
        if sheet.get("name") == sheet_name:
            target = targets[sheet.get(f"{_REL_NS}id")]
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise KeyError(sheet_name)


def _xls_fonts(data: bytes) -> dict[str, set[str]]:
    """Fonts of the text cells in the first rows of each sheet of a legacy .xls;
    each sheet's size is checked on the way (xlrd counts its real rows and columns)."""
    import xlrd  # only old .xls files need it

    found, total = {}, 0
    try:
        book = xlrd.open_workbook(
            file_contents=data, formatting_info=True, on_demand=True,
            logfile=io.StringIO(),  # its warnings about damaged files
        )  # fmt: skip
        for name in book.sheet_names():
            sheet = book.sheet_by_name(name)
            extent = sizes.Extent(sheet.nrows, sheet.ncols)
            if message := sizes.refusal(name, extent, total):
                raise UnusableFile(message)
            total += extent.cells
            found[name] = _xls_sheet_fonts(book, sheet)
            book.unload_sheet(name)
    except (xlrd.XLRDError, xlrd.compdoc.CompDocError, *XLRD_ERRORS):
        pass  # no fonts; the reader says whether the file can be read at all
    return found


def _xls_sheet_fonts(book, sheet) -> set[str]:
    import xlrd

    names = set()
    for row in range(min(sheet.nrows, HEAD_ROWS * 3)):
        for col in range(sheet.ncols):
            if sheet.cell_type(row, col) == xlrd.XL_CELL_TEXT:
                xf = book.xf_list[sheet.cell_xf_index(row, col)]
                names.add(book.font_list[xf.font_index].name)
    return names


# What xlrd raises on a damaged or unusual .xls, besides its own XLRDError and
# CompDocError.
XLRD_ERRORS = (
    ArithmeticError, AssertionError, IndexError, KeyError, NotImplementedError,
    struct.error, UnicodeDecodeError, ValueError,
)  # fmt: skip
_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*)>')
_STYLE = re.compile(rb'\ss="(\d+)"')


def _xlsx_legacy_fonts(archive: zipfile.ZipFile, sheet_name: str) -> CellFonts | None:
    """The cells of one .xlsx sheet whose font is a legacy one, and that font."""
    try:
        xfs, fonts = _xlsx_styles(archive)
        legacy = {
            index: fonts[font]
            for index, font in enumerate(xfs)
            if encoding_of_font(fonts[font])
        }
        if not legacy:
            return {}
        xml = archive.read(_xlsx_sheet_path(archive, sheet_name))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile):
        return None
    found = {}
    for letters, number, attributes in _CELL.findall(xml):
        style = _STYLE.search(attributes)
        font = legacy.get(int(style.group(1)) if style else 0)
        if font is not None:
            found[(int(number) - 1, _column_index(letters))] = font
    return found


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _xls_legacy_fonts(data: bytes, sheet_name: str) -> CellFonts | None:
    """The cells of one legacy .xls sheet whose font is a legacy one, and that font."""
    import xlrd

    try:
        book = xlrd.open_workbook(
            file_contents=data, formatting_info=True, on_demand=True,
            logfile=io.StringIO(),  # its warnings about damaged files
        )  # fmt: skip
        sheet = book.sheet_by_name(sheet_name)
        found = {}
        for row in range(sheet.nrows):
            for col in range(sheet.ncols):
                if sheet.cell_type(row, col) == xlrd.XL_CELL_TEXT:
                    xf = book.xf_list[sheet.cell_xf_index(row, col)]
                    name = book.font_list[xf.font_index].name
                    if encoding_of_font(name):
                        found[(row, col)] = name
        return found
    except (xlrd.XLRDError, xlrd.compdoc.CompDocError, *XLRD_ERRORS):
        return None
