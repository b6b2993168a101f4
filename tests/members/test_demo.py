import random
from collections import Counter
from datetime import date

import pytest
from django.db.models import F

from members.demo import seed_members, seed_new_union_members
from members.models import LeaveReason, Member, Membership, StartReason
from members.text import cccd_warnings
from tests.factories import EmployerFactory, UnionUnitFactory
from unions.models import UnionUnit

pytestmark = pytest.mark.django_db
AS_OF = date(2024, 3, 31)


@pytest.fixture
def small_province(province, district):
    """Six CĐCS with 20 to 70 workers, one long dissolved, one founded after AS_OF."""
    for i, workers in enumerate([20, 30, 40, 50, 60, 70]):
        cdcs = UnionUnitFactory(parent=district, founded_on=date(2005 + i, 3, 1))
        EmployerFactory(managing_unit=district, grassroots_union=cdcs, workers=workers)
    UnionUnitFactory(
        parent=district, founded_on=date(2006, 1, 1), dissolved_on=date(2018, 6, 30)
    )
    late = UnionUnitFactory(parent=district, founded_on=date(2025, 1, 1))
    EmployerFactory(managing_unit=district, grassroots_union=late, workers=40)
    return province


@pytest.fixture
def seeded(small_province):
    return seed_members(
        province=small_province, as_of=AS_OF, rng=random.Random(7), members=200
    )


def test_the_requested_number_of_members_is_active_on_the_date(small_province, seeded):
    active = Membership.objects.within(small_province).active_on(AS_OF).count()

    assert seeded == active == 200


def test_no_cdcs_has_more_members_than_workers(small_province, seeded):
    active = Counter(Membership.objects.active_on(AS_OF).values_list("unit", flat=True))

    for unit in UnionUnit.objects.grassroots():
        workers = sum(e.workers for e in unit.employers.all())
        assert active[unit.pk] <= workers


def test_members_are_spread_in_proportion_to_workers(small_province, seeded):
    active = Counter(
        Membership.objects.active_on(AS_OF).values_list(
            "unit__employers__workers", flat=True
        )
    )

    assert active[70] > active[20] * 2


def test_no_membership_starts_before_its_union_was_founded(seeded):
    assert not Membership.objects.filter(started_on__lt=F("unit__founded_on")).exists()


def test_a_union_founded_after_the_date_gets_no_members(seeded):
    assert not Membership.objects.filter(unit__founded_on__gt=AS_OF).exists()


def test_the_last_members_of_a_dissolved_union_left_with_it(seeded):
    dissolved = Membership.objects.filter(unit__dissolved_on__isnull=False)

    assert dissolved.filter(
        left_on=F("unit__dissolved_on"), leave_reason=LeaveReason.RESTRUCTURED
    ).exists()
    assert not dissolved.filter(left_on__gt=F("unit__dissolved_on")).exists()
    assert not dissolved.filter(left_on__isnull=True).exists()


def test_the_history_holds_transfers_and_departures(seeded):
    reasons = Counter(Membership.objects.values_list("leave_reason", flat=True))
    transferred_in = Membership.objects.filter(start_reason=StartReason.TRANSFERRED)

    assert reasons[LeaveReason.TRANSFER] == transferred_in.count() > 0
    assert reasons[LeaveReason.LEFT_JOB] > 0


def test_nobody_has_two_open_memberships(seeded):
    open_counts = Counter(
        Membership.objects.filter(left_on__isnull=True).values_list("member", flat=True)
    )

    assert max(open_counts.values()) == 1


def test_cccd_numbers_agree_with_gender_and_birth_year(seeded):
    for member in Member.objects.exclude(cccd=None):
        assert (
            cccd_warnings(member.cccd, gender=member.gender, birth_year=member.born_in)
            == []
        )


def test_middle_names_match_the_gender(seeded):
    women_middle = set(
        Member.objects.filter(gender="F").values_list("middle_name", flat=True)
    )
    men_middle = set(
        Member.objects.filter(gender="M").values_list("middle_name", flat=True)
    )

    assert "Văn" not in women_middle
    assert not any("Thị" in middle for middle in men_middle)


def test_everyone_was_at_least_15_when_they_joined(seeded):
    for member in Member.objects.all():
        assert member.age_on(member.joined_union_on) >= 15


def test_asking_for_more_members_than_workers_fails(small_province):
    with pytest.raises(ValueError):
        seed_members(
            province=small_province, as_of=AS_OF, rng=random.Random(1), members=10_000
        )


def test_a_union_founded_after_the_date_gets_members_who_joined_since(
    small_province, seeded
):
    late = UnionUnit.objects.get(founded_on=date(2025, 1, 1))

    active = seed_new_union_members(
        province=small_province, as_of=AS_OF, rng=random.Random(7)
    )

    joined = Membership.objects.filter(unit=late)
    assert 0 < active <= joined.count() <= 40
    assert not joined.filter(started_on__lt=late.founded_on).exists()
    assert not joined.filter(member__joined_union_on__lt=late.founded_on).exists()
    assert Membership.objects.within(small_province).active_on(AS_OF).count() == 200


def test_new_unions_are_filled_once(small_province, seeded):
    seed_new_union_members(province=small_province, as_of=AS_OF, rng=random.Random(7))
    people = Member.objects.count()

    again = seed_new_union_members(
        province=small_province, as_of=AS_OF, rng=random.Random(8)
    )

    assert again == 0
    assert Member.objects.count() == people
