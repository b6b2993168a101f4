"""Every writer refuses a change dated inside a signed-off period, and makes it once
the period is reopened."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from members import services as member_services
from tests.factories import (
    CollectiveAgreementFactory,
    EmployerFactory,
    MembershipFactory,
    UnionUnitFactory,
)
from unions import reorganisation, services
from unions.coverage.signing import sign_off
from unions.models import CollectiveAgreement, UnionUnit
from unions.periods import PeriodKind, period
from unions.signoff import check_agreement, reopen

from .conftest import AFTER_Q1, IN_Q1, Q1_2025

pytestmark = pytest.mark.django_db
Kind = UnionUnit.Kind
DECISION = "15/QĐ-LĐLĐ"


def refused(change) -> str:
    with pytest.raises(ValidationError) as refusal:
        change()
    assert refusal.value.code == "period_signed_off"
    return " ".join(refusal.value.messages)


def admit(unit, day, name="Trần Thị Mai"):
    return member_services.admit_member(
        unit=unit, full_name=name, birth_date=date(1995, 4, 1), joined_on=day
    )


def test_a_backdated_admission_is_refused_with_the_period_and_unit_named(
    signed_q1, cdcs
):
    message = refused(lambda: admit(cdcs, IN_Q1))

    assert "Quý I/2025" in message
    assert "Công đoàn các KCN tỉnh" in message
    assert "31/03/2025" in message
    assert "10/02/2025" in message


def test_an_admission_dated_after_the_period_is_made(signed_q1, cdcs):
    membership = admit(cdcs, AFTER_Q1)

    assert membership.started_on == AFTER_Q1


def test_the_admission_is_made_once_an_officer_above_reopens_the_period(
    signed_q1, cdcs, provincial_officer
):
    reopen(signed_period=signed_q1, user=provincial_officer, reason="Sót một hồ sơ")

    membership = admit(cdcs, IN_Q1)

    assert membership.started_on == IN_Q1


def leave(member, day):
    return member_services.record_departure(
        member=member, left_on=day, reason="retired"
    )


def test_a_departure_a_transfer_and_a_readmission_are_refused(
    signed_q1, cdcs, cdcs_elsewhere, members
):
    first, second = members[0].member, members[1].member

    refused(lambda: leave(first, IN_Q1))
    refused(lambda: member_services.transfer_member(
        member=second, to_unit=cdcs_elsewhere, transferred_on=IN_Q1
    ))  # fmt: skip


def test_a_readmission_is_refused(district, cdcs, officer):
    former = MembershipFactory(
        unit=cdcs, started_on=date(2015, 1, 1), left_on=date(2024, 6, 1),
        leave_reason="retired",
    )  # fmt: skip
    sign_off(unit=district, period=Q1_2025, user=officer)

    refused(lambda: member_services.readmit_member(
        member=former.member, unit=cdcs, readmitted_on=IN_Q1
    ))  # fmt: skip


def test_a_transfer_into_the_signed_unit_is_refused(signed_q1, cdcs, cdcs_elsewhere):
    newcomer = admit(cdcs_elsewhere, date(2024, 1, 1)).member

    refused(lambda: member_services.transfer_member(
        member=newcomer, to_unit=cdcs, transferred_on=IN_Q1
    ))  # fmt: skip


def test_bulk_transfers_and_departures_are_refused(signed_q1, members, cdcs_elsewhere):
    refused(lambda: member_services.transfer_members(
        memberships=members, to_unit=cdcs_elsewhere, transferred_on=IN_Q1
    ))  # fmt: skip
    refused(lambda: member_services.record_departures(
        memberships=members, left_on=IN_Q1, reason="retired"
    ))  # fmt: skip


def test_a_cdcs_founded_inside_the_period_is_refused(signed_q1, district):
    refused(lambda: services.create_unit(
        code="CDCS-NEW", name="Công đoàn mới", kind=Kind.GRASSROOTS,
        founded_on=IN_Q1, parent=district,
    ))  # fmt: skip


def test_changing_a_founding_date_into_the_period_is_refused(signed_q1, cdcs):
    refused(lambda: services.update_unit(unit=cdcs, founded_on=IN_Q1))


def test_a_dissolution_inside_the_period_is_refused(signed_q1, district):
    empty = UnionUnitFactory(parent=district, code="CDCS-EMPTY")

    refused(
        lambda: services.dissolve_unit(
            unit=empty, dissolved_on=IN_Q1, decision=DECISION
        )
    )
    refused(
        lambda: services.dissolve_units(
            units=[empty], dissolved_on=IN_Q1, decision=DECISION
        )
    )


def test_a_move_dated_before_the_period_ends_is_refused_for_a_unit_under_it(
    signed_q1, cdcs, elsewhere
):
    refused(lambda: services.move_unit(
        unit=cdcs, new_parent=elsewhere, moved_on=date(2025, 3, 15),
        decision=DECISION,
    ))  # fmt: skip


def test_a_move_into_the_signed_unit_before_the_period_ends_is_refused(
    signed_q1, district, cdcs_elsewhere
):
    refused(lambda: services.move_units(
        units=[cdcs_elsewhere], new_parent=district, moved_on=date(2025, 3, 15),
        decision=DECISION,
    ))  # fmt: skip


def test_a_unit_that_was_elsewhere_in_the_period_is_not_blocked(
    signed_q1, district, cdcs_elsewhere
):
    services.move_unit(
        unit=cdcs_elsewhere, new_parent=district, moved_on=AFTER_Q1, decision=DECISION
    )

    membership = admit(cdcs_elsewhere, IN_Q1)

    assert membership.started_on == IN_Q1


def test_a_move_after_the_period_is_made(signed_q1, cdcs, elsewhere):
    moved = services.move_unit(
        unit=cdcs, new_parent=elsewhere, moved_on=AFTER_Q1, decision=DECISION
    )

    assert moved.path.startswith(elsewhere.path)


def test_a_sign_off_above_blocks_the_whole_subtree_below(
    signed_q1, province, provincial_officer, cdcs_elsewhere
):
    sign_off(
        unit=province, period=period(PeriodKind.YEAR, 2024), user=provincial_officer
    )

    refused(lambda: admit(cdcs_elsewhere, date(2024, 12, 1)))


def test_a_sign_off_of_one_cdcs_does_not_block_its_sibling(
    cdcs, members, officer, district
):
    sign_off(unit=cdcs, period=period(PeriodKind.MONTH, 2025, 2), user=officer)
    sibling = UnionUnitFactory(parent=district, code="CDCS-SIB")

    assert admit(sibling, IN_Q1).started_on == IN_Q1
    refused(lambda: admit(cdcs, IN_Q1, name="Lê Văn Hùng"))


def test_a_reorganisation_inside_the_period_is_refused(
    signed_q1, cdcs, elsewhere, admin_user
):
    refused(lambda: reorganisation.move_unit(
        unit=cdcs, new_parent=elsewhere, moved_on=date(2025, 3, 15),
        decision="12/QĐ-LĐLĐ", user=admin_user,
    ))  # fmt: skip


def test_a_backdated_worker_count_is_refused(signed_q1, district, cdcs):
    employer = EmployerFactory(managing_unit=district, grassroots_union=cdcs)

    refused(lambda: services.record_workforce(
        employer=employer, workers=500, reported_on=IN_Q1
    ))  # fmt: skip
    services.record_workforce(employer=employer, workers=500, reported_on=AFTER_Q1)


def test_an_agreement_in_force_inside_the_period_is_refused(signed_q1, district, cdcs):
    employer = EmployerFactory(managing_unit=district, grassroots_union=cdcs)
    agreement = CollectiveAgreement(
        employer=employer,
        signed_on=IN_Q1,
        effective_on=IN_Q1,
        expires_on=date(2027, 2, 10),
    )

    refused(lambda: check_agreement(agreement))


def test_an_agreement_whose_notes_only_change_is_not_refused(
    district, cdcs, members, officer
):
    employer = EmployerFactory(managing_unit=district, grassroots_union=cdcs)
    agreement = CollectiveAgreementFactory(
        employer=employer, signed_on=date(2024, 6, 1), effective_on=date(2024, 6, 1),
        expires_on=date(2026, 6, 1),
    )  # fmt: skip
    sign_off(unit=district, period=period(PeriodKind.YEAR, 2024), user=officer)
    agreement.notes = "Bản sao lưu tại văn phòng"

    check_agreement(agreement)
    agreement.effective_on = date(2024, 7, 1)
    refused(lambda: check_agreement(agreement))


def test_undoing_a_move_into_a_period_signed_since_is_refused(
    district, cdcs, members, elsewhere, officer
):
    moved = services.move_many(
        moves=[(cdcs, elsewhere)], moved_on=date(2025, 3, 15), decision=DECISION
    )
    sign_off(unit=district, period=Q1_2025, user=officer)

    refused(lambda: services.undo_moves(moves=moved))


def test_undoing_a_transfer_of_many_into_a_period_signed_since_is_refused(
    district, cdcs, members, cdcs_elsewhere, officer
):
    opened = member_services.transfer_members(
        memberships=members, to_unit=cdcs_elsewhere, transferred_on=IN_Q1
    )
    sign_off(unit=district, period=Q1_2025, user=officer)

    refused(lambda: member_services.reopen_memberships(
        closed=[m.pk for m in members], opened=[m.pk for m in opened]
    ))  # fmt: skip


def test_a_mapping_file_row_moving_a_cdcs_out_of_the_period_is_refused(
    signed_q1, cdcs, elsewhere
):
    refused(lambda: services.check_move(
        unit=cdcs, new_parent=elsewhere, moved_on=date(2025, 3, 15)
    ))  # fmt: skip
    services.check_move(unit=cdcs, new_parent=elsewhere, moved_on=AFTER_Q1)
