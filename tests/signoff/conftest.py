"""A district with a CĐCS and members, and its first quarter of 2025 signed off."""

from datetime import date

import pytest

from tests.factories import MembershipFactory, UnionUnitFactory
from unions.coverage.signing import sign_off
from unions.models import UnionUnit
from unions.periods import PeriodKind, period

Q1_2025 = period(PeriodKind.QUARTER, 2025, 1)
IN_Q1 = date(2025, 2, 10)
AFTER_Q1 = date(2025, 4, 2)


@pytest.fixture
def members(cdcs):
    return [MembershipFactory(unit=cdcs, started_on=date(2015, 1, 1)) for _ in range(3)]


@pytest.fixture
def signed_q1(district, members, officer):
    """The district's officer signs off the first quarter of 2025."""
    return sign_off(unit=district, period=Q1_2025, user=officer)


@pytest.fixture
def elsewhere(province):
    """A unit beside the district, with nothing signed off."""
    return UnionUnitFactory(
        parent=province, code="CD-XA-9", kind=UnionUnit.Kind.COMMUNE
    )


@pytest.fixture
def cdcs_elsewhere(elsewhere):
    return UnionUnitFactory(parent=elsewhere, code="CDCS-X")
