"""A recoded unit is found by its former code wherever a unit is searched or typed:
the admin's unit list and autocomplete, the memberships, targets and accounts lists,
the member list's unit filter, the dashboard, the admit address, the commands."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import UserFactory
from unions import reorganisation
from unions.models import Target

from .conftest import JULY_2025

pytestmark = pytest.mark.django_db


@pytest.fixture
def recoded(tree, admin):
    """CDCS-A2 (2 members) recoded HY-0002."""
    reorganisation.recode_unit(
        unit=tree["CDCS-A2"],
        code="HY-0002",
        recoded_on=JULY_2025,
        decision="7/QĐ",
        user=admin,
    )
    return tree["HY-0002"]


def listed(response) -> set[str]:
    return {str(row) for row in response.context["cl"].result_list}


def test_the_admin_unit_list_finds_a_unit_by_its_former_code(client, recoded, admin):
    client.force_login(admin)
    url = reverse("admin:unions_unionunit_changelist")

    found = client.get(url, {"q": "cdcs-a2"})
    part = client.get(url, {"q": "S-A2"})

    assert {unit.code for unit in found.context["cl"].result_list} == {"HY-0002"}
    assert "HY-0002" in {unit.code for unit in part.context["cl"].result_list}


def test_the_unit_autocomplete_finds_a_unit_by_its_former_code(client, recoded, admin):
    client.force_login(admin)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "unions",
            "model_name": "employer",
            "field_name": "grassroots_union",
            "term": "CDCS-A2",
        },
    )

    results = json.loads(response.content)["results"]
    assert [row["id"] for row in results] == [str(recoded.pk)]


def test_the_former_code_finds_nothing_outside_the_scope(client, recoded, officer_b):
    client.force_login(officer_b)

    response = client.get(
        reverse("admin:unions_unionunit_changelist"), {"q": "CDCS-A2"}
    )

    assert response.context["cl"].result_list.count() == 0


def test_memberships_targets_and_accounts_are_found_by_the_former_code(
    client, recoded, admin
):
    Target.objects.create(unit=recoded, year=2026, new_members=5)
    UserFactory(username="canbo_cs_a2", role="grassroots", unit=recoded)
    client.force_login(admin)

    memberships = client.get(
        reverse("admin:members_membership_changelist"), {"q": "CDCS-A2"}
    )
    targets = client.get(reverse("admin:unions_target_changelist"), {"q": "CDCS-A2"})
    accounts = client.get(reverse("admin:registry_user_changelist"), {"q": "CDCS-A2"})

    assert {m.unit.code for m in memberships.context["cl"].result_list} == {"HY-0002"}
    assert len(memberships.context["cl"].result_list) == 2
    assert [t.unit.code for t in targets.context["cl"].result_list] == ["HY-0002"]
    assert [u.username for u in accounts.context["cl"].result_list] == ["canbo_cs_a2"]


def test_the_member_list_filters_by_a_former_code(client, recoded, officer_a):
    client.force_login(officer_a)

    response = client.get(reverse("members:member_list"), {"unit": "CDCS-A2"})

    assert response.context["form"].cleaned_data["unit"] == recoded
    assert len(response.context["rows"]) == 2


def test_the_dashboard_takes_a_former_code(client, recoded, officer_a):
    client.force_login(officer_a)

    response = client.get(reverse("unions:dashboard"), {"unit": "cdcs-a2"})

    assert response.status_code == 200
    assert response.context["form"].cleaned_data["unit"] == recoded


def test_the_admit_address_of_a_former_code_leads_to_the_unit(client, recoded, admin):
    client.force_login(admin)

    response = client.get(reverse("members:admit", args=["CDCS-A2"]))

    assert response.url == reverse("members:admit", args=["HY-0002"])


def test_the_coverage_command_takes_a_former_code(recoded, capsys):
    call_command("coverage", "CDCS-A2", "--json")

    assert json.loads(capsys.readouterr().out)["unit"] == "HY-0002"
