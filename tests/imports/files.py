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
