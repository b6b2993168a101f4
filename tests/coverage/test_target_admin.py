import pytest
from django.urls import reverse

from tests.factories import UnionUnitFactory
from unions.models import Target

from .factories import TargetFactory

pytestmark = pytest.mark.django_db


def test_the_target_list_opens(client, provincial_officer, province):
    TargetFactory(unit=province, year=2024, new_members=500)
    client.force_login(provincial_officer)

    response = client.get(reverse("admin:unions_target_changelist"))

    assert response.status_code == 200
    assert province.code.encode() in response.content


def test_an_officer_sets_a_target_for_a_unit_in_scope(client, officer, district):
    client.force_login(officer)

    response = client.post(
        reverse("admin:unions_target_add"),
        {"unit": district.pk, "year": 2025, "new_members": 300, "cba_rate": "75.0"},
    )

    assert response.status_code == 302
    assert Target.objects.get(unit=district, year=2025).new_members == 300


def test_a_target_for_a_unit_outside_the_scope_is_refused(client, officer):
    elsewhere = UnionUnitFactory(kind="provincial")
    client.force_login(officer)

    response = client.post(
        reverse("admin:unions_target_add"),
        {"unit": elsewhere.pk, "year": 2025, "new_members": 10},
    )

    assert response.status_code == 200
    assert not Target.objects.exists()


def test_a_leader_sees_targets_but_cannot_change_them(client, leader, province):
    target = TargetFactory(unit=province)
    client.force_login(leader)

    listing = client.get(reverse("admin:unions_target_changelist"))
    change = client.post(reverse("admin:unions_target_change", args=[target.pk]), {})

    assert listing.status_code == 200
    assert change.status_code == 403
