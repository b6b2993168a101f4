"""The coverage command, report and dashboard on the demo province (one seed, rolled back)."""

import json
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from registry.models import User
from unions.coverage.figures import Structure, coverage_with_children
from unions.coverage.report import period_report
from unions.demo import AS_OF, ROOT_CODE
from unions.kinds import Kind
from unions.models import UnionUnit

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield UnionUnit.objects.get(code=ROOT_CODE)
        transaction.set_rollback(True)


def test_the_command_prints_the_published_figures(demo):
    out = StringIO()

    call_command("coverage", ROOT_CODE, "--as-of", "2024-03-31", "--json", stdout=out)

    result = json.loads(out.getvalue())
    published = ("workers", "members", "employers_eligible", "cdcs")
    assert [result[key] for key in published] == [80_356, 69_991, 2_166, 1_511]
    assert (result["enterprises_with_union"], result["enterprises_with_cba"]) == (
        402,
        378,
    )
    assert round(result["cba_rate"], 3) == 0.940


def test_the_report_balances_through_the_2025_reorganisation(demo):
    report = period_report(demo, date(2025, 1, 1), date(2025, 12, 31))

    for row in [*report.rows, report.total]:
        assert row.balance == row.members_at_end
    assert report.total.left["restructured"] > 0


def test_the_leader_opens_the_demo_dashboard(demo, client):
    client.force_login(User.objects.get(username="lanhdao"))

    response = client.get(reverse("unions:dashboard"), {"as_of": "31/03/2024"})

    assert response.status_code == 200
    assert response.context["total"].members == 69_991


def test_2024_is_counted_under_the_district_federations_and_today_under_communes(
    demo,
):
    total, in_2024 = coverage_with_children(demo, AS_OF)
    restated, in_todays_tree = coverage_with_children(
        demo, AS_OF, structure=Structure.CURRENT
    )
    _today_total, today = coverage_with_children(demo, timezone.localdate())

    assert Counter(row.unit.kind for row in in_2024)[Kind.DISTRICT] == 13
    # The commune unions founded on 01/07/2025 hold nothing in 2024: not even the
    # employers they manage today, which their district federation managed then.
    assert not [row for row in in_2024 if row.unit.kind == Kind.COMMUNE]
    assert Counter(row.unit.kind for row in today)[Kind.DISTRICT] == 0
    assert Counter(row.unit.kind for row in today)[Kind.COMMUNE] > 0
    assert Counter(row.unit.kind for row in in_todays_tree)[Kind.COMMUNE] > 0
    for figures in (total, restated):
        assert (figures.members, figures.cdcs) == (69_991, 1_511)
    for rows in (in_2024, in_todays_tree):
        assert sum(row.members for row in rows) == 69_991
        assert sum(row.cdcs for row in rows) == 1_511
        assert sum(row.employers_eligible for row in rows) == 2_166
        assert sum(row.workers for row in rows) == 80_356


def test_the_2025_report_shows_the_move_to_the_commune_unions(demo):
    report = period_report(demo, date(2025, 1, 1), date(2025, 12, 31))

    for row in report.rows:
        assert row.cdcs_balance == row.cdcs_at_end
    districts = [row for row in report.rows if row.unit.kind == Kind.DISTRICT]
    communes = [row for row in report.rows if row.unit.kind == Kind.COMMUNE]
    assert sum(row.moved_out for row in districts) > 0
    assert sum(row.moved_in for row in communes) == report.total.moved_in
    assert report.total.moved_in == report.total.moved_out
    assert all(row.members_at_end == 0 for row in districts)
