"""The Vietnamese interface is Vietnamese everywhere, third-party pages included, and
English when switched."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

THIRD_PARTY_ENGLISH = [
    "Access attempts", "Access failures", "Access logs", "TOTP devices", "Task Results",
    "Axes", "Otp_Totp", "Tasks Database Backend",
]  # fmt: skip


def signed_in(user, language="vi"):
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


def test_the_administration_names_third_party_apps_in_vietnamese(admin_user):
    response = signed_in(admin_user).get(reverse("admin:index"))

    text = re.sub(r"<[^>]*>", " ", response.text).lower()  # not the addresses
    shown = [name for name in THIRD_PARTY_ENGLISH if name.lower() in text]
    assert shown == []
    assert "Khóa đăng nhập" in response.text
    assert "Đăng nhập hai bước" in response.text
    assert "Nhật ký đăng nhập" in response.text  # axes' own, apart from the registry's


def test_the_lock_out_records_are_listed_in_vietnamese(admin_user):
    response = signed_in(admin_user).get(reverse("admin:axes_accessattempt_changelist"))

    assert "lần thử đăng nhập" in response.text
    assert "IP Address" not in response.text


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("vi", {"members": "Đoàn viên", "cba": "Doanh nghiệp có TƯLĐTT còn hiệu lực"}),
        ("en", {"members": "Members", "cba": "Enterprises with a valid agreement"}),
    ],
)
def test_the_chart_labels_follow_the_language(leader, cdcs, language, labels):
    MembershipFactory(member=MemberFactory(), unit=cdcs)

    response = signed_in(leader, language).get(reverse("unions:dashboard"))

    data = re.search(
        r'<script id="dashboard-data" type="application/json">(.*?)</script>',
        response.text,
    )
    charts = json.loads(data.group(1))
    assert {key: charts["labels"][key] for key in labels} == labels


@pytest.mark.parametrize(
    ("language", "role"),
    [("vi", "Lãnh đạo (chỉ xem)"), ("en", "Leader (read-only)")],
)
def test_the_account_menu_names_the_role_in_the_users_language(leader, language, role):
    response = signed_in(leader, language).get(reverse("account"))

    menu = response.text.split('<details class="dropdown">')[1].split("</details>")[0]
    assert role in menu
