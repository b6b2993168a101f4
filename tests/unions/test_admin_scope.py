"""Every role sees its own subtree only, on every admin list and page (issue 2, item 6)."""

import pytest
from django.urls import reverse

from tests.factories import CollectiveAgreementFactory

pytestmark = pytest.mark.django_db

PROVINCE_UNITS = {"LDLD-HT", "CD-KCN", "CDCS-A", "CD-XA-1", "CDCS-B"}
ELSEWHERE_UNITS = {"LDLD-NA", "CDCS-NA"}
VISIBLE_UNITS = {
    "admin_user": PROVINCE_UNITS | ELSEWHERE_UNITS,
    "provincial_officer": PROVINCE_UNITS,
    "leader": PROVINCE_UNITS,
    "officer": {"CD-KCN", "CDCS-A"},
    "grassroots_officer": {"CDCS-A"},
}
# Employers are named after the grassroots union they belong to.
VISIBLE_EMPLOYERS = {
    "admin_user": {"CDCS-A", "CDCS-B", "CDCS-NA"},
    "provincial_officer": {"CDCS-A", "CDCS-B"},
    "leader": {"CDCS-A", "CDCS-B"},
    "officer": {"CDCS-A"},
    "grassroots_officer": {"CDCS-A"},
}
ROLES = list(VISIBLE_UNITS)


@pytest.fixture
def registry(
    province,
    district,
    cdcs,
    other_cdcs,
    elsewhere_cdcs,
    employer,
    other_employer,
    elsewhere_employer,
):
    """Two provinces' trees, an employer under each CĐCS, and an agreement for each."""
    for each in (employer, other_employer, elsewhere_employer):
        CollectiveAgreementFactory(employer=each)
    return {
        "employer": employer,
        "other_employer": other_employer,
        "elsewhere": elsewhere_employer,
    }


@pytest.fixture(params=ROLES)
def role(request, registry, client):
    client.force_login(request.getfixturevalue(request.param))
    return request.param


def result_list(client, name):
    response = client.get(reverse(f"admin:unions_{name}_changelist"))
    assert response.status_code == 200
    return response.context["cl"].result_list


def test_the_unit_list_shows_the_roles_subtree_only(client, role):
    units = result_list(client, "unionunit")

    assert {unit.code for unit in units} == VISIBLE_UNITS[role]


def test_the_employer_list_shows_the_roles_subtree_only(client, role):
    employers = result_list(client, "employer")

    assert {e.grassroots_union.code for e in employers} == VISIBLE_EMPLOYERS[role]


def test_the_agreement_list_shows_the_roles_subtree_only(client, role):
    agreements = result_list(client, "collectiveagreement")

    assert {a.employer.grassroots_union.code for a in agreements} == VISIBLE_EMPLOYERS[
        role
    ]


def test_a_unit_outside_the_scope_is_not_found_by_id(
    client, role, other_cdcs, elsewhere_cdcs
):
    hidden = [
        u for u in (other_cdcs, elsewhere_cdcs) if u.code not in VISIBLE_UNITS[role]
    ]

    for unit in hidden:
        for view in ("change", "history", "move", "dissolve"):
            url = reverse(f"admin:unions_unionunit_{view}", args=[unit.pk])
            assert client.get(url).status_code == 404, (view, unit.code)


def test_an_employer_outside_the_scope_is_not_found_by_id(client, role, registry):
    hidden = [
        e
        for e in registry.values()
        if e.grassroots_union.code not in VISIBLE_EMPLOYERS[role]
    ]

    for employer in hidden:
        url = reverse("admin:unions_employer_change", args=[employer.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "Đổi tên"}).status_code == 404
        employer.refresh_from_db()
        assert employer.name != "Đổi tên"


def test_an_agreement_outside_the_scope_is_not_found_by_id(client, role, registry):
    for employer in registry.values():
        if employer.grassroots_union.code in VISIBLE_EMPLOYERS[role]:
            continue
        agreement = employer.agreements.get()
        url = reverse("admin:unions_collectiveagreement_change", args=[agreement.pk])
        assert client.get(url).status_code == 404


def test_the_autocomplete_offers_units_of_the_scope_only(client, role):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "",
            "app_label": "unions",
            "model_name": "employer",
            "field_name": "grassroots_union",
        },
    )

    offered = {row["text"].split()[0] for row in response.json()["results"]}
    assert offered == {c for c in VISIBLE_UNITS[role] if c.startswith("CDCS")}


def test_the_employer_autocomplete_offers_employers_of_the_scope_only(client, role):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "",
            "app_label": "unions",
            "model_name": "collectiveagreement",
            "field_name": "employer",
        },
    )

    assert len(response.json()["results"]) == len(VISIBLE_EMPLOYERS[role])
