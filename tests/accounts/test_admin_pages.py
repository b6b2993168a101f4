"""The admin pages the account libraries add open for a system administrator only."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = [
    "admin:axes_accessattempt_changelist",
    "admin:axes_accesslog_changelist",
    "admin:otp_totp_totpdevice_changelist",
]


@pytest.mark.parametrize("name", PAGES)
def test_a_system_administrator_opens_the_page(admin_client, name):
    assert admin_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_a_provincial_officer_may_not(provincial_officer, name):
    client = Client()
    client.force_login(provincial_officer)

    assert client.get(reverse(name)).status_code == 403


def test_the_authenticators_secret_is_not_shown(admin_client, provincial_officer):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=provincial_officer, name="phone")

    response = admin_client.get(
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    )

    assert device.key not in response.text
