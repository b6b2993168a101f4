"""The files people download around an import: the error report and blank templates."""

import io
from collections.abc import Iterator
from itertools import chain

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from members.text import ETHNIC_GROUPS
from registry.writing import xlsx_bytes
from unions.kinds import ALIASES, EMPLOYER_ALIASES

from .headers import FIELDS, canonical_headers
from .importing import Outcome
from .tables import Table

ROW_HEADER = "Dòng"
ERROR_HEADER = "Lỗi"


def error_report(table: Table) -> bytes:
    """The rejected rows as they were in the file, with the row number and what is wrong,
    to send back to the union that filled it in; the problems of the file as a whole
    (a column missing, a column whose meaning was in doubt) come first."""
    labels = table.header.labels
    blank = [None] * len(labels)
    rows = chain(
        (
            [None, *blank, f"{p.column}: {p.message}"]
            for p in [*table.file_errors, *table.file_warnings]
        ),
        (
            [
                row.number,
                *[row.raw[i] if i < len(row.raw) else None for i in range(len(labels))],
                "; ".join(f"{p.column}: {p.message}" for p in row.errors),
            ]
            for row in table.invalid_rows
        ),
    )
    return xlsx_bytes([ROW_HEADER, *labels, ERROR_HEADER], rows, sheet="Lỗi")


def has_report(table: Table) -> bool:
    """Whether there is anything to send back: rejected rows or a file's problem."""
    return bool(table.file_errors or table.invalid_rows)


def problem_lines(outcome: Outcome, *, first_rows: int = 5) -> Iterator[str]:
    """What the command line says: the file's problems, each row's errors, and the
    rows' warnings with the rows they are on (a warning may be on every row). The
    same messages as the preview and the error report."""
    for level, problems in (
        (_("Error"), outcome.errors),
        (_("Warning"), outcome.warnings),
    ):
        for problem in problems:
            if problem.row is None:
                yield f"{level}: {problem.column}: {problem.message}"
    for problem in outcome.errors:
        if problem.row is not None:
            yield _("Row %(row)s, %(column)s: %(message)s") % problem.as_dict()
    by_message: dict[tuple[str, str], list[int]] = {}
    for problem in outcome.warnings:
        if problem.row is not None:
            by_message.setdefault((problem.column, problem.message), []).append(
                problem.row
            )
    for (column, message), numbers in by_message.items():
        shown = ", ".join(map(str, numbers[:first_rows]))
        if len(numbers) > first_rows:
            shown += ", …"
        yield _("%(level)s, %(count)s rows (%(rows)s), %(column)s: %(message)s") % {
            "level": _("Warning"), "count": len(numbers), "rows": shown,
            "column": column, "message": message,
        }  # fmt: skip


_CHOICES = {
    "gender": ["Nam", "Nữ"],
    "ethnicity": ETHNIC_GROUPS,
    "is_party_member": ["x"],
    "kind": None,  # per kind below
    "grade": ["A", "B", "C"],
}
_KIND_CHOICES = {
    "units": [aliases[0] for aliases in ALIASES.values()],
    "enterprises": [aliases[0] for aliases in EMPLOYER_ALIASES.values()],
}
_DATE_KEYS = {
    "birth_date", "joined_on", "founded_on", "dissolved_on", "signed_on",
    "effective_on", "expires_on",
}  # fmt: skip
TEMPLATE_ROWS = 1000


def template(kind: str) -> bytes:
    """A blank list with our canonical headers and drop-downs for the coded columns."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    lists = workbook.create_sheet("Danh mục")
    lists.sheet_state = "hidden"
    fields = [f for f in FIELDS[kind] if f.exported]
    sheet.append(canonical_headers(kind))
    for column, f in enumerate(fields, 1):
        letter = get_column_letter(column)
        cell = sheet.cell(row=1, column=column)
        cell.font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(12, len(f.header) + 4)
        choices = _KIND_CHOICES.get(kind) if f.key == "kind" else _CHOICES.get(f.key)
        if choices:
            _add_list(sheet, lists, column, choices)
        if f.key in _DATE_KEYS:
            cell.comment = Comment("dd/mm/yyyy", "Sổ đoàn viên")
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=column).number_format = "dd/mm/yyyy"
        elif f.key in ("cccd", "phone", "tax_code", "card_number"):
            # Text cells keep the leading zeros of ID and phone numbers.
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=column).number_format = "@"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_list(sheet, lists, column: int, choices: list[str]) -> None:
    for row, choice in enumerate(choices, 1):
        lists.cell(row=row, column=column, value=choice)
    letter = get_column_letter(column)
    validation = DataValidation(
        type="list",
        formula1=f"'Danh mục'!${letter}$1:${letter}${len(choices)}",
        allow_blank=True,
    )
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(validation)
