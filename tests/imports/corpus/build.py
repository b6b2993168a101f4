"""Build the small real-layout files of this folder: python tests/imports/corpus/build.py

Each file copies the layout of a kind of list that unions, schools and factories
send in (the people are made up); test_corpus.py holds what the engine must read
from each. The files are committed so the tests need no build step; rerun this
script after changing a layout.
"""

import csv
import io
import sys
import unicodedata
from datetime import datetime
from pathlib import Path

import openpyxl
import xlwt
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tests.imports.messy import to_cp1258, to_tcvn3  # noqa: E402

TITLE = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


def xlsx(path: Path, rows, merged=(), fonts=None) -> None:
    """``fonts``: {(row, col): font name}, 1-based like Excel; others in Times."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value not in (None, ""):
                cell = sheet.cell(r, c, value)
                cell.font = Font(name=(fonts or {}).get((r, c), "Times New Roman"))
                if isinstance(value, datetime):
                    cell.number_format = "dd/mm/yyyy"
    for cell_range in merged:
        sheet.merge_cells(cell_range)
    workbook.properties.created = datetime(2024, 3, 15)
    workbook.save(path)


def union_register() -> None:
    """Sổ đoàn viên of a CĐCS: the two-row "Ngày, tháng, năm sinh / Nam | Nữ" header,
    departments merged across the table, a subtotal, the signature block."""
    header = ["STT", "Họ và tên", "Ngày, tháng, năm sinh", None, "Dân tộc", "Quê quán",
              "Số CCCD", "Ngày vào công đoàn", "Chức vụ", "Ghi chú"]  # fmt: skip
    sub = [None, None, "Nam", "Nữ"] + [None] * 6
    rows = [
        TITLE, [], ["DANH SÁCH ĐOÀN VIÊN CÔNG ĐOÀN CƠ SỞ CÔNG TY MAY KỲ ANH"], [],
        header, sub,
        ["I", "Phòng Kế toán"],
        [1, "Nguyễn Thị Lan", None, datetime(1990, 3, 8), "Kinh", "Hà Tĩnh",
         "042190012345", datetime(2015, 5, 1), "Kế toán trưởng"],
        [2, "TRẦN VĂN BÌNH", datetime(1985, 11, 12), None, "Kinh", "Nghệ An",
         42085012346, datetime(2016, 5, 1), "Chủ tịch CĐCS"],
        ["II", "Phân xưởng May"],
        [3, "Lê Thị Thu Hà", None, "02/09/1995", "Mường", "Thanh Hóa",
         "038195001234", "01/06/2018", "Công nhân may"],
        [None, "Cộng", 1, 2],
        [], [None] * 6 + ["Kỳ Anh, ngày 15 tháng 03 năm 2024"],
        [None, "Người lập biểu"] + [None] * 5 + ["TM. BAN CHẤP HÀNH"],
        [None] * 7 + ["CHỦ TỊCH"], [None, "(Ký, ghi rõ họ tên)"], [],
        [None, "Phạm Thị Mai"] + [None] * 5 + ["Trần Văn Bình"],
    ]  # fmt: skip
    merged = ["A1:J1", "A2:J2", "A4:J4", "A6:A5", "C5:D5", "B7:J7", "B10:J10",
              "G14:J14"]  # fmt: skip
    merged = [m if m != "A6:A5" else "A5:A6" for m in merged]
    merged += [f"{c}5:{c}6" for c in "BEFGHIJ"]
    xlsx(HERE / "union_register.xlsx", rows, merged)


def welfare_list() -> None:
    """Danh sách thăm hỏi: the member, then the relative and the relationship."""
    header = ["STT", "HỌ VÀ TÊN", "Số CCCD", "Ngày vào CĐ", "Đơn vị", "Quan hệ",
              "HỌ TÊN", "Năm sinh", "Lý do", "Số tiền (đồng)"]  # fmt: skip
    rows = [
        ["CÔNG ĐOÀN TRƯỜNG THPT KỲ ANH"],
        ["DANH SÁCH ĐOÀN VIÊN ĐỀ NGHỊ THĂM HỎI, TRỢ CẤP"],
        header,
        [1, "Võ Thị Hồng", "042188001122", "01/09/2010", "Tổ Toán", "Con",
         "Nguyễn Văn Nam", 2015, "Ốm đau", 500000],
        [2, "Đặng Văn Khoa", "042080003344", "01/09/2008", "Tổ Văn", "Bố",
         "Đặng Văn Hải", 1950, "Ốm đau", 500000],
        ["TỔNG CỘNG", None, None, None, None, None, None, None, None, 1000000],
        ["Bằng chữ: Một triệu đồng chẵn"],
    ]  # fmt: skip
    xlsx(HERE / "welfare_list.xlsx", rows, ["A6:I6", "A7:J7"])


def hr_template() -> None:
    """An HR department's staff template: family and given names apart, numbers that
    lost their zeros, an insurance card, the dates as text."""
    header = ["Mã NV", "Họ và đệm", "Tên", "Ngày sinh (dd/mm/yyyy)", "Giới tính",
              "Số CCCD", "Số điện thoại", "Email", "Phòng ban", "Chức danh",
              "Ngày vào công ty", "Ngày vào công đoàn", "Số thẻ BHYT"]  # fmt: skip
    rows = [
        header,
        ["NV001", "Hoàng Minh", "Tuấn", "1988/07/21", "Nam", 1088012345, 912345678,
         "tuan.hm@congty.vn", "Kỹ thuật", "Kỹ sư", "01/03/2012", 201203,
         "DN4424201234567"],
        ["NV002", "Bùi Thị", "Ngọc", "19930415", "Nữ", 1193054321, 987654321,
         "ngoc.bt@congty.vn", "Nhân sự", "Chuyên viên", "15/08/2016", 2016,
         "DN4424207654321"],
    ]  # fmt: skip
    xlsx(HERE / "hr_template.xlsx", rows)


def tcvn3_staff() -> None:
    """A staff list typed in .VnTime (TCVN3) years ago, two names retyped since in
    Unicode, in Times New Roman; one .VnTime name reads as Vietnamese both ways."""
    header = ["STT", "Hä vµ tªn", "Ngµy sinh", "Giíi tÝnh", "Sè CCCD", "Ngµy vµo C§"]
    people = [
        [1, to_tcvn3("Nguyễn Văn Hùng"), "12/05/1980", "Nam", "042080000111",
         "01/01/2005"],
        [2, "Tô Lâm", "03/04/1982", "Nam", "042082000222", "01/01/2006"],
        [3, "Lê Thu Trang", "21/11/1990", to_tcvn3("Nữ"), "042190000333",
         "01/01/2012"],
        [4, to_tcvn3("Vũ Thanh"), "09/09/1985", "Nam", "042085000444", "01/01/2009"],
    ]  # fmt: skip
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("DS")
    old, new = xlwt.XFStyle(), xlwt.XFStyle()
    old.font, new.font = xlwt.Font(), xlwt.Font()
    old.font.name, new.font.name = ".VnTime", "Times New Roman"
    sheet.write(0, 0, to_tcvn3("DANH SÁCH CÁN BỘ, CÔNG NHÂN VIÊN"), old)
    for c, value in enumerate(header):
        sheet.write(2, c, value, old)
    for r, row in enumerate(people, start=3):
        retyped = row[0] in (2, 3)
        for c, value in enumerate(row):
            style = new if retyped and c == 1 else old
            sheet.write(r, c, value, style)
    workbook.save(str(HERE / "tcvn3_staff.xls"))


def youth_union() -> None:
    """A Youth Union (Đoàn TNCS) list that is also a trade-union list: the Youth
    Union's card and joining date beside the trade union's."""
    header = ["TT", "Họ và tên", "Ngày sinh", None, "Dân tộc", "Tôn giáo",
              "Ngày vào Đoàn", "Số thẻ đoàn", "Ngày vào Công đoàn", "Số thẻ đoàn viên"]  # fmt: skip
    sub = [None, None, "Nam", "Nữ"] + [None] * 6
    rows = [
        ["ĐOÀN TNCS HỒ CHÍ MINH", None, None, None, None, "CÔNG ĐOÀN CƠ SỞ"],
        ["DANH SÁCH ĐOÀN VIÊN THANH NIÊN LÀ ĐOÀN VIÊN CÔNG ĐOÀN"],
        header, sub,
        [1, "Phan Văn Đức", "05/05/2000", None, "Kinh", "Không", "26/03/2015",
         "0123456", "01/07/2019", "TDV0000123"],
        [2, "Hồ Thị Yến", None, "12/12/2001", "Tày", "Không", "26/03/2016",
         "0123457", "01/07/2020", "TDV0000124"],
    ]  # fmt: skip
    merged = ["C3:D3"] + [f"{c}3:{c}4" for c in "ABEFGHIJ"]
    xlsx(HERE / "youth_union.xlsx", rows, merged)


def signatures_and_totals() -> None:
    """A CSV saved by an old Excel in Windows-1258: a year alone or a month (yyyymm)
    for joining, names tagged to tell namesakes apart, totals and the signature
    block, text decomposed."""
    rows = [
        ["DANH SÁCH ĐOÀN VIÊN TỔ TOÁN - TIN"],
        ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Số CCCD", "Năm vào công đoàn"],
        [1, "Nguyễn Thu Dung (Toán)", 1978, "Nữ", "042178005566", 1998],
        [2, "Nguyễn Thu Dung (Tin)", 1984, "Nữ", "042184007788", 200601],
        [3, "Nguyễn Thị Hiền 81", 1981, "Nữ", "042181009900", "01/09/2003"],
        ["", "Tổng số: 3 đoàn viên"],
        ["", "", "", "", "Kỳ Anh, ngày 15 tháng 03 năm 2024"],
        ["", "Người lập biểu", "", "", "Tổ trưởng công đoàn"],
        ["", "Lê Thị Mai", "", "", "Nguyễn Thị Hiền"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    text = unicodedata.normalize("NFD", buffer.getvalue())
    (HERE / "signatures_and_totals.csv").write_bytes(to_cp1258(text))


if __name__ == "__main__":
    union_register()
    welfare_list()
    hr_template()
    tcvn3_staff()
    youth_union()
    signatures_and_totals()
