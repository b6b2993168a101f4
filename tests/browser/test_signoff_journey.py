"""An upper-level officer signs off a quarter from the report page; afterwards a CĐCS
officer's back-dated admission is refused with the period named."""

from playwright.sync_api import expect

from members.models import Member
from tests.browsing import screenshot, sign_in
from tests.factories import MembershipFactory
from unions.models import SignedPeriod


def test_a_signed_quarter_refuses_a_backdated_admission(
    page, officer, grassroots_officer, district, cdcs
):
    MembershipFactory(unit=cdcs)
    sign_in(page, "canbo_captren")
    page.goto(
        f"/units/dashboard/report/?unit={district.code}"
        "&starts_on=01/01/2025&ends_on=31/03/2025"
    )
    expect(page.locator("#id_period")).to_have_value("quarter-2025-1")
    screenshot(page, "signoff_report_vi")
    page.click(".sign-off button[type=submit]")

    expect(page.locator("h1")).to_contain_text("Quý I/2025")
    expect(page.locator(".report-table")).to_contain_text("Công đoàn Công ty May A")
    screenshot(page, "signoff_signed_period_vi")
    assert SignedPeriod.objects.signed().count() == 1

    page.context.clear_cookies()
    sign_in(page, "canbo_cdcs")
    page.goto(f"/members/admit/{cdcs.code}/")
    page.fill("#id_full_name", "Trần Thị Mai")
    page.select_option("#id_gender", "F")
    page.fill("#id_birth_date", "01/04/1995")
    page.fill("#id_joined_on", "10/02/2025")
    page.click("main form button[type=submit]")

    expect(page.locator("main form").first).to_contain_text(
        "Số liệu Quý I/2025 của Công đoàn các KCN tỉnh đã được chốt"
    )
    screenshot(page, "signoff_refused_admission_vi")
    assert Member.objects.count() == 1
