"""Two provinces, each with a district federation and CĐCS with members, employers and
accounts: the material of every reorganisation test."""

from datetime import date

import pytest

from members.models import Membership
from registry.models import User
from registry.roles import Role
from tests.factories import (
    EmployerFactory,
    MembershipFactory,
    UnionUnitFactory,
    UserFactory,
)
from unions.models import (
    Employer,
    FormerCode,
    UnionUnit,
    UnitAncestry,
    UnitMove,
)

Kind = UnionUnit.Kind
JULY_2025 = date(2025, 7, 1)


class Tree:
    """The units of the fixture by code: ``tree["CDCS-A1"]``, fresh from the database."""

    def __getitem__(self, code):
        return UnionUnit.objects.get(code=code)


@pytest.fixture
def tree(db):
    a = UnionUnitFactory(code="LDLD-A", name="LĐLĐ tỉnh A", kind=Kind.PROVINCIAL)
    b = UnionUnitFactory(code="LDLD-B", name="LĐLĐ tỉnh B", kind=Kind.PROVINCIAL)
    a1 = UnionUnitFactory(parent=a, code="LDLD-A1", kind=Kind.DISTRICT)
    UnionUnitFactory(parent=a, code="CD-XA-A", kind=Kind.COMMUNE, founded_on=JULY_2025)
    b1 = UnionUnitFactory(parent=b, code="LDLD-B1", kind=Kind.DISTRICT)
    kcn = UnionUnitFactory(parent=b, code="KCN-B", kind=Kind.INDUSTRIAL_ZONE)
    for parent, code, members in [
        (a1, "CDCS-A1", 3),
        (a1, "CDCS-A2", 2),
        (b1, "CDCS-B1", 4),
        (kcn, "CDCS-B2", 1),
    ]:
        cdcs = UnionUnitFactory(parent=parent, code=code)
        for _ in range(members):
            MembershipFactory(unit=cdcs, started_on=date(2015, 1, 1))
        EmployerFactory(managing_unit=parent, grassroots_union=cdcs)
    EmployerFactory(managing_unit=b1, grassroots_union=None)
    return Tree()


@pytest.fixture
def admin(db):
    return UserFactory(username="quantri", role=Role.SYSTEM_ADMIN)


@pytest.fixture
def officer_a(tree):
    return UserFactory(username="canbo_a", role=Role.PROVINCIAL, unit=tree["LDLD-A"])


@pytest.fixture
def officer_b(tree):
    return UserFactory(username="canbo_b", role=Role.PROVINCIAL, unit=tree["LDLD-B"])


@pytest.fixture
def district_officer(tree):
    return UserFactory(
        username="canbo_huyen", role=Role.UPPER_LEVEL, unit=tree["LDLD-B1"]
    )


def snapshot() -> dict:
    """Everything a reorganisation may touch, to compare before and after an undo."""
    return {
        "units": list(
            UnionUnit.objects.order_by("pk").values_list(
                "pk",
                "code",
                "name",
                "path",
                "depth",
                "numchild",
                "founded_on",
                "dissolved_on",
                "decision",
            )
        ),
        "ancestry": sorted(
            UnitAncestry.objects.values_list(
                "unit", "ancestor", "depth", "starts_on", "ends_on"
            )
        ),
        "employers": list(
            Employer.objects.order_by("pk").values_list(
                "pk", "managing_unit", "grassroots_union"
            )
        ),
        "accounts": list(User.objects.order_by("pk").values_list("pk", "unit")),
        "memberships": list(
            Membership.objects.order_by("pk").values_list(
                "pk",
                "member",
                "unit",
                "started_on",
                "left_on",
                "leave_reason",
                "leave_note",
                "member__current_unit",
            )
        ),
        "former_codes": list(FormerCode.objects.values_list("code", "unit")),
        "moves": list(UnitMove.objects.values_list("pk", flat=True)),
    }
