"""Two officers correct one member's record at once: the second sees the first's change."""

from playwright.sync_api import expect

from registry.roles import Role
from tests.browsing import screenshot, sign_in
from tests.factories import MemberFactory, MembershipFactory, UserFactory


def test_the_second_officer_sees_the_first_ones_change_and_saves_both(
    browser, live_server, page, district, cdcs
):
    member = MembershipFactory(
        member=MemberFactory(phone="0912000111", address="Thôn 1"), unit=cdcs
    ).member
    UserFactory(username="canbo_lan", role=Role.UPPER_LEVEL, unit=district)
    UserFactory(
        username="canbo_hung", role=Role.UPPER_LEVEL, unit=district, first_name="Hùng"
    )
    other = browser.new_context(base_url=live_server.url, locale="vi-VN")
    hung = other.new_page()
    edit = f"/members/{member.pk}/edit/"
    sign_in(page, "canbo_lan")
    sign_in(hung, "canbo_hung")
    page.goto(edit)
    hung.goto(edit)

    hung.fill("#id_phone", "0988777666")
    hung.click("main form button[type=submit]")
    page.fill("#id_address", "Thôn 2")
    page.click("main form button[type=submit]")

    expect(page.locator("form .errorlist").first).to_contain_text(
        "Hùng đã lưu hồ sơ này"
    )
    expect(page.locator("#id_phone_error")).to_contain_text("0988777666")
    expect(page.locator("#id_phone")).to_have_value("0988777666")
    expect(page.locator("#id_address")).to_have_value("Thôn 2")
    screenshot(page, "edit_conflict_vi")
    page.click("main form button[type=submit]")
    expect(page.locator(".message")).to_be_visible()
    member.refresh_from_db()
    assert (member.phone, member.address) == ("0988777666", "Thôn 2")
    other.close()
