"""No path moves or dissolves a unit without its decision number, nor dissolves a CĐCS
without handling its members: the tree services refuse a missing decision, the unit
import dissolves through the reorganisation operations, and only those operations
(and the demo province's history) call the tree's move and dissolve services."""

import ast
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from members import reorganisation as with_members
from members.models import Membership
from registry.spreadsheets.importing import run_import
from tests.imports.files import xlsx
from unions import services
from unions.models import Reorganisation, UnionUnit

from .conftest import JULY_2025, snapshot

pytestmark = pytest.mark.django_db

UNIT_HEADER = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Loại đơn vị",
    "Mã đơn vị cấp trên",
    "Ngày thành lập",
    "Ngày giải thể",
    "Số quyết định",
    "Chuyển đoàn viên đến CĐCS",
]


@pytest.mark.parametrize(
    "call",
    [
        lambda tree, decision: services.move_unit(
            unit=tree["CDCS-A1"],
            new_parent=tree["CD-XA-A"],
            moved_on=JULY_2025,
            decision=decision,
        ),
        lambda tree, decision: services.move_many(
            moves=[(tree["CDCS-A1"], tree["CD-XA-A"])],
            moved_on=JULY_2025,
            decision=decision,
        ),
        lambda tree, decision: services.dissolve_unit(
            unit=tree["CD-XA-A"], dissolved_on=JULY_2025, decision=decision
        ),
        lambda tree, decision: services.dissolve_units(
            units=[tree["CD-XA-A"]], dissolved_on=JULY_2025, decision=decision
        ),
    ],
    ids=["move_unit", "move_many", "dissolve_unit", "dissolve_units"],
)
@pytest.mark.parametrize("decision", ["", "   "])
def test_the_tree_services_refuse_a_move_or_dissolution_without_a_decision(
    tree, call, decision
):
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        call(tree, decision)

    assert refused.value.error_dict["decision"][0].code == "decision_missing"
    assert snapshot() == before


def import_units(rows, user):
    return run_import(xlsx([UNIT_HEADER, *rows]), "units.xlsx", "units", user=user)


def cdcs_row(code, dissolved_on="01/08/2025", decision="30/QĐ-LĐLĐ", transfer=""):
    name = UnionUnit.objects.get(code=code).name
    return [code, name, "CĐCS", "", "01/01/2010", dissolved_on, decision, transfer]


def test_the_unit_import_refuses_to_dissolve_a_cdcs_that_has_members(tree, officer_a):
    before = snapshot()

    _table, outcome = import_units([cdcs_row("CDCS-A1")], officer_a)

    [error] = outcome.errors
    assert "còn 3 đoàn viên" in error.message
    assert "Sắp xếp tổ chức" in error.message
    assert snapshot() == before


def test_the_unit_import_dissolves_a_cdcs_transferring_its_members_to_the_cdcs_named(
    tree, officer_a
):
    before = snapshot()

    _table, outcome = import_units([cdcs_row("CDCS-A1", transfer="cdcs-a2")], officer_a)

    assert outcome.errors == []
    record = Reorganisation.objects.get()
    assert record.summary["members"] == {"transferred": 3, "left": 0, "to": "CDCS-A2"}
    assert Membership.objects.filter(unit__code="CDCS-A2", left_on=None).count() == 5
    with_members.undo(reorganisation_record=record, user=officer_a)
    assert snapshot() == before


def test_the_transfer_column_is_refused_where_no_cdcs_is_dissolved(tree, officer_a):
    row = cdcs_row("CDCS-A1", dissolved_on="", decision="", transfer="CDCS-A2")

    _table, outcome = import_units([row], officer_a)

    [error] = outcome.errors
    assert error.column == "Chuyển đoàn viên đến CĐCS"


def test_the_unit_import_refuses_a_dissolution_without_its_decision_number(
    tree, officer_a
):
    empty = services.create_unit(
        code="CDCS-RONG", name="CĐCS rỗng", kind="grassroots",
        founded_on=date(2010, 1, 1), parent=tree["LDLD-A1"],
    )  # fmt: skip
    before = snapshot()

    _table, outcome = import_units([cdcs_row(empty.code, decision="")], officer_a)

    [error] = outcome.errors
    assert (error.column, "số quyết định" in error.message.lower()) == (
        "Số quyết định",
        True,
    )
    assert snapshot() == before


def test_the_unit_import_dissolves_an_empty_cdcs_as_a_reorganisation_undone_later(
    tree, officer_a
):
    empty = services.create_unit(
        code="CDCS-RONG", name="CĐCS rỗng", kind="grassroots",
        founded_on=date(2010, 1, 1), parent=tree["LDLD-A1"],
    )  # fmt: skip
    before = snapshot()

    _table, outcome = import_units([cdcs_row(empty.code)], officer_a)

    assert outcome.errors == []
    record = Reorganisation.objects.get()
    assert (record.kind, record.decision) == (
        Reorganisation.Kind.DISSOLVE_GRASSROOTS,
        "30/QĐ-LĐLĐ",
    )
    assert tree["CDCS-RONG"].dissolved_on == date(2025, 8, 1)
    with_members.undo(reorganisation_record=record, user=officer_a)
    assert snapshot() == before


def test_the_unit_import_dissolves_an_upper_unit_handing_its_accounts_up(
    tree, officer_a
):
    from tests.factories import UserFactory

    UserFactory(username="canbo_xa", role="upper_level", unit=tree["CD-XA-A"])
    name = tree["CD-XA-A"].name
    row = ["CD-XA-A", name, "Công đoàn xã", "", "01/07/2025", "01/08/2025", "31/QĐ", ""]

    _table, outcome = import_units([row], officer_a)

    assert outcome.errors == []
    record = Reorganisation.objects.get()
    assert record.kind == Reorganisation.Kind.DISSOLVE_UNIT
    assert [a["to"] for a in record.summary["accounts"]] == ["LDLD-A"]


def test_an_upper_level_officer_cannot_dissolve_by_import(tree, district_officer):
    row = cdcs_row("CDCS-B1")
    before = snapshot()

    _table, outcome = import_units([row], district_officer)

    assert outcome.errors
    assert snapshot() == before


def test_a_unit_that_ended_before_it_reached_the_register_is_imported_as_history(
    tree, officer_a
):
    row = ["CDCS-CU", "CĐCS cũ", "CĐCS", "LDLD-A1", "01/01/2001", "01/01/2005", "", ""]

    _table, outcome = import_units([row], officer_a)

    assert outcome.errors == []
    assert tree["CDCS-CU"].dissolved_on == date(2005, 1, 1)
    assert not Reorganisation.objects.exists()


# The tree's move and dissolve services: called by the reorganisation operations,
# which carry the decision, the members, employers and accounts, and undo; by the
# demo province, which builds a history; nowhere else.
PRIMITIVES = {"move_unit", "move_units", "move_many", "dissolve_unit", "dissolve_units"}
ALLOWED = {"unions/reorganisation.py", "unions/demo.py"}


def test_only_the_reorganisation_operations_call_the_tree_services():
    base = Path(settings.BASE_DIR)
    callers = set()
    for path in base.rglob("*.py"):
        relative = path.relative_to(base).as_posix()
        if relative.split("/")[0] in {"tests", "bench"} or "/migrations/" in relative:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in PRIMITIVES
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "services"
            ):
                callers.add(relative)

    assert callers - ALLOWED == set()
    assert "unions/reorganisation.py" in callers
