"""Administrators and provincial officers sign in with a one-time code too (TOTP)."""

import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("unions:dashboard")
ENROL = reverse("two_factor_enrol")
VERIFY = reverse("two_factor_verify")


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def code_for(key: str, *, steps_ahead: int = 0) -> str:
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_in(client, username):
    return client.post(
        reverse("login"), {"username": username, "password": "demo-password"}
    )


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_a_provincial_officer_without_an_authenticator_must_enrol(
    required, client, provincial_officer
):
    sign_in(client, "canbo_tinh")

    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response.url.startswith(ENROL)


def test_the_admin_is_closed_until_the_code_is_given(required, client, admin_user):
    enrolled(admin_user)
    sign_in(client, "quantri")

    response = client.get(reverse("admin:registry_user_changelist"))

    assert response.status_code == 302
    assert response.url.startswith(VERIFY)


def test_enrolment_shows_a_qr_code_drawn_on_the_server(
    required, client, provincial_officer
):
    sign_in(client, "canbo_tinh")

    response = client.get(ENROL)

    assert "<svg" in response.text
    assert "http" not in response.text.split("<svg", 1)[1].split("</svg>", 1)[
        0
    ].replace("http://www.w3.org", "")


def test_enrolling_with_a_correct_code_opens_the_registry(
    required, client, provincial_officer
):
    sign_in(client, "canbo_tinh")
    client.get(ENROL)
    key = client.session["two_factor_key"]

    response = client.post(ENROL, {"code": code_for(key)})

    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 200
    assert TOTPDevice.objects.get(user=provincial_officer, confirmed=True).key == key


def test_a_wrong_enrolment_code_is_refused(required, client, provincial_officer):
    sign_in(client, "canbo_tinh")
    client.get(ENROL)
    key = client.session["two_factor_key"]

    response = client.post(ENROL, {"code": code_for(key, steps_ahead=5)})

    assert response.status_code == 200
    assert "Mã không khớp" in response.text
    assert not TOTPDevice.objects.filter(user=provincial_officer).exists()


def test_signing_in_asks_for_the_code_and_accepts_the_right_one(
    required, client, provincial_officer
):
    device = enrolled(provincial_officer)
    sign_in(client, "canbo_tinh")
    assert client.get(DASHBOARD).url.startswith(VERIFY)

    client.post(VERIFY, {"code": code_for(device.key)})

    assert client.get(DASHBOARD).status_code == 200


def test_a_wrong_code_keeps_the_registry_closed(required, client, provincial_officer):
    device = enrolled(provincial_officer)
    sign_in(client, "canbo_tinh")

    response = client.post(VERIFY, {"code": code_for(device.key, steps_ahead=10)})

    assert response.status_code == 200
    assert "Mã không đúng" in response.text
    assert client.get(DASHBOARD).status_code == 302


def test_after_a_wrong_code_the_next_tries_are_throttled(
    required, client, provincial_officer
):
    device = enrolled(provincial_officer)
    sign_in(client, "canbo_tinh")
    client.post(VERIFY, {"code": "000000"})

    client.post(VERIFY, {"code": code_for(device.key)})  # right, but too soon

    assert client.get(DASHBOARD).status_code == 302


def test_other_roles_sign_in_with_the_password_alone(required, client, officer):
    sign_in(client, "canbo_captren")

    assert client.get(reverse("unions:unit_tree")).status_code == 200


def test_an_account_with_an_authenticator_is_asked_for_it_even_if_not_required(
    client, officer
):
    enrolled(officer)
    sign_in(client, "canbo_captren")

    assert client.get(reverse("unions:unit_tree")).url.startswith(VERIFY)


def test_without_the_setting_the_demo_logins_need_no_code(client, provincial_officer):
    sign_in(client, "canbo_tinh")

    assert client.get(DASHBOARD).status_code == 200


def test_an_administrator_resets_a_lost_phone(admin_client, provincial_officer):
    enrolled(provincial_officer)

    admin_client.post(
        reverse("admin:registry_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [provincial_officer.pk]},
    )

    assert not TOTPDevice.objects.filter(user=provincial_officer).exists()


def test_the_deploy_check_warns_when_two_factor_is_not_required(settings, capsys):
    settings.TWO_FACTOR_REQUIRED = False

    call_command("check", "--deploy", "--tag", "security")

    assert "registry.W001" in capsys.readouterr().err
