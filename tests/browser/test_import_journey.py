"""An upper-level officer imports a messy member list in the browser."""

import pytest

from members.models import Member
from tests.browsing import screenshot, sign_in
from tests.imports import files
from tests.imports.files import SIGNATURE_ROWS, TITLE_ROWS

pytestmark = pytest.mark.browser

HEADER = ["STT", "HỌ VÀ TÊN", "Ngày", "Giới tính", "CCCD/CMND", "Ngày kết nạp"]
ROWS = [
    [1, "NGUYỄN THỊ LAN", "08/03/1990", "Nữ", 1190012345, "01/05/2015"],
    [2, "Trần Văn Bình", "12/11/1985", "Nam", "123", "01/05/2016"],
    [3, "Lê Văn Cường", "02/02/1988", "Nam", "001088012347", "01/06/2016"],
]


def test_officer_uploads_corrects_a_column_confirms_and_downloads_the_error_report(
    page, officer, cdcs, tmp_path
):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(files.xlsx([*TITLE_ROWS, HEADER, *ROWS, *SIGNATURE_ROWS]))
    sign_in(page, officer.username)

    page.goto("/imports/")
    page.select_option("#id_kind", "members")
    page.fill("#id_into", cdcs.code.lower())
    page.set_input_files("#id_file", str(path))
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    screenshot(page, "import-preview-before")

    page.select_option("#mapping select >> nth=2", "birth_date")
    page.click("#mapping button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "08/03/1990" in page.inner_text("main")
    screenshot(page, "import-preview-corrected")

    page.check("#confirm input[name=skip_invalid]")
    page.click("#confirm button[type=submit]")
    page.wait_for_selector("#error-report")
    screenshot(page, "import-done")
    with page.expect_download() as download:
        page.click("#error-report")

    assert download.value.suggested_filename.endswith(".xlsx")
    assert sorted(Member.objects.values_list("full_name", flat=True)) == [
        "Lê Văn Cường",
        "Nguyễn Thị Lan",
    ]


def test_officer_imports_admits_as_of_today_then_undoes_the_import(
    page, officer, cdcs, tmp_path
):
    from django.utils import timezone

    from members.models import Membership

    path = tmp_path / "ds.xlsx"
    path.write_bytes(
        files.xlsx([["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD",
                     "Ngày kết nạp", "Đảng viên", "Ghi chú"],
                    [1, "Lê Văn Cường", "02/02/1988", "Nam", "001088012347",
                     "01/06/2016", "x", "Tổ trưởng"]])
    )  # fmt: skip
    sign_in(page, officer.username)
    page.goto("/imports/")
    page.select_option("#id_kind", "members")
    page.fill("#id_into", cdcs.code)
    page.set_input_files("#id_file", str(path))
    page.click("main form button[type=submit]")
    page.wait_for_selector("#start-choice")
    assert cdcs.name in page.inner_text("#destination")
    assert "Có" in page.inner_text("main table.striped")

    page.check("#start-choice input[value=today]")
    page.click("#confirm button[type=submit]")
    page.wait_for_selector("#undo")
    membership = Membership.objects.get()
    assert (membership.started_on, membership.notes) == (
        timezone.localdate(),
        "Tổ trưởng",
    )
    page.click("#undo")
    assert "Lê Văn Cường" in page.inner_text("main")
    screenshot(page, "import-undo-confirmation")
    page.click("#undo-form button[type=submit]")
    page.wait_for_selector("#undone")

    assert not Member.objects.exists()
