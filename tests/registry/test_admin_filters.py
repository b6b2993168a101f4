"""Admin lists take only the filters they offer; sensitive fields are never filtered,
searched or sorted by a role that may not see them (docs/security.md)."""

import pytest
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP
from django.test import RequestFactory
from django.urls import reverse

from members.history import SENSITIVE_FIELDS
from members.models import Member
from registry.admin import AllowListedFilters
from registry.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OUR_APPS = {"registry", "unions", "members"}
OUR_ADMINS = [
    model_admin
    for model, model_admin in admin.site._registry.items()
    if model._meta.app_label in OUR_APPS
]


def touches_sensitive(model, path: str) -> bool:
    """Whether the lookup ``path`` on ``model`` reads a sensitive member field."""
    for part in path.lstrip("-").split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # a transform or lookup (startswith, regex…) from here on
        if model is Member and field.name in SENSITIVE_FIELDS:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


def filter_paths(model_admin, request) -> list[str]:
    paths = []
    for item in model_admin.get_list_filter(request):
        if isinstance(item, (list, tuple)):
            item = item[0]
        if isinstance(item, str):
            paths.append(item)
    return paths


def sortable_paths(model_admin, request) -> list[str]:
    paths = [str(o) for o in model_admin.get_ordering(request) or []]
    sortable = model_admin.get_sortable_by(request)
    for name in model_admin.get_list_display(request):
        if name not in sortable or not isinstance(name, str):
            continue
        attribute = getattr(model_admin, name, None) or getattr(
            model_admin.model, name, None
        )
        ordering = getattr(attribute, "admin_order_field", None)
        paths.append(str(ordering) if ordering else name)
    return paths


@pytest.fixture
def unsighted_request(leader):
    """A request by a role without the sensitive fields (the read-only leader)."""
    request = RequestFactory().get("/")
    request.user = leader
    assert not leader.has_perm("members.view_sensitive_data")
    return request


def test_every_admin_of_the_registry_takes_only_its_offered_filters():
    assert OUR_ADMINS
    for model_admin in OUR_ADMINS:
        assert isinstance(model_admin, AllowListedFilters), type(model_admin)


@pytest.mark.parametrize("model_admin", OUR_ADMINS, ids=str)
def test_no_sensitive_field_is_filtered_searched_or_sorted_without_the_permission(
    model_admin, unsighted_request
):
    model = model_admin.model
    paths = (
        filter_paths(model_admin, unsighted_request)
        + list(model_admin.get_search_fields(unsighted_request))
        + sortable_paths(model_admin, unsighted_request)
    )

    assert not [p for p in paths if touches_sensitive(model, p.lstrip("^=@"))]


def test_an_officer_may_filter_members_by_the_fields_they_see(client, officer):
    client.force_login(officer)

    response = client.get(
        reverse("admin:members_member_changelist"), {"is_party_member__exact": "1"}
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"cccd__startswith": "0"},
        {"is_party_member__exact": "1"},
        {"religion__icontains": "giáo"},
        {"ethnicity__exact": "Tày"},
        {"phone__startswith": "09"},
        {"cccd__regex": "(a"},
    ],
    ids=str,
)
def test_a_leader_cannot_filter_members_by_a_sensitive_field(client, leader, params):
    client.force_login(leader)

    response = client.get(reverse("admin:members_member_changelist"), params)

    assert response.status_code == 400
    assert "không có bộ lọc" in response.text


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("members_member", {"cccd__regex": "(a"}),
        ("members_member", {"gender__in": "F,M"}),
        ("members_member", {"o": "1", "cccd__gt": "0"}),
        ("members_membership", {"member__cccd__startswith": "0"}),
        ("members_transferrequest", {"member__phone__isnull": "0"}),
        ("registry_accesslog", {"user__password__startswith": "md5"}),
        ("registry_user", {"password__startswith": "md5"}),
        ("unions_employer", {"managing_unit__path__startswith": "0"}),
        ("registry_ward", {"name__regex": "(a"}),
    ],
    ids=str,
)
def test_a_lookup_no_filter_offers_is_a_400_for_every_role_even_the_administrator(
    admin_client, name, params
):
    response = admin_client.get(reverse(f"admin:{name}_changelist"), params)

    assert response.status_code == 400
    assert "không có bộ lọc" in response.text


def test_the_offered_filters_still_work(admin_client):
    response = admin_client.get(
        reverse("admin:members_member_changelist"),
        {"gender__exact": "F", "is_party_member__exact": "1", "q": "an", "o": "2"},
    )

    assert response.status_code == 200


def test_an_export_of_an_admin_list_refuses_the_same_lookups(admin_client):
    response = admin_client.post(
        reverse("admin:unions_unionunit_export") + "?managing_unit__path=0",
        {"format": "0"},
    )

    assert response.status_code == 400


@pytest.mark.parametrize("role", [Role.GRASSROOTS, Role.UPPER_LEVEL, Role.PROVINCIAL])
def test_the_refused_lookup_is_written_to_the_security_log(
    client, role, province, caplog
):
    client.force_login(UserFactory(role=role, unit=province))

    with caplog.at_level("WARNING", logger="django.security"):
        client.get(reverse("admin:members_member_changelist"), {"cccd": "0"})

    assert "cccd refused on members.Member" in caplog.text
