from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members.models import Member, Membership, StartReason
from tests.factories import UnionUnitFactory

from .refusals import codes

pytestmark = pytest.mark.django_db


def test_admitting_opens_the_persons_first_membership(admit, cdcs):
    membership = admit(cdcs, card_number="HT-0001")

    assert membership.unit == cdcs
    assert membership.started_on == date(2015, 5, 1)
    assert membership.start_reason == StartReason.ADMITTED
    assert membership.card_number == "HT-0001"
    assert membership.member.joined_union_on == date(2015, 5, 1)


def test_membership_starts_no_earlier_than_its_union(admit, district):
    young_cdcs = UnionUnitFactory(parent=district, founded_on=date(2024, 6, 1))

    membership = admit(young_cdcs, joined_on=date(2015, 5, 1))

    assert membership.started_on == date(2024, 6, 1)
    assert membership.member.joined_union_on == date(2015, 5, 1)


def test_the_name_is_normalised_and_split(admit, cdcs):
    membership = admit(cdcs, full_name="  trần   THỊ thu hà ")

    member = membership.member
    assert member.full_name == "Trần Thị Thu Hà"
    assert member.name_parts == ("Trần", "Thị Thu", "Hà")
    assert member.search_name == " tran thi thu ha "


def test_other_details_are_stored_with_the_person(admit, cdcs):
    membership = admit(
        cdcs,
        ethnicity="Tày",
        religion="Phật giáo",
        phone="+84 912 345 678",
        is_party_member=True,
        job="Công nhân may",
    )

    member = Member.objects.get(pk=membership.member_id)
    assert (member.ethnicity, member.phone, member.is_party_member) == (
        "Tày",
        "0912345678",
        True,
    )


def test_a_birth_year_alone_is_enough(admit, cdcs):
    membership = admit(cdcs, birth_date=None, birth_year=1980, cccd="042180000001")

    assert membership.member.born_in == 1980


@pytest.mark.parametrize("cccd", ["04219001234", "0421900123456", "04219001234A"])
def test_a_cccd_of_the_wrong_length_or_with_letters_is_refused(admit, cdcs, cccd):
    with pytest.raises(ValidationError) as refusal:
        admit(cdcs, cccd=cccd)

    assert "cccd_format" in codes(refusal.value)
    assert not Member.objects.exists()


def test_a_joining_date_in_the_future_is_refused(admit, cdcs):
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(ValidationError) as refusal:
        admit(cdcs, joined_on=tomorrow)

    assert codes(refusal.value) == {"date_in_future"}


def test_a_joining_date_before_birth_is_refused(admit, cdcs):
    with pytest.raises(ValidationError) as refusal:
        admit(cdcs, birth_date=date(1990, 3, 8), joined_on=date(1989, 1, 1))

    assert codes(refusal.value) == {"joined_before_birth"}


def test_a_person_under_15_on_the_joining_date_is_refused(admit, cdcs):
    with pytest.raises(ValidationError) as refusal:
        admit(cdcs, birth_date=date(2000, 6, 2), joined_on=date(2015, 6, 1))

    assert codes(refusal.value) == {"under_age"}
    assert not Member.objects.exists()


def test_a_person_turning_15_on_the_joining_date_is_admitted(admit, cdcs):
    membership = admit(cdcs, birth_date=date(2000, 6, 1), joined_on=date(2015, 6, 1))

    assert membership.pk


def test_a_person_without_birth_date_or_year_is_refused(admit, cdcs):
    with pytest.raises(ValidationError) as refusal:
        admit(cdcs, birth_date=None, birth_year=None)

    assert "birth_date" in refusal.value.message_dict


def test_someone_already_active_in_another_cdcs_is_refused(admit, cdcs, other_cdcs):
    admit(cdcs, cccd="042190000001")

    with pytest.raises(ValidationError) as refusal:
        admit(other_cdcs, cccd="042190000001", joined_on=date(2026, 1, 1))

    assert codes(refusal.value) == {"already_active"}
    assert Membership.objects.count() == 1


def test_a_former_member_is_sent_to_readmission(admit, cdcs, other_cdcs):
    from members.services import record_departure

    first = admit(cdcs, cccd="042190000001")
    record_departure(member=first.member, left_on=date(2020, 1, 1), reason="left_job")

    with pytest.raises(ValidationError) as refusal:
        admit(other_cdcs, cccd="042190000001")

    assert codes(refusal.value) == {"former_member"}


def test_admitting_into_a_dissolved_cdcs_is_refused(admit, district):
    closed = UnionUnitFactory(parent=district, dissolved_on=date(2014, 12, 31))

    with pytest.raises(ValidationError) as refusal:
        admit(closed, joined_on=date(2015, 5, 1))

    assert codes(refusal.value) == {"unit_dissolved"}
    assert not Member.objects.exists()


def test_admitting_into_an_upper_level_union_is_refused(admit, district):
    with pytest.raises(ValidationError) as refusal:
        admit(district)

    assert codes(refusal.value) == {"not_grassroots"}


def test_a_wrong_phone_number_is_refused(admit, cdcs):
    with pytest.raises(ValidationError) as refusal:
        admit(cdcs, phone="0212345678")

    assert codes(refusal.value) == {"phone_format"}
