from datetime import date

import pytest
from django.core.exceptions import ValidationError

from members.models import Member
from members.services import check_admission

pytestmark = pytest.mark.django_db


def test_check_admission_returns_the_start_no_earlier_than_the_union(cdcs):
    member = Member(full_name="An", birth_date=date(1990, 1, 1))

    assert (
        check_admission(member=member, unit=cdcs, joined_on=date(2005, 1, 1))
        == cdcs.founded_on
    )


def test_check_admission_refuses_a_minor(cdcs):
    member = Member(full_name="An", birth_date=date(2012, 1, 1))

    with pytest.raises(ValidationError):
        check_admission(member=member, unit=cdcs, joined_on=date(2020, 1, 1))


def test_check_admission_refuses_an_upper_level_unit(district):
    member = Member(full_name="An", birth_date=date(1990, 1, 1))

    with pytest.raises(ValidationError):
        check_admission(member=member, unit=district, joined_on=date(2020, 1, 1))
