"""Anyone signed in changes their own password from the account menu; the password
rules apply, this session stays, the others end."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

CHANGE = reverse("password_change")


def change(client, old, new, again=None):
    return client.post(
        CHANGE,
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


def test_the_account_menu_links_the_password_change(client, leader):
    client.force_login(leader)

    response = client.get(reverse("home"), follow=True)

    menu = response.text.split('<details class="dropdown">')[1].split("</details>")[0]
    assert f'href="{CHANGE}"' in menu
    assert "Đổi mật khẩu" in menu


def test_a_new_password_is_kept_and_this_session_stays_signed_in(client, leader):
    client.force_login(leader)

    response = change(client, "demo-password", "Hoa sen nở giữa đầm 2025")

    assert response.status_code == 302
    assert response.url == reverse("account")
    leader.refresh_from_db()
    assert leader.check_password("Hoa sen nở giữa đầm 2025")
    assert client.get(reverse("account")).status_code == 200


def test_the_other_sessions_end(client, leader):
    elsewhere = Client()
    elsewhere.force_login(leader)
    client.force_login(leader)

    change(client, "demo-password", "Hoa sen nở giữa đầm 2025")

    assert elsewhere.get(reverse("account")).status_code == 302


@pytest.mark.parametrize(
    ("old", "new", "again", "message"),
    [
        (
            "sai-mat-khau",
            "Hoa sen nở giữa đầm 2025",
            None,
            "Mật khẩu cũ không chính xác",
        ),
        ("demo-password", "congdoan-ha-tinh-2025", None, "từ dễ đoán"),
        ("demo-password", "Ab3$xyz", None, "quá ngắn"),
        ("demo-password", "Hoa sen nở giữa đầm 2025", "Hoa sen", "không giống nhau"),
    ],
)
def test_a_refused_change_says_why_in_vietnamese_and_keeps_the_old_password(
    client, leader, old, new, again, message
):
    client.force_login(leader)

    response = change(client, old, new, again)

    assert response.status_code == 200
    assert message in response.text
    leader.refresh_from_db()
    assert leader.check_password("demo-password")


def test_someone_not_signed_in_is_sent_to_sign_in(client):
    response = client.get(CHANGE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
