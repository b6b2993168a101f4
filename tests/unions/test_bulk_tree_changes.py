"""Founding, moving and dissolving many units at once: the single-unit rules, few queries."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from members.models import Membership
from tests.factories import MemberFactory, UnionUnitFactory
from unions.coverage import dated_tally
from unions.coverage.figures import Structure, coverage
from unions.coverage.triggers import tally_differences
from unions.models import UnionUnit, UnitMove
from unions.services import create_units, dissolve_units, move_units

pytestmark = pytest.mark.django_db

Kind = UnionUnit.Kind


def new_cdcs(code, **fields):
    return UnionUnit(
        code=code,
        name=f"Công đoàn {code}",
        kind=Kind.GRASSROOTS,
        founded_on=date(2015, 1, 1),
        **fields,
    )


def test_units_founded_at_once_come_after_the_existing_children_in_a_sound_tree(
    district, cdcs
):
    created = create_units(
        parent=district, units=[new_cdcs("cdcs-x1"), new_cdcs("CDCS-X2")]
    )

    children = list(UnionUnit.objects.get_children(district))
    assert [unit.code for unit in children] == ["CDCS-A", "CDCS-X1", "CDCS-X2"]
    assert [unit.pk for unit in children[1:]] == [unit.pk for unit in created]
    assert district.numchild == 3
    assert UnionUnit.objects.get(pk=district.pk).numchild == 3
    assert UnionUnit.objects.find_problems() == ([], [], [], [], [])
    stored = UnionUnit.objects.get(pk=created[0].pk)
    assert (stored.code, stored.search_name) == ("CDCS-X1", "cdcs x1 cong doan cdcs x1")


def test_units_founded_at_once_under_a_new_parent_can_have_children_of_their_own(
    province,
):
    (upper,) = create_units(
        parent=province,
        units=[
            UnionUnit(
                code="CD-XA-1",
                name="Công đoàn xã Thạch Hà",
                kind=Kind.COMMUNE,
                founded_on=date(2025, 7, 1),
            )
        ],
    )

    create_units(parent=upper, units=[new_cdcs(f"CDCS-{i}") for i in range(40)])

    assert UnionUnit.objects.get_children_count(upper) == 40
    assert UnionUnit.objects.find_problems() == ([], [], [], [], [])


def test_founding_units_at_once_refuses_a_code_already_used(district, cdcs):
    with pytest.raises(ValidationError, match="CDCS-A"):
        create_units(parent=district, units=[new_cdcs("CDCS-A")])

    assert UnionUnit.objects.get_children_count(district) == 1


def test_a_code_already_used_is_refused_in_vietnamese(district, cdcs):
    with translation.override("vi"), pytest.raises(ValidationError) as refusal:
        create_units(parent=district, units=[new_cdcs("CDCS-A")])

    assert refusal.value.messages == ["Các mã này đã được dùng: CDCS-A."]


def test_moving_a_unit_with_one_below_it_is_refused_in_vietnamese(
    province, district, cdcs
):
    new_top = UnionUnitFactory(code="LDLD-MOI", kind=Kind.PROVINCIAL)

    with translation.override("vi"), pytest.raises(ValidationError) as refusal:
        move_units(
            decision="Test/QĐ",
            units=[district, cdcs],
            new_parent=new_top,
            moved_on=date(2025, 7, 1),
        )

    assert "cannot" not in refusal.value.messages[0]


def test_founding_units_at_once_refuses_the_same_code_twice(district):
    with pytest.raises(ValidationError, match="CDCS-X"):
        create_units(parent=district, units=[new_cdcs("CDCS-X"), new_cdcs("cdcs-x")])

    assert not UnionUnit.objects.filter(code="CDCS-X").exists()


def test_founding_units_at_once_refuses_a_unit_in_the_wrong_place(cdcs):
    with pytest.raises(ValidationError):
        create_units(parent=cdcs, units=[new_cdcs("CDCS-X")])


def test_founding_units_at_once_refuses_a_dissolution_before_the_founding(district):
    with pytest.raises(ValidationError):
        create_units(
            parent=district, units=[new_cdcs("CDCS-X", dissolved_on=date(2010, 1, 1))]
        )


def test_units_moved_at_once_keep_their_order_subtrees_and_history(
    province, district, other_district, admin_user
):
    first = UnionUnitFactory(parent=district, code="CDCS-1")
    second = UnionUnitFactory(parent=district, code="CDCS-2")
    upper = UnionUnitFactory(parent=province, code="KCN", kind=Kind.INDUSTRIAL_ZONE)
    below = UnionUnitFactory(parent=upper, code="CDCS-KCN")
    new_top = UnionUnitFactory(code="LDLD-MOI", kind=Kind.PROVINCIAL)
    UnionUnitFactory(parent=new_top, code="CDCS-CU", kind=Kind.GRASSROOTS)

    move_units(
        decision="Test/QĐ",
        units=[upper],
        new_parent=new_top,
        moved_on=date(2025, 7, 1),
        user=admin_user,
    )
    moved = move_units(
        units=[second, first],
        new_parent=other_district,
        moved_on=date(2025, 7, 1),
        decision="12/QĐ",
    )

    assert [u.code for u in UnionUnit.objects.get_children(other_district)] == [
        "CDCS-2",
        "CDCS-1",
    ]
    assert [unit.code for unit in moved] == ["CDCS-2", "CDCS-1"]
    below.refresh_from_db()
    assert below.path.startswith(new_top.path) and below.depth == 3
    assert UnionUnit.objects.get(pk=district.pk).numchild == 0
    assert UnionUnit.objects.get(pk=new_top.pk).numchild == 2
    assert other_district.numchild == 2
    assert UnionUnit.objects.find_problems() == ([], [], [], [], [])
    history = UnitMove.objects.get(unit=first)
    assert (history.from_parent, history.to_parent) == (district, other_district)
    assert history.decision == "12/QĐ"
    assert UnitMove.objects.get(unit=upper).moved_by == admin_user


def test_moving_units_at_once_keeps_the_member_figures_right(district, other_district):
    unit = UnionUnitFactory(parent=district, code="CDCS-1")
    for started_on in [date(2020, 1, 1), date(2024, 1, 1)]:
        Membership.objects.create(
            member=MemberFactory(), unit=unit, started_on=started_on
        )

    move_units(
        decision="Test/QĐ",
        units=[unit],
        new_parent=other_district,
        moved_on=date(2025, 7, 1),
    )

    current = Structure.CURRENT
    assert coverage(other_district, date(2024, 6, 1), structure=current).members == 2
    assert coverage(district, date(2024, 6, 1), structure=current).members == 0
    assert coverage(other_district, date(2024, 6, 1)).members == 0
    assert coverage(district, date(2024, 6, 1)).members == 2
    assert coverage(other_district, date(2025, 7, 1)).members == 2
    assert tally_differences() == 0
    assert dated_tally.differences() == 0


def test_moving_units_at_once_refuses_a_move_under_their_own_subtree(
    province, district
):
    with pytest.raises(ValidationError):
        move_units(
            decision="Test/QĐ",
            units=[province],
            new_parent=district,
            moved_on=date(2025, 7, 1),
        )


def test_moving_units_at_once_refuses_a_unit_already_under_the_new_parent(
    district, cdcs
):
    with pytest.raises(ValidationError):
        move_units(
            decision="Test/QĐ",
            units=[cdcs],
            new_parent=district,
            moved_on=date(2025, 7, 1),
        )

    assert not UnitMove.objects.exists()


def test_moving_units_at_once_refuses_a_unit_and_one_below_it(province, district, cdcs):
    new_top = UnionUnitFactory(code="LDLD-MOI", kind=Kind.PROVINCIAL)

    with pytest.raises(ValidationError):
        move_units(
            decision="Test/QĐ",
            units=[district, cdcs],
            new_parent=new_top,
            moved_on=date(2025, 7, 1),
        )


def test_moving_units_at_once_refuses_a_place_their_kind_cannot_take(cdcs, other_cdcs):
    with pytest.raises(ValidationError):
        move_units(
            decision="Test/QĐ",
            units=[cdcs],
            new_parent=other_cdcs,
            moved_on=date(2025, 7, 1),
        )


def test_units_dissolved_at_once_end_on_the_date_with_the_decision(district, cdcs):
    other = UnionUnitFactory(parent=district, code="CDCS-2", decision="1/QĐ")

    ended = dissolve_units(
        units=[cdcs, other], dissolved_on=date(2025, 6, 15), decision="4173/TLĐ-ToC"
    )

    assert [unit.dissolved_on for unit in ended] == [date(2025, 6, 15)] * 2
    assert {unit.decision for unit in ended} == {"4173/TLĐ-ToC"}


def test_a_unit_and_everything_below_it_may_be_dissolved_together(district, cdcs):
    dissolve_units(
        decision="Test/QĐ", units=[district, cdcs], dissolved_on=date(2025, 7, 1)
    )

    assert not UnionUnit.objects.within(district).filter(dissolved_on=None).exists()


def test_dissolving_units_at_once_refuses_a_unit_with_active_units_below(
    district, cdcs
):
    with pytest.raises(ValidationError):
        dissolve_units(
            decision="Test/QĐ", units=[district], dissolved_on=date(2025, 7, 1)
        )

    assert UnionUnit.objects.get(pk=district.pk).dissolved_on is None


def test_dissolving_units_at_once_refuses_a_date_before_the_founding(cdcs):
    with pytest.raises(ValidationError):
        dissolve_units(decision="Test/QĐ", units=[cdcs], dissolved_on=date(1999, 1, 1))
