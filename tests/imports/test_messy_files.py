"""Messy files made from known truth go in as the truth, or the preview says which
cells it was unsure of (messy.py draws the people and the layouts).

A bounded number of examples runs with the suite; ``pytest -m long`` runs thousands.
"""

import os
from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from registry.spreadsheets.exporting import export_rows
from registry.spreadsheets.importing import run_import
from registry.spreadsheets.tables import parse_file

from . import messy

QUICK = settings(max_examples=40, deadline=None, derandomize=True)
QUICK_WRITES = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
LONG = settings(
    max_examples=int(os.environ.get("MESSY_EXAMPLES", 3000)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
LONG_WRITES = settings(
    max_examples=int(os.environ.get("MESSY_WRITES", 300)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FIELDS = {  # what is compared, by the column that reports on it
    "full_name": "Họ và tên",
    "gender": "Giới tính",
    "birth_date": "Ngày sinh",
    "birth_year": "Ngày sinh",
    "cccd": "Số CCCD",
    "joined_on": "Ngày vào công đoàn",
}


@st.composite
def messy_files(draw):
    persons = draw(messy.people())
    layout = draw(messy.layouts(len(persons)))
    return layout, persons


def check(layout, persons) -> None:
    """The property: every person read as the truth, or warned about on that cell;
    no warning on a clean cell; nothing else read as a person; no error."""
    data, name, expected = messy.render(layout, persons)
    note(f"{layout}\n{persons}")
    table = parse_file(data, name, "members")
    note(f"notes: {table.notes}")
    assert [row.number for row in table.rows] == [e.row for e in expected]
    assert [(p.row, p.column, p.message) for p in table.errors] == []
    for row, truth in zip(table.rows, expected, strict=True):
        warned = {problem.column for problem in row.warnings}
        assert warned <= truth.may_warn, (row.number, row.warnings)
        for key, column in FIELDS.items():
            read = row.values[key]
            if read != getattr(truth, key):
                assert column in warned, (row.number, key, read, getattr(truth, key))


@given(messy_files())
@QUICK
def test_a_messy_file_is_read_as_the_truth_or_its_doubts_are_flagged(file):
    check(*file)


@pytest.mark.long
@given(messy_files())
@LONG
def test_thousands_of_messy_files(file):
    check(*file)


@pytest.mark.django_db
@given(messy_files())
@QUICK_WRITES
def test_a_messy_file_written_to_the_register_exports_as_the_truth(cdcs, file):
    check_written(cdcs, *file)


@pytest.mark.long
@pytest.mark.django_db
@given(messy_files())
@LONG_WRITES
def test_hundreds_of_messy_files_written_to_the_register(cdcs, file):
    check_written(cdcs, *file)


def check_written(cdcs, layout, persons) -> None:
    """Written to the register and exported, each person is the truth, or the
    preview warned about the cell that is not."""
    data, name, expected = messy.render(layout, persons)
    with transaction.atomic():
        table, outcome = run_import(data, name, "members", into=cdcs.code)
        assert (outcome.written, outcome.invalid) == (len(persons), 0), table.errors
        headers, rows = export_rows("members", unit=cdcs, day=date(2030, 1, 1))
        exported = dict(_truth_of_export(headers, row) for row in rows)
        transaction.set_rollback(True)
    for row, expected_row in zip(table.rows, expected, strict=True):
        truth = _truth(expected_row)
        got = exported[truth["cccd"]]
        warned = {problem.column for problem in row.warnings}
        for key, value in truth.items():
            if got[key] != value:
                assert FIELDS[key] in warned, (key, got, truth)


def _truth(expected) -> dict:
    born = expected.birth_date or expected.birth_year
    return {"cccd": expected.cccd, "full_name": expected.full_name,
            "gender": expected.gender, "birth_date": born,
            "joined_on": expected.joined_on}  # fmt: skip


def _truth_of_export(headers: list[str], row: list) -> tuple:
    cells = dict(zip(headers, row, strict=False))
    values = {
        "cccd": cells["Số CCCD"],
        "full_name": cells["Họ và tên"],
        "gender": {"Nam": "M", "Nữ": "F"}[cells["Giới tính"]],
        "birth_date": cells["Ngày sinh"],
        "joined_on": cells["Ngày vào công đoàn"],
    }
    return values["cccd"], values


@pytest.mark.parametrize("text", ["tcvn3", "vni"])
def test_the_legacy_encoders_of_the_generator_round_trip(text):
    from registry.spreadsheets.legacy_encodings import to_unicode

    name = "Nguyễn Thị Ánh Tuyết Đặng Ước Quỳnh"

    assert to_unicode(messy.typed(name, text), text).lower() == name.lower()
