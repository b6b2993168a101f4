"""A provincial officer re-attaches CĐCS to a new commune union by a mapping file: the
upload, the preview with a bad row and its error report, the corrected file applied,
and undone — with no script error on the way."""

from datetime import date

from playwright.sync_api import expect

from tests.browsing import screenshot, sign_in
from tests.factories import MembershipFactory, UnionUnitFactory
from tests.imports.files import xlsx
from unions.models import Reorganisation, UnionUnit

Kind = UnionUnit.Kind
HEADER = ["STT", "Mã CĐCS", "Tên CĐCS", "Mã đơn vị cấp trên mới"]


def upload(page, tmp_path, rows, name):
    path = tmp_path / name
    path.write_bytes(xlsx([HEADER, *rows]))
    page.set_input_files("#id_file", str(path))
    page.fill("#id_effective_on", "01/07/2025")
    page.fill("#id_decision", "45/QĐ-LĐLĐ")
    page.click("#check")


def test_an_officer_re_attaches_cdcs_by_a_mapping_file(
    page, provincial_officer, province, tmp_path
):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    district = UnionUnitFactory(parent=province, code="LDLD-H1", kind=Kind.DISTRICT)
    UnionUnitFactory(
        parent=province,
        code="CD-XA-MOI",
        kind=Kind.COMMUNE,
        founded_on=date(2025, 7, 1),
    )
    for code in ["CDCS-H1", "CDCS-H2"]:
        cdcs = UnionUnitFactory(parent=district, code=code)
        MembershipFactory(unit=cdcs)
    sign_in(page, "canbo_tinh")

    page.get_by_role("link", name="Sắp xếp tổ chức").first.click()
    page.get_by_role("link", name="Chuyển CĐCS theo tệp ánh xạ").click()
    upload(
        page,
        tmp_path,
        [[1, "CDCS-H1", "", "CD-XA-MOI"], [2, "CDCS-KHONG-CO", "", "CD-XA-MOI"]],
        "sai.xlsx",
    )

    expect(page.locator("#rows")).to_contain_text("Không có đơn vị nào mang mã")
    expect(page.locator("#not-ready")).to_be_visible()
    with page.expect_download() as download:
        page.click("#error-report")
    assert download.value.suggested_filename.endswith(".xlsx")
    screenshot(page, "mapping_file_errors_vi")

    page.get_by_role("link", name="Tải lên tệp khác").click()
    upload(
        page,
        tmp_path,
        [[1, "CDCS-H1", "", "CD-XA-MOI"], [2, "cdcs-h2", "", "CD-XA-MOI"]],
        "dung.xlsx",
    )
    expect(page.get_by_text("Xem trước: chưa có gì thay đổi")).to_be_visible()
    expect(page.locator("#rows")).to_contain_text("LDLD-H1")
    screenshot(page, "mapping_file_preview_vi")
    assert not Reorganisation.objects.exists()

    page.click("#apply")
    expect(page.get_by_text("Đã ghi nhận")).to_be_visible()
    commune = UnionUnit.objects.get(code="CD-XA-MOI")
    assert UnionUnit.objects.get_children(commune).count() == 2
    screenshot(page, "mapping_file_result_vi")

    page.click("#undo")
    expect(page.locator(".message-success")).to_contain_text("Đã hoàn tác")
    assert UnionUnit.objects.get_children(commune).count() == 0
    assert errors == []
