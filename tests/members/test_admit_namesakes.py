"""Admitting someone who may already be a member without a CCCD asks first: with no
number, only the name and the birth tell two people apart (the import's rule too)."""

from datetime import date

import pytest
from django.urls import reverse

from members.models import Member
from tests.factories import MemberFactory, MembershipFactory, UnionUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lan(cdcs):
    member = MemberFactory(
        full_name="Nguyễn Thị Lan", cccd=None, birth_date=date(1990, 3, 8), gender="F"
    )
    return MembershipFactory(member=member, unit=cdcs).member


def admit(client, unit, **fields):
    data = {
        "full_name": "nguyen thi lan",
        "gender": "F",
        "birth_date": "08/03/1990",
        "joined_on": "01/05/2020",
    } | fields
    return client.post(reverse("members:admit", args=[unit.code]), data)


def test_the_same_name_and_birth_without_a_cccd_is_asked_about(
    client, officer, cdcs, lan
):
    client.force_login(officer)

    response = admit(client, cdcs)

    assert response.status_code == 200
    assert response.context["form"].namesakes == [lan]
    assert "không có CCCD" in response.text
    assert reverse("members:member_detail", args=[lan.pk]) in response.text
    assert 'name="confirm_namesake"' in response.text
    assert Member.objects.count() == 1


def test_a_confirmed_namesake_is_admitted(client, officer, cdcs, lan):
    client.force_login(officer)

    response = admit(client, cdcs, confirm_namesake="on")

    assert response.status_code == 302
    assert Member.objects.count() == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"birth_date": "09/03/1990"},
        {"full_name": "Nguyễn Thị Lanh"},
        {"birth_date": "", "birth_year": "1990"},
    ],
)
def test_another_name_or_birth_is_admitted_without_a_question(
    client, officer, cdcs, lan, fields
):
    client.force_login(officer)

    response = admit(client, cdcs, **fields)

    assert response.status_code == 302


def test_a_namesake_in_another_union_is_not_asked_about(
    client, officer, cdcs, lan, district
):
    other = UnionUnitFactory(parent=district, code="CDCS-C")
    client.force_login(officer)

    response = admit(client, other)

    assert response.status_code == 302


def test_a_namesake_with_a_cccd_is_told_apart_by_it(client, officer, cdcs, lan):
    lan.cccd = "001190012345"
    lan.save()
    client.force_login(officer)

    response = admit(client, cdcs)

    assert response.status_code == 302
