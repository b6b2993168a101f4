"""The employer and agreement admins: filters, folded search, scoped choices, no deletes."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CollectiveAgreementFactory,
    EmployerFactory,
    IndustrialZoneFactory,
    valid_tax_code,
)
from unions.models import CollectiveAgreement, Employer, WorkforceReport

pytestmark = pytest.mark.django_db

EMPLOYERS = reverse("admin:unions_employer_changelist")
AGREEMENTS = reverse("admin:unions_collectiveagreement_changelist")


def listed(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def employer_form(**overrides):
    return {
        "tax_code": valid_tax_code(900),
        "name": "Công ty TNHH Dệt Hà Tĩnh",
        "kind": Employer.Kind.FDI,
        "industry": "",
        "industrial_zone": "",
        "workers": "300",
        "workers_reported_on": "2025-01-01",
        "address": "",
        "province": "",
        "ward": "",
        "managing_unit": "",
        "grassroots_union": "",
        "workforce_reports-TOTAL_FORMS": "0",
        "workforce_reports-INITIAL_FORMS": "0",
    } | overrides


def agreement_form(employer, **overrides):
    return {
        "employer": employer.pk,
        "signed_on": "2025-01-10",
        "effective_on": "2025-02-01",
        "expires_on": "2027-02-01",
        "grade": "A",
        "notes": "",
    } | overrides


@pytest.fixture
def white_spot(district):
    """An employer the KCN union manages that has no union yet."""
    return EmployerFactory(name="Công ty Điện tử Đức Thọ", managing_unit=district)


def test_employers_filter_by_having_a_cdcs(admin_client, employer, white_spot):
    assert listed(admin_client, EMPLOYERS, has_cdcs="yes") == {employer}
    assert listed(admin_client, EMPLOYERS, has_cdcs="no") == {white_spot}


def test_employers_filter_by_a_valid_agreement_today(
    admin_client, employer, white_spot
):
    today = timezone.localdate()
    CollectiveAgreementFactory(
        employer=employer,
        signed_on=today,
        effective_on=today,
        expires_on=today + timedelta(days=400),
    )
    CollectiveAgreementFactory(employer=white_spot)  # expired on 1/1/2025

    assert listed(admin_client, EMPLOYERS, has_agreement="yes") == {employer}
    assert listed(admin_client, EMPLOYERS, has_agreement="no") == {white_spot}


def test_employers_filter_by_type_and_industrial_zone(admin_client, district, employer):
    zone = IndustrialZoneFactory(name="KCN Vũng Áng")
    in_zone = EmployerFactory(
        managing_unit=district, industrial_zone=zone, kind=Employer.Kind.FDI
    )

    assert listed(admin_client, EMPLOYERS, industrial_zone__id__exact=zone.pk) == {
        in_zone
    }
    assert listed(admin_client, EMPLOYERS, kind__exact=Employer.Kind.FDI) == {in_zone}


def test_employers_are_found_by_folded_name_or_tax_code(
    admin_client, employer, white_spot
):
    assert listed(admin_client, EMPLOYERS, q="dien tu DUC tho") == {white_spot}
    assert listed(admin_client, EMPLOYERS, q=employer.tax_code) == {employer}


def test_the_employer_list_runs_a_fixed_number_of_queries(
    client, provincial_officer, district, cdcs, django_assert_max_num_queries
):
    for _ in range(40):
        CollectiveAgreementFactory(
            employer=EmployerFactory(managing_unit=district, grassroots_union=cdcs)
        )
    client.force_login(provincial_officer)

    with django_assert_max_num_queries(10):
        response = client.get(EMPLOYERS)

    assert len(response.context["cl"].result_list) == 40


def test_an_employer_added_in_the_admin_records_its_worker_count(
    client, officer, district
):
    client.force_login(officer)

    response = client.post(
        reverse("admin:unions_employer_add"), employer_form(managing_unit=district.pk)
    )

    assert response.status_code == 302
    employer = Employer.objects.get(name="Công ty TNHH Dệt Hà Tĩnh")
    report = WorkforceReport.objects.get(employer=employer)
    assert (report.reported_on, report.workers) == (date(2025, 1, 1), 300)


def test_a_wrong_tax_code_is_a_form_error(client, officer, district):
    client.force_login(officer)

    response = client.post(
        reverse("admin:unions_employer_add"),
        employer_form(tax_code="0100109107", managing_unit=district.pk),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["tax_code"]
    assert not Employer.objects.exists()


def test_a_household_business_is_added_with_its_owners_12_digit_tax_code(
    client, officer, district
):
    client.force_login(officer)

    response = client.post(
        reverse("admin:unions_employer_add"),
        employer_form(
            tax_code="038185012345",
            name="Hộ kinh doanh Lê Văn Tâm",
            kind=Employer.Kind.HOUSEHOLD,
            managing_unit=district.pk,
        ),
    )

    assert response.status_code == 302
    assert Employer.objects.get().tax_code == "038185012345"


@pytest.mark.parametrize(
    ("tax_code", "kind", "words"),
    [
        ("099185012345", Employer.Kind.HOUSEHOLD, "số định danh cá nhân hợp lệ"),
        ("038185012345", Employer.Kind.FDI, "Hộ kinh doanh"),
    ],
)
def test_a_12_digit_tax_code_that_cannot_be_the_employers_is_a_form_error(
    client, officer, district, tax_code, kind, words
):
    client.force_login(officer)

    response = client.post(
        reverse("admin:unions_employer_add"),
        employer_form(tax_code=tax_code, kind=kind, managing_unit=district.pk),
    )

    assert response.status_code == 200
    assert words in response.context["adminform"].form.errors["tax_code"][0]
    assert not Employer.objects.exists()


@pytest.mark.parametrize("field", ["managing_unit", "grassroots_union"])
def test_a_crafted_post_naming_a_unit_outside_the_scope_is_a_form_error(
    client, officer, district, cdcs, other_district, other_cdcs, field
):
    client.force_login(officer)
    outside = {"managing_unit": other_district, "grassroots_union": other_cdcs}[field]
    data = employer_form(managing_unit=district.pk, grassroots_union=cdcs.pk)

    response = client.post(
        reverse("admin:unions_employer_add"), data | {field: outside.pk}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    assert not Employer.objects.exists()


def test_a_cdcs_cannot_manage_an_employer_nor_a_federation_be_its_union(
    client, officer, district, cdcs
):
    client.force_login(officer)

    response = client.post(
        reverse("admin:unions_employer_add"),
        employer_form(managing_unit=cdcs.pk, grassroots_union=district.pk),
    )

    errors = response.context["adminform"].form.errors
    assert errors["managing_unit"] and errors["grassroots_union"]


def test_employers_are_never_deleted(admin_client, employer):
    response = admin_client.post(
        reverse("admin:unions_employer_delete", args=[employer.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Employer.objects.filter(pk=employer.pk).exists()


def test_agreements_filter_by_valid_today(admin_client, employer):
    today = timezone.localdate()
    running = CollectiveAgreementFactory(
        employer=employer,
        signed_on=today,
        effective_on=today,
        expires_on=today + timedelta(days=366),
    )
    expired = CollectiveAgreementFactory(employer=employer)

    assert listed(admin_client, AGREEMENTS, valid="yes") == {running}
    assert listed(admin_client, AGREEMENTS, valid="no") == {expired}


def test_agreements_are_found_by_the_employers_folded_name(
    admin_client, employer, white_spot
):
    wanted = CollectiveAgreementFactory(employer=white_spot)
    CollectiveAgreementFactory(employer=employer)

    assert listed(admin_client, AGREEMENTS, q="duc tho") == {wanted}


def test_a_grassroots_officer_records_an_agreement_for_its_employer(
    client, grassroots_officer, employer
):
    client.force_login(grassroots_officer)

    response = client.post(
        reverse("admin:unions_collectiveagreement_add"), agreement_form(employer)
    )

    assert response.status_code == 302
    assert employer.agreements.get().expires_on == date(2027, 2, 1)


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"expires_on": "2028-02-02"}, "expires_on"),  # 3 years and a day
        ({"expires_on": "2026-01-31"}, "expires_on"),  # under a year
        ({"effective_on": "2025-01-01"}, "effective_on"),  # before signing
    ],
)
def test_agreement_dates_out_of_bounds_are_form_errors(
    client, grassroots_officer, employer, dates, field
):
    client.force_login(grassroots_officer)

    response = client.post(
        reverse("admin:unions_collectiveagreement_add"),
        agreement_form(employer, **dates),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    assert not CollectiveAgreement.objects.exists()


def test_an_agreement_for_an_employer_outside_the_scope_is_a_form_error(
    client, officer, other_employer
):
    client.force_login(officer)

    response = client.post(
        reverse("admin:unions_collectiveagreement_add"), agreement_form(other_employer)
    )

    assert response.context["adminform"].form.errors["employer"]
    assert not CollectiveAgreement.objects.exists()


def test_a_leader_may_read_but_not_add_agreements(client, leader, employer):
    client.force_login(leader)

    assert client.get(AGREEMENTS).status_code == 200
    response = client.post(
        reverse("admin:unions_collectiveagreement_add"), agreement_form(employer)
    )
    assert response.status_code == 403


def test_the_employer_list_marks_who_has_a_valid_agreement_today(
    admin_client, employer, white_spot
):
    today = timezone.localdate()
    CollectiveAgreementFactory(
        employer=employer,
        signed_on=today,
        effective_on=today,
        expires_on=today + timedelta(days=400),
    )

    response = admin_client.get(EMPLOYERS)

    marks = {e: e.has_valid_agreement for e in response.context["cl"].result_list}
    assert marks == {employer: True, white_spot: False}


def test_the_agreement_list_runs_a_fixed_number_of_queries(
    client, officer, district, cdcs, django_assert_max_num_queries
):
    for _ in range(40):
        CollectiveAgreementFactory(
            employer=EmployerFactory(managing_unit=district, grassroots_union=cdcs)
        )
    client.force_login(officer)

    with django_assert_max_num_queries(8):
        response = client.get(AGREEMENTS)

    assert len(response.context["cl"].result_list) == 40
