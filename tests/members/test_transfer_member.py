from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members import services
from members.models import LeaveReason, Membership, StartReason, TransferRequest
from tests.factories import UnionUnitFactory

from .refusals import codes

pytestmark = pytest.mark.django_db


def test_a_transfer_ends_one_membership_and_opens_the_next_on_the_same_day(
    admit, cdcs, other_cdcs
):
    first = admit(cdcs, card_number="HT-7")

    second = services.transfer_member(
        member=first.member, to_unit=other_cdcs, transferred_on=date(2025, 9, 1)
    )

    first.refresh_from_db()
    assert (first.left_on, first.leave_reason) == (
        date(2025, 9, 1),
        LeaveReason.TRANSFER,
    )
    assert (second.unit, second.started_on) == (other_cdcs, date(2025, 9, 1))
    assert second.start_reason == StartReason.TRANSFERRED
    assert second.card_number == "HT-7"


def test_the_register_knows_where_a_transferred_member_was_on_each_date(
    admit, cdcs, other_cdcs
):
    member = admit(cdcs).member
    services.transfer_member(
        member=member, to_unit=other_cdcs, transferred_on=date(2025, 9, 1)
    )

    before = Membership.objects.active_on(date(2025, 8, 31)).get(member=member)
    after = Membership.objects.active_on(date(2025, 9, 1)).get(member=member)

    assert (before.unit, after.unit) == (cdcs, other_cdcs)


def test_the_joining_date_stays_with_the_person_across_transfers(
    admit, cdcs, other_cdcs
):
    member = admit(cdcs, joined_on=date(2012, 4, 1)).member

    services.transfer_member(
        member=member, to_unit=other_cdcs, transferred_on=date(2025, 9, 1)
    )

    member.refresh_from_db()
    assert member.joined_union_on == date(2012, 4, 1)


def test_a_transfer_into_a_unit_in_the_users_scope_is_immediate(
    admit, cdcs, district, officer
):
    sibling = UnionUnitFactory(parent=district)
    member = admit(cdcs).member

    result = services.transfer_member(
        member=member, to_unit=sibling, transferred_on=date(2025, 9, 1), user=officer
    )

    assert isinstance(result, Membership)
    assert result.unit == sibling


def test_a_transfer_out_of_the_users_scope_becomes_a_request(
    admit, cdcs, other_cdcs, officer
):
    member = admit(cdcs).member

    result = services.transfer_member(
        member=member, to_unit=other_cdcs, transferred_on=date(2025, 9, 1), user=officer
    )

    assert isinstance(result, TransferRequest)
    assert result.status == TransferRequest.Status.PENDING
    assert Membership.objects.get(member=member).left_on is None


def test_the_receiving_union_accepting_a_request_moves_the_member(
    admit, cdcs, other_cdcs, officer, other_officer
):
    member = admit(cdcs).member
    request = services.transfer_member(
        member=member, to_unit=other_cdcs, transferred_on=date(2025, 9, 1), user=officer
    )

    membership = services.accept_transfer(transfer_request=request, user=other_officer)

    request.refresh_from_db()
    assert membership.unit == other_cdcs
    assert membership.started_on == date(2025, 9, 1)
    assert request.status == TransferRequest.Status.ACCEPTED
    assert request.membership == membership
    assert request.decided_by == other_officer


def test_the_receiving_union_refusing_a_request_leaves_the_member_in_place(
    admit, cdcs, other_cdcs, officer, other_officer
):
    member = admit(cdcs).member
    request = services.transfer_member(
        member=member, to_unit=other_cdcs, transferred_on=date(2025, 9, 1), user=officer
    )

    services.refuse_transfer(
        transfer_request=request, user=other_officer, reason="Không làm việc ở đây"
    )

    request.refresh_from_db()
    assert request.status == TransferRequest.Status.REFUSED
    assert Membership.objects.get(member=member).unit == cdcs


def test_the_sending_union_cannot_accept_its_own_request(
    admit, cdcs, other_cdcs, officer
):
    member = admit(cdcs).member
    request = services.transfer_member(
        member=member, to_unit=other_cdcs, transferred_on=date(2025, 9, 1), user=officer
    )

    with pytest.raises(ValidationError) as refusal:
        services.accept_transfer(transfer_request=request, user=officer)

    assert codes(refusal.value) == {"not_receiving_union"}
    assert Membership.objects.get(member=member).left_on is None


def test_a_refusal_needs_a_reason(admit, cdcs, other_cdcs, officer, other_officer):
    request = services.transfer_member(
        member=admit(cdcs).member,
        to_unit=other_cdcs,
        transferred_on=date(2025, 9, 1),
        user=officer,
    )

    with pytest.raises(ValidationError) as refusal:
        services.refuse_transfer(
            transfer_request=request, user=other_officer, reason=" "
        )

    assert codes(refusal.value) == {"refusal_reason_missing"}


def test_an_answered_request_cannot_be_answered_again(
    admit, cdcs, other_cdcs, officer, other_officer
):
    request = services.transfer_member(
        member=admit(cdcs).member,
        to_unit=other_cdcs,
        transferred_on=date(2025, 9, 1),
        user=officer,
    )
    services.refuse_transfer(
        transfer_request=request, user=other_officer, reason="Không"
    )

    with pytest.raises(ValidationError) as refusal:
        services.accept_transfer(transfer_request=request, user=other_officer)

    assert codes(refusal.value) == {"transfer_answered"}


def test_the_sending_union_can_withdraw_its_request(admit, cdcs, other_cdcs, officer):
    request = services.transfer_member(
        member=admit(cdcs).member,
        to_unit=other_cdcs,
        transferred_on=date(2025, 9, 1),
        user=officer,
    )

    services.cancel_transfer(transfer_request=request, user=officer)

    request.refresh_from_db()
    assert request.status == TransferRequest.Status.CANCELLED


def test_a_second_request_for_the_same_member_is_refused(
    admit, cdcs, other_cdcs, officer, province
):
    member = admit(cdcs).member
    services.transfer_member(
        member=member, to_unit=other_cdcs, transferred_on=date(2025, 9, 1), user=officer
    )
    elsewhere = UnionUnitFactory(parent=province)

    with pytest.raises(ValidationError) as refusal:
        services.transfer_member(
            member=member,
            to_unit=elsewhere,
            transferred_on=date(2025, 9, 2),
            user=officer,
        )

    assert codes(refusal.value) == {"transfer_pending"}


def test_a_transfer_into_a_dissolved_cdcs_is_refused(admit, cdcs, district):
    closed = UnionUnitFactory(parent=district, dissolved_on=date(2020, 1, 1))
    member = admit(cdcs).member

    with pytest.raises(ValidationError) as refusal:
        services.transfer_member(
            member=member, to_unit=closed, transferred_on=date(2025, 9, 1)
        )

    assert codes(refusal.value) == {"unit_dissolved"}
    assert Membership.objects.get(member=member).left_on is None


def test_a_transfer_into_an_upper_level_union_is_refused(admit, cdcs, district):
    member = admit(cdcs).member

    with pytest.raises(ValidationError) as refusal:
        services.transfer_member(
            member=member, to_unit=district, transferred_on=date(2025, 9, 1)
        )

    assert codes(refusal.value) == {"not_grassroots"}


def test_a_transfer_into_the_same_cdcs_is_refused(admit, cdcs):
    member = admit(cdcs).member

    with pytest.raises(ValidationError) as refusal:
        services.transfer_member(
            member=member, to_unit=cdcs, transferred_on=date(2025, 9, 1)
        )

    assert codes(refusal.value) == {"same_unit"}


def test_a_transfer_dated_in_the_future_is_refused(admit, cdcs, other_cdcs):
    member = admit(cdcs).member
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(ValidationError) as refusal:
        services.transfer_member(
            member=member, to_unit=other_cdcs, transferred_on=tomorrow
        )

    assert codes(refusal.value) == {"date_in_future"}


def test_a_transfer_dated_before_the_membership_began_is_refused(
    admit, cdcs, other_cdcs
):
    member = admit(cdcs, joined_on=date(2015, 5, 1)).member

    with pytest.raises(ValidationError) as refusal:
        services.transfer_member(
            member=member, to_unit=other_cdcs, transferred_on=date(2015, 5, 1)
        )

    assert codes(refusal.value) == {"transfer_before_start"}


def test_a_transfer_into_a_cdcs_not_yet_founded_is_refused(admit, cdcs, district):
    young = UnionUnitFactory(parent=district, founded_on=date(2025, 1, 1))
    member = admit(cdcs).member

    with pytest.raises(ValidationError) as refusal:
        services.transfer_member(
            member=member, to_unit=young, transferred_on=date(2024, 6, 1)
        )

    assert codes(refusal.value) == {"unit_not_founded"}


def test_a_person_who_left_cannot_be_transferred(admit, cdcs, other_cdcs):
    member = admit(cdcs).member
    services.record_departure(member=member, left_on=date(2020, 1, 1), reason="retired")

    with pytest.raises(ValidationError) as refusal:
        services.transfer_member(
            member=member, to_unit=other_cdcs, transferred_on=date(2025, 9, 1)
        )

    assert codes(refusal.value) == {"not_active"}


def test_an_officer_cannot_transfer_a_member_outside_their_scope(
    admit, cdcs, other_cdcs, other_officer
):
    member = admit(cdcs).member

    with pytest.raises(ValidationError) as refusal:
        services.transfer_member(
            member=member,
            to_unit=other_cdcs,
            transferred_on=date(2025, 9, 1),
            user=other_officer,
        )

    assert codes(refusal.value) == {"member_out_of_scope"}
