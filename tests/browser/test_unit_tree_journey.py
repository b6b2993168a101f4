from datetime import date

from playwright.sync_api import expect

from registry.roles import Role
from tests.browsing import screenshot, sign_in
from tests.factories import EmployerFactory, UnionUnitFactory, UserFactory
from unions.models import UnionUnit


def build_small_province():
    province = UnionUnitFactory(
        code="LDLD-HT",
        name="Liên đoàn Lao động tỉnh Hà Tĩnh",
        kind=UnionUnit.Kind.PROVINCIAL,
        founded_on=date(1991, 10, 1),
    )
    zone = UnionUnitFactory(
        parent=province,
        code="CD-KKT",
        name="Công đoàn Khu kinh tế tỉnh",
        kind=UnionUnit.Kind.INDUSTRIAL_ZONE,
    )
    commune = UnionUnitFactory(
        parent=province,
        code="CD-XA-01",
        name="Công đoàn phường Thành Sen",
        kind=UnionUnit.Kind.COMMUNE,
        founded_on=date(2025, 7, 1),
    )
    cdcs = UnionUnitFactory(
        parent=zone, code="CDCS-01", name="Công đoàn Công ty TNHH May Hồng Lĩnh"
    )
    EmployerFactory(
        managing_unit=zone, grassroots_union=cdcs, name="Công ty TNHH May Hồng Lĩnh"
    )
    EmployerFactory(
        managing_unit=commune, name="Công ty Cổ phần Gỗ Thiên Cầm", workers=80
    )
    UserFactory(username="canbo_tinh", role=Role.PROVINCIAL, unit=province)
    return province


def test_provincial_officer_signs_in_and_walks_down_the_unit_tree(page):
    build_small_province()

    sign_in(page, "canbo_tinh")
    page.get_by_role("link", name="Đơn vị").first.click()

    expect(page.get_by_role("heading", name="Đơn vị công đoàn")).to_be_visible()
    expect(page.get_by_text("Công đoàn phường Thành Sen")).to_be_visible()
    screenshot(page, "unit_tree_vi")

    page.get_by_role("link", name="Công đoàn Khu kinh tế tỉnh").click()
    expect(page.get_by_text("Công đoàn Công ty TNHH May Hồng Lĩnh")).to_be_visible()
    page.get_by_role("link", name="Công đoàn Công ty TNHH May Hồng Lĩnh").click()
    expect(page.get_by_text("Công ty TNHH May Hồng Lĩnh").first).to_be_visible()
    screenshot(page, "unit_detail_vi")


def test_the_unit_tree_switches_to_english(page):
    build_small_province()
    sign_in(page, "canbo_tinh")

    page.get_by_role("button", name="English").click()
    page.goto("/units/")

    expect(page.get_by_role("heading", name="Union units")).to_be_visible()
    screenshot(page, "unit_tree_en")


def test_the_unit_tree_fits_a_phone(phone_page):
    build_small_province()

    sign_in(phone_page, "canbo_tinh")
    phone_page.goto("/units/")

    expect(phone_page.get_by_text("Công đoàn phường Thành Sen")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    screenshot(phone_page, "unit_tree_phone")
