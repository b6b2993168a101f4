"""Sessions end after a quiet spell, on "sign out everywhere", and on deactivation."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

PAGE = reverse("unions:unit_tree")


@pytest.fixture
def clock(monkeypatch):
    """Moves Django's clock (sessions expire by timezone.now()) forward on demand."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta):
            self.now += timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def signed_in_client(user):
    client = Client()
    client.post(
        reverse("login"), {"username": user.username, "password": "demo-password"}
    )
    assert client.get(PAGE).status_code == 200
    return client


def is_signed_out(response):
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_session_idle_for_longer_than_the_time_out_ends(clock, officer):
    client = signed_in_client(officer)

    clock.advance(minutes=31)

    assert is_signed_out(client.get(PAGE))


def test_a_session_in_use_lasts_past_the_time_out(clock, officer):
    client = signed_in_client(officer)

    for _ in range(4):
        clock.advance(minutes=20)
        response = client.get(PAGE)

    assert response.status_code == 200


def test_sign_out_everywhere_ends_the_other_sessions(officer):
    office, phone = signed_in_client(officer), signed_in_client(officer)

    office.post(reverse("sign_out_everywhere"))

    assert is_signed_out(phone.get(PAGE))
    assert is_signed_out(office.get(PAGE))


def test_signing_in_again_after_signing_out_everywhere_works(officer):
    client = signed_in_client(officer)
    client.post(reverse("sign_out_everywhere"))

    again = signed_in_client(officer)

    assert again.get(PAGE).status_code == 200


def test_an_administrator_signs_another_account_out_everywhere(admin_client, officer):
    client = signed_in_client(officer)

    admin_client.post(
        reverse("admin:registry_user_changelist"),
        {"action": "sign_out_everywhere", "_selected_action": [officer.pk]},
    )

    assert is_signed_out(client.get(PAGE))


def test_a_reactivated_account_does_not_get_its_old_sessions_back(officer):
    client = signed_in_client(officer)
    officer.is_active = False
    officer.save()

    officer.is_active = True
    officer.save()

    assert is_signed_out(client.get(PAGE))


def test_deactivating_through_the_admin_ends_the_sessions_for_good(
    admin_client, officer
):
    client = signed_in_client(officer)
    change = reverse("admin:registry_user_change", args=[officer.pk])
    form = admin_client.get(change).context["adminform"].form
    data = {
        name: form[name].value() or "" for name in form.fields if name != "password"
    }
    data |= {"unit": "CD-KCN", "is_active": ""}
    admin_client.post(change, data)

    officer.refresh_from_db()
    officer.is_active = True
    officer.save()

    assert is_signed_out(client.get(PAGE))
