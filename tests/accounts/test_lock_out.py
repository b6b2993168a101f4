"""Repeated wrong passwords lock the username out (django-axes), until an admin unlocks."""

import pytest
from django.test import Client
from django.urls import reverse

from registry.models import User

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


def sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def is_signed_in(client):
    return "_auth_user_id" in client.session


def test_fifty_wrong_passwords_then_the_right_one_is_refused(client, officer):
    for _ in range(50):
        sign_in(client, "canbo_captren", "doan-sai-mat-khau")

    response = sign_in(client, "canbo_captren", "demo-password")

    assert response.status_code == 429
    assert not is_signed_in(client)
    assert "Tạm khóa đăng nhập" in response.text


def test_the_lock_out_page_is_in_english_when_switched(client, officer):
    client.cookies["django_language"] = "en"
    for _ in range(5):
        sign_in(client, "canbo_captren", "doan-sai-mat-khau")

    response = sign_in(client, "canbo_captren", "demo-password")

    assert response.status_code == 429
    assert "Sign-in locked" in response.text


def test_a_few_wrong_passwords_do_not_lock_the_account(client, officer):
    for _ in range(4):
        sign_in(client, "canbo_captren", "doan-sai-mat-khau")

    sign_in(client, "canbo_captren", "demo-password")

    assert is_signed_in(client)


def test_the_lock_is_on_the_username_not_on_others(client, officer, leader):
    for _ in range(10):
        sign_in(client, "canbo_captren", "doan-sai-mat-khau")

    sign_in(client, "lanhdao", "demo-password")

    assert is_signed_in(client)


def test_a_system_administrator_unlocks_an_account(client, admin_client, officer):
    for _ in range(10):
        sign_in(client, "canbo_captren", "doan-sai-mat-khau")

    admin_client.post(
        reverse("admin:registry_user_changelist"),
        {"action": "unlock", "_selected_action": [officer.pk]},
    )
    sign_in(client, "canbo_captren", "demo-password")

    assert is_signed_in(client)


def test_the_admin_sign_in_page_is_locked_out_too(client, admin_user):
    for _ in range(10):
        client.post(
            reverse("admin:login"), {"username": "quantri", "password": "sai-roi-nhe"}
        )

    response = client.post(
        reverse("admin:login"), {"username": "quantri", "password": "demo-password"}
    )

    assert response.status_code == 429
    assert not is_signed_in(client)
    assert User.objects.get(username="quantri").last_login is None


def spray(client, count, address="10.0.0.7"):
    """Wrong passwords for ``count`` different usernames, from one address."""
    for n in range(count):
        client.post(
            LOGIN,
            {"username": f"doan-ten-{n}", "password": "Matkhau2025!"},
            REMOTE_ADDR=address,
        )


def test_many_usernames_tried_from_one_address_lock_that_address(
    client, officer, settings
):
    spray(client, settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS)

    response = client.post(
        LOGIN,
        {"username": "canbo_captren", "password": "demo-password"},
        REMOTE_ADDR="10.0.0.7",
    )

    assert response.status_code == 429
    assert not is_signed_in(client)
    assert "từ mạng của bạn" in response.text


def test_an_address_below_its_limit_and_other_addresses_still_sign_in(
    client, officer, leader, settings
):
    spray(client, settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS - 1)
    spray(Client(), settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS, address="10.0.0.9")

    client.post(
        LOGIN,
        {"username": "canbo_captren", "password": "demo-password"},
        REMOTE_ADDR="10.0.0.7",
    )

    assert is_signed_in(client)


def test_a_right_password_does_not_reset_the_address_count(client, officer, settings):
    spray(client, settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS - 1)
    client.post(
        LOGIN,
        {"username": "canbo_captren", "password": "demo-password"},
        REMOTE_ADDR="10.0.0.7",
    )
    client.logout()
    spray(Client(), 1)

    response = client.post(
        LOGIN,
        {"username": "canbo_captren", "password": "demo-password"},
        REMOTE_ADDR="10.0.0.7",
    )

    assert response.status_code == 429


def test_one_username_still_locks_at_its_own_limit_from_an_office_address(
    client, officer, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "canbo_captren", "doan-sai-mat-khau")

    response = sign_in(client, "canbo_captren", "demo-password")

    assert response.status_code == 429
    assert "Sau 5 lần nhập sai mật khẩu" in response.text


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, officer, settings):
    settings.TRUSTED_PROXIES = 1
    for n in range(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS):
        client.post(
            LOGIN,
            {"username": f"doan-ten-{n}", "password": "Matkhau2025!"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5",  # the left part is forged
        )

    elsewhere = client.post(
        LOGIN,
        {"username": "canbo_captren", "password": "demo-password"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.6",
    )

    assert elsewhere.status_code == 302
    client.logout()
    locked = client.post(
        LOGIN,
        {"username": "canbo_captren", "password": "demo-password"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert locked.status_code == 429
