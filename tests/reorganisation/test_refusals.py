"""Every refusal of a reorganisation says why, and changes nothing."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from members import reorganisation as with_members
from tests.factories import MembershipFactory, UnionUnitFactory
from unions import reorganisation
from unions.models import Reorganisation

from .conftest import JULY_2025, Kind, snapshot

pytestmark = pytest.mark.django_db


def refused(operation, **arguments) -> str:
    """The message of the refusal (in English), after checking that nothing changed."""
    before = snapshot()
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            operation(**arguments)
        message = " ".join(error.value.messages)
    assert snapshot() == before
    return message


def move(tree, user, code="CDCS-A1", to="CD-XA-A", day=JULY_2025, decision="1/QĐ"):
    return refused(
        reorganisation.move_unit,
        unit=tree[code],
        new_parent=tree[to],
        moved_on=day,
        decision=decision,
        user=user,
    )


def test_an_operation_without_a_decision_number_is_refused(tree, officer_a):
    assert "số quyết định" in move(tree, officer_a, decision="  ")


def test_an_operation_dated_in_the_future_is_refused(tree, officer_a):
    tomorrow = timezone.localdate() + timedelta(days=1)

    assert "planned changes are not stored" in move(tree, officer_a, day=tomorrow)


def test_the_refusal_is_in_vietnamese_by_default_and_english_when_switched(
    tree, officer_a
):
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        reorganisation.move_unit(
            unit=tree["CDCS-A1"],
            new_parent=tree["CD-XA-A"],
            moved_on=tomorrow,
            decision="1/QĐ",
            user=officer_a,
        )
    vietnamese = error.value.messages[0]
    english = move(tree, officer_a, day=tomorrow)

    assert "thay đổi dự kiến không được lưu" in vietnamese
    assert "cannot be dated in the future" in english


def test_a_move_under_its_own_subtree_is_refused(tree, officer_a):
    assert "its own subtree" in move(tree, officer_a, code="LDLD-A", to="LDLD-A1")


def test_a_merge_into_its_own_subtree_is_refused(tree, admin):
    message = refused(
        reorganisation.merge_units,
        units=[tree["LDLD-A"]],
        into=tree["LDLD-A1"],
        merged_on=JULY_2025,
        decision="1/QĐ",
        user=admin,
    )

    assert "its own subtree" in message


def test_a_parent_not_yet_founded_on_the_date_is_refused(tree, officer_a):
    message = move(tree, officer_a, day=date(2024, 1, 1))

    assert "01/07/2025" in message and "01/01/2024" in message


def test_a_parent_dissolved_on_the_date_is_refused(tree, officer_a):
    ended = UnionUnitFactory(
        parent=tree["LDLD-A"],
        code="LDLD-CU",
        kind=Kind.DISTRICT,
        dissolved_on=date(2025, 7, 1),
    )

    message = move(tree, officer_a, to=ended.code, day=date(2025, 8, 1))

    assert "was dissolved on 01/07/2025" in message


def test_a_kind_the_statute_does_not_allow_there_is_refused(tree, officer_a):
    assert "cannot sit under" in move(tree, officer_a, code="LDLD-A1", to="CD-XA-A")
    assert "grassroots union" in move(tree, officer_a, to="CDCS-A2")


def test_a_cdcs_cannot_be_merged_into_an_upper_unit(tree, officer_a):
    message = refused(
        with_members.merge_units,
        units=[tree["CDCS-A1"]],
        into=tree["CD-XA-A"],
        merged_on=JULY_2025,
        decision="1/QĐ",
        user=officer_a,
    )

    assert "a CĐCS merges only with a CĐCS" in message


def test_an_operation_dated_before_a_later_operation_on_the_same_units_is_refused(
    tree, officer_a
):
    reorganisation.recode_unit(
        unit=tree["CDCS-A1"],
        code="A1-MOI",
        recoded_on=date(2025, 8, 1),
        decision="1/QĐ",
        user=officer_a,
    )

    message = move(tree, officer_a, code="A1-MOI", day=JULY_2025)

    assert "reorganised on 01/08/2025" in message


def test_a_move_dated_before_a_later_move_below_is_refused(tree, admin):
    reorganisation.move_unit(
        unit=tree["CDCS-A1"],
        new_parent=tree["CD-XA-A"],
        moved_on=date(2025, 8, 1),
        decision="1/QĐ",
        user=admin,
    )

    message = move(tree, admin, code="LDLD-A1", to="LDLD-B", day=JULY_2025)

    assert "moved on 01/08/2025" in message


def test_units_outside_the_officers_province_are_refused(tree, officer_a):
    assert "not in your scope: CDCS-B1" in move(tree, officer_a, code="CDCS-B1")
    assert "not in your scope: LDLD-B1" in move(
        tree, officer_a, code="CDCS-A1", to="LDLD-B1"
    )


@pytest.mark.parametrize("role", ["upper_level", "grassroots", "leader"])
def test_lower_roles_cannot_reorganise(tree, role):
    from tests.factories import UserFactory

    user = UserFactory(role=role, unit=tree["LDLD-A"])

    assert "Only a provincial officer" in move(tree, user)


def test_an_upper_unit_with_active_children_cannot_be_dissolved(tree, officer_a):
    message = refused(
        reorganisation.dissolve_unit,
        unit=tree["LDLD-A1"],
        dissolved_on=JULY_2025,
        decision="1/QĐ",
        user=officer_a,
    )

    assert "still active" in message


def test_a_cdcs_is_not_dissolved_as_an_upper_unit(tree, officer_a):
    message = refused(
        reorganisation.dissolve_unit,
        unit=tree["CDCS-A1"],
        dissolved_on=JULY_2025,
        decision="1/QĐ",
        user=officer_a,
    )

    assert "together with its members" in message


def test_a_merge_refused_half_way_leaves_no_new_unit(tree, admin):
    UnionUnitFactory(
        parent=tree["LDLD-A1"], code="CDCS-MOI", founded_on=date(2025, 9, 1)
    )

    message = refused(
        reorganisation.merge_units,
        units=[tree["LDLD-A1"]],
        new_unit={
            "code": "CD-XA-MOI",
            "name": "Công đoàn xã Mới",
            "kind": Kind.COMMUNE,
            "parent": tree["LDLD-A"],
        },
        merged_on=JULY_2025,
        decision="1/QĐ",
        user=admin,
    )

    assert "CDCS-MOI" in message and "01/09/2025" in message


def test_a_merge_into_a_unit_dissolved_on_the_date_is_refused(tree, admin):
    ended = UnionUnitFactory(
        parent=tree["LDLD-A"],
        code="LDLD-CU",
        kind=Kind.DISTRICT,
        dissolved_on=date(2025, 1, 1),
    )

    message = refused(
        reorganisation.merge_units,
        units=[tree["LDLD-A1"]],
        into=ended,
        merged_on=JULY_2025,
        decision="1/QĐ",
        user=admin,
    )

    assert "dissolved on 01/01/2025" in message


def test_a_code_in_use_or_formerly_used_is_refused(tree, officer_a):
    assert "used by" in refused(
        reorganisation.recode_unit,
        unit=tree["CDCS-A1"],
        code="CDCS-A2",
        recoded_on=JULY_2025,
        decision="1/QĐ",
        user=officer_a,
    )
    reorganisation.recode_unit(
        unit=tree["CDCS-A2"],
        code="A2-MOI",
        recoded_on=JULY_2025,
        decision="1/QĐ",
        user=officer_a,
    )

    assert "still finds it" in refused(
        reorganisation.recode_unit,
        unit=tree["CDCS-A1"],
        code="CDCS-A2",
        recoded_on=JULY_2025,
        decision="1/QĐ",
        user=officer_a,
    )


def test_members_who_joined_after_the_dissolution_date_are_refused(tree, officer_a):
    MembershipFactory(unit=tree["CDCS-A1"], started_on=date(2025, 8, 1))

    message = refused(
        with_members.dissolve_grassroots,
        unit=tree["CDCS-A1"],
        dissolved_on=JULY_2025,
        decision="1/QĐ",
        transfer_to=tree["CDCS-A2"],
        user=officer_a,
    )

    assert "joined on 01/07/2025 or later" in message


def test_members_cannot_be_transferred_to_a_cdcs_of_another_province(tree, officer_a):
    message = refused(
        with_members.dissolve_grassroots,
        unit=tree["CDCS-A1"],
        dissolved_on=JULY_2025,
        decision="1/QĐ",
        transfer_to=tree["CDCS-B1"],
        user=officer_a,
    )

    assert "not in your scope: CDCS-B1" in message


def test_an_operation_recorded_on_an_earlier_day_cannot_be_undone(tree, officer_a):
    record = reorganisation.move_unit(
        unit=tree["CDCS-A1"],
        new_parent=tree["CD-XA-A"],
        moved_on=JULY_2025,
        decision="1/QĐ",
        user=officer_a,
    )
    Reorganisation.objects.filter(pk=record.pk).update(
        recorded_at=timezone.now() - timedelta(days=1)
    )

    message = refused(with_members.undo, reorganisation_record=record, user=officer_a)

    assert "only an operation recorded today can be undone" in message


def test_an_operation_with_a_later_one_on_the_same_units_is_undone_after_it(
    tree, officer_a
):
    first = reorganisation.move_unit(
        unit=tree["CDCS-A1"],
        new_parent=tree["CD-XA-A"],
        moved_on=JULY_2025,
        decision="1/QĐ",
        user=officer_a,
    )
    second = reorganisation.recode_unit(
        unit=tree["CDCS-A1"],
        code="A1-MOI",
        recoded_on=JULY_2025,
        decision="2/QĐ",
        user=officer_a,
    )

    assert "undo it first" in refused(
        with_members.undo, reorganisation_record=first, user=officer_a
    )
    with_members.undo(reorganisation_record=second, user=officer_a)
    with_members.undo(reorganisation_record=first, user=officer_a)
    assert "already undone" in refused(
        with_members.undo, reorganisation_record=first, user=officer_a
    )


def test_another_province_cannot_undo_an_operation(tree, officer_a, officer_b):
    record = reorganisation.move_unit(
        unit=tree["CDCS-A1"],
        new_parent=tree["CD-XA-A"],
        moved_on=JULY_2025,
        decision="1/QĐ",
        user=officer_a,
    )

    assert "not in your scope" in refused(
        with_members.undo, reorganisation_record=record, user=officer_b
    )
