from datetime import date

import pytest

from tests.factories import EmployerFactory, UnionUnitFactory
from unions.models import UnionUnit

Kind = UnionUnit.Kind


@pytest.fixture
def elsewhere(db):
    """Another province's federation: outside the scope of every fixture account."""
    return UnionUnitFactory(
        code="LDLD-NA",
        name="Liên đoàn Lao động tỉnh Nghệ An",
        kind=Kind.PROVINCIAL,
        founded_on=date(1950, 1, 1),
    )


@pytest.fixture
def elsewhere_cdcs(elsewhere):
    return UnionUnitFactory(
        parent=elsewhere, code="CDCS-NA", name="Công đoàn Công ty Vinh"
    )


@pytest.fixture
def other_employer(other_district, other_cdcs):
    """Unionised under the commune union: outside the KCN officer's scope."""
    return EmployerFactory(
        name="Công ty Gỗ Cẩm Xuyên",
        managing_unit=other_district,
        grassroots_union=other_cdcs,
    )


@pytest.fixture
def elsewhere_employer(elsewhere, elsewhere_cdcs):
    return EmployerFactory(
        name="Công ty Điện Vinh",
        managing_unit=elsewhere,
        grassroots_union=elsewhere_cdcs,
    )
