import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from members import services, triggers
from members.demo import seed_members
from members.models import LeaveReason, Member, Membership
from tests.factories import EmployerFactory, MemberFactory, UnionUnitFactory
from unions.models import UnionUnit

pytestmark = pytest.mark.django_db


def current(member):
    member.refresh_from_db()
    return member.current_unit, member.current_since


def test_admitting_sets_the_current_unit(admit, cdcs):
    member = admit(cdcs, joined_on=date(2015, 5, 1)).member

    assert current(member) == (cdcs, date(2015, 5, 1))


def test_a_transfer_moves_the_current_unit(admit, cdcs, other_cdcs):
    member = admit(cdcs).member

    services.transfer_member(
        member=member, to_unit=other_cdcs, transferred_on=date(2025, 9, 1)
    )

    assert current(member) == (other_cdcs, date(2025, 9, 1))


def test_a_departure_clears_the_current_unit(admit, cdcs):
    member = admit(cdcs).member

    services.record_departure(member=member, left_on=date(2024, 1, 1), reason="retired")

    assert current(member) == (None, None)


def test_a_bulk_update_of_memberships_is_seen_too(admit, cdcs):
    member = admit(cdcs).member

    Membership.objects.filter(unit=cdcs).update(
        left_on=date(2025, 6, 15), leave_reason=LeaveReason.RESTRUCTURED
    )

    assert current(member) == (None, None)


def test_bulk_created_memberships_set_it(cdcs):
    member = MemberFactory()

    Membership.objects.bulk_create(
        [
            Membership(
                member=member,
                unit=cdcs,
                started_on=date(2012, 1, 1),
                left_on=date(2014, 1, 1),
                leave_reason="left_job",
            ),
            Membership(member=member, unit=cdcs, started_on=date(2016, 1, 1)),
        ]
    )

    assert current(member) == (cdcs, date(2016, 1, 1))


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's statement triggers"
)
def test_a_membership_change_that_keeps_the_unit_leaves_the_member_row_alone(
    admit, cdcs
):
    membership = admit(cdcs)

    def row_version():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ctid::text FROM members_member WHERE id = %s",
                [membership.member_id],
            )
            return cursor.fetchone()[0]

    before = row_version()
    Membership.objects.filter(pk=membership.pk).update(card_number="TDV0000001")

    assert row_version() == before
    assert current(membership.member) == (cdcs, membership.started_on)


def test_deleting_the_open_membership_clears_it(cdcs):
    member = MemberFactory()
    membership = Membership.objects.create(
        member=member, unit=cdcs, started_on=date(2016, 1, 1)
    )

    Membership.objects.filter(pk=membership.pk).delete()

    assert current(member) == (None, None)


def test_people_active_today_are_those_of_the_memberships(province, district):
    for i, workers in enumerate([30, 40, 50]):
        cdcs = UnionUnitFactory(parent=district, founded_on=date(2005 + i, 1, 1))
        EmployerFactory(managing_unit=district, grassroots_union=cdcs, workers=workers)
    seed_members(
        province=province, as_of=date(2024, 3, 31), rng=random.Random(3), members=100
    )
    today = timezone.localdate()
    units = UnionUnit.objects.within(district)

    by_person = set(Member.objects.active_on(today, units).values_list("pk", flat=True))
    by_membership = set(
        Membership.objects.active_on(today)
        .within(district)
        .values_list("member", flat=True)
    )

    assert by_person == by_membership
    assert len(by_person) > 50


def test_a_past_day_is_read_from_the_memberships(admit, cdcs, other_cdcs):
    member = admit(cdcs).member
    services.transfer_member(
        member=member, to_unit=other_cdcs, transferred_on=date(2025, 9, 1)
    )

    then = Member.objects.active_on(date(2025, 8, 1), cdcs)

    assert list(then) == [member]


def test_a_past_day_read_from_own_rows_counts_those_who_left_or_moved_since(
    admit, cdcs, other_cdcs
):
    stayed = admit(cdcs, full_name="Trần Văn Ở").member
    moved = admit(cdcs, full_name="Lê Văn Đi").member
    services.transfer_member(
        member=moved, to_unit=other_cdcs, transferred_on=date(2025, 9, 1)
    )
    left = admit(cdcs, full_name="Phạm Văn Nghỉ").member
    services.record_departure(member=left, left_on=date(2025, 1, 1), reason="retired")
    admit(cdcs, full_name="Vũ Văn Mới", joined_on=date(2025, 10, 1))
    units = UnionUnit.objects.filter(pk=cdcs.pk)

    then = Member.objects.active_on(date(2024, 12, 31), units, from_own_rows=True)

    assert set(then) == {stayed, moved, left}


@pytest.mark.parametrize(
    "day", [date(2016, 6, 30), date(2022, 1, 1), date(2024, 3, 31)]
)
def test_a_past_day_read_from_own_rows_finds_the_people_of_the_memberships(
    province, district, other_district, day
):
    for i, parent in enumerate([district, district, other_district]):
        cdcs = UnionUnitFactory(parent=parent, founded_on=date(2005 + i, 1, 1))
        EmployerFactory(managing_unit=parent, grassroots_union=cdcs, workers=60)
    seed_members(
        province=province, as_of=date(2024, 3, 31), rng=random.Random(5), members=150
    )
    units = UnionUnit.objects.within(district)

    from_rows = Member.objects.active_on(day, units, from_own_rows=True)
    from_memberships = Member.objects.active_on(day, units)

    assert set(from_rows.values_list("pk", flat=True)) == set(
        from_memberships.values_list("pk", flat=True)
    )
    assert from_memberships.exists()


def test_a_leaving_date_in_the_future_is_refused(admit, cdcs):
    membership = admit(cdcs)
    membership.left_on = timezone.localdate() + timedelta(days=1)
    membership.leave_reason = "retired"

    with pytest.raises(ValidationError):
        membership.full_clean()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite loses triggers")
def test_lost_triggers_are_reinstalled_and_the_units_recomputed(admit, cdcs):
    member = admit(cdcs).member
    triggers.uninstall()
    Member.objects.filter(pk=member.pk).update(current_unit=None)

    repaired = triggers.ensure()

    assert repaired
    assert triggers.installed() == set(triggers.TRIGGERS)
    assert current(member)[0] == cdcs
