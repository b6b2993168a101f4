"""A leader opens the dashboard, drills down to a CĐCS and downloads the white spots."""

from datetime import date

import pytest
from openpyxl import load_workbook

from tests.browsing import screenshot, sign_in
from tests.factories import EmployerFactory, MembershipFactory, UnionUnitFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def province_with_figures(leader, province, district, cdcs):
    MembershipFactory.create_batch(4, unit=cdcs, started_on=date(2020, 1, 1))
    EmployerFactory(managing_unit=district, grassroots_union=cdcs, workers=40)
    EmployerFactory(managing_unit=district, name="Công ty TNHH Chưa Có", workers=700)
    UnionUnitFactory(parent=district, code="CDCS-NHO", name="Công đoàn Công ty Nhỏ")
    return province


def test_a_leader_drills_down_two_levels_and_downloads_the_white_spots(
    page,
    province_with_figures,
    district,
    cdcs,
    tmp_path,
):
    sign_in(page, "lanhdao")

    page.click("nav >> text=Tổng quan")
    page.wait_for_selector("#chart-members")
    assert page.inner_text('[data-figure="members"]') == "4"
    screenshot(page, "coverage-dashboard-province")

    page.click(f'[data-drill="{district.code}"]')
    page.wait_for_url(f"**unit={district.code}**")
    assert page.inner_text("h1") == district.name

    page.click(f'[data-drill="{cdcs.code}"]')
    page.wait_for_url(f"**unit={cdcs.code}**")
    assert page.inner_text("h1") == cdcs.name
    assert page.inner_text('[data-figure="members"]') == "4"

    page.go_back()
    page.wait_for_url(f"**unit={district.code}**")
    with page.expect_download() as download:
        page.click("#white-spots-title ~ p >> text=Tải Excel")
    path = tmp_path / "white-spots.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(min_row=2, values_only=True))
    assert [row[2] for row in rows] == ["Công ty TNHH Chưa Có"]


def test_the_dashboard_fits_a_phone(phone_page, province_with_figures):
    sign_in(phone_page, "lanhdao")

    phone_page.goto("/units/dashboard/")
    phone_page.wait_for_selector("#chart-members")

    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # the wide table scrolls inside its own box, not the page
    screenshot(phone_page, "coverage-dashboard-phone")
