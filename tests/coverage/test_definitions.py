"""Every coverage definition on small hand-built cases, boundaries included."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members.models import LeaveReason, StartReason
from tests.factories import (
    CollectiveAgreementFactory,
    EmployerFactory,
    MembershipFactory,
    UnionUnitFactory,
)
from unions.coverage import spells
from unions.coverage.figures import (
    coverage,
    coverage_with_children,
    due_for_renewal,
    renewals,
    white_spots,
)
from unions.models import Employer

from .factories import WorkforceReportFactory
from .recount import KEYS, as_counted, recount

pytestmark = pytest.mark.django_db

D = date(2024, 3, 31)
Kind = Employer.Kind


def figures_of(unit, day=D):
    result = coverage(unit, day)
    assert as_counted(result) == recount(unit, day)  # fast path and plain count agree
    return result


# --- Members -------------------------------------------------------------------------


def test_a_membership_that_starts_on_the_day_counts(province, cdcs):
    MembershipFactory(unit=cdcs, started_on=D)

    assert figures_of(province).members == 1


def test_a_membership_that_ends_on_the_day_no_longer_counts(province, cdcs):
    MembershipFactory(
        unit=cdcs, started_on=date(2020, 1, 1), left_on=D, leave_reason="left_job"
    )

    assert figures_of(province).members == 0
    assert figures_of(province, D - timedelta(days=1)).members == 1


def test_a_membership_that_starts_after_the_day_does_not_count(province, cdcs):
    MembershipFactory(unit=cdcs, started_on=D + timedelta(days=1))

    assert figures_of(province).members == 0


def test_members_are_counted_in_the_subtree_of_the_unit_only(
    province, district, cdcs, other_cdcs
):
    MembershipFactory(unit=cdcs, started_on=date(2020, 1, 1))
    MembershipFactory(unit=other_cdcs, started_on=date(2025, 8, 1))

    assert figures_of(district).members == 1
    assert figures_of(province, date(2025, 9, 1)).members == 2


def test_members_admitted_this_year_count_admissions_and_readmissions_only(
    province, cdcs
):
    MembershipFactory(unit=cdcs, started_on=date(2024, 1, 1))
    MembershipFactory(
        unit=cdcs, started_on=date(2024, 2, 1), start_reason=StartReason.READMITTED
    )
    MembershipFactory(
        unit=cdcs, started_on=date(2024, 3, 1), start_reason=StartReason.TRANSFERRED
    )
    MembershipFactory(unit=cdcs, started_on=date(2023, 12, 31))

    assert figures_of(province).admitted_this_year == 2


# --- Workers and eligible employers --------------------------------------------------


def test_workers_are_the_count_last_reported_on_or_before_the_day(district, cdcs):
    employer = EmployerFactory(
        managing_unit=district, grassroots_union=cdcs, workers=300
    )
    WorkforceReportFactory(employer=employer, reported_on=date(2023, 1, 1), workers=100)
    WorkforceReportFactory(employer=employer, reported_on=D, workers=200)
    WorkforceReportFactory(
        employer=employer, reported_on=D + timedelta(days=1), workers=300
    )

    assert figures_of(district).workers == 200
    assert figures_of(district, D - timedelta(days=1)).workers == 100


def test_without_a_report_before_the_day_the_current_count_is_used(district, cdcs):
    employer = EmployerFactory(
        managing_unit=district, grassroots_union=cdcs, workers=80
    )
    WorkforceReportFactory(employer=employer, reported_on=date(2025, 1, 1), workers=80)

    assert figures_of(district).workers == 80


def test_an_employer_below_the_minimum_on_the_day_is_not_eligible(
    district, cdcs, settings
):
    settings.ELIGIBLE_MIN_WORKERS = 5
    employer = EmployerFactory(managing_unit=district, grassroots_union=cdcs, workers=5)
    WorkforceReportFactory(employer=employer, reported_on=date(2024, 1, 1), workers=4)
    WorkforceReportFactory(employer=employer, reported_on=date(2024, 6, 1), workers=5)

    assert figures_of(district).employers_eligible == 0
    assert figures_of(district, date(2024, 6, 1)).employers_eligible == 1


def test_the_minimum_number_of_workers_is_a_setting(district, settings):
    EmployerFactory(managing_unit=district, workers=8)
    settings.ELIGIBLE_MIN_WORKERS = 10
    spells.refresh()  # after the deploy that changed it (migrate, or the task)

    assert figures_of(district).employers_eligible == 0


def test_state_agencies_stop_being_eligible_on_the_day_their_unions_ended(
    district, cdcs, settings
):
    ended = settings.STATE_SECTOR_UNIONS_ENDED_ON
    EmployerFactory(managing_unit=district, kind=Kind.ADMINISTRATIVE, workers=50)
    EmployerFactory(managing_unit=district, kind=Kind.PUBLIC_FUNDED, workers=50)
    EmployerFactory(managing_unit=district, kind=Kind.PUBLIC_SERVICE, workers=50)

    assert figures_of(district, ended - timedelta(days=1)).employers_eligible == 3
    assert figures_of(district, ended).employers_eligible == 1


def test_an_employer_with_an_active_cdcs_counts_where_its_cdcs_is(
    province, district, other_district, other_cdcs
):
    EmployerFactory(managing_unit=district, grassroots_union=other_cdcs, workers=40)

    day = date(2025, 8, 1)
    assert figures_of(district, day).employers_eligible == 0
    assert figures_of(other_district, day).employers_eligible == 1
    assert figures_of(province, day).employers_eligible == 1


def test_an_employer_counts_at_its_managing_unit_before_its_cdcs_is_founded(
    province, district, other_district
):
    young = UnionUnitFactory(parent=other_district, founded_on=date(2025, 9, 1))
    EmployerFactory(managing_unit=district, grassroots_union=young, workers=40)

    before, after = date(2025, 8, 31), date(2025, 9, 1)
    assert figures_of(district, before).employers_eligible == 1
    assert figures_of(other_district, before).employers_eligible == 0
    assert figures_of(district, after).employers_eligible == 0
    assert figures_of(other_district, after).employers_with_union == 1


def test_an_employer_split_between_two_children_counts_in_one_row(
    province, district, other_district, other_cdcs
):
    EmployerFactory(managing_unit=district, grassroots_union=other_cdcs, workers=40)

    total, children = coverage_with_children(province, date(2025, 8, 1))

    assert total.employers_eligible == 1
    assert {row.unit: row.employers_eligible for row in children} == {
        district: 0,
        other_district: 1,
    }


def test_the_parent_is_the_sum_of_its_children_and_of_what_it_holds_itself(
    province, district, cdcs, other_cdcs
):
    EmployerFactory(managing_unit=province, workers=300)  # held by the province itself
    EmployerFactory(managing_unit=district, grassroots_union=other_cdcs, workers=40)
    EmployerFactory(managing_unit=district, grassroots_union=cdcs, workers=50)
    EmployerFactory(managing_unit=district, workers=60)

    total, children = coverage_with_children(province, date(2025, 8, 1))

    own = [row for row in children if row.is_own]
    assert [row.unit for row in own] == [province]
    assert own[0].employers_eligible == 1
    assert own[0].workers == 300
    for key in KEYS:
        assert getattr(total, key) == sum(getattr(row, key) for row in children), key


# --- Employers with a union and CĐCS --------------------------------------------------


def test_a_cdcs_founded_on_the_day_is_active_on_it(district):
    young = UnionUnitFactory(parent=district, founded_on=D)
    EmployerFactory(managing_unit=district, grassroots_union=young, workers=30)

    result = figures_of(district)

    assert (result.cdcs, result.employers_with_union) == (1, 1)
    assert figures_of(district, D - timedelta(days=1)).cdcs == 0


def test_a_cdcs_dissolved_on_the_day_no_longer_counts(district):
    ended = UnionUnitFactory(parent=district, dissolved_on=D)
    EmployerFactory(managing_unit=district, grassroots_union=ended, workers=30)

    result = figures_of(district)

    assert (result.cdcs, result.employers_eligible, result.employers_with_union) == (
        0,
        1,
        0,
    )


def test_an_employer_without_a_cdcs_is_eligible_but_not_covered(district):
    EmployerFactory(managing_unit=district, workers=30)

    result = figures_of(district)

    assert (result.employers_eligible, result.employers_with_union) == (1, 0)
    assert result.employer_coverage_rate == 0


def test_only_state_non_state_and_fdi_employers_are_enterprises(district, cdcs):
    for kind in (Kind.STATE, Kind.NON_STATE, Kind.FDI, Kind.COOPERATIVE):
        EmployerFactory(
            managing_unit=district, grassroots_union=cdcs, kind=kind, workers=20
        )

    result = figures_of(district)

    assert (result.employers_with_union, result.enterprises_with_union) == (4, 3)


# --- Collective agreements ----------------------------------------------------------


def test_an_agreement_counts_from_its_effective_day(employer, district):
    CollectiveAgreementFactory(
        employer=employer, signed_on=D, effective_on=D, expires_on=date(2026, 3, 31)
    )

    assert figures_of(district).enterprises_with_cba == 1
    assert figures_of(district, D - timedelta(days=1)).enterprises_with_cba == 0


def test_an_agreement_expiring_on_the_day_no_longer_counts(employer, district):
    CollectiveAgreementFactory(
        employer=employer,
        signed_on=date(2022, 3, 31),
        effective_on=date(2022, 3, 31),
        expires_on=D,
    )

    assert figures_of(district).enterprises_with_cba == 0
    assert figures_of(district, D - timedelta(days=1)).enterprises_with_cba == 1


def test_an_agreement_of_an_employer_without_a_union_is_not_counted(district):
    employer = EmployerFactory(managing_unit=district, workers=60)
    CollectiveAgreementFactory(
        employer=employer, effective_on=date(2023, 1, 1), expires_on=date(2025, 1, 1)
    )

    assert figures_of(district).enterprises_with_cba == 0


def due_on(unit, day):
    """The enterprises due for renewal on ``day``, after checking every path agrees."""
    listed = set(renewals(unit, day).values_list("pk", flat=True))
    assert set(due_for_renewal(unit, day).values_list("employer_id", flat=True)) == (
        listed
    )
    assert figures_of(unit, day).due_for_renewal == len(listed)
    return listed


def test_an_agreement_renewed_later_is_due_on_the_days_before_the_renewal(
    employer, district
):
    CollectiveAgreementFactory(
        employer=employer,
        signed_on=date(2020, 1, 1),
        effective_on=date(2020, 1, 1),
        expires_on=date(2023, 1, 1),
    )
    CollectiveAgreementFactory(
        employer=employer,
        signed_on=date(2023, 6, 1),
        effective_on=date(2023, 6, 1),
        expires_on=date(2026, 6, 1),
    )

    assert due_on(district, date(2022, 10, 1)) == set()  # 92 days left
    assert due_on(district, date(2022, 10, 3)) == {employer.pk}  # 90 days left
    assert due_on(district, date(2023, 3, 1)) == {employer.pk}  # lapsed, not renewed
    assert due_on(district, date(2023, 5, 31)) == {employer.pk}
    assert due_on(district, date(2023, 6, 1)) == set()  # renewed that day
    assert due_on(district, date(2026, 3, 3)) == {employer.pk}  # the renewal's turn


def test_a_renewal_counts_from_its_signing_even_before_it_takes_effect(
    employer, district
):
    CollectiveAgreementFactory(
        employer=employer,
        signed_on=date(2021, 1, 1),
        effective_on=date(2021, 1, 1),
        expires_on=date(2024, 1, 1),
    )
    CollectiveAgreementFactory(
        employer=employer,
        signed_on=date(2023, 12, 1),
        effective_on=date(2024, 1, 1),
        expires_on=date(2027, 1, 1),
    )

    assert due_on(district, date(2023, 11, 30)) == {employer.pk}
    assert due_on(district, date(2023, 12, 1)) == set()


def test_the_renewal_list_shows_the_expiry_known_on_the_day(employer, district):
    CollectiveAgreementFactory(
        employer=employer,
        signed_on=date(2020, 1, 1),
        effective_on=date(2020, 1, 1),
        expires_on=date(2023, 1, 1),
    )
    CollectiveAgreementFactory(
        employer=employer,
        signed_on=date(2023, 6, 1),
        effective_on=date(2023, 6, 1),
        expires_on=date(2026, 6, 1),
    )

    listed = renewals(district, date(2023, 3, 1)).get()

    assert listed.last_expires_on == date(2023, 1, 1)


def test_an_enterprise_that_signed_no_agreement_by_the_day_has_none_to_renew(
    employer, district
):
    CollectiveAgreementFactory(
        employer=employer,
        signed_on=date(2024, 6, 1),
        effective_on=date(2024, 6, 1),
        expires_on=date(2024, 8, 15),
    )

    assert due_on(district, date(2024, 5, 31)) == set()
    assert due_on(district, date(2024, 6, 1)) == {employer.pk}


# --- Rates, children and bad dates ---------------------------------------------------


def test_rates_are_fractions_of_the_counts(district, cdcs, employer):
    MembershipFactory.create_batch(3, unit=cdcs, started_on=date(2020, 1, 1))
    CollectiveAgreementFactory(employer=employer)  # valid 2023-2025
    EmployerFactory(managing_unit=district, workers=80)

    result = figures_of(district)

    assert result.unionisation_rate == 3 / 200
    assert result.employer_coverage_rate == 1 / 2
    assert result.cba_rate == 1.0


def test_rates_without_a_denominator_are_undefined_not_zero(district):
    result = figures_of(district)

    assert result.unionisation_rate is None
    assert result.employer_coverage_rate is None
    assert result.cba_rate is None


def test_children_get_the_same_figures_as_if_asked_alone(
    province, district, other_district, cdcs, other_cdcs
):
    MembershipFactory(unit=cdcs, started_on=date(2020, 1, 1))
    MembershipFactory(unit=other_cdcs, started_on=date(2025, 8, 1))
    EmployerFactory(managing_unit=other_district, grassroots_union=other_cdcs)
    day = date(2025, 9, 1)

    total, children = coverage_with_children(province, day)

    assert [child.unit for child in children] == [district, other_district]
    for child in children:
        assert as_counted(child) == as_counted(coverage(child.unit, day))
    assert total.members == sum(child.members for child in children)


def test_a_child_not_yet_founded_and_empty_is_not_listed(
    province, district, other_district
):
    _, children = coverage_with_children(province, D)  # other_district: July 2025

    assert [child.unit for child in children] == [district]


@pytest.mark.parametrize("day", [date.today() + timedelta(days=1), date(1899, 12, 31)])
def test_a_date_in_the_future_or_before_1900_is_refused(province, day):
    with pytest.raises(ValidationError):
        coverage(province, day)


def test_the_json_keys_are_the_published_ones(province):
    assert list(coverage(province, D).as_json()) == [
        "unit",
        "as_of",
        "workers",
        "members",
        "unionisation_rate",
        "employers_eligible",
        "employers_with_union",
        "employer_coverage_rate",
        "cdcs",
        "enterprises_with_union",
        "enterprises_with_cba",
        "cba_rate",
    ]
    assert set(KEYS) < set(coverage(province, D).as_json())


def test_a_transfer_between_two_cdcs_keeps_the_member_counted_once(
    province, cdcs, other_cdcs
):
    first = MembershipFactory(
        unit=cdcs,
        started_on=date(2020, 1, 1),
        left_on=date(2025, 8, 1),
        leave_reason=LeaveReason.TRANSFER,
    )
    MembershipFactory(
        member=first.member,
        unit=other_cdcs,
        started_on=date(2025, 8, 1),
        start_reason=StartReason.TRANSFERRED,
    )

    assert figures_of(province, date(2025, 7, 31)).members == 1
    assert figures_of(province, date(2025, 8, 1)).members == 1


# --- When an employer counts ----------------------------------------------------------


def test_an_employer_entered_today_is_not_in_the_past(district, cdcs):
    today = timezone.localdate()
    EmployerFactory(
        managing_unit=district,
        founded_on=None,
        workers_reported_on=today - timedelta(days=4),
        workers=900,
    )

    past = figures_of(district)
    now = figures_of(district, today)

    assert (past.employers_eligible, past.workers) == (0, 0)
    assert not white_spots(district, D).exists()
    assert (now.employers_eligible, now.workers) == (1, 900)


def test_an_employer_counts_from_its_founding_date(district):
    EmployerFactory(
        managing_unit=district,
        founded_on=date(2024, 3, 1),
        workers_reported_on=date(2025, 1, 1),
    )

    assert figures_of(district, date(2024, 2, 29)).employers_eligible == 0
    assert figures_of(district, date(2024, 3, 1)).employers_eligible == 1


def test_without_a_founding_date_it_counts_from_its_first_workforce_report(district):
    employer = EmployerFactory(
        managing_unit=district, founded_on=None, workers_reported_on=None
    )
    WorkforceReportFactory(employer=employer, reported_on=date(2023, 5, 1), workers=60)
    WorkforceReportFactory(employer=employer, reported_on=date(2024, 5, 1), workers=70)

    assert figures_of(district, date(2023, 4, 30)).employers_eligible == 0
    assert figures_of(district, date(2023, 5, 1)).workers == 60


def test_with_no_date_at_all_it_counts_from_the_day_it_was_entered(district):
    employer = EmployerFactory(
        managing_unit=district, founded_on=None, workers_reported_on=None
    )
    entered = employer.recorded_on

    assert entered == timezone.localdate()
    assert figures_of(district, entered - timedelta(days=1)).employers_eligible == 0
    assert figures_of(district, entered).employers_eligible == 1


def test_a_founding_date_entered_later_moves_its_start(district):
    employer = EmployerFactory(managing_unit=district, founded_on=date(2024, 6, 1))
    assert figures_of(district).employers_eligible == 0

    employer.founded_on = date(2020, 1, 1)
    employer.save()
    spells.refresh()  # what the admin's save request does after writing

    assert figures_of(district).employers_eligible == 1
