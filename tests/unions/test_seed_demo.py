"""The demo province: built once for this module, rolled back afterwards."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from members import triggers as member_triggers
from members.models import LeaveReason, Member, Membership
from registry.models import User
from registry.roles import Role
from unions.coverage import triggers as coverage_triggers
from unions.coverage.figures import coverage
from unions.demo import AS_OF, PUBLISHED, ROOT_CODE
from unions.models import Employer, UnionUnit

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        output = StringIO()
        call_command("seed_demo", stdout=output)
        yield UnionUnit.objects.get(code=ROOT_CODE), output.getvalue()
        transaction.set_rollback(True)


def test_demo_province_gives_the_published_figures_on_31_march_2024(demo):
    province, _ = demo

    figures = coverage(province, AS_OF)

    assert figures.workers == PUBLISHED["workers"] == 80_356
    assert figures.employers_eligible == PUBLISHED["employers_eligible"] == 2_166
    assert figures.cdcs == PUBLISHED["cdcs"] == 1_511
    assert figures.members == PUBLISHED["members"] == 69_991
    assert figures.enterprises_with_union == PUBLISHED["enterprises_with_union"] == 402
    assert figures.enterprises_with_cba == PUBLISHED["enterprises_with_cba"] == 378
    assert round(figures.cba_rate * 100) == 94


def test_demo_province_has_one_account_per_role_and_prints_the_logins(demo):
    _, output = demo

    accounts = {user.role: user for user in User.objects.select_related("unit")}

    assert set(accounts) == set(Role.values)
    assert accounts[Role.PROVINCIAL].unit.code == ROOT_CODE
    assert accounts[Role.GRASSROOTS].unit.is_grassroots
    for user in accounts.values():
        assert user.username in output
        assert user.check_password("sodoanvien")


def test_state_sector_unions_were_dissolved_in_june_2025_with_their_members(demo):
    province, _ = demo
    state_sector = UnionUnit.objects.within(province).filter(
        employers__kind__in=Employer.NO_UNION_KINDS
    )

    assert state_sector.filter(dissolved_on=date(2025, 6, 15)).exists()
    assert not state_sector.filter(dissolved_on__isnull=True).exists()
    assert not Membership.objects.filter(
        unit__in=state_sector, left_on__isnull=True
    ).exists()
    assert Membership.objects.filter(leave_reason=LeaveReason.RESTRUCTURED).exists()


def test_district_federations_ended_and_their_unions_moved_under_commune_unions(demo):
    province, _ = demo
    districts = UnionUnit.objects.within(province).filter(kind=UnionUnit.Kind.DISTRICT)

    assert districts.count() == 13
    assert not districts.filter(dissolved_on__isnull=True).exists()
    for district in districts:
        active_children = UnionUnit.objects.get_children(district).filter(
            dissolved_on__isnull=True
        )
        assert not active_children.exists()
    assert (
        UnionUnit.objects.within(province)
        .filter(kind=UnionUnit.Kind.COMMUNE, numchild__gt=0)
        .exists()
    )


def test_a_second_run_changes_nothing(demo):
    units = UnionUnit.objects.count()
    output = StringIO()

    call_command("seed_demo", stdout=output)

    assert UnionUnit.objects.count() == units
    assert ROOT_CODE in output.getvalue()


def test_unions_founded_after_31_march_2024_have_members_who_joined_since(demo):
    province, _ = demo
    founded_later = (
        UnionUnit.objects.within(province)
        .grassroots()
        .filter(founded_on__gt=AS_OF, dissolved_on__isnull=True)
    )
    memberships = Membership.objects.filter(unit__in=founded_later)

    assert founded_later.count() == 85
    assert not founded_later.filter(memberships__isnull=True).exists()
    assert not memberships.filter(started_on__lt=F("unit__founded_on")).exists()
    assert memberships.active_on(timezone.localdate()).count() > memberships.count() / 2


def test_the_triggers_are_back_and_their_data_matches_a_recount(demo):
    open_memberships = Membership.objects.filter(left_on__isnull=True)
    without_one = Member.objects.exclude(memberships__left_on__isnull=True)

    assert coverage_triggers.installed() == set(coverage_triggers._trigger_tables())
    assert member_triggers.installed() == set(member_triggers.TRIGGERS)
    assert coverage_triggers.tally_differences() == 0
    assert (
        open_memberships.filter(
            member__current_unit=F("unit"), member__current_since=F("started_on")
        ).count()
        == open_memberships.count()
        > 40_000
    )
    assert not without_one.filter(current_unit__isnull=False).exists()
