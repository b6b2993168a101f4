"""Messy member files made from known truth, for the property tests (hypothesis).

``people()`` draws a table of people; ``layouts()`` draws how a union office might
have typed it: title rows, a plain, hinted, bilingual or two-row merged header, extra
look-alike columns, department headings, totals and a signature block, text in
Unicode, NFD, TCVN3 or VNI (some cells retyped in Unicode), Windows-1258 CSV, CCCDs
stored as numbers, every date style the engine reads. ``render`` writes the file
(.xlsx with openpyxl or xlsxwriter, .xls with xlwt, .csv) and says, for each person,
which row holds them and which of their cells the engine may rightly warn about.
"""

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import openpyxl
import xlsxwriter
import xlwt
from hypothesis import strategies as st
from openpyxl.styles import Font

from registry.spreadsheets import legacy_encodings
from registry.spreadsheets.values import EXCEL_EPOCH

TODAY = date(2026, 1, 1)  # joining dates stay before it, whatever day the tests run

FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ",
            "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Tô", "Đinh", "Trịnh"]  # fmt: skip
MIDDLES = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Kim",
           "Xuân", "Hồng", "Anh", "Bảo", "Thùy", "Mỹ", "Công", ""]  # fmt: skip
GIVENS = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa",
          "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Ngọc",
          "Phương", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn",
          "Vân", "Yến", "Lâm", "Thủy", "Tùng", "Ánh", "Ước", "Đông", "Ý"]  # fmt: skip
JOBS = ["Công nhân may", "Kế toán", "Giáo viên", "Lái xe", "Chủ tịch CĐCS", "Tổ trưởng"]


@dataclass(frozen=True)
class Person:
    family: str
    middle: str
    given: str
    gender: str  # "M" or "F"
    born: date
    cccd: str
    joined_on: date
    job: str

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.family, self.middle, self.given) if part)


@st.composite
def person(draw, index: int = 0) -> Person:
    gender = draw(st.sampled_from("MF"))
    born = draw(st.dates(date(1961, 1, 1), date(2006, 12, 31)))
    joined = draw(st.dates(date(born.year + 16, 1, 1), TODAY - timedelta(days=1)))
    century = 0 if born.year < 2000 else 2
    place = draw(st.integers(1, 96))
    serial = draw(st.integers(0, 999_999))
    cccd = f"{place:03d}{century + (gender == 'F')}{born.year % 100:02d}{serial:06d}"
    return Person(
        family=draw(st.sampled_from(FAMILIES)),
        middle=draw(st.sampled_from(MIDDLES)),
        given=draw(st.sampled_from(GIVENS)),
        gender=gender,
        born=born,
        cccd=cccd,
        joined_on=joined,
        job=draw(st.sampled_from(JOBS)),
    )


def people(max_size: int = 6):
    return st.lists(person(), min_size=1, max_size=max_size, unique_by=lambda p: p.cccd)


# --- Layouts ---------------------------------------------------------------------------

FORMATS = ("openpyxl", "xlsxwriter", "xls", "csv")
# Text as typed: "mixed" is a TCVN3 file with some name cells retyped in Unicode.
TEXTS = ("unicode", "nfd", "tcvn3", "vni", "mixed", "cp1258")
BIRTH_STYLES = ("date", "dmy", "dmy_dash", "dmy_dot", "iso", "ymd_slash", "serial",
                "yyyymmdd", "year")  # fmt: skip
JOINED_STYLES = ("date", "dmy", "iso", "ymd_slash", "serial", "yyyymmdd", "year",
                 "yyyymm", "month_year")  # fmt: skip
NAME_HEADERS = ("Họ và tên", "Họ tên", "HỌ VÀ TÊN", "Họ và tên đoàn viên",
                "Họ và tên (*)", "Họ và tên / Full name")  # fmt: skip
BIRTH_HEADERS = ("Ngày sinh", "Ngày tháng năm sinh", "Ngày sinh\n(dd/mm/yyyy)")
GENDER_HEADERS = ("Giới tính", "Giới", "Phái", "Giới tính / Gender",
                  "Giới tính (Nam/Nữ)", "Giới tính\n(Nam hoặc nữ)")  # fmt: skip
CCCD_HEADERS = ("Số CCCD", "CCCD/CMND", "Số định danh cá nhân", "Số CCCD (12 số)")
JOINED_HEADERS = ("Ngày vào công đoàn", "Ngày kết nạp", "Ngày vào CĐ",
                  "Ngày kết nạp (dd/mm/yyyy)")  # fmt: skip
EXTRA_COLUMNS = ("Quê quán", "Phòng ban", "Số sổ BHXH", "Ngày vào Đảng", "Nơi sinh",
                 "Chức vụ", "Số thẻ BHYT", "Quan hệ", "Họ tên người thân")  # fmt: skip
EXTRA_VALUES = {"Số thẻ BHYT": "GD4424220123456", "Quan hệ": "Con",
                "Họ tên người thân": "Trần Văn Cường", "Ngày vào Đảng": "03/02/2015",
                "Số sổ BHXH": "4422012345"}  # fmt: skip
HEADINGS = ("Phòng Kế toán", "PHÂN XƯỞNG MAY", "Tổ Bảo vệ", "Khối Văn phòng",
            "Ban Giám đốc")  # fmt: skip
SUFFIXES = ("(Toán)", "(Văn)", "81", "(KT)")


@dataclass
class Layout:
    format: str
    text: str
    title_rows: int
    split_birth: bool  # two-row header: "Ngày, tháng, năm sinh" over "Nam" | "Nữ"
    name_header: str
    birth_header: str
    gender_header: str
    cccd_header: str
    joined_header: str
    extras: tuple[str, ...]
    birth_style: str
    joined_style: str
    cccd_numeric: bool
    capitals: frozenset[int]  # people whose name is in capitals
    suffixes: dict[int, str]  # people whose name carries a tag
    retyped: frozenset[int]  # "mixed": people whose name was retyped in Unicode
    headings: dict[int, str]  # a heading row before the person at this index
    merged_headings: bool
    total_row: bool
    footer: bool


@st.composite
def layouts(draw, count: int) -> Layout:
    fmt = draw(st.sampled_from(FORMATS))
    text = draw(st.sampled_from(TEXTS if fmt == "csv" else TEXTS[:-1]))
    indexes = st.integers(0, count - 1)
    birth_styles = [
        s for s in BIRTH_STYLES if fmt != "csv" or s not in ("date", "serial")
    ]
    joined_styles = [
        s for s in JOINED_STYLES if fmt != "csv" or s not in ("date", "serial")
    ]
    return Layout(
        format=fmt,
        text=text,
        title_rows=draw(st.integers(0, 4)),
        split_birth=draw(st.booleans()),
        name_header=draw(st.sampled_from(NAME_HEADERS)),
        birth_header=draw(st.sampled_from(BIRTH_HEADERS)),
        gender_header=draw(st.sampled_from(GENDER_HEADERS)),
        cccd_header=draw(st.sampled_from(CCCD_HEADERS)),
        joined_header=draw(st.sampled_from(JOINED_HEADERS)),
        extras=tuple(draw(st.lists(st.sampled_from(EXTRA_COLUMNS), max_size=3,
                                   unique=True))),  # fmt: skip
        birth_style=draw(st.sampled_from(birth_styles)),
        joined_style=draw(st.sampled_from(joined_styles)),
        cccd_numeric=draw(st.booleans()) and fmt != "csv",
        capitals=frozenset(draw(st.sets(indexes, max_size=2))),
        suffixes=draw(st.dictionaries(indexes, st.sampled_from(SUFFIXES), max_size=2)),
        retyped=frozenset(draw(st.sets(indexes, max_size=2))) if text == "mixed"
        else frozenset(),
        headings=draw(st.dictionaries(indexes, st.sampled_from(HEADINGS), max_size=2)),
        merged_headings=draw(st.booleans()),
        total_row=draw(st.booleans()),
        footer=draw(st.booleans()),
    )  # fmt: skip


# --- What the engine should read ------------------------------------------------------


@dataclass
class Expected:
    """One person as the engine should read them."""

    row: int  # Excel row number
    full_name: str
    gender: str
    birth_date: date | None
    birth_year: int
    cccd: str
    joined_on: date
    # Columns (canonical headers) whose warnings are expected or allowed on this row.
    may_warn: set[str] = field(default_factory=set)


def joined_as_written(person: Person, style: str) -> date:
    """The joining date a cell in ``style`` can carry: the year or the month alone
    stand for their first day."""
    day = person.joined_on
    if style == "year":
        return date(day.year, 1, 1)
    if style in ("yyyymm", "month_year"):
        return date(day.year, day.month, 1)
    return day


# --- Rendering --------------------------------------------------------------------------


@dataclass
class Grid:
    rows: list[list] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based
    legacy_cells: set[tuple[int, int]] = field(default_factory=set)  # in a legacy font


def render(layout: Layout, persons: list[Person]) -> tuple[bytes, str, list[Expected]]:
    """The file's bytes, its name and what the engine should read from it."""
    grid, expected = _grid(layout, persons)
    writer = {
        "openpyxl": _openpyxl,
        "xlsxwriter": _xlsxwriter,
        "xls": _xls,
        "csv": _csv,
    }[layout.format]
    name = {"openpyxl": "ds.xlsx", "xlsxwriter": "ds.xlsx", "xls": "ds.xls"}.get(
        layout.format, "ds.csv"
    )
    return writer(grid, layout), name, expected


def _grid(layout: Layout, persons: list[Person]) -> tuple[Grid, list[Expected]]:
    grid = Grid()
    columns = ["STT", layout.name_header]
    columns += ["birth_m", "birth_f"] if layout.split_birth else [layout.birth_header]
    if not layout.split_birth:
        columns.append(layout.gender_header)
    columns += [layout.cccd_header, layout.joined_header, *layout.extras]
    width = len(columns)
    titles = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
              "DANH SÁCH ĐOÀN VIÊN", "Công đoàn cơ sở Công ty May Kỳ Anh"]  # fmt: skip
    for title in titles[: layout.title_rows]:
        grid.rows.append(_text_row(layout, [title], width, legacy=True, grid=grid))
    top = len(grid.rows)
    if layout.split_birth:
        upper = [c if not c.startswith("birth") else "" for c in columns]
        upper[2] = "Ngày, tháng, năm sinh"
        lower = ["" for _ in columns]
        lower[2], lower[3] = "Nam", "Nữ"
        grid.rows.append(_text_row(layout, upper, width, legacy=True, grid=grid))
        grid.rows.append(_text_row(layout, lower, width, legacy=True, grid=grid))
        grid.merged.append((top, 2, top, 3))
        for c in range(width):
            if c not in (2, 3):
                grid.merged.append((top, c, top + 1, c))
    else:
        grid.rows.append(_text_row(layout, columns, width, legacy=True, grid=grid))
    expected = []
    for index, person in enumerate(persons):
        if index in layout.headings:
            r = len(grid.rows)
            grid.rows.append(
                _text_row(
                    layout, [layout.headings[index]], width, legacy=True, grid=grid
                )
            )
            if layout.merged_headings:
                grid.merged.append((r, 0, r, width - 1))
        expected.append(_person_row(layout, grid, person, index, columns))
    if layout.total_row:
        total = ["TỔNG CỘNG", f"{len(persons)} người"] + [None] * (width - 2)
        grid.rows.append(_text_row(layout, total, width, legacy=True, grid=grid))
    if layout.footer:
        place = [None] * (width - 1) + ["Kỳ Anh, ngày 15 tháng 03 năm 2024"]
        for cells in (
            [], place, [None, "Người lập biểu"] + [None] * (width - 3) + ["Chủ tịch CĐCS"],
            [None, "(Ký, ghi rõ họ tên)"], [],
            [None, "Trần Thị Bình"] + [None] * (width - 3) + ["Lê Văn Cường"],
        ):  # fmt: skip
            grid.rows.append(_text_row(layout, cells, width, legacy=True, grid=grid))
    return grid, expected


def _person_row(
    layout, grid, person: Person, index: int, columns: list[str]
) -> Expected:
    r = len(grid.rows)
    joined_on = joined_as_written(person, layout.joined_style)
    name = person.full_name
    may_warn = set()
    if index in layout.suffixes:
        name = f"{name} {layout.suffixes[index]}"
        may_warn.add("Họ và tên")
    if index in layout.capitals:
        name = name.upper()
        may_warn.add("Họ và tên")
    birth = _date_cell(person.born, layout.birth_style, layout.format)
    cells = [index + 1, name]
    if layout.split_birth:
        cells += [birth, None] if person.gender == "M" else [None, birth]
    else:
        cells += [birth, "Nam" if person.gender == "M" else "Nữ"]
    cccd = int(person.cccd) if layout.cccd_numeric else person.cccd
    if layout.cccd_numeric and person.cccd.startswith("0"):
        may_warn.add("Số CCCD")  # the zeros a number lost are restored, with a word
    cells += [cccd, _date_cell(joined_on, layout.joined_style, layout.format)]
    if layout.joined_style in ("year", "yyyymm", "month_year"):
        may_warn.add("Ngày vào công đoàn")
    for extra in columns[len(cells) :]:
        cells.append(EXTRA_VALUES.get(extra, "Hà Tĩnh") if extra != "Chức vụ"
                     else person.job)  # fmt: skip
    retyped = index in layout.retyped
    grid.rows.append(
        _text_row(layout, cells, len(columns), legacy=not retyped, grid=grid)
    )
    if layout.text in ("tcvn3", "vni", "mixed"):
        # Legacy text may read as Vietnamese both ways: the engine may say so.
        may_warn.update({"Họ và tên", "Công việc"})
    year_only = layout.birth_style == "year"
    return Expected(
        row=r + 1,
        full_name=person.full_name,
        gender=person.gender,
        birth_date=None if year_only else person.born,
        birth_year=person.born.year,
        cccd=person.cccd,
        joined_on=joined_on,
        may_warn=may_warn,
    )


def _date_cell(day: date, style: str, fmt: str):
    if style == "date":
        return datetime(day.year, day.month, day.day)
    if style == "serial":
        return float((datetime(day.year, day.month, day.day) - EXCEL_EPOCH).days)
    if style == "year":
        return day.year if fmt != "csv" else str(day.year)
    text = {
        "dmy": f"{day:%d/%m/%Y}",
        "dmy_dash": f"{day.day}-{day.month}-{day.year}",
        "dmy_dot": f"{day:%d.%m.%Y}",
        "iso": f"{day:%Y-%m-%d}",
        "ymd_slash": f"{day:%Y/%m/%d}",
        "yyyymmdd": f"{day:%Y%m%d}",
        "yyyymm": f"{day:%Y%m}",
        "month_year": f"{day:%m/%Y}",
    }[style]
    if style in ("yyyymmdd", "yyyymm") and fmt != "csv":
        return int(text)
    return text


def _text_row(layout: Layout, cells: list, width: int, *, legacy: bool, grid: Grid):
    """The row padded to ``width``, its text in the layout's encoding."""
    r = len(grid.rows)
    row = list(cells) + [None] * (width - len(cells))
    for c, cell in enumerate(row):
        if isinstance(cell, str) and cell:
            row[c] = typed(cell, layout.text if legacy else "unicode")
            if legacy and layout.text in ("tcvn3", "vni", "mixed"):
                grid.legacy_cells.add((r, c))
    return row


def typed(text: str, encoding: str) -> str:
    """``text`` as it lands in a cell typed in ``encoding``."""
    if encoding in ("tcvn3", "mixed"):
        return to_tcvn3(text)
    if encoding == "vni":
        return to_vni(text)
    if encoding == "nfd":
        return unicodedata.normalize("NFD", text)
    return text


def _inverse_tcvn3() -> dict[str, str]:
    table = {}
    for code, letter in legacy_encodings._tcvn3_table().items():
        table.setdefault(letter, code)
    # Capitals with a tone have no TCVN3 code in .VnTime: typists used the lower case.
    for letter, code in list(table.items()):
        table.setdefault(letter.upper(), code)
    return table


def _inverse_vni() -> dict[str, str]:
    table = {}
    for code, letter in legacy_encodings._VNI_PAIRS.items():
        current = table.get(letter)
        if current is None or len(code) > len(current):  # base + mark, not one byte
            table[letter] = code
    return table


_TO_TCVN3 = _inverse_tcvn3()
_TO_VNI = _inverse_vni()


def to_tcvn3(text: str) -> str:
    return "".join(_TO_TCVN3.get(char, char) for char in text)


def to_vni(text: str) -> str:
    return "".join(_TO_VNI.get(char, char) for char in text)


# --- Writers ----------------------------------------------------------------------------

LEGACY_FONTS = {"tcvn3": ".VnTime", "mixed": ".VnTime", "vni": "VNI-Times"}


def _font(layout: Layout, grid: Grid, r: int, c: int) -> str:
    if (r, c) in grid.legacy_cells:
        return LEGACY_FONTS[layout.text]
    return "Times New Roman"


def _openpyxl(grid: Grid, layout: Layout) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for r, row in enumerate(grid.rows, start=1):
        for c, value in enumerate(row, start=1):
            if value not in (None, ""):
                cell = sheet.cell(r, c, value)
                cell.font = Font(name=_font(layout, grid, r - 1, c - 1))
                if isinstance(value, datetime):
                    cell.number_format = "dd/mm/yyyy"
    for top, left, bottom, right in grid.merged:
        sheet.merge_cells(
            start_row=top + 1, start_column=left + 1,
            end_row=bottom + 1, end_column=right + 1,
        )  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsxwriter(grid: Grid, layout: Layout) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Danh sách")
    formats = {}

    def fmt(r, c, value):
        key = (_font(layout, grid, r, c), isinstance(value, datetime))
        if key not in formats:
            options = {"font_name": key[0]}
            if key[1]:
                options["num_format"] = "dd/mm/yyyy"
            formats[key] = workbook.add_format(options)
        return formats[key]

    merged_at = {
        (top, left): (bottom, right) for top, left, bottom, right in grid.merged
    }
    covered = {
        (r, c)
        for top, left, bottom, right in grid.merged
        for r in range(top, bottom + 1)
        for c in range(left, right + 1)
    }
    for r, row in enumerate(grid.rows):
        for c, value in enumerate(row):
            if (r, c) in merged_at:
                bottom, right = merged_at[(r, c)]
                sheet.merge_range(r, c, bottom, right, value or "", fmt(r, c, value))
            elif (r, c) in covered or value in (None, ""):
                continue
            elif isinstance(value, datetime):
                sheet.write_datetime(r, c, value, fmt(r, c, value))
            else:
                sheet.write(r, c, value, fmt(r, c, value))
    workbook.close()
    return buffer.getvalue()


def _xls(grid: Grid, layout: Layout) -> bytes:
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Danh sach")
    styles = {}

    def style(r, c, value):
        key = (_font(layout, grid, r, c), isinstance(value, datetime))
        if key not in styles:
            styles[key] = xlwt.XFStyle()
            styles[key].font = xlwt.Font()
            styles[key].font.name = key[0]
            if key[1]:
                styles[key].num_format_str = "dd/mm/yyyy"
        return styles[key]

    merged_at = {
        (top, left): (bottom, right) for top, left, bottom, right in grid.merged
    }
    covered = {
        (r, c)
        for top, left, bottom, right in grid.merged
        for r in range(top, bottom + 1)
        for c in range(left, right + 1)
    }
    for r, row in enumerate(grid.rows):
        for c, value in enumerate(row):
            if (r, c) in merged_at:
                bottom, right = merged_at[(r, c)]
                sheet.write_merge(r, bottom, c, right, value or "", style(r, c, value))
            elif (r, c) in covered or value in (None, ""):
                continue
            else:
                sheet.write(r, c, value, style(r, c, value))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(grid: Grid, layout: Layout) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        ["" if value is None else value for value in row] for row in grid.rows
    )
    if layout.text == "cp1258":
        return to_cp1258(buffer.getvalue())
    return buffer.getvalue().encode("utf-8")


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Windows-1258: letters with their vowel marks precomposed, tones as combining
    marks after them (the code page has no precomposed toned letters but a few)."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize(
            "NFC", "".join(m for m in decomposed if m not in _TONE_MARKS)
        )
        tones = "".join(m for m in decomposed if m in _TONE_MARKS)
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)
