import random
from datetime import date, timedelta

import pytest
from django.utils import timezone

from members.models import LeaveReason, StartReason
from tests.factories import EmployerFactory, MembershipFactory, UnionUnitFactory
from unions.coverage.figures import Structure, coverage, coverage_with_children
from unions.coverage.report import period_report
from unions.services import move_unit

from .test_rollups_match_a_recount import (
    build_tree,
    employer_steps,
    membership_steps,
    random_day,
    refresh,
    tree_steps,
)

pytestmark = pytest.mark.django_db

YEAR = (date(2024, 1, 1), date(2024, 12, 31))
EMPLOYER_COLUMNS = [
    "employers_eligible",
    "employers_with_union",
    "enterprises_with_union",
    "enterprises_with_cba",
]


def transfer(member_from, to_unit, day):
    """Close a membership by transfer and open the next one on the same day."""
    member_from.left_on, member_from.leave_reason = day, LeaveReason.TRANSFER
    member_from.save()
    return MembershipFactory(
        member=member_from.member,
        unit=to_unit,
        started_on=day,
        start_reason=StartReason.TRANSFERRED,
    )


def row_of(report, unit):
    return next(row for row in report.rows if row.unit == unit)


def test_the_identity_holds_for_every_row_and_the_total_on_random_histories():
    rng = random.Random(11)
    root, provinces, uppers, grassroots = build_tree()
    membership_steps(rng, grassroots, 80)
    employer_steps(rng, uppers, grassroots)
    tree_steps(rng, provinces, uppers, grassroots)
    membership_steps(rng, grassroots, 30)

    for unit in refresh([root, *provinces, *uppers, grassroots[0]]):
        for _ in range(3):
            starts_on = random_day(rng, date(2014, 1, 1))
            ends_on = random_day(rng, starts_on)
            for structure in Structure:
                report = period_report(unit, starts_on, ends_on, structure=structure)
                where = (unit, starts_on, ends_on, structure)
                for row in [*report.rows, report.total]:
                    assert row.balance == row.members_at_end, where
                    assert row.cdcs_balance == row.cdcs_at_end, where
                card = coverage(unit, ends_on, structure=structure)
                start = coverage(
                    unit, starts_on - timedelta(days=1), structure=structure
                )
                assert report.total.members_at_end == card.members, where
                assert report.total.cdcs_at_end == card.cdcs, where
                assert report.total.members_at_start == start.members, where
                assert report.total.cdcs_at_start == start.cdcs, where


def test_the_start_of_a_period_is_the_end_of_the_one_before():
    rng = random.Random(12)
    root, provinces, uppers, grassroots = build_tree()
    membership_steps(rng, grassroots, 60)

    first = period_report(root, date(2023, 1, 1), date(2023, 12, 31))
    second = period_report(root, *YEAR)

    assert second.total.members_at_start == first.total.members_at_end


def test_a_transfer_inside_one_child_is_neither_in_nor_out(province, district, cdcs):
    sibling = UnionUnitFactory(parent=district)
    transfer(
        MembershipFactory(unit=cdcs, started_on=date(2020, 1, 1)),
        sibling,
        date(2024, 5, 1),
    )

    row = row_of(period_report(province, *YEAR), district)

    assert (row.transferred_in, row.transferred_out, row.left_total) == (0, 0, 0)
    assert row.members_at_start == row.members_at_end == 1


def test_a_transfer_between_children_is_out_of_one_and_into_the_other(
    province, district, other_district, cdcs, other_cdcs
):
    transfer(
        MembershipFactory(unit=cdcs, started_on=date(2020, 1, 1)),
        other_cdcs,
        date(2025, 8, 1),
    )

    report = period_report(province, date(2025, 1, 1), date(2025, 12, 31))

    assert row_of(report, district).transferred_out == 1
    assert row_of(report, other_district).transferred_in == 1
    assert (report.total.transferred_in, report.total.transferred_out) == (1, 1)


def test_departures_are_counted_by_reason(province, district, cdcs):
    for reason in (LeaveReason.RETIRED, LeaveReason.RETIRED, LeaveReason.DECEASED):
        MembershipFactory(
            unit=cdcs,
            started_on=date(2020, 1, 1),
            left_on=date(2024, 6, 1),
            leave_reason=reason,
        )
    MembershipFactory(unit=cdcs, started_on=date(2024, 2, 1))

    report = period_report(province, *YEAR)
    row = row_of(report, district)

    assert (row.left_by("retired"), row.left_by("deceased"), row.admitted) == (2, 1, 1)
    assert report.left_reasons == ["retired", "deceased"]


def test_a_membership_ending_on_the_first_day_is_in_the_period(
    province, district, cdcs
):
    MembershipFactory(
        unit=cdcs, started_on=date(2020, 1, 1), left_on=YEAR[0], leave_reason="left_job"
    )

    row = row_of(period_report(province, *YEAR), district)

    assert (row.members_at_start, row.left_total, row.members_at_end) == (1, 1, 0)


def test_cdcs_founded_and_dissolved_in_the_period(province, district):
    UnionUnitFactory(parent=district, founded_on=date(2024, 3, 1))
    UnionUnitFactory(
        parent=district, founded_on=date(2010, 1, 1), dissolved_on=date(2024, 12, 31)
    )

    row = row_of(period_report(province, *YEAR), district)

    assert (row.cdcs_at_start, row.founded, row.dissolved, row.cdcs_at_end) == (
        1,
        1,
        1,
        1,
    )


def test_the_report_of_a_cdcs_is_its_own_single_row(cdcs):
    MembershipFactory(unit=cdcs, started_on=date(2024, 2, 1))

    report = period_report(cdcs, *YEAR)

    assert [row.unit for row in report.rows] == [cdcs]
    assert report.total.admitted == 1


def test_the_total_row_is_the_dashboards_card_and_the_sum_of_the_rows(
    province, district, cdcs, other_cdcs
):
    EmployerFactory(managing_unit=province, workers=300)
    EmployerFactory(managing_unit=district, grassroots_union=other_cdcs, workers=40)
    EmployerFactory(managing_unit=district, grassroots_union=cdcs, workers=50)
    EmployerFactory(managing_unit=district, workers=60)
    day = date(2025, 12, 31)

    report = period_report(province, date(2025, 1, 1), day)
    card, children = coverage_with_children(province, day)

    for name in EMPLOYER_COLUMNS:
        assert getattr(report.total, name) == getattr(card, name), name
        assert getattr(report.total, name) == sum(
            getattr(row, name) for row in report.rows
        )
        assert [getattr(row, name) for row in report.rows] == [
            getattr(row, name) for row in children
        ]
    assert report.rows[-1].is_own
    assert report.rows[-1].employers_eligible == 1


def test_members_moved_with_their_unit_leave_one_row_and_enter_the_other(
    province, district, other_district, cdcs
):
    MembershipFactory.create_batch(2, unit=cdcs, started_on=date(2020, 1, 1))
    move_unit(
        decision="Test/QĐ",
        unit=cdcs,
        new_parent=other_district,
        moved_on=date(2025, 7, 1),
    )

    report = period_report(province, date(2025, 1, 1), date(2025, 12, 31))
    restated = period_report(
        province, date(2025, 1, 1), date(2025, 12, 31), structure=Structure.CURRENT
    )

    left, came = row_of(report, district), row_of(report, other_district)
    assert (left.members_at_start, left.moved_out, left.members_at_end) == (2, 2, 0)
    assert (came.members_at_start, came.moved_in, came.members_at_end) == (0, 2, 2)
    assert (left.cdcs_moved_out, came.cdcs_moved_in) == (1, 1)
    assert (report.total.moved_in, report.total.moved_out) == (2, 2)
    assert report.has_moves and not restated.has_moves
    assert row_of(restated, other_district).members_at_start == 2


def test_a_move_recorded_today_leaves_an_earlier_report_as_it_was(
    province, district, other_district, cdcs
):
    MembershipFactory.create_batch(3, unit=cdcs, started_on=date(2020, 1, 1))
    before = period_report(province, *YEAR)

    move_unit(
        decision="Test/QĐ",
        unit=cdcs,
        new_parent=other_district,
        moved_on=timezone.localdate(),
    )

    after = period_report(province, *YEAR)
    assert [(row.unit, row.members_at_end, row.cdcs_at_end) for row in after.rows] == [
        (row.unit, row.members_at_end, row.cdcs_at_end) for row in before.rows
    ]
    assert row_of(after, district).members_at_end == 3
