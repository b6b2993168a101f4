"""Write rows to .xlsx or .csv: exports, error reports and the blank templates.

Measured on 100,000 member rows × 16 columns (bench/import_export.py, this 2-core
machine): rustpy-xlsxwriter (Rust's rust_xlsxwriter, by XlsxWriter's author) ~1.4 s
and 20 MB; XlsxWriter in constant-memory mode ~9 s; PyExcelerate ~6.5 s and 125 MB.
rustpy-xlsxwriter is the one that keeps a 100,000-row export well inside 15 s with
flat memory, so exports and error reports use it. The small templates, which need
drop-down validation and comments, are written with openpyxl.

Every text cell passes through ``neutralise`` (formula injection); dates are real
Excel dates shown dd/mm/yyyy. No app's code here: the exports of every app use it.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

from rustpy_xlsxwriter import FastExcel

DATE_FORMAT = "dd/mm/yyyy"
_DATES = (datetime, date)  # a tuple: ``datetime | date`` is built anew on every call
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell value safe to open in a spreadsheet: text that would run as a formula
    (=, +, -, @, tab, CR at the start) gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _unique(headers: Sequence[str]) -> list[str]:
    """rustpy-xlsxwriter keys rows by header; repeated or empty titles get a suffix."""
    seen: dict[str, int] = {}
    result = []
    for header in headers:
        header = header or " "
        count = seen.get(header, 0)
        seen[header] = count + 1
        result.append(header if not count else f"{header} ({count + 1})")
    return result


def write_xlsx(
    target, headers: Sequence[str], rows: Iterable[Sequence], *, sheet="Danh sách"
) -> None:
    """Stream ``rows`` into an .xlsx at ``target`` (a path or a binary file)."""
    keys = _unique(headers)

    def records():
        for row in rows:
            yield {
                key: neutralise(value) for key, value in zip(keys, row, strict=False)
            }

    (
        FastExcel(target, columns=keys)
        .format(datetime_format=DATE_FORMAT, bold_headers=True)
        .freeze(row=1)
        .sheet(sheet, records(), column_width=18)
        .save()
    )


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence], **kwargs) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, headers, rows, **kwargs)
    return buffer.getvalue()


class _Line:
    def write(self, value):
        return value


def _csv_row(row: Sequence) -> list:
    """The row's cells as csv writes them: dates as dd/mm/yyyy, formula-looking text
    neutralised (``neutralise``, inlined: a function call per cell was most
    of a 100,000-row export's time). None is written as an empty cell."""
    return [
        value.strftime("%d/%m/%Y")
        if isinstance(value, _DATES)
        else "'" + value
        if isinstance(value, str) and value.startswith(FORMULA_START)
        else value
        for value in row
    ]


def csv_lines(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """CSV text line by line, UTF-8 BOM first so Excel reads the Vietnamese right."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(headers)
    for row in rows:
        yield writer.writerow(_csv_row(row))


def write_csv(stream, headers: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Write to a text stream opened with newline="" (the same text as csv_lines)."""
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(headers)
    writer.writerows(map(_csv_row, rows))


def write_table(path: str, headers: Sequence[str], rows: Iterable[Sequence]) -> None:
    """.csv or .xlsx by the extension of ``path``."""
    if str(path).lower().endswith(".csv"):
        with open(path, "w", encoding="utf-8", newline="") as stream:
            write_csv(stream, headers, rows)
    else:
        write_xlsx(str(path), headers, rows)


def workbook_bytes(
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]],
) -> bytes:
    """A small .xlsx of several sheets, each ``(name, headers, rows)``: one person's
    record, say. openpyxl, as for the templates; cells neutralised, dates dd/mm/yyyy."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, headers, rows in sheets:
        sheet = workbook.create_sheet(name[:31])
        sheet.append([neutralise(h) for h in headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_naive(neutralise(value)) for value in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, _DATES):
                    cell.number_format = (
                        DATE_FORMAT
                        if type(cell.value) is date
                        else DATE_FORMAT + " hh:mm"
                    )
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 24
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _naive(value):
    """Excel has no time zones: an aware datetime is written as its local time."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None)
    return value
