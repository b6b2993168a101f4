"""A provincial officer merges two district federations into a new commune union:
the form, its preview, the result, and undoing it — with no script error on the way."""

from playwright.sync_api import expect

from tests.browsing import screenshot, sign_in
from tests.factories import MembershipFactory, UnionUnitFactory
from unions.models import Reorganisation, UnionUnit

Kind = UnionUnit.Kind


def test_an_officer_merges_two_districts_after_reading_the_preview(
    page, provincial_officer, province
):
    errors = []  # script errors, such as "quickElement is not defined"
    page.on("pageerror", lambda error: errors.append(str(error)))
    for code in ["LDLD-H1", "LDLD-H2"]:
        district = UnionUnitFactory(parent=province, code=code, kind=Kind.DISTRICT)
        cdcs = UnionUnitFactory(parent=district, code=f"CDCS-{code}")
        MembershipFactory(unit=cdcs)
    sign_in(page, "canbo_tinh")

    page.get_by_role("link", name="Sắp xếp tổ chức").first.click()
    page.get_by_role("link", name="Sáp nhập đơn vị").click()
    page.fill("#id_units", "LDLD-H1, ldld-h2")
    page.fill("#id_new_code", "CD-XA-MOI")
    page.fill("#id_new_name", "Công đoàn xã Mới")
    page.select_option("#id_new_kind", "commune")
    page.fill("#id_new_parent", "LDLD-HT")
    page.fill("#id_effective_on", "01/07/2025")
    page.fill("#id_decision", "88/QĐ-LĐLĐ")
    page.click("#preview")

    expect(page.get_by_text("Xem trước: chưa có gì thay đổi")).to_be_visible()
    expect(page.get_by_text("2 đoàn viên")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("CDCS-LDLD-H2")
    assert not UnionUnit.objects.filter(code="CD-XA-MOI").exists()
    screenshot(page, "reorganisation_merge_preview_vi")

    page.click("#apply")
    expect(page.get_by_text("Đã ghi nhận")).to_be_visible()
    new = UnionUnit.objects.get(code="CD-XA-MOI")
    assert UnionUnit.objects.get_children(new).count() == 2
    screenshot(page, "reorganisation_merge_result_vi")

    page.click("#undo")
    expect(page.locator(".message-success")).to_contain_text("Đã hoàn tác")
    assert not UnionUnit.objects.filter(code="CD-XA-MOI").exists()
    assert Reorganisation.objects.get().is_undone
    assert errors == []
