"""Small spreadsheet files built in the tests, shaped like the ones people send in."""

import csv
import io
import zipfile

import openpyxl
import xlsxwriter
import xlwt
from openpyxl.styles import Font


def xlsx(rows, *, font=None, sheet="Sheet1", merged=(), extra_sheets=None) -> bytes:
    """An .xlsx with ``rows`` from A1; ``merged`` like "C5:D5"; an optional cell font."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for other_name, other_rows in (extra_sheets or {}).items():
        other = workbook.create_sheet(other_name, 0)
        for row in other_rows:
            other.append(row)
    for row in rows:
        worksheet.append(list(row))
    if font:
        for row in worksheet.iter_rows():
            for cell in row:
                cell.font = Font(name=font)
    for cell_range in merged:
        worksheet.merge_cells(cell_range)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_with_formulas(rows) -> bytes:
    """An .xlsx whose cells given as ("=FORMULA", cached) keep Excel's cached value."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    worksheet = workbook.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, tuple):
                worksheet.write_formula(r, c, value[0], None, value[1])
            elif value is not None:
                worksheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def xls(rows, *, font=None) -> bytes:
    """A legacy .xls (BIFF8), optionally in a TCVN3 or VNI font."""
    workbook = xlwt.Workbook(encoding="utf-8")
    worksheet = workbook.add_sheet("Sheet1")
    style = xlwt.XFStyle()
    if font:
        style.font = xlwt.Font()
        style.font.name = font
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                worksheet.write(r, c, value, style)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, *, bom=False, delimiter=",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8")


def zip_bomb() -> bytes:
    """A zip that claims to be a workbook and unpacks a few kB into 200 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (200 * 1024 * 1024))
    return buffer.getvalue()


def password_protected() -> bytes:
    """The start of an OLE2 container holding an EncryptedPackage stream, as Excel
    writes a workbook with a password to open."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    return header + "EncryptedPackage".encode("utf-16-le") + b"\0" * 1024


TITLE_ROWS = [
    ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["Độc lập - Tự do - Hạnh phúc"],
    [],
    ["DANH SÁCH ĐOÀN VIÊN CÔNG ĐOÀN CƠ SỞ"],
    [],
]
SIGNATURE_ROWS = [
    [],
    [None, None, None, None, "Hà Tĩnh, ngày 10 tháng 3 năm 2024"],
    [None, "Người lập biểu", None, None, "CHỦ TỊCH"],
    [],
    [None, "Trần Thị Bình", None, None, "Lê Văn Cường"],
]


def xlsx_sheet(sheet_data: str, *, dimension: str = "") -> bytes:
    """A minimal .xlsx whose one sheet's <sheetData> is ``sheet_data`` as written (a
    hostile file is written by hand, not by a spreadsheet program)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relationships = "http://schemas.openxmlformats.org/package/2006/relationships"
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/></Types>'
        ),
        "_rels/.rels": f'<Relationships xmlns="{relationships}"><Relationship Id="rId1" '
        f'Type="{office}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{office}"><sheets>'
        '<sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{relationships}">'
        f'<Relationship Id="rId1" Type="{office}/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}">'
        + (f'<dimension ref="{dimension}"/>' if dimension else "")
        + f"<sheetData>{sheet_data}</sheetData></worksheet>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def far_cell(reference: str = "XFD1048576") -> bytes:
    """Issue 11's upload: a small list at A1 and one number at ``reference``."""
    row = int("".join(ch for ch in reference if ch.isdigit()))
    return xlsx_sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Nguyễn Văn An</t></is></c></row>'
        f'<row r="{row}"><c r="{reference}"><v>1</v></c></row>'
    )
