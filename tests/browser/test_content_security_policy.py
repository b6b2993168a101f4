"""Every kind of page works under the Content-Security-Policy: no violation reported,
charts drawn, admin widgets and the import page alive; and the 503 page recovers."""

from datetime import date

import pytest
from django.db import OperationalError, connections
from playwright.sync_api import expect

from tests.browsing import screenshot, sign_in
from tests.factories import (
    CollectiveAgreementFactory,
    EmployerFactory,
    MemberFactory,
    MembershipFactory,
)

PAGES = [
    "/units/dashboard/",
    "/units/",
    "/units/dashboard/white-spots/",
    "/units/dashboard/report/",
    "/members/",
    "/members/transfers/",
    "/imports/",
    "/exports/",
    "/account/",
    "/admin/",
    "/admin/unions/unionunit/",
    "/admin/unions/employer/",
    "/admin/unions/employer/add/",
    "/admin/unions/collectiveagreement/",
    "/admin/members/member/",
    "/admin/members/membership/",
    "/admin/registry/accesslog/",
]


@pytest.fixture
def province_with_data(provincial_officer, district, cdcs):
    for _ in range(3):
        MembershipFactory(
            member=MemberFactory(), unit=cdcs, started_on=date(2020, 1, 1)
        )
    employer = EmployerFactory(managing_unit=district, grassroots_union=cdcs)
    CollectiveAgreementFactory(employer=employer)
    return cdcs


def csp_violations(page) -> list[str]:
    """What the page reports breaking the policy, and any script error."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    return violations


def test_no_page_breaks_the_policy(page, province_with_data):
    violations = csp_violations(page)
    sign_in(page, "canbo_tinh")

    for path in PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")

    assert violations == []


def test_the_dashboard_charts_are_drawn_under_the_policy(page, province_with_data):
    violations = csp_violations(page)
    sign_in(page, "canbo_tinh")

    page.goto("/units/dashboard/")

    page.wait_for_selector("#chart-members")
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('canvas')].filter(c => c.width > 0).length"
    )
    assert drawn >= 1
    assert violations == []
    screenshot(page, "csp_dashboard_vi")


def test_admin_widgets_work_under_the_policy(page, province_with_data):
    violations = csp_violations(page)
    sign_in(page, "canbo_tinh")
    page.goto("/admin/unions/employer/add/")

    page.locator(".select2-selection").first.click()
    expect(page.locator(".select2-search__field")).to_be_visible()
    page.goto("/admin/unions/collectiveagreement/add/")
    page.click(".datetimeshortcuts a >> nth=0")  # "Today", drawn by the admin's JS

    assert page.input_value("#id_signed_on") != ""
    assert violations == []


def test_the_database_unavailable_page_recovers_by_itself(
    page, province_with_data, settings, monkeypatch
):
    settings.DATABASE_RETRY_AFTER = 1
    sign_in(page, "canbo_tinh")
    wrapper = type(connections["default"])
    original = wrapper._cursor

    def ensure_connection(self):
        raise OperationalError("connection to server at 127.0.0.1 failed")

    # Every query finds the server gone when it connects (the test server keeps its
    # connection open, where a production worker opens one per request).
    monkeypatch.setattr(
        wrapper, "_cursor", lambda self, name=None: ensure_connection(self)
    )
    page.goto("/units/")
    expect(page.locator("h1")).to_have_text("Cơ sở dữ liệu không phản hồi")
    screenshot(page, "database_unavailable_vi")

    monkeypatch.setattr(wrapper, "_cursor", original)

    expect(page.locator("h1")).not_to_have_text(
        "Cơ sở dữ liệu không phản hồi", timeout=5000
    )
    assert page.url.endswith("/units/")


def test_error_pages_fit_a_phone_in_english(phone_page, live_server, officer):
    phone_page.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": live_server.url}]
    )
    sign_in(phone_page, "canbo_captren")

    phone_page.goto("/members/999999/")

    expect(phone_page.locator("h1")).to_have_text("Page not found")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "not_found_en_phone")
