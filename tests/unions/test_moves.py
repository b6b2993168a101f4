"""Moving a unit carries its subtree and leaves a history; dissolving keeps the unit."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.factories import UnionUnitFactory
from unions.models import UnionUnit, UnitMove
from unions.services import dissolve_unit, move_unit

pytestmark = pytest.mark.django_db

Kind = UnionUnit.Kind


@pytest.fixture
def old_district(province):
    """A district federation ended in 2025, with a CĐCS and its member union below."""
    district = UnionUnitFactory(
        parent=province,
        code="LDLD-HUYEN",
        kind=Kind.DISTRICT,
        founded_on=date(1990, 1, 1),
    )
    UnionUnitFactory(parent=district, code="CDCS-H1")
    UnionUnitFactory(parent=district, code="CDCS-H2")
    return district


def test_moving_a_unit_moves_its_whole_subtree(old_district, other_district):
    cdcs = UnionUnit.objects.get(code="CDCS-H1")

    moved = move_unit(
        decision="Test/QĐ",
        unit=cdcs,
        new_parent=other_district,
        moved_on=date(2025, 7, 1),
    )

    assert UnionUnit.objects.get_parent(moved) == other_district
    assert moved.path.startswith(other_district.path)
    assert moved.depth == other_district.depth + 1
    assert UnionUnit.objects.within(other_district).filter(code="CDCS-H1").exists()
    assert not UnionUnit.objects.within(old_district).filter(code="CDCS-H1").exists()


def test_moving_a_unit_with_children_rewrites_every_descendant_path(
    province, old_district
):
    new_top = UnionUnitFactory(code="LDLD-MOI", kind=Kind.PROVINCIAL)

    move = move_unit(
        decision="Test/QĐ",
        unit=old_district,
        new_parent=new_top,
        moved_on=date(2025, 7, 1),
    )

    below = UnionUnit.objects.filter(code__in=["CDCS-H1", "CDCS-H2"])
    assert all(unit.path.startswith(move.path) for unit in below)
    assert all(unit.path.startswith(new_top.path) for unit in below)
    assert not UnionUnit.objects.within(province).filter(code="CDCS-H2").exists()


def test_a_move_is_recorded_with_its_date_decision_and_author(
    old_district, other_district, admin_user
):
    cdcs = UnionUnit.objects.get(code="CDCS-H1")

    move_unit(
        unit=cdcs,
        new_parent=other_district,
        moved_on=date(2025, 7, 1),
        decision="15/QĐ-LĐLĐ",
        user=admin_user,
    )

    move = UnitMove.objects.get(unit=cdcs)
    assert (move.from_parent, move.to_parent) == (old_district, other_district)
    assert move.moved_on == date(2025, 7, 1)
    assert move.decision == "15/QĐ-LĐLĐ"
    assert move.moved_by == admin_user


def test_parent_counts_follow_a_move(old_district, other_district):
    cdcs = UnionUnit.objects.get(code="CDCS-H1")

    move_unit(
        decision="Test/QĐ",
        unit=cdcs,
        new_parent=other_district,
        moved_on=date(2025, 7, 1),
    )

    old_district.refresh_from_db()
    other_district.refresh_from_db()
    assert old_district.numchild == 1
    assert other_district.numchild == 1


def test_a_unit_cannot_move_under_its_own_subtree(province, old_district):
    cdcs = UnionUnit.objects.get(code="CDCS-H1")

    with pytest.raises(ValidationError):
        move_unit(
            decision="Test/QĐ",
            unit=old_district,
            new_parent=old_district,
            moved_on=date(2025, 7, 1),
        )
    with pytest.raises(ValidationError):
        move_unit(
            decision="Test/QĐ",
            unit=province,
            new_parent=cdcs,
            moved_on=date(2025, 7, 1),
        )

    assert not UnitMove.objects.exists()


def test_a_move_under_a_kind_that_may_not_hold_the_unit_is_refused(
    old_district, district, cdcs
):
    with pytest.raises(ValidationError):
        move_unit(
            decision="Test/QĐ",
            unit=old_district,
            new_parent=district,
            moved_on=date(2025, 7, 1),
        )
    with pytest.raises(ValidationError):
        move_unit(
            decision="Test/QĐ",
            unit=UnionUnit.objects.get(code="CDCS-H1"),
            new_parent=cdcs,
            moved_on=date(2025, 7, 1),
        )

    assert (
        UnionUnit.objects.get_parent(UnionUnit.objects.get(code="CDCS-H1"))
        == old_district
    )
    assert not UnitMove.objects.exists()


def test_a_move_to_the_current_parent_is_refused(old_district):
    with pytest.raises(ValidationError):
        move_unit(
            decision="Test/QĐ",
            unit=UnionUnit.objects.get(code="CDCS-H1"),
            new_parent=old_district,
            moved_on=date(2025, 7, 1),
        )


def test_dissolving_a_cdcs_keeps_it_with_its_end_date_and_decision(cdcs):
    dissolve_unit(unit=cdcs, dissolved_on=date(2025, 6, 15), decision="7/QĐ-CĐKCN")

    cdcs.refresh_from_db()
    assert cdcs.dissolved_on == date(2025, 6, 15)
    assert cdcs.decision == "7/QĐ-CĐKCN"
    assert (
        not UnionUnit.objects.active_on(date(2025, 6, 15)).filter(pk=cdcs.pk).exists()
    )
    assert UnionUnit.objects.active_on(date(2025, 6, 14)).filter(pk=cdcs.pk).exists()


def test_a_unit_with_active_units_below_cannot_be_dissolved(district, cdcs):
    with pytest.raises(ValidationError):
        dissolve_unit(decision="Test/QĐ", unit=district, dissolved_on=date(2025, 6, 30))

    district.refresh_from_db()
    assert district.dissolved_on is None


def test_a_unit_cannot_be_dissolved_before_it_was_founded(cdcs):
    with pytest.raises(ValidationError):
        dissolve_unit(decision="Test/QĐ", unit=cdcs, dissolved_on=date(2009, 12, 31))
