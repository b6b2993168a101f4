"""The periodic report as an .xlsx ready to print and sign.

openpyxl rather than the streaming writer the lists use: a page of a few dozen rows
needs merged title cells, borders, column widths and print setup (A4 landscape, fit to
the page width, header rows repeated on every page), not speed.
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from unions.models import UnionUnit

from .figures import Structure
from .report import OTHER, PeriodReport, ReportRow

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
FONT = "Times New Roman"


def leave_reason_label(reason: str) -> str:
    from members.models import LeaveReason

    return _("Other") if reason == OTHER else str(LeaveReason(reason).label)


def structure_note(report: PeriodReport) -> str:
    """Which tree the report is counted on, as printed under its title."""
    if report.structure == Structure.CURRENT:
        return _("Restated in today's structure: every unit counted where it is now.")
    return _(
        "Counted on the structure of each date: units under their parent of that day."
    )


def columns(report: PeriodReport) -> list[tuple[str, str, callable]]:
    """(group, heading, value of a row) for every column after the unit's name."""
    members, cdcs, employers = _("Members"), _("CĐCS"), _("Employers")
    left = _("Left, by reason")
    result = [
        (members, _("At the start"), lambda row: row.members_at_start),
        (members, _("Admitted"), lambda row: row.admitted),
        (members, _("Transferred in"), lambda row: row.transferred_in),
        (members, _("Transferred out"), lambda row: row.transferred_out),
    ]
    result += [
        (left, leave_reason_label(reason), lambda row, r=reason: row.left_by(r))
        for reason in report.left_reasons
    ]
    result += [(left, _("Total left"), lambda row: row.left_total)]
    if report.has_moves:
        result += [
            (members, _("Moved in with their unit"), lambda row: row.moved_in),
            (members, _("Moved out with their unit"), lambda row: row.moved_out),
        ]
    result += [
        (members, _("At the end"), lambda row: row.members_at_end),
        (cdcs, _("At the start"), lambda row: row.cdcs_at_start),
        (cdcs, _("Founded"), lambda row: row.founded),
        (cdcs, _("Dissolved"), lambda row: row.dissolved),
    ]
    if report.has_moves:
        result += [
            (cdcs, _("Moved in"), lambda row: row.cdcs_moved_in),
            (cdcs, _("Moved out"), lambda row: row.cdcs_moved_out),
        ]
    result += [
        (cdcs, _("At the end"), lambda row: row.cdcs_at_end),
        (employers, _("Eligible employers"), lambda row: row.employers_eligible),
        (employers, _("With a union"), lambda row: row.employers_with_union),
        (
            employers,
            _("Enterprises with a union"),
            lambda row: row.enterprises_with_union,
        ),
        (employers, _("With a valid agreement"), lambda row: row.enterprises_with_cba),
    ]
    return result


def report_workbook(report: PeriodReport) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Report")[:31]
    cols = columns(report)
    width = len(cols) + 2  # number + unit name + figures
    last = get_column_letter(width)

    _heading(sheet, report, width, last)
    header_row = 7
    _table_header(sheet, cols, header_row)
    row_number = header_row + 2
    for number, row in enumerate(report.rows, start=1):
        _table_row(sheet, row_number, number, row.label, row, cols, bold=False)
        row_number += 1
    _table_row(sheet, row_number, "", _("Total"), report.total, cols, bold=True)
    _signature(sheet, report, row_number + 2, width)

    sheet.column_dimensions["A"].width = 5
    sheet.column_dimensions["B"].width = 34
    for index in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 10
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row + 1}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.freeze_panes = sheet.cell(row=header_row + 2, column=3)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write(sheet, cell, value, *, bold=False, size=11, italic=False, align=CENTRED):
    sheet[cell] = value
    sheet[cell].font = Font(name=FONT, bold=bold, size=size, italic=italic)
    sheet[cell].alignment = align


def _heading(sheet, report: PeriodReport, width: int, last: str) -> None:
    unit = report.unit
    parent = UnionUnit.objects.get_parent(unit) if unit.depth > 1 else None
    half = get_column_letter(max(2, width // 2))
    right = get_column_letter(max(3, width // 2 + 1))
    sheet.merge_cells(f"A1:{half}1")
    sheet.merge_cells(f"A2:{half}2")
    sheet.merge_cells(f"{right}1:{last}1")
    sheet.merge_cells(f"{right}2:{last}2")
    _write(sheet, "A1", (parent.name if parent else "").upper(), size=11)
    _write(sheet, "A2", unit.name.upper(), bold=True)
    _write(sheet, f"{right}1", _("SOCIALIST REPUBLIC OF VIETNAM"), bold=True)
    _write(sheet, f"{right}2", _("Independence – Freedom – Happiness"), bold=True)
    for row, text, options in [
        (
            4,
            _("STATISTICAL REPORT ON UNION MEMBERS AND GRASSROOTS UNIONS"),
            {"bold": True, "size": 14},
        ),
        (
            5,
            _("From %(start)s to %(end)s")
            % {
                "start": report.starts_on.strftime("%d/%m/%Y"),
                "end": report.ends_on.strftime("%d/%m/%Y"),
            },
            {"italic": True},
        ),
        (6, structure_note(report), {"italic": True, "size": 10}),
    ]:
        sheet.merge_cells(f"A{row}:{last}{row}")
        _write(sheet, f"A{row}", text, **options)
    sheet.row_dimensions[4].height = 22


def _table_header(sheet, cols, row: int) -> None:
    for column, title in ((1, _("No.")), (2, _("Unit"))):
        sheet.merge_cells(
            start_row=row, end_row=row + 1, start_column=column, end_column=column
        )
        cell = sheet.cell(row=row, column=column, value=title)
    groups: list[tuple[str, int, int]] = []
    for index, (group, heading, _value) in enumerate(cols, start=3):
        cell = sheet.cell(row=row + 1, column=index, value=heading)
        if groups and groups[-1][0] == group and groups[-1][2] == index - 1:
            groups[-1] = (group, groups[-1][1], index)
        else:
            groups.append((group, index, index))
    for group, first, last in groups:
        if last > first:
            sheet.merge_cells(
                start_row=row, end_row=row, start_column=first, end_column=last
            )
        sheet.cell(row=row, column=first, value=group)
    for line in (row, row + 1):
        sheet.row_dimensions[line].height = 20 if line == row else 45
        for column in range(1, len(cols) + 3):
            cell = sheet.cell(row=line, column=column)
            cell.font = Font(name=FONT, bold=True, size=10)
            cell.alignment = CENTRED
            cell.border = BOX


def _table_row(sheet, line, number, name, row: ReportRow, cols, *, bold) -> None:
    values = [number, name] + [value(row) for _group, _heading, value in cols]
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=line, column=column, value=value)
        cell.font = Font(name=FONT, bold=bold, size=10)
        cell.border = BOX
        if column == 2:
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        else:
            cell.alignment = Alignment(horizontal="center" if column == 1 else "right")
            cell.number_format = "#,##0"


def _signature(sheet, report: PeriodReport, line: int, width: int) -> None:
    today = timezone.localdate()
    place = report.unit.province.name if report.unit.province_id else "……………"
    right_first = get_column_letter(max(3, width - 6))
    last = get_column_letter(width)
    sheet.merge_cells(f"{right_first}{line}:{last}{line}")
    _write(
        sheet,
        f"{right_first}{line}",
        _("%(place)s, day %(day)s month %(month)s year %(year)s")
        % {
            "place": place,
            "day": f"{today:%d}",
            "month": f"{today:%m}",
            "year": today.year,
        },
        italic=True,
    )
    for offset, (left_text, right_text, options) in enumerate(
        [
            (
                _("PREPARED BY"),
                _("ON BEHALF OF THE STANDING COMMITTEE"),
                {"bold": True},
            ),
            ("", _("CHAIR"), {"bold": True}),
            (
                _("(signature, full name)"),
                _("(signature, seal, full name)"),
                {"italic": True, "size": 10},
            ),
        ],
        start=1,
    ):
        sheet.merge_cells(f"A{line + offset}:D{line + offset}")
        sheet.merge_cells(f"{right_first}{line + offset}:{last}{line + offset}")
        _write(sheet, f"A{line + offset}", left_text, **options)
        _write(sheet, f"{right_first}{line + offset}", right_text, **options)
