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
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineError, CalamineWorkbook

from .legacy_encodings import encoding_of_font

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # a 100,000 × 20 sheet unpacks to ~100 MB
MAX_PACKING_RATIO = 100  # real sheets compress 10–20×; zip bombs a thousandfold
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
    """Every sheet of the file, rows numbered as Excel shows them (row 1 is rows[0])."""
    check_upload(data, filename)
    if data.startswith(b"PK\x03\x04"):
        archive = zipfile.ZipFile(io.BytesIO(data))
        return _read_with_calamine(
            data,
            fonts=lambda _data, name: _xlsx_fonts(archive, name),
            cell_fonts=lambda _data, name: _xlsx_legacy_fonts(archive, name),
        )
    if data.startswith(_OLE2):
        return _read_with_calamine(data, fonts=_xls_fonts, cell_fonts=_xls_legacy_fonts)
    return [_read_csv(data, filename)]


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
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnusableFile(_("The file is damaged and cannot be opened.")) from None
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED_BYTES or any(
        entry.file_size > 1024 * 1024
        and entry.file_size > MAX_PACKING_RATIO * max(entry.compress_size, 1)
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


def _read_with_calamine(data: bytes, *, fonts, cell_fonts) -> list[Sheet]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            sheets.append(
                Sheet(
                    name=name,
                    rows=rows,
                    fonts=fonts(data, name),
                    merged=list(sheet.merged_cell_ranges or []),
                    _legacy_fonts=lambda name=name: cell_fonts(data, name),
                )
            )
    except (CalamineError, ValueError, TypeError, OSError) as error:
        if "password" in str(error).lower() or "encrypt" in str(error).lower():
            raise UnusableFile(
                _("The file is protected by a password; remove it and upload again.")
            ) from None
        raise UnusableFile(_("The file is damaged and cannot be opened.")) from None
    return sheets


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


def _read_csv(data: bytes, filename: str) -> Sheet:
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
    rows = [
        list(row)
        for row in csv.reader(io.StringIO(content), delimiter=_delimiter(content))
    ]
    if not any(any(cell.strip() for cell in row) for row in rows):
        raise UnusableFile(_("The file is empty."))
    return Sheet(name=filename.rsplit("/", 1)[-1] or "CSV", rows=rows)


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


def _xlsx_sheet_path(archive: zipfile.ZipFile, sheet_name: str) -> str:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
        if sheet.get("name") == sheet_name:
            target = targets[sheet.get(f"{_REL_NS}id")]
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise KeyError(sheet_name)


def _xls_fonts(data: bytes, sheet_name: str) -> set[str]:
    """Fonts of the text cells in the first rows of one sheet of a legacy .xls."""
    import xlrd  # only old .xls files need it

    try:
        book = xlrd.open_workbook(
            file_contents=data, formatting_info=True, on_demand=True
        )
        sheet = book.sheet_by_name(sheet_name)
        names = set()
        for row in range(min(sheet.nrows, HEAD_ROWS * 3)):
            for col in range(sheet.ncols):
                if sheet.cell_type(row, col) == xlrd.XL_CELL_TEXT:
                    xf = book.xf_list[sheet.cell_xf_index(row, col)]
                    names.add(book.font_list[xf.font_index].name)
        return names
    except (xlrd.XLRDError, IndexError, KeyError, AssertionError):
        return set()


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
            file_contents=data, formatting_info=True, on_demand=True
        )
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
    except (xlrd.XLRDError, IndexError, KeyError, AssertionError):
        return None
