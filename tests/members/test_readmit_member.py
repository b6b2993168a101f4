from datetime import date

import pytest
from django.core.exceptions import ValidationError

from members import services
from members.models import LeaveReason, StartReason
from tests.factories import UnionUnitFactory

from .refusals import codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def former_member(admit, cdcs):
    member = admit(cdcs, joined_on=date(2012, 4, 1), card_number="HT-9").member
    services.record_departure(
        member=member, left_on=date(2020, 1, 1), reason=LeaveReason.LEFT_JOB
    )
    return member


def test_readmission_opens_a_new_membership(former_member, other_cdcs):
    membership = services.readmit_member(
        member=former_member, unit=other_cdcs, readmitted_on=date(2023, 2, 1)
    )

    assert membership.start_reason == StartReason.READMITTED
    assert (membership.unit, membership.started_on) == (other_cdcs, date(2023, 2, 1))
    assert membership.card_number == "HT-9"
    assert membership.member.joined_union_on == date(2012, 4, 1)


def test_an_active_member_cannot_be_readmitted(admit, cdcs, other_cdcs):
    member = admit(cdcs).member

    with pytest.raises(ValidationError) as refusal:
        services.readmit_member(
            member=member, unit=other_cdcs, readmitted_on=date(2023, 2, 1)
        )

    assert codes(refusal.value) == {"already_active"}


def test_readmission_before_leaving_is_refused(former_member, other_cdcs):
    with pytest.raises(ValidationError) as refusal:
        services.readmit_member(
            member=former_member, unit=other_cdcs, readmitted_on=date(2019, 12, 31)
        )

    assert codes(refusal.value) == {"readmitted_before_leaving"}


def test_someone_who_left_voluntarily_waits_three_months(admit, cdcs):
    member = admit(cdcs).member
    services.record_departure(
        member=member, left_on=date(2023, 11, 30), reason=LeaveReason.VOLUNTARY
    )

    with pytest.raises(ValidationError) as refusal:
        services.readmit_member(
            member=member, unit=cdcs, readmitted_on=date(2024, 2, 28)
        )
    membership = services.readmit_member(
        member=member, unit=cdcs, readmitted_on=date(2024, 2, 29)
    )

    assert codes(refusal.value) == {"readmitted_too_soon"}
    assert membership.started_on == date(2024, 2, 29)


def test_a_deceased_member_cannot_be_readmitted(admit, cdcs):
    member = admit(cdcs).member
    services.record_departure(
        member=member, left_on=date(2023, 1, 1), reason=LeaveReason.DECEASED
    )

    with pytest.raises(ValidationError) as refusal:
        services.readmit_member(
            member=member, unit=cdcs, readmitted_on=date(2024, 1, 1)
        )

    assert codes(refusal.value) == {"deceased"}


def test_readmission_into_a_dissolved_cdcs_is_refused(former_member, district):
    closed = UnionUnitFactory(parent=district, dissolved_on=date(2021, 1, 1))

    with pytest.raises(ValidationError) as refusal:
        services.readmit_member(
            member=former_member, unit=closed, readmitted_on=date(2023, 1, 1)
        )

    assert codes(refusal.value) == {"unit_dissolved"}
