"""Which kind of unit may sit under which, through unions.services.

docs/domain.md, "Which unit may sit under which".
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from unions.kinds import ALLOWED_PARENTS, GRASSROOTS_KINDS
from unions.models import UnionUnit
from unions.services import create_unit, update_unit

pytestmark = pytest.mark.django_db

Kind = UnionUnit.Kind

# The Statute's table, written out again here so a change to kinds.py shows up as a
# failing test rather than silently changing the rules.
STATUTE = {
    Kind.CONFEDERATION: set(),
    Kind.PROVINCIAL: {Kind.CONFEDERATION},
    Kind.CENTRAL_SECTOR: {Kind.CONFEDERATION},
    Kind.CORPORATION: {Kind.CONFEDERATION, Kind.PROVINCIAL, Kind.CENTRAL_SECTOR},
    Kind.DISTRICT: {Kind.PROVINCIAL},
    Kind.COMMUNE: {Kind.PROVINCIAL},
    Kind.LOCAL_SECTOR: {Kind.PROVINCIAL},
    Kind.INDUSTRIAL_ZONE: {Kind.PROVINCIAL},
    Kind.GRASSROOTS: {
        Kind.PROVINCIAL,
        Kind.CENTRAL_SECTOR,
        Kind.CORPORATION,
        Kind.DISTRICT,
        Kind.COMMUNE,
        Kind.LOCAL_SECTOR,
        Kind.INDUSTRIAL_ZONE,
    },
    Kind.TRADE_GUILD: {
        Kind.PROVINCIAL,
        Kind.CENTRAL_SECTOR,
        Kind.CORPORATION,
        Kind.DISTRICT,
        Kind.COMMUNE,
        Kind.LOCAL_SECTOR,
        Kind.INDUSTRIAL_ZONE,
    },
}
PAIRS = [(parent, child) for child in Kind for parent in Kind]
ALLOWED = [(p, c) for p, c in PAIRS if p in STATUTE[c]]
REFUSED = [(p, c) for p, c in PAIRS if p not in STATUTE[c]]


def found(kind, parent=None, code=None):
    return create_unit(
        code=code or f"U-{kind}",
        name=f"Đơn vị {kind}",
        kind=kind,
        founded_on=date(2020, 1, 1),
        parent=parent,
    )


def parent_of_kind(kind):
    """A unit of ``kind`` placed where the Statute allows it, to hang a child on."""
    if kind in GRASSROOTS_KINDS:
        # A CĐCS is refused as a parent whatever it sits under; any legal place will do.
        return found(kind, parent=found(Kind.PROVINCIAL, code="P-TOP"), code="PARENT")
    if kind == Kind.CONFEDERATION:
        return found(kind, code="PARENT")
    top = found(Kind.CONFEDERATION, code="P-TOP")
    if Kind.CONFEDERATION not in STATUTE[kind]:
        top = found(Kind.PROVINCIAL, parent=top, code="P-PROV")
    return found(kind, parent=top, code="PARENT")


def test_the_statute_table_is_the_one_the_code_applies():
    assert {kind: set(parents) for kind, parents in ALLOWED_PARENTS.items()} == STATUTE


@pytest.mark.parametrize(("parent_kind", "child_kind"), ALLOWED)
def test_a_unit_may_be_founded_under_a_kind_the_statute_allows(parent_kind, child_kind):
    parent = parent_of_kind(parent_kind)

    unit = found(child_kind, parent=parent, code="CHILD")

    assert UnionUnit.objects.get_parent(unit) == parent
    assert unit.path.startswith(parent.path)


@pytest.mark.parametrize(("parent_kind", "child_kind"), REFUSED)
def test_a_unit_is_refused_under_a_kind_the_statute_does_not_allow(
    parent_kind, child_kind
):
    parent = parent_of_kind(parent_kind)
    before = UnionUnit.objects.count()

    with pytest.raises(ValidationError):
        found(child_kind, parent=parent, code="CHILD")

    assert UnionUnit.objects.count() == before
    assert not UnionUnit.objects.filter(code="CHILD").exists()


@pytest.mark.parametrize("kind", sorted(set(Kind) - GRASSROOTS_KINDS))
def test_a_deployment_may_start_at_any_level_above_grassroots(kind):
    unit = found(kind)

    assert unit.is_root()


@pytest.mark.parametrize("kind", sorted(GRASSROOTS_KINDS))
def test_a_grassroots_unit_cannot_be_the_root(kind):
    with pytest.raises(ValidationError):
        found(kind)


def test_a_cdcs_refuses_a_child_with_a_vietnamese_message(cdcs):
    with translation.override("vi"), pytest.raises(ValidationError) as refusal:
        found(Kind.GRASSROOTS, parent=cdcs, code="CDCS-CON")

    message = refusal.value.messages[0]
    assert "CDCS-A" in message
    assert "cannot" not in message


def test_a_duplicate_code_is_refused_and_nothing_is_saved(district, cdcs):
    before = UnionUnit.objects.count()

    with pytest.raises(ValidationError) as refusal:
        found(Kind.GRASSROOTS, parent=district, code="CDCS-A")

    assert "code" in refusal.value.message_dict
    assert UnionUnit.objects.count() == before


def test_a_duplicate_code_in_another_case_is_refused_as_a_duplicate(district, cdcs):
    with pytest.raises(ValidationError):
        found(Kind.GRASSROOTS, parent=district, code="cdcs-a")


def test_a_unit_with_children_cannot_become_a_cdcs(district, cdcs):
    with pytest.raises(ValidationError):
        update_unit(unit=district, kind=Kind.GRASSROOTS)

    district.refresh_from_db()
    assert district.kind == Kind.INDUSTRIAL_ZONE


def test_a_kind_change_that_the_parent_may_not_hold_is_refused(district):
    with pytest.raises(ValidationError):
        update_unit(unit=district, kind=Kind.CONFEDERATION)


def test_a_kind_change_within_the_rules_is_saved(other_district):
    unit = update_unit(unit=other_district, kind=Kind.DISTRICT)

    unit.refresh_from_db()
    assert unit.kind == Kind.DISTRICT
