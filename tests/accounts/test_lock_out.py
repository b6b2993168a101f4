"""Repeated wrong passwords lock the username out (django-axes), until an admin unlocks."""

import pytest
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
