"""The 2025 reorganisation replayed: two provinces merged, the district federations
replaced by commune unions, every CĐCS re-attached by a mapping file, a CĐCS recoded.

Totals stay identical in the current structure; the 2024 figures stay as the two
provinces published them on the tree of that day, and restated in today's tree they add
up to the same; a file with an old code still imports into the recoded union; undoing
everything restores the tree.
"""

from datetime import date

import pytest

from members import reorganisation as with_members
from registry.spreadsheets.importing import run_import
from registry.spreadsheets.reattach import reattach_from_file
from tests.factories import EmployerFactory, MembershipFactory, UnionUnitFactory
from tests.imports.files import xlsx
from unions import reorganisation, services
from unions.coverage import spells
from unions.coverage.figures import Structure, coverage
from unions.models import Employer, EmployerLink, Reorganisation, UnionUnit

from .conftest import JULY_2025, Kind, snapshot

pytestmark = pytest.mark.django_db

MARCH_2024 = date(2024, 3, 31)


@pytest.fixture
def provinces(db):
    """Province A with two district federations, province B with one; each district
    has CĐCS with members admitted over the years, some of them after 2024."""
    a = UnionUnitFactory(
        code="LDLD-A", kind=Kind.PROVINCIAL, founded_on=date(1950, 1, 1)
    )
    b = UnionUnitFactory(
        code="LDLD-B", kind=Kind.PROVINCIAL, founded_on=date(1950, 1, 1)
    )
    plan = {"LDLD-A1": (a, 3), "LDLD-A2": (a, 2), "LDLD-B1": (b, 3)}
    for district_code, (province, cdcs_count) in plan.items():
        district = UnionUnitFactory(
            parent=province, code=district_code, kind=Kind.DISTRICT
        )
        for n in range(1, cdcs_count + 1):
            cdcs = UnionUnitFactory(parent=district, code=f"{district_code}-CS{n}")
            for year in (2015, 2020, 2024, 2025):
                MembershipFactory(unit=cdcs, started_on=date(year, 2, n))
            EmployerFactory(managing_unit=district, grassroots_union=cdcs)
        EmployerFactory(managing_unit=district, workers=200)  # a white spot
    return a, b


FIGURES = ["members", "cdcs", "employers_eligible", "employers_with_union", "workers"]


def figures(*units, day=None, structure=Structure.HISTORICAL):
    found = [coverage(unit, day, structure=structure) for unit in units]
    return tuple(sum(getattr(f, name) for f in found) for name in FIGURES)


def district_figures(day):
    """The 2024 figures of every district federation, each on the tree of the day."""
    return {
        unit.code: figures(unit, day=day)
        for unit in UnionUnit.objects.filter(kind=Kind.DISTRICT)
    }


def mapping_file(rows) -> bytes:
    return xlsx([["STT", "Mã CĐCS", "Mã đơn vị cấp trên mới"], *rows])


def test_the_2025_reorganisation_keeps_the_totals_and_can_be_undone(provinces, admin):
    a, b = provinces
    before = snapshot()
    today_before = figures(a, b)
    march_2024_before = {unit.code: figures(unit, day=MARCH_2024) for unit in (a, b)}
    districts_before = district_figures(MARCH_2024)
    communes = [
        services.create_unit(
            code=code, name=name, kind=Kind.COMMUNE, founded_on=JULY_2025, parent=a
        )
        for code, name in [
            ("CD-XA-1", "Công đoàn xã Một"),
            ("CD-XA-2", "Công đoàn xã Hai"),
        ]
    ]
    done = []

    done.append(
        reorganisation.merge_units(
            units=[b], into=a, merged_on=JULY_2025, decision="1/QĐ-TLĐ", user=admin
        )
    )
    cdcs = UnionUnit.objects.grassroots().order_by("code")
    rows = [
        [n, unit.code, communes[n % 2].code] for n, unit in enumerate(cdcs, start=1)
    ]
    mapping = reattach_from_file(
        mapping_file(rows), "map.xlsx", moved_on=JULY_2025, decision="2/QĐ", user=admin
    )
    assert mapping.table.errors == []
    done.append(mapping.record)
    # The district federations end; their accounts and the employers they managed
    # go to a commune union.
    for n, code in enumerate(["LDLD-A1", "LDLD-A2", "LDLD-B1"]):
        done.append(
            reorganisation.dissolve_unit(
                unit=UnionUnit.objects.get(code=code),
                dissolved_on=JULY_2025,
                decision="3/QĐ",
                successor=communes[n % 2],
                user=admin,
            )
        )
    done.append(
        reorganisation.recode_unit(
            unit=UnionUnit.objects.get(code="LDLD-B1-CS1"),
            code="HY-0001",
            recoded_on=JULY_2025,
            decision="4/QĐ",
            user=admin,
        )
    )

    spells.refresh()  # what the requests that reorganised do
    managed = Employer.objects.filter(managing_unit__in=communes)
    assert managed.count() == Employer.objects.count()
    a, b = UnionUnit.objects.get(pk=a.pk), UnionUnit.objects.get(pk=b.pk)
    assert figures(a) == today_before
    assert figures(a, structure=Structure.CURRENT) == today_before
    # 2024 as published, each province on the tree of its day, and restated in
    # today's structure: the same totals.
    assert {unit.code: figures(unit, day=MARCH_2024) for unit in (a, b)} == (
        march_2024_before
    )
    assert district_figures(MARCH_2024) == districts_before
    restated = figures(a, day=MARCH_2024, structure=Structure.CURRENT)
    assert restated == tuple(map(sum, zip(*march_2024_before.values(), strict=True)))
    assert set(
        UnionUnit.objects.get_children(a)
        .active_on(date.today())
        .values_list("code", flat=True)
    ) == {"CD-XA-1", "CD-XA-2"}
    assert (
        UnionUnit.objects.parent_on(
            UnionUnit.objects.get(code="HY-0001"), MARCH_2024
        ).code
        == "LDLD-B1"
    )

    member_file = xlsx(
        [
            [
                "STT",
                "Họ và tên",
                "Ngày sinh",
                "Giới tính",
                "Ngày vào công đoàn",
                "Mã CĐCS",
            ],
            [1, "Trần Thị Mai", "08/03/1995", "Nữ", "01/09/2025", "LDLD-B1-CS1"],
        ]
    )
    _table, outcome = run_import(member_file, "members.xlsx", "members", user=admin)
    assert (outcome.created, outcome.errors) == (1, [])
    assert coverage(UnionUnit.objects.get(code="HY-0001")).members == 5

    from members.models import Member

    Member.objects.get(full_name="Trần Thị Mai").memberships.all().delete()
    Member.objects.filter(full_name="Trần Thị Mai").delete()
    for record in reversed(done):
        with_members.undo(reorganisation_record=record, user=admin)
    for unit in communes:
        UnionUnit.objects.get(pk=unit.pk).delete()
    assert snapshot() == before
    assert not EmployerLink.objects.exists()
    assert Reorganisation.objects.filter(undone_at__isnull=True).count() == 0


def test_a_mapping_file_reports_its_bad_rows_by_their_excel_number(
    provinces, officer_a_of
):
    a, _b = provinces
    UnionUnitFactory(parent=a, code="CD-XA-1", kind=Kind.COMMUNE, founded_on=JULY_2025)
    officer = officer_a_of(a)
    before = snapshot()

    mapping = reattach_from_file(
        mapping_file(
            [
                [1, "LDLD-A1-CS1", "CD-XA-1"],
                [2, "LDLD-B1-CS1", "CD-XA-1"],  # another province
                [3, "LDLD-A1", "CD-XA-1"],  # not a CĐCS
                [4, "LDLD-A1-CS1", "CD-XA-1"],  # twice
            ]
        ),
        "map.xlsx",
        moved_on=JULY_2025,
        decision="2/QĐ",
        user=officer,
    )

    assert {problem.row for problem in mapping.table.errors} == {3, 4, 5}
    assert mapping.record is None
    assert snapshot() == before
    assert not EmployerLink.objects.exists()


def test_a_mapping_file_refused_by_the_tree_rules_changes_nothing(provinces, admin):
    before = snapshot()

    mapping = reattach_from_file(
        mapping_file([[1, "LDLD-A1-CS1", "LDLD-A2"]]),
        "map.xlsx",
        moved_on=date(1949, 1, 1),
        decision="2/QĐ",
        user=admin,
    )

    assert [problem.row for problem in mapping.table.errors] == [2]
    assert mapping.record is None
    assert snapshot() == before
    assert not EmployerLink.objects.exists()


@pytest.fixture
def officer_a_of():
    from registry.roles import Role
    from tests.factories import UserFactory

    return lambda unit: UserFactory(role=Role.PROVINCIAL, unit=unit)
