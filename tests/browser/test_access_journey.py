"""What a union sees of a member who moved away, and an admin filter it may not use."""

from datetime import date

import pytest
from playwright.sync_api import expect

from members import services
from registry.roles import Role
from tests.browsing import screenshot, sign_in
from tests.factories import UnionUnitFactory, UserFactory
from unions.models import UnionUnit

pytestmark = pytest.mark.browser


def build():
    province = UnionUnitFactory(
        code="LDLD-HT", kind=UnionUnit.Kind.PROVINCIAL, founded_on=date(1991, 10, 1)
    )
    cdcs = UnionUnitFactory(
        parent=province, code="CDCS-MAY", name="Công đoàn Công ty May Hồng Lĩnh"
    )
    elsewhere = UnionUnitFactory(
        code="LDLD-NA", kind=UnionUnit.Kind.PROVINCIAL, founded_on=date(1991, 10, 1)
    )
    far = UnionUnitFactory(parent=elsewhere, code="CDCS-VINH")
    for n, name in enumerate(["Nguyễn Thị Lan", "Trần Văn Bình"], 1):
        member = services.admit_member(
            unit=cdcs, full_name=name, birth_date=date(1990, 3, 8), gender="F",
            cccd=f"04219001234{n}", joined_on=date(2015, 5, 1),
        ).member  # fmt: skip
    services.transfer_member(
        member=member, to_unit=far, transferred_on=date(2022, 1, 1)
    )
    UserFactory(username="canbo_may", role=Role.GRASSROOTS, unit=cdcs)
    UserFactory(username="lanhdao", role=Role.LEADER, unit=province)


@pytest.mark.parametrize("narrow", [False, True], ids=["wide", "narrow"])
def test_a_union_lists_who_moved_away_by_name_and_dates_only(page, narrow):
    build()
    if narrow:
        page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "canbo_may")

    page.goto("/members/?on=01/01/2020")

    moved = page.locator("tr.moved-away")
    expect(moved).to_contain_text("Trần Văn Bình")
    expect(moved).to_contain_text("từ 01/05/2015 đến 01/01/2022")
    expect(moved.get_by_role("link")).to_have_count(0)
    expect(page.get_by_role("link", name="Nguyễn Thị Lan")).to_be_visible()
    screenshot(page, f"members_moved_away_{'narrow' if narrow else 'wide'}")


def test_a_leader_gets_a_400_page_for_a_filter_it_is_not_offered(page):
    build()
    sign_in(page, "lanhdao")

    response = page.goto("/admin/members/member/?cccd__startswith=04")

    assert response.status == 400
    expect(page.get_by_text("không có bộ lọc “cccd__startswith”")).to_be_visible()
    screenshot(page, "admin_refused_lookup")
