"""Two-factor enrolment and the lock-out page, as a person sees them."""

import base64
import time
from datetime import date

from django_otp.oath import TOTP
from playwright.sync_api import expect

from registry.roles import Role
from tests.browsing import screenshot, sign_in
from tests.factories import UnionUnitFactory, UserFactory
from unions.models import UnionUnit


def current_code(readable_key: str) -> str:
    key = base64.b32decode(readable_key.replace(" ", ""))
    totp = TOTP(key)
    totp.time = time.time()
    return f"{totp.token():06d}"


def provincial_officer():
    province = UnionUnitFactory(
        code="LDLD-HT", kind=UnionUnit.Kind.PROVINCIAL, founded_on=date(1991, 1, 1)
    )
    return UserFactory(username="canbo_tinh", role=Role.PROVINCIAL, unit=province)


def test_a_provincial_officer_enrols_by_qr_code_then_signs_in_with_a_code(
    page, settings
):
    settings.TWO_FACTOR_REQUIRED = True
    provincial_officer()

    sign_in(page, "canbo_tinh")
    expect(page.locator("h1")).to_have_text("Thiết lập đăng nhập hai bước")
    expect(page.locator(".qr-code svg")).to_be_visible()
    screenshot(page, "two_factor_enrol_vi")
    page.fill("#id_code", current_code(page.locator(".enrol-key").inner_text()))
    page.click("main form button[type=submit]")
    expect(page.locator(".message")).to_contain_text("Đã bật đăng nhập hai bước")

    page.context.clear_cookies()
    sign_in(page, "canbo_tinh")
    expect(page.locator("h1")).to_have_text("Mã đăng nhập")


def test_the_enrolment_page_fits_a_phone_in_english(phone_page, live_server, settings):
    settings.TWO_FACTOR_REQUIRED = True
    provincial_officer()
    phone_page.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": live_server.url}]
    )

    sign_in(phone_page, "canbo_tinh")

    expect(phone_page.locator("h1")).to_have_text("Set up two-factor sign-in")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone_page, "two_factor_enrol_en_phone")


def test_the_lock_out_page_after_wrong_passwords(page):
    provincial_officer()
    for _ in range(5):
        sign_in(page, "canbo_tinh", "sai-mat-khau-roi")

    sign_in(page, "canbo_tinh")

    expect(page.locator("h1")).to_have_text("Tạm khóa đăng nhập")
    screenshot(page, "locked_out_vi")


def test_an_officer_changes_the_password_from_the_account_menu(page):
    UserFactory(username="canbo_cdcs", role=Role.GRASSROOTS, unit=None)

    sign_in(page, "canbo_cdcs")
    page.click("details.dropdown summary")
    page.click("text=Đổi mật khẩu")
    page.fill("#id_old_password", "demo-password")
    page.fill("#id_new_password1", "ngan")
    page.fill("#id_new_password2", "ngan")
    page.click("main form button[type=submit]")
    expect(page.locator("main [role=alert]").first).to_contain_text("quá ngắn")
    screenshot(page, "password_change_refused_vi")
    page.fill("#id_old_password", "demo-password")
    page.fill("#id_new_password1", "Hoa sen nở giữa đầm 2025")
    page.fill("#id_new_password2", "Hoa sen nở giữa đầm 2025")
    page.click("main form button[type=submit]")

    expect(page.locator(".message")).to_contain_text(
        "Mật khẩu của bạn đã được thay đổi"
    )
    page.context.clear_cookies()
    sign_in(page, "canbo_cdcs", "Hoa sen nở giữa đầm 2025")
    expect(page.locator("details.dropdown summary")).to_be_visible()
