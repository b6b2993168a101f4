"""An officer admits a worker, finds her by typing without marks, transfers her, reads her record."""

from datetime import date

import pytest
from playwright.sync_api import expect

from registry.roles import Role
from tests.browsing import screenshot, sign_in
from tests.factories import UnionUnitFactory, UserFactory
from unions.models import UnionUnit

pytestmark = pytest.mark.browser


def build_units():
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
        founded_on=date(2008, 9, 1),
    )
    UnionUnitFactory(
        parent=zone, code="CDCS-MAY", name="Công đoàn Công ty May Hồng Lĩnh"
    )
    UnionUnitFactory(
        parent=zone, code="CDCS-THEP", name="Công đoàn Công ty Thép Vũng Áng"
    )
    UserFactory(username="canbo_kkt", role=Role.UPPER_LEVEL, unit=zone)


def test_an_officer_admits_finds_transfers_and_views_a_member(page):
    build_units()
    sign_in(page, "canbo_kkt")

    # Admit
    page.get_by_role("banner").get_by_role("link", name="Đoàn viên", exact=True).click()
    page.get_by_role("button", name="Kết nạp đoàn viên").click()
    page.fill("#id_unit", "cdcs-may")
    page.get_by_role("button", name="Tiếp tục").click()
    page.fill("#id_full_name", "nguyễn  thị lan")
    page.select_option("#id_gender", "F")
    page.fill("#id_birth_date", "08/03/1990")
    page.fill("#id_cccd", "042190012345")
    page.fill("#id_joined_on", "01/05/2015")
    page.select_option("#id_ethnicity", "Kinh")
    screenshot(page, "members_admit_form")
    page.get_by_role("button", name="Kết nạp", exact=True).click()
    expect(page.get_by_role("heading", name="Nguyễn Thị Lan")).to_be_visible()
    expect(page.get_by_text("Đã kết nạp Nguyễn Thị Lan")).to_be_visible()

    # Find, typing without marks: the results refresh as she types
    page.get_by_role("banner").get_by_role("link", name="Đoàn viên", exact=True).click()
    page.fill("#id_q", "nguyen thi la")
    page.wait_for_url("**/members/?q=nguyen+thi+la")
    results = page.locator("#member-rows")
    expect(results.get_by_role("link", name="Nguyễn Thị Lan")).to_be_visible()
    assert "0421****2345" in results.inner_text()
    screenshot(page, "members_search")
    results.get_by_role("link", name="Nguyễn Thị Lan").click()

    # Transfer to the other CĐCS of the same zone
    page.get_by_role("button", name="Chuyển sinh hoạt").click()
    page.fill("#id_to_unit", "CDCS-THEP")
    page.fill("#id_transferred_on", "01/09/2025")
    page.get_by_role("button", name="Chuyển sinh hoạt").click()

    # View: the record shows both memberships, newest first
    expect(
        page.get_by_text("Đoàn viên của Công đoàn Công ty Thép Vũng Áng")
    ).to_be_visible()
    rows = page.locator("#memberships tbody tr")
    assert rows.count() == 2
    assert "01/09/2025" in rows.nth(0).inner_text()
    assert "Chuyển sinh hoạt" in rows.nth(1).inner_text()
    assert "042190012345" in page.locator(".member-facts").inner_text()
    screenshot(page, "members_detail")


def test_a_refusal_is_explained_in_vietnamese(page):
    build_units()
    sign_in(page, "canbo_kkt")

    page.goto("/members/admit/CDCS-MAY/")
    page.fill("#id_full_name", "Trần Văn Nhỏ")
    page.select_option("#id_gender", "M")
    page.fill("#id_birth_date", "02/06/2012")
    page.fill("#id_cccd", "042212012345")
    page.fill("#id_joined_on", "01/06/2025")
    page.get_by_role("button", name="Kết nạp", exact=True).click()

    expect(
        page.get_by_text("Đoàn viên phải đủ 15 tuổi vào ngày vào công đoàn.")
    ).to_be_visible()
    screenshot(page, "members_admit_refused")
