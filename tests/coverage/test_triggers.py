from datetime import date

import pytest
from django.db import connection, transaction

from registry import frozen_sql
from tests.factories import MembershipFactory
from unions.coverage import dated_tally, spells, triggers
from unions.coverage.figures import Structure, coverage
from unions.models import Employer, EmployerSpell, MemberTally, StaleEmployer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_the_frozen_triggers_are_what_this_module_generates_today(vendor):
    frozen = frozen_sql.latest("unions", "COVERAGE_TRIGGERS")[vendor]

    assert frozen_sql.same_sql(frozen, triggers.statements(vendor))


def test_no_migration_imports_the_projects_code():
    from pathlib import Path

    import members
    import unions

    for app in (unions, members):
        for migration in (Path(app.__file__).parent / "migrations").glob("0*.py"):
            text = migration.read_text()
            for name in ("unions", "members"):
                assert f"from {name} import" not in text, migration.name
                assert f"from {name}." not in text, migration.name


def test_every_trigger_is_installed_after_migrating():
    assert triggers.installed(connection) == set(triggers._trigger_tables())


def test_lost_triggers_are_reinstalled_and_the_tally_recounted(province, cdcs):
    triggers.uninstall(connection)  # what SQLite does when a migration rebuilds a table
    MembershipFactory(unit=cdcs, started_on=date(2020, 1, 1))
    assert coverage(province, structure=Structure.CURRENT).members == 0

    repaired = triggers.ensure(connection)

    assert repaired
    assert coverage(province, structure=Structure.CURRENT).members == 1
    assert triggers.tally_differences(connection) == 0


def test_nothing_is_repaired_when_the_triggers_are_there(province):
    assert not triggers.ensure(connection)


def test_a_full_rebuild_gives_the_same_tally(province, cdcs):
    MembershipFactory.create_batch(3, unit=cdcs, started_on=date(2020, 1, 1))
    before = set(MemberTally.objects.values_list("path", "span", "starts_on", "net"))

    triggers.rebuild_tally(connection)

    assert (
        set(MemberTally.objects.values_list("path", "span", "starts_on", "net"))
        == before
    )


def test_memberships_inserted_while_tallying_later_are_counted_at_the_end(
    province, cdcs
):
    with transaction.atomic():
        with triggers.tally_later(connection):
            MembershipFactory.create_batch(3, unit=cdcs, started_on=date(2020, 1, 1))
            waiting = coverage(province).members
        assert coverage(province).members == 3
        MembershipFactory(unit=cdcs, started_on=date(2021, 1, 1))  # tallied at once

    assert waiting == (0 if connection.vendor == "postgresql" else 3)
    assert coverage(province).members == 4
    assert coverage(province, structure=Structure.CURRENT).members == 4
    assert triggers.tally_differences(connection) == 0
    assert dated_tally.differences(connection) == 0


def test_tallying_later_again_in_the_same_transaction_counts_each_row_once(
    province, cdcs
):
    with transaction.atomic():
        for year in (2020, 2021):
            with triggers.tally_later(connection):
                MembershipFactory(unit=cdcs, started_on=date(year, 1, 1))

    assert coverage(province).members == 2
    assert triggers.tally_differences(connection) == 0
    assert dated_tally.differences(connection) == 0


def test_writing_an_employer_queues_it_and_a_refresh_empties_the_queue(
    province, district
):
    employer = Employer.objects.create(
        tax_code="0100109106", name="Công ty A", kind="fdi", managing_unit=district,
        workers=50,
    )  # fmt: skip
    assert StaleEmployer.objects.filter(employer_id=employer.pk).exists()
    coverage(province)
    assert StaleEmployer.objects.filter(employer_id=employer.pk).exists()  # read only

    spells.refresh()

    assert not StaleEmployer.objects.exists()
    assert EmployerSpell.objects.filter(employer=employer).count() == 1


def test_rebuilding_the_spells_keeps_the_figures(province, district, employer):
    before = coverage(province)

    spells.rebuild()

    assert coverage(province) == before


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_memberships_are_tallied_as_they_are_written(
    province, cdcs
):
    # An earlier transactional test's flush deletes its memberships one by one on
    # SQLite, and the row triggers leave their -1s in the tally: start from a recount.
    triggers.rebuild_tally(connection)
    dated_tally.rebuild(connection)
    with triggers.tally_later(connection):
        MembershipFactory(unit=cdcs, started_on=date(2020, 1, 1))
        assert coverage(province).members == 1

    assert triggers.tally_differences(connection) == 0
    assert dated_tally.differences(connection) == 0
