"""The employer tally kept step by step is the tally computed from the spells at once."""

import random
from datetime import date

import pytest

from tests.factories import EmployerFactory
from unions.coverage import employer_tally, spells, triggers
from unions.coverage.figures import coverage
from unions.models import (
    Employer,
    EmployerTally,
    EmployerTallyBasis,
    UnionUnit,
    UnitEmployerTally,
)

from .recount import as_counted, recount
from .test_rollups_match_a_recount import (
    build_tree,
    employer_steps,
    random_day,
    tree_steps,
)

pytestmark = pytest.mark.django_db


def tally_rows() -> set[tuple]:
    """Every row of both tallies that counts something (a row summed back to zero
    counts nothing): today's tree's, then the tree of each date's."""
    current = EmployerTally.objects.values_list(
        "path", "span", "starts_on", *employer_tally.FIGURES
    )
    dated = UnitEmployerTally.objects.values_list(
        "unit", "span", "starts_on", *employer_tally.FIGURES
    )
    return {("current", *row) for row in current if any(row[3:])} | {
        ("dated", *row) for row in dated if any(row[3:])
    }


def test_the_tally_kept_through_every_write_equals_one_rebuilt_from_the_spells():
    rng = random.Random(11)
    root, provinces, uppers, grassroots = build_tree()
    employer_steps(rng, uppers, grassroots)
    spells.refresh()  # spells and tally written once, then changed step by step
    employer_steps(rng, uppers, grassroots)
    tree_steps(rng, provinces, uppers, grassroots)
    employer_steps(rng, uppers, grassroots)
    spells.refresh()
    gone = EmployerFactory(managing_unit=uppers[0], grassroots_union=grassroots[0])
    Employer.objects.filter(pk=gone.pk).delete()
    spells.refresh()
    kept = tally_rows()

    employer_tally.rebuild()

    assert kept and kept == tally_rows()


def test_a_bulk_refresh_rebuilds_the_tally_once_at_the_end(monkeypatch):
    rng = random.Random(12)
    root, provinces, uppers, grassroots = build_tree()
    spells.refresh()
    employer_steps(rng, uppers, grassroots)
    monkeypatch.setattr(spells, "ANALYZE_AFTER", 5)  # twelve employers: a bulk load
    triggers.mark_all_employers_stale()

    refreshed = spells.refresh(batch_size=4)

    assert refreshed >= 12
    assert EmployerTallyBasis.objects.count() == 1
    for unit in UnionUnit.objects.all():
        day = random_day(rng, date(2014, 1, 1))
        assert as_counted(coverage(unit, day)) == recount(unit, day), (unit, day)


def test_a_changed_threshold_rebuilds_the_tally_for_it(settings):
    rng = random.Random(13)
    root, provinces, uppers, grassroots = build_tree()
    employer_steps(rng, uppers, grassroots)
    day = date(2024, 6, 1)
    at_five = coverage(root, day).employers_eligible

    settings.ELIGIBLE_MIN_WORKERS = 50
    spells.refresh()  # after the deploy that changed it (migrate, or the task)

    assert (
        coverage(root, day).employers_eligible
        == recount(root, day)["employers_eligible"]
    )
    assert coverage(root, day).employers_eligible < at_five
    assert EmployerTallyBasis.objects.get().min_workers == 50
