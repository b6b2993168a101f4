"""The Vietnamese admin: the indented unit tree, and moving a CĐCS from it."""

from datetime import date

from playwright.sync_api import expect

from tests.browsing import screenshot, sign_in
from unions.models import UnionUnit, UnitMove


def test_an_officer_opens_the_move_of_a_cdcs_from_the_admin_tree(
    page, provincial_officer, cdcs, other_district
):
    sign_in(page, "canbo_tinh")
    page.goto("/admin/unions/unionunit/")

    expect(page.get_by_role("link", name="CDCS-A")).to_be_visible()
    assert page.get_by_text("khoảng").count() == 0  # SQLite counts exactly
    screenshot(page, "admin_unit_tree_vi")

    page.get_by_role("link", name="CDCS-A").click()
    page.get_by_role("link", name="Điều chuyển trong cây").click()

    expect(page.locator("#id_unit")).to_have_value("CDCS-A")
    page.fill("#id_new_parent", "cd-xa-1")
    page.fill("#id_effective_on", "01/07/2025")
    page.fill("#id_decision", "15/QĐ-LĐLĐ")
    page.click("#preview")
    page.click("#apply")

    expect(page.get_by_text("Đã ghi nhận")).to_be_visible()
    move = UnitMove.objects.get()
    assert (move.to_parent, move.moved_on) == (other_district, date(2025, 7, 1))
    assert (
        UnionUnit.objects.get_parent(UnionUnit.objects.get(code="CDCS-A"))
        == other_district
    )


def test_the_employer_list_in_english_and_on_a_phone(
    browser, live_server, provincial_officer, employer
):
    for name, options in [
        ("admin_employers_en", {"locale": "en-US"}),
        (
            "admin_employers_phone_vi",
            {"locale": "vi-VN", "viewport": {"width": 390, "height": 844}},
        ),
    ]:
        context = browser.new_context(base_url=live_server.url, **options)
        page = context.new_page()
        sign_in(page, "canbo_tinh")
        page.goto("/admin/unions/employer/")

        expect(page.get_by_text(employer.tax_code)).to_be_visible()
        screenshot(page, name)
        context.close()
