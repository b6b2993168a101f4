"""Member figures on the tree of the date (UnitMemberTally) and in today's structure."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from members.models import Membership, StartReason
from registry import frozen_sql
from tests.factories import MembershipFactory, UnionUnitFactory
from unions import services
from unions.coverage import dated_tally, triggers
from unions.coverage.figures import (
    Structure,
    coverage,
    coverage_with_children,
    members_by_month,
)
from unions.models import MemberTally, UnionUnit, UnitMemberTally

pytestmark = pytest.mark.django_db

Kind = UnionUnit.Kind
HISTORICAL, CURRENT = Structure.HISTORICAL, Structure.CURRENT


@pytest.fixture
def districts(province):
    return [
        UnionUnitFactory(
            parent=province,
            code=f"LDLD-H{i}",
            kind=Kind.DISTRICT,
            founded_on=date(2000, 1, 1),
        )
        for i in (1, 2)
    ]


@pytest.fixture
def commune(province):
    return UnionUnitFactory(
        parent=province, code="CD-XA", kind=Kind.COMMUNE, founded_on=date(2025, 7, 1)
    )


def members(unit, day, structure=HISTORICAL):
    return coverage(unit, day, structure=structure).members


def children_members(unit, day, structure=HISTORICAL):
    _total, children = coverage_with_children(unit, day, structure=structure)
    return {child.unit.code: child.members for child in children}


def test_the_frozen_triggers_are_what_the_rule_list_generates_today():
    for vendor in ("postgresql", "sqlite"):
        frozen = frozen_sql.latest("unions", "DATED_TALLY_TRIGGERS")[vendor]
        assert frozen_sql.same_sql(frozen, dated_tally.trigger_sql(vendor)), vendor
        rebuild = frozen_sql.latest("unions", "DATED_TALLY_REBUILD")[vendor]
        assert frozen_sql.same_sql(rebuild, dated_tally.rebuild_sql(vendor)), vendor


def test_a_move_changes_the_figures_from_its_date_on_never_before(
    province, districts, commune
):
    cdcs = UnionUnitFactory(parent=districts[0], founded_on=date(2010, 1, 1))
    MembershipFactory.create_batch(3, unit=cdcs, started_on=date(2015, 1, 1))
    today = timezone.localdate()
    before = {
        day: children_members(province, day) for day in (date(2024, 3, 31), today)
    }

    services.move_unit(
        decision="Test/QĐ", unit=cdcs, new_parent=commune, moved_on=today
    )

    assert children_members(province, date(2024, 3, 31)) == before[date(2024, 3, 31)]
    assert before[date(2024, 3, 31)] == {"LDLD-H1": 3, "LDLD-H2": 0}
    assert members(districts[0], date(2024, 3, 31)) == 3
    assert members(commune, today - timedelta(days=1)) == 0
    assert members(districts[0], today) == 0
    assert members(commune, today) == 3
    assert members(province, date(2024, 3, 31)) == members(province, today) == 3
    assert dated_tally.differences(connection) == 0


def test_the_current_structure_counts_the_past_where_units_are_now(
    province, districts, commune
):
    cdcs = UnionUnitFactory(parent=districts[0], founded_on=date(2010, 1, 1))
    MembershipFactory.create_batch(2, unit=cdcs, started_on=date(2015, 1, 1))
    services.move_unit(
        unit=cdcs, new_parent=commune, moved_on=date(2025, 7, 1), decision="QĐ 1"
    )

    past = date(2024, 3, 31)

    assert children_members(province, past, CURRENT) == {
        "LDLD-H1": 0,
        "LDLD-H2": 0,
        "CD-XA": 2,
    }
    assert children_members(province, past) == {"LDLD-H1": 2, "LDLD-H2": 0}
    assert members(province, past, CURRENT) == members(province, past) == 2


def test_children_on_a_past_date_are_the_children_of_that_date(
    province, districts, commune
):
    cdcs = UnionUnitFactory(parent=districts[1], founded_on=date(2010, 1, 1))
    MembershipFactory(unit=cdcs, started_on=date(2015, 1, 1))
    services.move_unit(
        decision="Test/QĐ", unit=cdcs, new_parent=commune, moved_on=date(2025, 7, 1)
    )
    services.dissolve_unit(
        decision="Test/QĐ", unit=districts[1], dissolved_on=date(2025, 7, 1)
    )

    _total, in_2024 = coverage_with_children(province, date(2024, 3, 31))
    _total, in_2026 = coverage_with_children(province, date(2026, 1, 1))

    assert [row.unit.code for row in in_2024] == ["LDLD-H1", "LDLD-H2"]
    assert [(row.unit.code, row.cdcs) for row in in_2026] == [
        ("LDLD-H1", 0),
        ("CD-XA", 1),
    ]
    assert [row.cdcs for row in in_2024] == [0, 1]


def test_a_move_counts_the_grassroots_union_under_its_parent_of_the_day(
    province, districts, commune
):
    cdcs = UnionUnitFactory(parent=districts[0], founded_on=date(2010, 1, 1))
    services.move_unit(
        decision="Test/QĐ", unit=cdcs, new_parent=commune, moved_on=date(2025, 7, 1)
    )

    assert coverage(districts[0], date(2025, 6, 30)).cdcs == 1
    assert coverage(districts[0], date(2025, 7, 1)).cdcs == 0
    assert coverage(commune, date(2025, 7, 1)).cdcs == 1
    assert coverage(districts[0], date(2025, 6, 30), structure=CURRENT).cdcs == 0


def test_admissions_count_under_the_parent_of_their_day(province, districts, commune):
    cdcs = UnionUnitFactory(parent=districts[0], founded_on=date(2010, 1, 1))
    MembershipFactory(unit=cdcs, started_on=date(2025, 3, 10))
    MembershipFactory(
        unit=cdcs, started_on=date(2025, 8, 5), start_reason=StartReason.TRANSFERRED
    )
    MembershipFactory(unit=cdcs, started_on=date(2025, 9, 1))
    services.move_unit(
        decision="Test/QĐ", unit=cdcs, new_parent=commune, moved_on=date(2025, 7, 1)
    )

    end_of_year = date(2025, 12, 31)
    district = coverage(districts[0], end_of_year)
    moved_to = coverage(commune, end_of_year)

    assert (district.admitted_this_year, moved_to.admitted_this_year) == (1, 1)
    assert coverage(province, date(2025, 9, 30)).admitted_this_month == 1
    assert coverage(province, end_of_year).admitted_this_year == 2


def test_members_by_month_follow_the_tree_of_each_month_end(
    province, districts, commune
):
    cdcs = UnionUnitFactory(parent=districts[0], founded_on=date(2010, 1, 1))
    MembershipFactory.create_batch(2, unit=cdcs, started_on=date(2024, 1, 15))
    services.move_unit(
        decision="Test/QĐ", unit=cdcs, new_parent=commune, moved_on=date(2025, 7, 1)
    )

    points = members_by_month(districts[0], date(2025, 8, 20), months=9)

    assert [(day, count) for day, count, _ in points] == [
        (date(2024, 12, 31), 2),
        (date(2025, 1, 31), 2),
        (date(2025, 2, 28), 2),
        (date(2025, 3, 31), 2),
        (date(2025, 4, 30), 2),
        (date(2025, 5, 31), 2),
        (date(2025, 6, 30), 2),
        (date(2025, 7, 31), 0),
        (date(2025, 8, 20), 0),
    ]
    current = members_by_month(districts[0], date(2025, 8, 20), 9, structure=CURRENT)
    assert {count for _day, count, _ in current} == {0}


def test_an_undone_move_leaves_the_tally_as_it_was(province, districts, commune):
    cdcs = UnionUnitFactory(parent=districts[0], founded_on=date(2010, 1, 1))
    MembershipFactory.create_batch(2, unit=cdcs, started_on=date(2015, 1, 1))
    before = set(
        UnitMemberTally.objects.exclude(net=0, admitted=0).values_list(
            "unit_id", "span", "starts_on", "net", "admitted"
        )
    )
    [move] = services.move_many(
        moves=[(cdcs, commune)], moved_on=date(2025, 7, 1), decision="QĐ 2"
    )

    services.undo_move(move=move)

    assert (
        set(
            UnitMemberTally.objects.exclude(net=0, admitted=0).values_list(
                "unit_id", "span", "starts_on", "net", "admitted"
            )
        )
        == before
    )


def test_membership_changes_and_deletions_keep_the_tally_exact(province, districts):
    cdcs = UnionUnitFactory(parent=districts[0], founded_on=date(2010, 1, 1))
    other = UnionUnitFactory(parent=districts[1], founded_on=date(2010, 1, 1))
    first, second = MembershipFactory.create_batch(
        2, unit=cdcs, started_on=date(2015, 1, 1)
    )
    Membership.objects.filter(pk=first.pk).update(unit=other, left_on=date(2020, 1, 1))
    Membership.objects.filter(pk=second.pk).delete()

    assert dated_tally.differences(connection) == 0
    assert members(districts[1], date(2019, 12, 31)) == 1
    assert members(districts[1], date(2020, 1, 1)) == 0
    assert members(districts[0], date(2019, 1, 1)) == 0


def test_lost_triggers_are_reinstalled_from_their_frozen_text_and_recounted(
    province, cdcs
):
    with connection.cursor() as cursor:
        for statement in dated_tally.drop_sql(connection.vendor):
            cursor.execute(statement)
    MembershipFactory(unit=cdcs, started_on=date(2020, 1, 1))
    assert members(province, date(2021, 1, 1)) == 0

    assert dated_tally.ensure(connection)

    assert members(province, date(2021, 1, 1)) == 1
    assert not dated_tally.ensure(connection)


def test_a_tally_left_by_a_flush_without_memberships_is_emptied_after_migrate(cdcs):
    # What a flush leaves on SQLite when it empties a tally before the memberships.
    UnitMemberTally.objects.create(
        unit=cdcs, span="d", starts_on=date(2020, 1, 1), net=-1
    )
    MemberTally.objects.create(
        path=cdcs.path, span="d", starts_on=date(2020, 1, 1), net=-1
    )

    dated_tally.ensure(connection)
    triggers.ensure(connection)

    assert not UnitMemberTally.objects.exists()
    assert not MemberTally.objects.exists()
