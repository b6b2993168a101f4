"""The tree of any date: dated moves change the tree from their date on, never before."""

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from registry import frozen_sql
from tests.factories import UnionUnitFactory
from unions import ancestry
from unions.models import UnionUnit, UnitAncestry, UnitMove
from unions.services import (
    create_units,
    dissolve_unit,
    move_many,
    move_unit,
    undo_move,
)

pytestmark = pytest.mark.django_db

Kind = UnionUnit.Kind
MOVED_ON = date(2025, 7, 1)
BEFORE, AFTER = date(2024, 3, 31), date(2025, 12, 31)


@pytest.fixture
def district_with_two(province):
    """A district federation (ended 2025) with two CĐCS; a commune union from 2025."""
    district = UnionUnitFactory(
        parent=province, code="LDLD-H", kind=Kind.DISTRICT, founded_on=date(1991, 1, 1)
    )
    first = UnionUnitFactory(
        parent=district, code="CDCS-1", founded_on=date(2005, 1, 1)
    )
    second = UnionUnitFactory(
        parent=district, code="CDCS-2", founded_on=date(2005, 1, 1)
    )
    commune = UnionUnitFactory(
        parent=province, code="CD-XA", kind=Kind.COMMUNE, founded_on=MOVED_ON
    )
    return district, first, second, commune


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def test_a_move_changes_the_tree_from_its_date_on_only(province, district_with_two):
    district, first, _second, commune = district_with_two

    move_unit(decision="Test/QĐ", unit=first, new_parent=commune, moved_on=MOVED_ON)

    units = UnionUnit.objects
    assert codes(units.children_on(district, BEFORE)) == ["CDCS-1", "CDCS-2"]
    assert codes(units.children_on(district, MOVED_ON - timedelta(days=1))) == [
        "CDCS-1",
        "CDCS-2",
    ]
    assert codes(units.children_on(district, MOVED_ON)) == ["CDCS-2"]
    assert codes(units.children_on(commune, AFTER)) == ["CDCS-1"]
    assert units.parent_on(first, BEFORE) == district
    assert units.parent_on(first, AFTER) == commune
    assert list(units.ancestors_on(first, BEFORE)) == [province, district]
    assert codes(units.within_on(province, BEFORE)) == codes(units.within(province))
    assert codes(units.within_on(commune, BEFORE)) == ["CD-XA"]
    assert ancestry.differences() == 0


def test_moving_an_upper_unit_carries_its_subtree_from_that_day(
    province, district_with_two
):
    district, first, _second, _commune = district_with_two
    other = UnionUnitFactory(code="LDLD-KHAC", kind=Kind.PROVINCIAL)

    move_unit(decision="Test/QĐ", unit=district, new_parent=other, moved_on=MOVED_ON)

    assert UnionUnit.objects.within_on(province, BEFORE).filter(pk=first.pk).exists()
    assert not UnionUnit.objects.within_on(province, AFTER).filter(pk=first.pk).exists()
    assert list(UnionUnit.objects.ancestors_on(first, AFTER)) == [other, district]
    assert ancestry.differences() == 0


def test_a_unit_founded_under_a_moved_parent_sat_where_the_parent_then_sat(
    province, district_with_two
):
    district, _first, _second, commune = district_with_two
    move_unit(
        decision="Test/QĐ",
        unit=district,
        new_parent=UnionUnitFactory(kind=Kind.PROVINCIAL),
        moved_on=MOVED_ON,
    )
    late = UnionUnit(
        code="CDCS-MOI", name="Mới", kind=Kind.GRASSROOTS, founded_on=date(2010, 1, 1)
    )

    create_units(parent=district, units=[late])

    assert (
        UnionUnit.objects.within_on(province, BEFORE).filter(code="CDCS-MOI").exists()
    )
    assert (
        not UnionUnit.objects.within_on(province, AFTER)
        .filter(code="CDCS-MOI")
        .exists()
    )


def test_moves_are_refused_with_nothing_changed(province, district_with_two):
    district, first, second, commune = district_with_two
    today = timezone.localdate()
    ended = UnionUnitFactory(
        parent=province,
        kind=Kind.DISTRICT,
        founded_on=date(1991, 1, 1),
        dissolved_on=MOVED_ON,
    )
    rows = set(
        UnitAncestry.objects.values_list(
            "unit", "ancestor", "depth", "starts_on", "ends_on"
        )
    )
    refused = [
        (first, commune, today + timedelta(days=1), "future"),
        (first, commune, date(2024, 1, 1), "not yet founded"),
        (first, ended, MOVED_ON, "dissolved"),
        (first, second, MOVED_ON, "a CĐCS holds no units"),
        (district, first, MOVED_ON, "its own subtree"),
        (first, district, MOVED_ON, "already there"),
        (first, commune, date(2004, 1, 1), "before the unit was founded"),
    ]

    for unit, parent, day, why in refused:
        with pytest.raises(ValidationError):
            move_unit(decision="Test/QĐ", unit=unit, new_parent=parent, moved_on=day)
        assert not UnitMove.objects.exists(), why

    assert (
        set(
            UnitAncestry.objects.values_list(
                "unit", "ancestor", "depth", "starts_on", "ends_on"
            )
        )
        == rows
    )
    assert UnionUnit.objects.get(pk=first.pk).path.startswith(district.path)


def test_a_move_dated_before_a_later_move_of_the_subtree_is_refused(
    province, district_with_two
):
    district, first, _second, commune = district_with_two
    move_unit(
        decision="Test/QĐ", unit=first, new_parent=commune, moved_on=date(2025, 8, 1)
    )
    other = UnionUnitFactory(kind=Kind.PROVINCIAL)

    with pytest.raises(ValidationError, match="01/08/2025"):
        move_unit(
            decision="Test/QĐ", unit=district, new_parent=other, moved_on=MOVED_ON
        )
    with pytest.raises(ValidationError, match="01/08/2025"):
        move_unit(decision="Test/QĐ", unit=commune, new_parent=other, moved_on=MOVED_ON)

    move_unit(
        decision="Test/QĐ", unit=commune, new_parent=other, moved_on=date(2025, 8, 1)
    )  # same day
    assert ancestry.differences() == 0


def test_a_future_move_says_planned_changes_are_not_stored(district_with_two):
    _district, first, _second, commune = district_with_two

    with pytest.raises(ValidationError, match="không lưu thay đổi dự kiến"):
        move_unit(
            decision="Test/QĐ",
            unit=first,
            new_parent=commune,
            moved_on=timezone.localdate() + timedelta(days=30),
        )


def test_undoing_a_move_restores_the_tree_exactly(province, district_with_two):
    district, first, second, commune = district_with_two
    snapshot = (
        set(
            UnitAncestry.objects.values_list(
                "unit", "ancestor", "depth", "starts_on", "ends_on"
            )
        ),
        list(UnionUnit.objects.values_list("pk", "path", "depth", "numchild")),
    )

    move_many(
        decision="Test/QĐ",
        moves=[(first, commune), (second, commune)],
        moved_on=MOVED_ON,
    )
    for move in UnitMove.objects.order_by("-pk"):
        undo_move(move=move)

    assert (
        set(
            UnitAncestry.objects.values_list(
                "unit", "ancestor", "depth", "starts_on", "ends_on"
            )
        ),
        list(UnionUnit.objects.values_list("pk", "path", "depth", "numchild")),
    ) == snapshot
    assert not UnitMove.objects.exists()


def test_an_undo_is_refused_for_an_older_record_or_after_a_later_move(
    district_with_two,
):
    _district, first, _second, commune = district_with_two
    move_unit(decision="Test/QĐ", unit=first, new_parent=commune, moved_on=MOVED_ON)
    move = UnitMove.objects.get()
    other = UnionUnitFactory(kind=Kind.PROVINCIAL)
    move_unit(
        decision="Test/QĐ", unit=first, new_parent=other, moved_on=date(2025, 9, 1)
    )

    with pytest.raises(ValidationError, match="hãy hoàn tác lần điều chuyển đó trước"):
        undo_move(move=move)
    UnitMove.objects.filter(pk=move.pk).update(
        recorded_at=timezone.now() - timedelta(days=2)
    )
    with pytest.raises(
        ValidationError, match="chỉ hoàn tác được việc điều chuyển ghi trong hôm nay"
    ):
        undo_move(move=UnitMove.objects.get(pk=move.pk))


def test_a_district_whose_unions_moved_away_can_end_on_that_day(district_with_two):
    district, first, second, commune = district_with_two
    move_unit(decision="Test/QĐ", unit=first, new_parent=commune, moved_on=MOVED_ON)

    with pytest.raises(ValidationError):
        dissolve_unit(
            decision="Test/QĐ", unit=district, dissolved_on=MOVED_ON
        )  # CĐCS-2 is still there
    move_unit(decision="Test/QĐ", unit=second, new_parent=commune, moved_on=MOVED_ON)
    dissolve_unit(decision="Test/QĐ", unit=district, dissolved_on=MOVED_ON)

    assert UnionUnit.objects.get(pk=district.pk).dissolved_on == MOVED_ON


def test_the_migration_composes_the_same_rows_from_the_tree_and_the_moves(
    province, district_with_two
):
    district, first, second, commune = district_with_two
    move_unit(decision="Test/QĐ", unit=first, new_parent=commune, moved_on=MOVED_ON)
    move_unit(
        decision="Test/QĐ",
        unit=district,
        new_parent=UnionUnitFactory(kind=Kind.PROVINCIAL),
        moved_on=date(2025, 8, 1),
    )
    kept = set(
        UnitAncestry.objects.values_list(
            "unit", "ancestor", "depth", "starts_on", "ends_on"
        )
    )
    migration = importlib.import_module("unions.migrations.0010_unit_ancestry")
    UnitAncestry.objects.all().delete()

    migration.fill(apps, connection.schema_editor())

    assert (
        set(
            UnitAncestry.objects.values_list(
                "unit", "ancestor", "depth", "starts_on", "ends_on"
            )
        )
        == kept
    )


def test_a_lost_trigger_is_reinstalled_from_the_frozen_sql(province):
    with connection.cursor() as cursor:
        for statement in frozen_sql.latest("unions", "ANCESTRY_TRIGGER_DROP")[
            connection.vendor
        ]:
            cursor.execute(statement)

    assert ancestry.ensure_trigger(connection)
    UnionUnitFactory(parent=province, kind=Kind.COMMUNE)
    assert ancestry.differences() == 0


def test_the_frozen_trigger_sql_is_what_the_code_generates():
    for vendor in ("postgresql", "sqlite"):
        frozen = frozen_sql.latest("unions", "ANCESTRY_TRIGGER")[vendor]
        assert frozen_sql.same_sql(frozen, ancestry.trigger_sql(vendor)), vendor


def test_an_undo_is_refused_when_a_unit_left_the_moved_subtree_later(
    district_with_two,
):
    district, first, _second, commune = district_with_two
    move_unit(
        decision="Test/QĐ",
        unit=district,
        new_parent=UnionUnitFactory(kind=Kind.PROVINCIAL),
        moved_on=MOVED_ON,
    )
    move = UnitMove.objects.get()
    move_unit(
        decision="Test/QĐ", unit=first, new_parent=commune, moved_on=date(2025, 9, 1)
    )

    with pytest.raises(ValidationError, match="hãy hoàn tác lần điều chuyển đó trước"):
        undo_move(move=move)
