"""Uploads made to hurt the service: each fails with a message of its own, the process
that reads it goes on (issue 11, finding 2)."""

import os
import subprocess
import sys
import time

import pytest
from django.test import override_settings
from django.utils import translation
from python_calamine import CalamineWorkbook

from registry.spreadsheets.confined import Stopped, run_confined
from registry.spreadsheets.reading import UnusableFile, read_workbook
from tests.imports import files


def test_one_cell_at_xfd1048576_is_refused_before_anything_reads_it():
    with translation.override("vi"), pytest.raises(UnusableFile) as refused:
        read_workbook(files.far_cell("XFD1048576"), "ds.xlsx")

    message = str(refused.value)
    assert "XFD1048576" in message and "Danh sách" in message
    assert "17.179.869.184" in message  # the cells the reader would have laid out


def test_the_farthest_cell_is_found_whatever_the_declared_dimension_says():
    data = files.xlsx_sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="900000"><c r="ZZ900000"><v>1</v></c></row>',
        dimension="A1:A1",
    )

    with pytest.raises(UnusableFile, match="ZZ900000"):
        read_workbook(data, "ds.xlsx")


def test_cells_without_references_are_placed_as_a_reader_places_them():
    cells = "".join("<c><v>1</v></c>" for _ in range(300))
    data = files.xlsx_sheet(
        f'<row r="1"><c r="A1"><v>1</v></c></row><row r="99999">{cells}</row>'
    )

    with override_settings(IMPORT_MAX_CELLS=1_000_000):
        with pytest.raises(UnusableFile, match="KN99999"):
            read_workbook(data, "ds.xlsx")


def test_a_far_cell_that_holds_nothing_does_not_refuse_the_file():
    # Excel writes a cell that only has a border like this; readers skip it.
    data = files.xlsx_sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    )

    [sheet] = read_workbook(data, "ds.xlsx")

    assert sheet.rows == [["Họ và tên"]]


def test_a_sheet_starting_away_from_a1_is_read_as_the_reader_lays_it_out():
    data = files.xlsx_sheet(
        '<row r="3"><c r="B3" t="inlineStr"><is><t>x</t></is></c><c r="D3"><v>2</v></c></row>'
        '<row r="5"><c r="C5"><v>1</v></c></row>'
    )
    import io

    [sheet] = read_workbook(data, "ds.xlsx")

    expected = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    assert sheet.rows == expected.to_python(skip_empty_area=False)


@override_settings(IMPORT_MAX_CELLS=10**12, IMPORT_READ_MEMORY_MB=200)
def test_a_file_past_the_scan_that_exhausts_memory_fails_alone():
    # With the cell limit out of the way the reader meets the memory cap instead, in
    # its child process: this process carries on.
    with pytest.raises(UnusableFile, match="200 MB"):
        read_workbook(files.far_cell("XFD1048576"), "ds.xlsx")

    [sheet] = read_workbook(files.xlsx([["Họ và tên"], ["Lê Văn Tám"]]), "ds.xlsx")
    assert sheet.rows[1] == ["Lê Văn Tám"]


@override_settings(IMPORT_MAX_CELLS=50)
def test_a_legacy_xls_larger_than_the_limit_is_refused():
    data = files.xls([[f"r{r}c{c}" for c in range(10)] for r in range(6)])

    with pytest.raises(UnusableFile, match="60"):
        read_workbook(data, "ds.xls")


@override_settings(IMPORT_MAX_ROWS=1000)
def test_a_csv_of_too_many_lines_is_refused():
    data = b"Ho va ten\n" + b"x\n" * 5000

    with pytest.raises(UnusableFile, match="1[.,]000"):
        read_workbook(data, "ds.csv")


@override_settings(IMPORT_MAX_CELLS=10_000)
def test_a_csv_of_too_many_columns_is_refused():
    data = b"Ho va ten\n" + b"," * 20_000 + b"\n"

    with pytest.raises(UnusableFile, match="10[.,]000"):
        read_workbook(data, "ds.csv")


def test_a_csv_cell_past_the_field_limit_is_named_by_its_line():
    data = b"Ho va ten\n" + b'"' + b"x" * 200_000 + b'"\n'

    with pytest.raises(UnusableFile, match="Line 2"):
        read_workbook(data, "ds.csv")


def test_a_truncated_workbook_gets_a_message():
    data = files.xlsx([["Họ và tên"], ["Lê Văn Tám"]])

    with pytest.raises(UnusableFile):
        read_workbook(data[: len(data) // 2], "ds.xlsx")


# --- The child process itself -------------------------------------------------------


def _slow():
    yield 1
    time.sleep(30)
    yield 2


def _greedy():
    yield bytearray(1024 * 1024 * 1024)


def _killed():
    yield 1
    os._exit(3)


def _refusing():
    yield 1
    raise UnusableFile("Tệp hỏng.")


def test_the_child_is_stopped_at_its_deadline():
    with pytest.raises(Stopped) as stopped:
        list(run_confined(_slow, memory_mb=500, seconds=1))

    assert stopped.value.reason == "time"


def test_the_child_may_not_take_more_memory_than_its_cap():
    with pytest.raises(Stopped) as stopped:
        list(run_confined(_greedy, memory_mb=100, seconds=30))

    assert stopped.value.reason == "memory"


def test_a_child_that_dies_is_reported_and_this_process_goes_on():
    with pytest.raises(Stopped) as stopped:
        list(run_confined(_killed, memory_mb=100, seconds=30))

    assert stopped.value.reason == "crashed"
    assert list(run_confined(lambda: iter([1, 2]), memory_mb=100, seconds=30)) == [1, 2]


def test_a_refusal_in_the_child_comes_through_with_its_message():
    with pytest.raises(UnusableFile, match="Tệp hỏng"):
        list(run_confined(_refusing, memory_mb=100, seconds=30, passes=(UnusableFile,)))


def test_a_cell_is_placed_by_its_own_reference_not_by_its_row():
    # Found by the long fuzz run: the row says 2, the reader puts the cell on row 99999.
    data = files.xlsx_sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="2"><c r="ZZ99999"><v>1</v></c></row>'
    )

    with pytest.raises(UnusableFile, match="ZZ99999"):
        read_workbook(data, "ds.xlsx")


def test_a_zip_of_a_version_python_cannot_open_is_refused_at_the_upload():
    # Found by the long fuzz run: one changed byte made the upload page answer 500.
    data = bytearray(files.xlsx([["Họ và tên"], ["Lê Văn Tám"]]))
    directory = data.rindex(b"PK\x01\x02")
    data[directory + 6] = 64  # "version needed to extract": 6.4

    with pytest.raises(UnusableFile):
        read_workbook(bytes(data), "ds.xlsx")


def test_a_sheet_that_does_not_inflate_is_called_damaged():
    data = bytearray(files.xlsx([["Họ và tên"], ["Lê Văn Tám"]] * 50))
    sheet = data.index(b"xl/worksheets/sheet1.xml") + len(b"xl/worksheets/sheet1.xml")
    data[sheet + 20 : sheet + 40] = bytes(range(20))

    with pytest.raises(UnusableFile):
        read_workbook(bytes(data), "ds.xlsx")


CALLER_DIES = """
import multiprocessing, os, sys
from registry.spreadsheets.confined import run_confined

def endless():
    while True:
        yield bytes(1024 * 1024)

rows = run_confined(endless, memory_mb=200, seconds=60)
next(rows)
print(multiprocessing.active_children()[0].pid, flush=True)
os._exit(0)  # as a worker killed by SIGKILL: no clean-up
"""


def test_a_child_whose_caller_died_ends_instead_of_waiting():
    caller = subprocess.run(
        [sys.executable, "-c", CALLER_DIES], capture_output=True, text=True,
        check=True, timeout=60,
    )  # fmt: skip
    child = int(caller.stdout.split()[0])

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _running(child):
        time.sleep(0.1)
    assert not _running(child)


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False
