"""Broken and hostile files (issue 11): real member files truncated, with bytes changed
or inserted, their sheet XML replaced by bad or far-reaching XML, CSV text in odd
encodings, and random bytes. Whatever comes in, the import either reads it or refuses
it with a message; it never raises anything else (a worker's job would crash), and it
writes all of a file or nothing of it.

A bounded number of examples runs with the suite; ``pytest -m long`` runs thousands
(FUZZ_EXAMPLES, FUZZ_WRITES).
"""

import io
import os
import zipfile

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from members.models import Member
from registry.spreadsheets.importing import run_import
from registry.spreadsheets.reading import UnusableFile
from registry.spreadsheets.tables import parse_file

from . import files

QUICK = settings(max_examples=60, deadline=None, derandomize=True)
QUICK_WRITES = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
LONG = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", 3000)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
LONG_WRITES = settings(
    max_examples=int(os.environ.get("FUZZ_WRITES", 300)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày kết nạp"]
PEOPLE = [
    [1, "Nguyễn Thị Lan", "08/03/1990", "Nữ", "001190012345", "01/05/2015"],
    [2, "Trần Văn Bình", "12/11/1985", "Nam", "001085012346", "01/05/2016"],
    [3, "Lê Hoàng Nam", "02/09/1979", "Nam", "001079012347", "15/08/2012"],
]
ROWS = [["DANH SÁCH ĐOÀN VIÊN"], HEADER, *PEOPLE]


def _csv(encoding: str) -> bytes:
    text = "\r\n".join(",".join(str(cell) for cell in row) for row in ROWS)
    return text.encode(encoding, errors="replace")


SEEDS = {
    "ds.xlsx": files.xlsx(ROWS),
    "ds.xls": files.xls(ROWS),
    "ds.csv": _csv("utf-8"),
}
CELLS = [
    '<c r="A1"><v>1</v></c>',
    '<c r="XFD1048576"><v>1</v></c>',
    '<c r="ZZ99999" t="inlineStr"><is><t>x</t></is></c>',
    "<c><v>2</v></c>",
    '<c r="B2" t="s"><v>99999</v></c>',
    '<c r="C3" t="e"><v>#REF!</v></c>',
    '<c r="D4" t="d"><v>not a date</v></c>',
    '<c r="E5"><f>1/0</f></c>',
    '<c r="A1048577"><v>1</v></c>',
    '<c r="AAAA1"><v>1</v></c>',
    '<c r="F6" t="inlineStr"><is><t>\x01\ufffd</t></is></c>',
]


@st.composite
def sheet_xml(draw) -> bytes:
    """A sheet's XML from pieces a hostile or broken writer puts there."""
    rows = draw(st.lists(st.tuples(
        st.one_of(st.none(), st.integers(0, 2_000_000)),
        st.lists(st.sampled_from(CELLS), max_size=5),
    ), max_size=6))  # fmt: skip
    body = "".join(
        (f'<row r="{number}">' if number is not None else "<row>")
        + "".join(cells)
        + "</row>"
        for number, cells in rows
    )
    dimension = draw(st.sampled_from(["", '<dimension ref="A1:XFD1048576"/>']))
    xml = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dimension}<sheetData>{body}</sheetData></worksheet>"
    )
    cut = draw(st.one_of(st.none(), st.integers(0, len(xml))))  # bad XML: cut short
    return xml[:cut].encode() if cut is not None else xml.encode()


def _replaced(data: bytes, part: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            body = content if entry.filename == part else source.read(entry.filename)
            target.writestr(entry.filename, body)
    return buffer.getvalue()


@st.composite
def broken_files(draw) -> tuple[bytes, str]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = SEEDS[name]
    how = draw(st.sampled_from(
        ["truncated", "bytes changed", "bytes inserted", "sheet xml", "encoding", "random"]
    ))  # fmt: skip
    note(f"{name}, {how}")
    if how == "truncated":
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif how == "bytes changed":
        data = bytearray(data)
        for _ in range(draw(st.integers(1, 20))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        data = bytes(data)
    elif how == "bytes inserted":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
    elif how == "sheet xml":
        name = "ds.xlsx"
        data = _replaced(SEEDS[name], "xl/worksheets/sheet1.xml", draw(sheet_xml()))
    elif how == "encoding":
        name = "ds.csv"
        encoding = draw(st.sampled_from(
            ["utf-16-le", "utf-16-be", "utf-16", "cp1258", "latin-1", "utf-32", "cp1252"]
        ))  # fmt: skip
        data = _csv(encoding)
    else:
        data = draw(st.binary(max_size=2048))
        name = draw(st.sampled_from(["ds.xlsx", "ds.xls", "ds.csv"]))
    return data, name


def read_or_refused(data: bytes, name: str):
    """The property of reading: a table, or a refusal that says something."""
    try:
        return parse_file(data, name, "members")
    except UnusableFile as refused:
        assert str(refused).strip()
        return None


@given(broken_files())
@QUICK
def test_a_broken_file_is_read_or_refused_with_a_message(file):
    read_or_refused(*file)


@pytest.mark.long
@pytest.mark.timeout(4 * 3600)
@given(broken_files())
@LONG
def test_thousands_of_broken_files(file):
    read_or_refused(*file)


def all_or_nothing(cdcs, data: bytes, name: str) -> None:
    """The property of writing: every row of the file's count, or none of them."""
    with transaction.atomic():
        before = Member.objects.count()
        try:
            _table, outcome = run_import(data, name, "members", into=cdcs.code)
        except UnusableFile as refused:
            assert str(refused).strip()
            assert Member.objects.count() == before
        else:
            written = 0 if outcome.stopped else outcome.created
            assert Member.objects.count() == before + written
        transaction.set_rollback(True)


@pytest.mark.django_db
@given(broken_files())
@QUICK_WRITES
def test_a_broken_file_is_written_whole_or_not_at_all(cdcs, file):
    all_or_nothing(cdcs, *file)


@pytest.mark.long
@pytest.mark.timeout(4 * 3600)
@pytest.mark.django_db
@given(broken_files())
@LONG_WRITES
def test_hundreds_of_broken_files_written_whole_or_not_at_all(cdcs, file):
    all_or_nothing(cdcs, *file)
