"""The coverage command, report and dashboard on the demo province (one seed, rolled back)."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from registry.models import User
from unions.coverage.report import period_report
from unions.demo import ROOT_CODE
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
