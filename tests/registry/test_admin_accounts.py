"""Accounts are managed by system administrators only, with the unit typed by its code."""

import pytest
from django.urls import reverse

from registry.models import User
from registry.roles import Role

pytestmark = pytest.mark.django_db

USERS = reverse("admin:registry_user_changelist")
ADD_USER = reverse("admin:registry_user_add")


def new_account(**overrides):
    return {
        "username": "canbo_moi",
        "usable_password": "true",
        "password1": "Hoa-sen-nở-giữa-đầm-2025",
        "password2": "Hoa-sen-nở-giữa-đầm-2025",
        "role": Role.UPPER_LEVEL,
        "unit": "cd-kcn",
    } | overrides


def test_a_system_administrator_creates_an_account_for_a_unit_code(
    admin_client, district
):
    response = admin_client.post(ADD_USER, new_account())

    assert response.status_code == 302
    account = User.objects.get(username="canbo_moi")
    assert (account.unit, account.role, account.is_staff) == (
        district,
        Role.UPPER_LEVEL,
        True,
    )


def test_an_unknown_unit_code_is_a_form_error(admin_client, district):
    response = admin_client.post(ADD_USER, new_account(unit="KHONG-CO"))

    assert response.context["adminform"].form.errors["unit"]
    assert not User.objects.filter(username="canbo_moi").exists()


def test_an_officer_account_without_a_unit_is_refused(admin_client, district):
    response = admin_client.post(ADD_USER, new_account(unit=""))

    assert response.context["adminform"].form.errors["unit"]
    assert not User.objects.filter(username="canbo_moi").exists()


def test_the_account_page_shows_the_unit_by_its_code(admin_client, officer):
    response = admin_client.get(
        reverse("admin:registry_user_change", args=[officer.pk])
    )

    assert 'name="unit" value="CD-KCN"' in response.text


def test_an_account_keeps_its_unit_when_saved_unchanged(
    admin_client, officer, district
):
    page = admin_client.get(reverse("admin:registry_user_change", args=[officer.pk]))
    form = page.context["adminform"].form
    data = {
        name: form[name].value() or "" for name in form.fields if name != "password"
    }
    data |= {"unit": "CD-KCN", "last_login": "", "date_joined": ""}

    response = admin_client.post(
        reverse("admin:registry_user_change", args=[officer.pk]), data
    )

    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.unit == district


@pytest.mark.parametrize(
    "role", ["provincial_officer", "officer", "grassroots_officer", "leader"]
)
def test_no_other_role_sees_the_accounts(client, request, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(USERS).status_code == 403
    assert client.get(ADD_USER).status_code == 403


def test_accounts_are_deactivated_not_deleted(admin_client, officer):
    response = admin_client.post(
        reverse("admin:registry_user_delete", args=[officer.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert User.objects.filter(pk=officer.pk).exists()
