"""A household's 12-digit tax code is its owner's ID number: a role without the sensitive
fields sees it masked as a CCCD is, everywhere it is shown (docs/security.md)."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import EmployerFactory
from unions.models import Employer

pytestmark = pytest.mark.django_db

ID_NUMBER = "038185012345"
MASKED = "0381****2345"
WHITE_SPOTS = reverse("unions:dashboard_white_spots")
EMPLOYERS = reverse("admin:unions_employer_changelist")


@pytest.fixture
def household(district):
    return EmployerFactory(
        tax_code=ID_NUMBER,
        name="Hộ kinh doanh Lê Văn Tâm",
        kind=Employer.Kind.HOUSEHOLD,
        managing_unit=district,
        founded_on=date(2020, 1, 1),
    )


def pages(household, district):
    return [
        (WHITE_SPOTS, {"as_of": "31/03/2024"}),
        (reverse("unions:unit_detail", args=[district.code]), {}),
        (household.get_absolute_url(), {}),
        (EMPLOYERS, {}),
        (reverse("admin:unions_employer_change", args=[household.pk]), {}),
    ]


def test_a_leader_sees_a_households_tax_code_masked(
    client, leader, household, district
):
    client.force_login(leader)

    for url, params in pages(household, district):
        page = client.get(url, params).content.decode()

        assert MASKED in page, url
        assert ID_NUMBER not in page, url


def test_an_officer_sees_a_households_tax_code_in_full(
    client, provincial_officer, household, district
):
    client.force_login(provincial_officer)

    for url, params in pages(household, district):
        assert ID_NUMBER in client.get(url, params).content.decode(), url


def test_an_employers_address_holds_no_tax_code(household):
    assert ID_NUMBER not in household.get_absolute_url()


def test_the_white_spots_export_masks_a_households_tax_code_for_a_leader(
    client, leader, household
):
    client.force_login(leader)

    response = client.get(
        reverse("unions:dashboard_white_spots_export"), {"as_of": "31/03/2024"}
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert MASKED in codes and ID_NUMBER not in codes


def test_a_leader_cannot_find_a_household_by_its_owners_id_number(
    client, leader, provincial_officer, household
):
    client.force_login(leader)
    by_leader = client.get(EMPLOYERS, {"q": ID_NUMBER})
    by_name_and_number = client.get(EMPLOYERS, {"q": f"Tâm {ID_NUMBER}"})
    client.force_login(provincial_officer)
    by_officer = client.get(EMPLOYERS, {"q": ID_NUMBER})

    assert list(by_leader.context["cl"].result_list) == []
    assert list(by_name_and_number.context["cl"].result_list) == []
    assert list(by_officer.context["cl"].result_list) == [household]


def test_a_leaders_export_of_the_employer_list_masks_a_households_tax_code(
    client, leader, household
):
    client.force_login(leader)

    response = client.post(
        reverse("admin:unions_employer_export"),
        {"format": "0", "resource": "0", **{f"employerresource_{f}": "on" for f in (
            "tax_code", "name")}},
    )  # fmt: skip

    assert response.status_code == 200
    assert MASKED in response.content.decode()
    assert ID_NUMBER not in response.content.decode()
