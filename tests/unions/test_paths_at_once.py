"""Moves rewrite today's paths of all moved subtrees at once (unions/paths.py)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import Membership
from tests.factories import MembershipFactory, UnionUnitFactory
from unions import ancestry, paths
from unions.coverage import dated_tally
from unions.coverage.triggers import tally_differences
from unions.models import MemberTally, UnionUnit, UnitAncestry, UnitMemberTally
from unions.services import move_many, move_unit, undo_moves

pytestmark = pytest.mark.django_db

Kind = UnionUnit.Kind
MOVED_ON = date(2025, 7, 1)


@pytest.fixture
def two_confederations():
    """Two roots; under the first a province three levels deep, with members."""
    first = UnionUnitFactory(code="TLD-1", kind=Kind.CONFEDERATION)
    second = UnionUnitFactory(code="TLD-2", kind=Kind.CONFEDERATION)
    UnionUnitFactory(parent=second, code="LDLD-X", kind=Kind.PROVINCIAL)
    province = UnionUnitFactory(parent=first, code="LDLD-B", kind=Kind.PROVINCIAL)
    corporation = UnionUnitFactory(
        parent=province, code="CD-TCT", kind=Kind.CORPORATION
    )
    district = UnionUnitFactory(parent=province, code="LDLD-H", kind=Kind.DISTRICT)
    for parent, code in [
        (corporation, "CDCS-T1"),
        (corporation, "CDCS-T2"),
        (district, "CDCS-H1"),
        (province, "CDCS-P1"),
    ]:
        unit = UnionUnitFactory(parent=parent, code=code)
        MembershipFactory(unit=unit, started_on=date(2016, 3, 1))
        MembershipFactory(
            unit=unit, started_on=date(2018, 5, 2), left_on=date(2025, 9, 1)
        )
        MembershipFactory(unit=unit, started_on=date(2025, 8, 15))
    return first, second, province


def parents_by_path():
    """Each unit's parent in today's tree, by code."""
    by_path = dict(UnionUnit.objects.values_list("path", "code"))
    return {
        code: by_path.get(path[: -UnionUnit.steplen]) for path, code in by_path.items()
    }


def everything():
    return (
        set(UnionUnit.objects.values_list("pk", "path", "depth", "numchild")),
        set(
            UnitAncestry.objects.values_list(
                "unit", "ancestor", "depth", "starts_on", "ends_on"
            )
        ),
        set(
            MemberTally.objects.exclude(net=0, admitted=0).values_list(
                "path", "span", "starts_on", "net", "admitted"
            )
        ),
        set(
            UnitMemberTally.objects.exclude(net=0, admitted=0).values_list(
                "unit", "span", "starts_on", "net", "admitted"
            )
        ),
    )


def assert_figures_right():
    assert UnionUnit.objects.find_problems() == ([], [], [], [], [])
    assert tally_differences(connection) == 0
    assert dated_tally.differences(connection) == 0
    assert ancestry.differences() == 0


def test_moving_a_subtree_three_levels_deep_rewrites_every_path_and_tally(
    two_confederations,
):
    first, second, province = two_confederations
    parents = parents_by_path()

    moved = move_unit(
        decision="Test/QĐ", unit=province, new_parent=second, moved_on=MOVED_ON
    )

    assert moved.path == second.path + paths.step(2)
    assert parents_by_path() == parents | {"LDLD-B": "TLD-2"}
    assert UnionUnit.objects.within(moved).count() == 7
    assert UnionUnit.objects.get(pk=first.pk).numchild == 0
    assert UnionUnit.objects.get(pk=second.pk).numchild == 2
    assert_figures_right()
    today = date.today()
    assert MemberTally.objects.filter(path=second.path).exists()
    tallied = dated_tally.members_on([second.pk, first.pk], today)
    assert tallied[second.pk]["members"] == 8
    assert tallied.get(first.pk, {"members": 0})["members"] == 0
    before = dated_tally.members_on([first.pk, second.pk], date(2025, 6, 30))
    assert before[first.pk]["members"] == 8
    assert second.pk not in before


def test_the_paths_of_every_moved_subtree_are_written_in_one_statement(
    two_confederations,
):
    _first, _second, province = two_confederations
    units = {unit.code: unit for unit in UnionUnit.objects.all()}
    target = units["LDLD-X"]

    with CaptureQueriesContext(connection) as queries:
        move_many(
            decision="Test/QĐ",
            moves=[
                (units["CD-TCT"], target),
                (units["CDCS-H1"], target),
                (units["CDCS-P1"], target),
            ],
            moved_on=MOVED_ON,
        )

    path_writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith("WITH moved")
    ]
    assert len(path_writes) == 1
    children = UnionUnit.objects.get_children(UnionUnit.objects.get(pk=target.pk))
    assert [unit.code for unit in children] == ["CD-TCT", "CDCS-H1", "CDCS-P1"]
    assert [unit.path[-4:] for unit in children] == ["0001", "0002", "0003"]
    assert UnionUnit.objects.get(pk=province.pk).numchild == 1
    assert_figures_right()


def test_undoing_moves_of_deep_subtrees_restores_everything_exactly(
    two_confederations,
):
    _first, second, province = two_confederations
    units = {unit.code: unit for unit in UnionUnit.objects.all()}
    snapshot = everything()

    moves = move_many(
        decision="Test/QĐ",
        moves=[(units["CD-TCT"], units["LDLD-X"]), (units["LDLD-H"], units["LDLD-X"])],
        moved_on=MOVED_ON,
    )
    assert everything() != snapshot
    undo_moves(moves=moves)

    assert everything() == snapshot
    assert_figures_right()
    (moved,) = move_many(
        decision="Test/QĐ", moves=[(province, second)], moved_on=MOVED_ON
    )
    undo_moves(moves=[moved])
    assert everything() == snapshot


def test_an_undone_unit_whose_place_was_taken_goes_after_the_last_child(
    two_confederations,
):
    _first, _second, province = two_confederations
    units = {unit.code: unit for unit in UnionUnit.objects.all()}
    place = units["CDCS-P1"].path
    (move,) = move_many(
        decision="Test/QĐ",
        moves=[(units["CDCS-P1"], units["LDLD-X"])],
        moved_on=MOVED_ON,
    )
    newcomer = UnionUnitFactory(parent=UnionUnit.objects.get(pk=province.pk))
    assert newcomer.path == place

    undo_moves(moves=[move])

    back = UnionUnit.objects.get(pk=units["CDCS-P1"].pk)
    assert back.path == province.path + paths.step(4)
    assert Membership.objects.within(back).count() == 3
    assert_figures_right()


def test_a_wanted_place_beyond_the_last_child_is_not_given_twice(province):
    district = UnionUnitFactory(parent=province, code="LDLD-H", kind=Kind.DISTRICT)
    commune = UnionUnitFactory(parent=province, code="CD-XA", kind=Kind.COMMUNE)
    staying = UnionUnitFactory(parent=commune, code="CDCS-1")
    back, other = (
        UnionUnitFactory(parent=district, code=code) for code in ("CDCS-2", "CDCS-3")
    )
    wanted = commune.path + paths.step(3)

    paths.relocate([(back, commune, wanted), (other, commune, "")])

    assert UnionUnit.objects.get(pk=staying.pk).path == commune.path + paths.step(1)
    assert UnionUnit.objects.get(pk=back.pk).path == wanted
    assert UnionUnit.objects.get(pk=other.pk).path == commune.path + paths.step(4)
    assert UnionUnit.objects.find_problems() == ([], [], [], [], [])
