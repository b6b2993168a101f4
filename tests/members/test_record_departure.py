from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members import services
from members.models import LeaveReason, Membership, TransferRequest

from .refusals import codes

pytestmark = pytest.mark.django_db


def test_a_departure_closes_the_membership_with_its_reason(admit, cdcs):
    member = admit(cdcs).member

    membership = services.record_departure(
        member=member,
        left_on=date(2024, 2, 29),
        reason=LeaveReason.RETIRED,
        note="QĐ 12/QĐ-CĐ",
    )

    assert membership.left_on == date(2024, 2, 29)
    assert membership.leave_reason == LeaveReason.RETIRED
    assert membership.leave_note == "QĐ 12/QĐ-CĐ"


def test_a_member_who_left_still_counts_on_earlier_dates(admit, cdcs):
    member = admit(cdcs).member
    services.record_departure(
        member=member, left_on=date(2024, 3, 1), reason="left_job"
    )

    assert (
        Membership.objects.active_on(date(2024, 2, 29)).filter(member=member).exists()
    )
    assert (
        not Membership.objects.active_on(date(2024, 3, 1))
        .filter(member=member)
        .exists()
    )


def test_a_departure_without_a_valid_reason_is_refused(admit, cdcs):
    member = admit(cdcs).member

    with pytest.raises(ValidationError) as refusal:
        services.record_departure(member=member, left_on=date(2024, 3, 1), reason="")

    assert codes(refusal.value) == {"leave_reason_missing"}


def test_a_transfer_is_not_recorded_as_a_departure(admit, cdcs):
    member = admit(cdcs).member

    with pytest.raises(ValidationError) as refusal:
        services.record_departure(
            member=member, left_on=date(2024, 3, 1), reason=LeaveReason.TRANSFER
        )

    assert codes(refusal.value) == {"departure_is_transfer"}


def test_a_departure_before_the_membership_began_is_refused(admit, cdcs):
    member = admit(cdcs, joined_on=date(2015, 5, 1)).member

    with pytest.raises(ValidationError) as refusal:
        services.record_departure(
            member=member, left_on=date(2015, 4, 30), reason="retired"
        )

    assert codes(refusal.value) == {"left_before_start"}
    assert Membership.objects.get(member=member).left_on is None


def test_a_departure_in_the_future_is_refused(admit, cdcs):
    member = admit(cdcs).member
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(ValidationError) as refusal:
        services.record_departure(member=member, left_on=tomorrow, reason="retired")

    assert codes(refusal.value) == {"date_in_future"}


def test_someone_who_already_left_cannot_leave_again(admit, cdcs):
    member = admit(cdcs).member
    services.record_departure(member=member, left_on=date(2020, 1, 1), reason="retired")

    with pytest.raises(ValidationError) as refusal:
        services.record_departure(
            member=member, left_on=date(2021, 1, 1), reason="retired"
        )

    assert codes(refusal.value) == {"not_active"}


def test_a_departure_withdraws_a_pending_transfer_request(
    admit, cdcs, other_cdcs, officer
):
    member = admit(cdcs).member
    request = services.transfer_member(
        member=member, to_unit=other_cdcs, transferred_on=date(2025, 9, 1), user=officer
    )

    services.record_departure(
        member=member, left_on=date(2025, 10, 1), reason="deceased"
    )

    request.refresh_from_db()
    assert request.status == TransferRequest.Status.CANCELLED
