"""An officer admits someone already in the union without a CCCD: the form asks,
links the record, and admits only once the officer says it is another person."""

from datetime import date

from playwright.sync_api import expect

from members.models import Member
from tests.browsing import screenshot, sign_in
from tests.factories import MemberFactory, MembershipFactory


def test_a_namesake_without_a_cccd_is_asked_about_then_admitted(
    page, grassroots_officer, cdcs
):
    lan = MemberFactory(
        full_name="Nguyễn Thị Lan", cccd=None, birth_date=date(1990, 3, 8)
    )
    MembershipFactory(member=lan, unit=cdcs)
    sign_in(page, "canbo_cdcs")
    page.goto(f"/members/admit/{cdcs.code}/")
    page.fill("#id_full_name", "Nguyễn Thị Lan")
    page.select_option("#id_gender", "F")
    page.fill("#id_birth_date", "08/03/1990")
    page.fill("#id_joined_on", "01/05/2020")
    page.click("main form button[type=submit]")

    expect(page.locator(".namesakes a")).to_have_text("Nguyễn Thị Lan")
    expect(page.locator("main form [role=alert]").first).to_contain_text(
        "không có CCCD"
    )
    screenshot(page, "members_admit_namesake_vi")
    assert Member.objects.count() == 1

    page.check("#id_confirm_namesake")
    page.click("main form button[type=submit]")

    expect(page.locator("h1")).to_contain_text("Nguyễn Thị Lan")
    assert Member.objects.count() == 2
