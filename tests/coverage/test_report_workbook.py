"""The report's Excel file says what its page says, cell by cell."""

import io
import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.models import LeaveReason
from tests.factories import (
    CollectiveAgreementFactory,
    EmployerFactory,
    MembershipFactory,
    UnionUnitFactory,
)
from unions.coverage.formats import count

pytestmark = pytest.mark.django_db

PERIOD = {"starts_on": "01/01/2024", "ends_on": "31/03/2024"}


@pytest.fixture
def province_with_history(province, district, other_district, cdcs, other_cdcs):
    MembershipFactory.create_batch(3, unit=cdcs, started_on=date(2020, 1, 1))
    MembershipFactory(unit=cdcs, started_on=date(2024, 2, 1))
    MembershipFactory(
        unit=other_cdcs,
        started_on=date(2020, 1, 1),
        left_on=date(2024, 3, 1),
        leave_reason=LeaveReason.RETIRED,
    )
    UnionUnitFactory(parent=district, code="CDCS-MOI", founded_on=date(2024, 3, 1))
    covered = EmployerFactory(managing_unit=district, grassroots_union=cdcs, workers=80)
    CollectiveAgreementFactory(employer=covered, signed_on=date(2023, 1, 1))
    EmployerFactory(managing_unit=other_district, workers=40)
    return province


def text(cell: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", cell)).strip()


def page_table(html: str) -> tuple[list[str], list[list[str]]]:
    """(the column headings, the rows' cells) of the report's table."""
    table = html.split('class="compact report-table"')[1].split("</table>")[0]
    head, body = table.split("<tbody>")
    headings = [text(cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    cells = [
        [text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows
    ]
    return headings, cells


def workbook_table(content: bytes) -> tuple[list[str], list[list[str]]]:
    """The same from the workbook: its two header rows, then its rows as the page
    writes numbers (a thousands separator, a dash for no figure)."""
    sheet = load_workbook(io.BytesIO(content)).active
    groups, headings = sheet.iter_rows(
        min_row=7, max_row=8, min_col=2, values_only=True
    )
    cells = []
    for row in sheet.iter_rows(min_row=9, min_col=2, values_only=True):
        if row[0] is None:  # the signature block below the table
            break
        cells.append([row[0]] + [count(value) for value in row[1:]])
    named = [groups[0]] + [g for g in groups[1:] if g] + list(headings[1:])
    return named, cells


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("unit", ["LDLD-HT", "CD-KCN", "CDCS-A"])
def test_the_workbook_and_the_page_agree_cell_by_cell(
    client, provincial_officer, province_with_history, unit, language
):
    client.cookies["django_language"] = language
    client.force_login(provincial_officer)
    period = PERIOD | {"unit": unit}

    page = client.get(reverse("unions:dashboard_report"), period)
    workbook = client.get(reverse("unions:dashboard_report_export"), period)

    shown_headings, shown = page_table(page.content.decode())
    written_headings, written = workbook_table(workbook.content)
    assert written_headings == shown_headings
    assert written == shown
    assert len(shown) >= 2  # the units and the total
