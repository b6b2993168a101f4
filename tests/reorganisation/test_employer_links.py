"""A merge re-points the employers of the merged unit and keeps where they were before.

A district federation merged into a commune union on 01/07/2025 hands its employers to
the commune union from that day; its 2024 figures (eligible employers, white spots,
employers with a union) stay as they were on the tree of 2024 and keep the province's
totals restated in today's structure, and undoing the merge
removes the earlier links it wrote and gives back the tally it found.
"""

from datetime import date

import pytest

from tests.coverage.test_employer_tally import tally_rows
from tests.factories import EmployerFactory
from unions import reorganisation
from unions.coverage import spells
from unions.coverage.figures import Structure, coverage_with_children, white_spots
from unions.coverage.white_spot_list import WhiteSpotList
from unions.models import EmployerLink

from .conftest import JULY_2025

pytestmark = pytest.mark.django_db

MARCH_2024 = date(2024, 3, 31)
KEYS = ["employers_eligible", "employers_with_union", "workers", "due_for_renewal"]
CODES = ["LDLD-A", "LDLD-A1", "CD-XA-A"]


def employer_figures(tree, day, structure=Structure.HISTORICAL) -> dict:
    """Each unit's employer figures and its rows' on ``day``."""
    found = {}
    for code in CODES:
        card, rows = coverage_with_children(tree[code], day, structure=structure)
        found[code] = [
            (row.unit.code, row.is_own, [getattr(row, key) for key in KEYS])
            for row in [card, *rows]
        ]
    return found


def test_a_merge_keeps_the_past_of_the_employers_it_re_points(tree, admin):
    white_spot = EmployerFactory(managing_unit=tree["LDLD-A1"], grassroots_union=None)
    march_before = employer_figures(tree, MARCH_2024)
    tally_before = tally_rows()

    record = reorganisation.merge_units(
        units=[tree["LDLD-A1"]],
        into=tree["CD-XA-A"],
        merged_on=JULY_2025,
        decision="01/QĐ-LĐLĐ",
        user=admin,
    )
    spells.refresh()  # what the request that merged does

    links = EmployerLink.objects.filter(reorganisation=record)
    assert links.count() == 3  # two employers with a CĐCS, and the white spot
    assert {link.managing_unit.code for link in links} == {"LDLD-A1"}
    assert {link.ends_on for link in links} == {JULY_2025}
    assert employer_figures(tree, MARCH_2024) == march_before
    # Restated in today's structure: the CĐCS now under the commune union take their
    # employers there, the province's total is the same.
    restated = employer_figures(tree, MARCH_2024, Structure.CURRENT)
    assert restated["LDLD-A"][0] == march_before["LDLD-A"][0]
    assert restated["CD-XA-A"][0][2][:2] == [2, 2]
    assert list(white_spots(tree["LDLD-A1"], MARCH_2024)) == [white_spot]
    # Both the list and its export name the unit that managed it on the day.
    a1_name, commune_name = tree["LDLD-A1"].name, tree["CD-XA-A"].name
    listed = WhiteSpotList(tree["LDLD-A1"], MARCH_2024)[:10]
    assert [e.managing_unit_name_on for e in listed] == [a1_name]
    exported = white_spots(tree["LDLD-A1"], MARCH_2024)
    assert [e.managing_unit_name_on for e in exported] == [a1_name]
    listed = WhiteSpotList(tree["CD-XA-A"], date.today())[:10]
    assert [e.managing_unit_name_on for e in listed] == [commune_name]
    assert not white_spots(tree["CD-XA-A"], MARCH_2024).exists()
    today = date.today()
    assert list(white_spots(tree["CD-XA-A"], today)) == [white_spot]
    card, rows = coverage_with_children(tree["LDLD-A"], today)
    for key in KEYS:
        assert getattr(card, key) == sum(getattr(row, key) for row in rows)

    reorganisation.undo(reorganisation=record, user=admin)
    spells.refresh()

    assert not EmployerLink.objects.exists()
    assert tally_rows() == tally_before
    assert list(white_spots(tree["LDLD-A1"], today)) == [white_spot]
