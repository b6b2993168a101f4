"""A member asks for their own record; the officer downloads it with the request as its
purpose; the administrator finds that export in the access log by the member's CCCD.
An officer of another union admitting the same CCCD learns only "a member elsewhere"."""

import json
from datetime import date

import pytest
from playwright.sync_api import expect

from members import services
from registry.roles import Role
from tests.browsing import screenshot, sign_in
from tests.factories import UnionUnitFactory, UserFactory
from unions.models import UnionUnit

pytestmark = pytest.mark.browser

CCCD = "042190012341"


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
    member = services.admit_member(
        unit=cdcs, full_name="Nguyễn Thị Lan", birth_date=date(1990, 3, 8), gender="F",
        cccd=CCCD, joined_on=date(2015, 5, 1), religion="Phật giáo",
    ).member  # fmt: skip
    UserFactory(username="canbo_may", role=Role.GRASSROOTS, unit=cdcs)
    UserFactory(username="canbo_vinh", role=Role.GRASSROOTS, unit=far)
    UserFactory(username="quantri", role=Role.SYSTEM_ADMIN, unit=None)
    return member


def test_a_members_own_record_is_exported_and_found_in_the_access_log(page):
    member = build()
    sign_in(page, "canbo_may")
    page.goto(member.get_absolute_url())

    page.get_by_role("button", name="Xuất hồ sơ (theo yêu cầu của đoàn viên)").click()
    page.get_by_label("Mục đích xuất dữ liệu").fill("Đơn đề nghị ngày 12/05/2025")
    page.get_by_label("Định dạng").select_option("json")
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải tệp về").click()
    record = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert record["personal_data"]["cccd"] == CCCD

    page.context.clear_cookies()
    sign_in(page, "quantri")
    page.goto("/admin/registry/accesslog/")
    page.get_by_label("số CCCD hoặc mã đoàn viên").fill(CCCD)
    page.get_by_label("số CCCD hoặc mã đoàn viên").press("Enter")

    rows = page.locator("#result_list tbody tr")
    expect(rows.filter(has_text="Xuất hồ sơ của một đoàn viên")).to_contain_text(
        "Đơn đề nghị ngày 12/05/2025"
    )
    screenshot(page, "access_log_by_member")


def test_another_union_admitting_the_same_cccd_learns_nothing_about_her(page):
    build()
    sign_in(page, "canbo_vinh")
    page.goto("/members/admit/CDCS-VINH/")

    page.get_by_label("Họ và tên").fill("Người Lạ")
    page.get_by_label("Giới tính").select_option("F")
    page.get_by_label("Ngày sinh").fill("08/03/1990")
    page.get_by_label("Số CCCD").fill(CCCD)
    page.get_by_role("button", name="Kết nạp").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Đã là đoàn viên ở đơn vị khác — đề nghị làm thủ tục chuyển sinh hoạt"
    )
    expect(page.locator("main")).not_to_contain_text("Nguyễn Thị Lan")
    expect(page.locator("main")).not_to_contain_text("CDCS-MAY")
    screenshot(page, "admit_cccd_elsewhere")
