from datetime import date

import pytest
from django.db import IntegrityError

from members.models import Member, Membership
from tests.factories import MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_open_membership(cdcs, other_cdcs):
    member = MemberFactory()
    MembershipFactory(member=member, unit=cdcs)

    with pytest.raises(IntegrityError):
        MembershipFactory(member=member, unit=other_cdcs)


def test_a_membership_is_active_from_its_start_until_the_day_before_it_ends(cdcs):
    membership = MembershipFactory(
        unit=cdcs,
        started_on=date(2020, 1, 1),
        left_on=date(2021, 1, 1),
        leave_reason="retired",
    )
    active = Membership.objects.active_on

    assert not active(date(2019, 12, 31)).filter(pk=membership.pk).exists()
    assert active(date(2020, 1, 1)).filter(pk=membership.pk).exists()
    assert active(date(2020, 12, 31)).filter(pk=membership.pk).exists()
    assert not active(date(2021, 1, 1)).filter(pk=membership.pk).exists()


def test_saving_a_member_fills_name_parts_and_keys():
    member = MemberFactory(full_name="đặng   văn   đức")

    member.refresh_from_db()
    assert member.full_name == "Đặng Văn Đức"
    assert member.name_parts == ("Đặng", "Văn", "Đức")
    assert member.search_name == " dang van duc "
    assert member.sort_key


def test_name_parts_corrected_by_hand_are_kept():
    member = MemberFactory(
        full_name="Tôn Nữ Thị Hoa",
        family_name="Tôn Nữ",
        middle_name="Thị",
        given_name="Hoa",
    )

    member.refresh_from_db()
    assert member.name_parts == ("Tôn Nữ", "Thị", "Hoa")


def test_a_birth_date_sets_the_birth_year():
    member = MemberFactory(birth_date=date(1987, 7, 7), birth_year=None)

    assert Member.objects.get(pk=member.pk).birth_year == 1987


def test_a_member_is_in_the_scope_of_each_union_they_belonged_to(
    cdcs, other_cdcs, officer
):
    member = MemberFactory()
    MembershipFactory(
        member=member,
        unit=other_cdcs,
        started_on=date(2015, 1, 1),
        left_on=date(2020, 1, 1),
        leave_reason="transfer",
    )
    MembershipFactory(member=member, unit=cdcs, started_on=date(2020, 1, 1))

    assert Member.objects.for_user(officer).filter(pk=member.pk).exists()
