"""Employer figures of a past date are counted on the tree of that date.

A CĐCS with an employer moves from one upper-level union to another, and an
upper-level union managing a white spot moves to another province: before the move
the employer counts under the old parent (on the dashboard's card and rows, the
report, the white-spot and renewal lists), from the move's date under the new one;
restated in today's structure it counts under the new one on every date. The tally
kept through the move, and through its undo, equals the one rebuilt from the spells.
"""

from datetime import date

import pytest

from tests.factories import (
    CollectiveAgreementFactory,
    EmployerFactory,
    UnionUnitFactory,
)
from unions import services
from unions.coverage import employer_tally, spells
from unions.coverage.figures import (
    Structure,
    coverage,
    coverage_with_children,
    renewals,
    white_spots,
)
from unions.coverage.renewal_list import RenewalList
from unions.coverage.white_spot_list import WhiteSpotList
from unions.models import UnionUnit, UnitMove

from .test_employer_tally import tally_rows

pytestmark = pytest.mark.django_db

Kind = UnionUnit.Kind
BEFORE, MOVED_ON, AFTER = date(2024, 3, 31), date(2024, 7, 1), date(2024, 9, 30)
HISTORICAL, CURRENT = Structure.HISTORICAL, Structure.CURRENT


@pytest.fixture
def tree():
    founded = date(2000, 1, 1)
    provinces = [
        UnionUnitFactory(code=code, kind=Kind.PROVINCIAL, founded_on=founded)
        for code in ("P1", "P2")
    ]
    old, new = (
        UnionUnitFactory(
            parent=provinces[0], code=code, kind=Kind.DISTRICT, founded_on=founded
        )
        for code in ("OLD", "NEW")
    )
    zone = UnionUnitFactory(
        parent=provinces[0], code="ZONE", kind=Kind.DISTRICT, founded_on=founded
    )
    cdcs = UnionUnitFactory(parent=old, code="G", founded_on=founded)
    unionised = EmployerFactory(managing_unit=old, grassroots_union=cdcs, workers=300)
    CollectiveAgreementFactory(
        employer=unionised,
        signed_on=date(2022, 1, 1),
        effective_on=date(2022, 1, 1),
        expires_on=date(2024, 5, 1),  # due for renewal on BEFORE
    )
    white_spot = EmployerFactory(managing_unit=zone, workers=120)
    return {
        "provinces": provinces,
        "old": old,
        "new": new,
        "zone": zone,
        "cdcs": cdcs,
        "unionised": unionised,
        "white_spot": white_spot,
    }


def move(tree):
    services.move_unit(
        unit=tree["cdcs"], new_parent=tree["new"], moved_on=MOVED_ON, decision="1/QĐ"
    )
    services.move_unit(
        unit=tree["zone"],
        new_parent=tree["provinces"][1],
        moved_on=MOVED_ON,
        decision="2/QĐ",
    )
    spells.refresh()  # what the moving request does: the moved paths queued employers


def fresh(unit):
    return UnionUnit.objects.get(pk=unit.pk)


def test_before_the_move_an_employer_counts_under_its_parent_of_that_day(tree):
    move(tree)
    old, new, p1, p2 = (
        fresh(tree["old"]),
        fresh(tree["new"]),
        *map(fresh, tree["provinces"]),
    )

    assert coverage(old, BEFORE).employers_with_union == 1
    assert coverage(new, BEFORE).employers_with_union == 0
    assert coverage(p1, BEFORE).employers_eligible == 2
    assert coverage(p2, BEFORE).employers_eligible == 0
    # Restated in today's tree, the same day counts them where they are now.
    assert coverage(new, BEFORE, structure=CURRENT).employers_with_union == 1
    assert coverage(p2, BEFORE, structure=CURRENT).employers_eligible == 1
    # From the move's date on, both structures agree.
    for structure in Structure:
        assert coverage(new, AFTER, structure=structure).employers_with_union == 1
        assert coverage(p2, AFTER, structure=structure).employers_eligible == 1


def test_the_card_of_a_past_date_is_the_sum_of_that_dates_rows(tree):
    move(tree)
    p1 = fresh(tree["provinces"][0])

    card, rows = coverage_with_children(p1, BEFORE)

    assert {row.unit.code for row in rows} >= {"OLD", "ZONE"}
    for key in ("employers_eligible", "employers_with_union", "workers"):
        assert getattr(card, key) == sum(getattr(row, key) for row in rows)
    by_code = {row.unit.code: row for row in rows}
    assert by_code["OLD"].employers_with_union == 1
    assert by_code["ZONE"].employers_eligible == 1


def test_the_lists_of_a_past_date_follow_the_tree_of_that_date(tree):
    move(tree)
    old, new = fresh(tree["old"]), fresh(tree["new"])
    p1, p2 = map(fresh, tree["provinces"])
    white_spot, unionised = tree["white_spot"], tree["unionised"]

    assert list(white_spots(p1, BEFORE)) == [white_spot]
    assert list(WhiteSpotList(p1, BEFORE)[:10]) == [white_spot]
    assert len(WhiteSpotList(p1, BEFORE)) == 1
    assert not white_spots(p2, BEFORE).exists()
    assert len(WhiteSpotList(p2, BEFORE)) == 0
    assert list(white_spots(p2, BEFORE, CURRENT)) == [white_spot]
    assert len(WhiteSpotList(p2, BEFORE, CURRENT)) == 1

    assert list(renewals(old, BEFORE)) == [unionised]
    assert len(RenewalList(old, BEFORE)) == 1
    assert not renewals(new, BEFORE).exists()
    assert len(RenewalList(new, BEFORE)) == 0
    assert len(RenewalList(new, BEFORE, CURRENT)) == 1


def test_the_tally_kept_through_a_move_and_its_undo_equals_a_rebuilt_one(tree):
    before_moves = tally_rows()
    move(tree)
    kept = tally_rows()
    employer_tally.rebuild()
    assert kept == tally_rows()

    services.undo_moves(moves=list(UnitMove.objects.all()))
    spells.refresh()

    assert tally_rows() == before_moves
    assert coverage(fresh(tree["old"]), AFTER).employers_with_union == 1
