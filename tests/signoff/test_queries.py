"""The rule costs one query for a change after every sign-off; a batch of any size two,
and one more for each signed period a refusal names."""

from datetime import date

import pytest

from tests.factories import UnionUnitFactory
from unions.signoff import OpenPeriods, check_open

from .conftest import AFTER_Q1, IN_Q1

pytestmark = pytest.mark.django_db


def test_a_change_after_every_signed_period_costs_one_query(
    signed_q1, cdcs, django_assert_num_queries
):
    with django_assert_num_queries(1):
        check_open([cdcs], AFTER_Q1)


def test_a_batch_of_many_units_is_checked_in_three_queries(
    signed_q1, district, django_assert_num_queries
):
    units = [UnionUnitFactory(parent=district) for _ in range(30)]

    with django_assert_num_queries(3):  # sign-offs, places, the period named
        signed = OpenPeriods(units)
        refusals = [
            signed.refusal(unit, day) for unit in units for day in (IN_Q1, AFTER_Q1)
        ]

    assert sum(refusal is not None for refusal in refusals) == 30
    assert signed.refusal(units[0], date(2025, 3, 31)) is not None
    assert signed.refusal(units[0], date(2025, 4, 1)) is None
