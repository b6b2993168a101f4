"""Each reorganisation operation does what it says, records its decision, and can be
undone on the same day, restoring the tree exactly."""

from datetime import date

import pytest
from django.utils import timezone

from members import reorganisation as with_members
from members.models import LeaveReason, Membership
from registry.models import User
from unions import reorganisation
from unions.models import Employer, Reorganisation, UnionUnit, UnitMove

from .conftest import JULY_2025, Kind, snapshot

pytestmark = pytest.mark.django_db


def active_members(unit, day=None):
    day = day or timezone.localdate()
    return Membership.objects.active_on(day).filter(unit=unit).count()


def test_merging_two_provinces_moves_children_employers_and_accounts(
    tree, admin, officer_b
):
    a, b = tree["LDLD-A"], tree["LDLD-B"]

    record = reorganisation.merge_units(
        units=[b], into=a, merged_on=JULY_2025, decision="1/QĐ-TLĐ", user=admin
    )

    assert {u.code for u in UnionUnit.objects.get_children(tree["LDLD-A"])} == {
        "LDLD-A1",
        "CD-XA-A",
        "LDLD-B1",
        "KCN-B",
    }
    assert tree["LDLD-B"].dissolved_on == JULY_2025
    assert tree["LDLD-B"].decision == "1/QĐ-TLĐ"
    assert User.objects.get(pk=officer_b.pk).unit == a
    assert record.decision == "1/QĐ-TLĐ" and record.kind == Reorganisation.Kind.MERGE
    assert [row["username"] for row in record.summary["accounts"]] == ["canbo_b"]
    assert UnitMove.objects.filter(reorganisation=record).count() == 2
    # Before the merge the district sat under B; from its date on, under A.
    assert UnionUnit.objects.parent_on(tree["LDLD-B1"], date(2024, 3, 31)) == b
    assert UnionUnit.objects.parent_on(tree["LDLD-B1"], JULY_2025) == a


def test_merging_into_a_new_unit_founds_it_on_the_date(tree, admin):
    record = reorganisation.merge_units(
        units=[tree["LDLD-A1"], tree["LDLD-B1"]],
        new_unit={
            "code": "CD-XA-MOI",
            "name": "Công đoàn xã Mới",
            "kind": Kind.COMMUNE,
            "parent": tree["LDLD-A"],
        },
        merged_on=JULY_2025,
        decision="2/QĐ-LĐLĐ",
        user=admin,
    )

    new = tree["CD-XA-MOI"]
    assert new.founded_on == JULY_2025
    assert set(UnionUnit.objects.get_children(new).values_list("code", flat=True)) == {
        "CDCS-A1",
        "CDCS-A2",
        "CDCS-B1",
    }
    assert Employer.objects.filter(managing_unit=new).count() == 4
    assert record.summary["units"][0] == {
        "action": "created",
        "code": "CD-XA-MOI",
        "name": "Công đoàn xã Mới",
        "kind": Kind.COMMUNE,
    }


def test_undoing_a_merge_into_a_new_unit_restores_the_tree_exactly(tree, admin):
    before = snapshot()
    record = reorganisation.merge_units(
        units=[tree["LDLD-A1"], tree["LDLD-B1"]],
        new_unit={
            "code": "CD-XA-MOI",
            "name": "Công đoàn xã Mới",
            "kind": Kind.COMMUNE,
            "parent": tree["LDLD-A"],
        },
        merged_on=JULY_2025,
        decision="2/QĐ-LĐLĐ",
        user=admin,
    )

    with_members.undo(reorganisation_record=record, user=admin)

    assert snapshot() == before
    assert Reorganisation.objects.get(pk=record.pk).is_undone


def test_undoing_a_province_merge_restores_accounts_and_the_tree(
    tree, admin, officer_b
):
    before = snapshot()
    record = reorganisation.merge_units(
        units=[tree["LDLD-B"]],
        into=tree["LDLD-A"],
        merged_on=JULY_2025,
        decision="1/QĐ-TLĐ",
        user=admin,
    )

    with_members.undo(reorganisation_record=record, user=admin)

    assert snapshot() == before


def test_moving_a_unit_carries_its_subtree_and_is_undone_exactly(tree, officer_a):
    before = snapshot()

    record = reorganisation.move_unit(
        unit=tree["CDCS-A1"],
        new_parent=tree["CD-XA-A"],
        moved_on=JULY_2025,
        decision="3/QĐ-LĐLĐ",
        user=officer_a,
    )

    assert UnionUnit.objects.get_parent(tree["CDCS-A1"]) == tree["CD-XA-A"]
    assert record.summary["units"] == [
        {
            "action": "moved",
            "code": "CDCS-A1",
            "name": tree["CDCS-A1"].name,
            "kind": Kind.GRASSROOTS,
            "from_code": "LDLD-A1",
            "to": "CD-XA-A",
        }
    ]
    assert with_members.members_touched(record.summary, JULY_2025) == 3

    with_members.undo(reorganisation_record=record, user=officer_a)

    assert snapshot() == before


def test_reattaching_many_cdcs_moves_each_under_its_new_parent(tree, officer_a):
    record = reorganisation.reattach_grassroots(
        mapping=[
            (tree["CDCS-A1"], tree["CD-XA-A"]),
            (tree["CDCS-A2"], tree["CD-XA-A"]),
        ],
        moved_on=JULY_2025,
        decision="4/QĐ-LĐLĐ",
        user=officer_a,
    )

    assert tree["LDLD-A1"].numchild == 0
    assert tree["CD-XA-A"].numchild == 2
    assert len(record.summary["grassroots"]) == 2
    assert record.kind == Reorganisation.Kind.REATTACH


def test_recoding_keeps_the_old_code_finding_the_unit(tree, officer_a):
    unit = tree["CDCS-A1"]

    record = reorganisation.recode_unit(
        unit=unit,
        code="hy-cdcs-a1",
        name="Công đoàn Công ty A1",
        recoded_on=JULY_2025,
        decision="5/QĐ",
        user=officer_a,
    )

    assert UnionUnit.objects.get(pk=unit.pk).code == "HY-CDCS-A1"
    assert UnionUnit.objects.with_code("CDCS-A1").get() == unit
    assert UnionUnit.objects.with_code(" cdcs-a1 ").get() == unit
    assert UnionUnit.objects.by_codes(["CDCS-A1", "HY-CDCS-A1"]) == {
        "CDCS-A1": unit,
        "HY-CDCS-A1": unit,
    }
    assert record.summary["units"][0]["from_code"] == "CDCS-A1"


def test_undoing_a_recode_restores_the_code_and_forgets_the_former_one(tree, officer_a):
    before = snapshot()
    record = reorganisation.recode_unit(
        unit=tree["CDCS-A1"],
        code="HY-CDCS-A1",
        recoded_on=JULY_2025,
        decision="5/QĐ",
        user=officer_a,
    )

    with_members.undo(reorganisation_record=record, user=officer_a)

    assert snapshot() == before
    assert not UnionUnit.objects.with_code("HY-CDCS-A1").exists()


def test_dissolving_a_cdcs_transfers_its_active_members_in_the_same_step(
    tree, officer_a
):
    record = with_members.dissolve_grassroots(
        unit=tree["CDCS-A1"],
        dissolved_on=JULY_2025,
        decision="6/QĐ",
        transfer_to=tree["CDCS-A2"],
        user=officer_a,
    )

    assert tree["CDCS-A1"].dissolved_on == JULY_2025
    assert active_members(tree["CDCS-A1"]) == 0
    assert active_members(tree["CDCS-A2"]) == 5
    assert active_members(tree["CDCS-A1"], date(2025, 6, 30)) == 3
    assert record.summary["members"] == {
        "transferred": 3,
        "left": 0,
        "to": "CDCS-A2",
    }


def test_dissolving_a_cdcs_can_record_its_members_as_leaving(tree, officer_a):
    with_members.dissolve_grassroots(
        unit=tree["CDCS-A1"],
        dissolved_on=JULY_2025,
        decision="6/QĐ",
        user=officer_a,
    )

    ended = Membership.objects.filter(unit=tree["CDCS-A1"])
    assert {(m.left_on, m.leave_reason, m.leave_note) for m in ended} == {
        (JULY_2025, LeaveReason.RESTRUCTURED, "6/QĐ")
    }
    assert not Membership.objects.filter(left_on__isnull=True, unit=tree["CDCS-A1"])


@pytest.mark.parametrize("transfer", [True, False])
def test_undoing_a_cdcs_dissolution_restores_its_members(tree, officer_a, transfer):
    before = snapshot()
    record = with_members.dissolve_grassroots(
        unit=tree["CDCS-A1"],
        dissolved_on=JULY_2025,
        decision="6/QĐ",
        transfer_to=tree["CDCS-A2"] if transfer else None,
        user=officer_a,
    )

    with_members.undo(reorganisation_record=record, user=officer_a)

    assert snapshot() == before


def test_merging_cdcs_transfers_their_members(tree, officer_a):
    with_members.merge_units(
        units=[tree["CDCS-A2"]],
        into=tree["CDCS-A1"],
        merged_on=JULY_2025,
        decision="7/QĐ",
        user=officer_a,
    )

    assert active_members(tree["CDCS-A1"]) == 5
    assert tree["CDCS-A2"].dissolved_on == JULY_2025
    assert Employer.objects.filter(grassroots_union=tree["CDCS-A1"]).count() == 2


def test_dissolving_an_upper_unit_whose_children_moved(tree, officer_a):
    reorganisation.reattach_grassroots(
        mapping=[
            (tree["CDCS-A1"], tree["CD-XA-A"]),
            (tree["CDCS-A2"], tree["CD-XA-A"]),
        ],
        moved_on=JULY_2025,
        decision="4/QĐ",
        user=officer_a,
    )

    record = reorganisation.dissolve_unit(
        unit=tree["LDLD-A1"], dissolved_on=JULY_2025, decision="8/QĐ", user=officer_a
    )

    assert tree["LDLD-A1"].dissolved_on == JULY_2025
    assert record.summary["units"][0]["action"] == "ended"
