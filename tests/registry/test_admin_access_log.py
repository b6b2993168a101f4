"""The access log is read-only and each federation sees its own subtree's entries."""

import pytest
from django.urls import reverse

from registry.audit import log_access
from registry.models import AccessLog
from registry.roles import Role
from tests.factories import UnionUnitFactory, UserFactory
from unions.models import UnionUnit

pytestmark = pytest.mark.django_db

LOG = reverse("admin:registry_accesslog_changelist")


@pytest.fixture
def entries(rf, officer, grassroots_officer, provincial_officer):
    """One export by each account: two in the province's subtree, one elsewhere."""
    elsewhere = UnionUnitFactory(code="LDLD-NA", kind=UnionUnit.Kind.PROVINCIAL)
    stranger = UserFactory(
        username="canbo_nghean", role=Role.PROVINCIAL, unit=elsewhere
    )
    logged = {}
    for user in (officer, grassroots_officer, stranger):
        request = rf.get("/")
        request.user = user
        logged[user.username] = log_access(
            request,
            action=AccessLog.Action.EXPORT,
            target=f"Danh sách của {user.username}",
        )
    return logged


def test_a_provincial_officer_sees_entries_of_accounts_in_its_subtree(
    client, provincial_officer, entries
):
    client.force_login(provincial_officer)

    response = client.get(LOG)

    users = {entry.user.username for entry in response.context["cl"].result_list}
    assert users == {"canbo_captren", "canbo_cdcs"}


def test_a_system_administrator_sees_every_entry(admin_client, entries):
    response = admin_client.get(LOG)

    assert len(response.context["cl"].result_list) == 3


def test_an_entry_of_another_province_is_not_found(client, provincial_officer, entries):
    client.force_login(provincial_officer)
    hidden = entries["canbo_nghean"]

    response = client.get(reverse("admin:registry_accesslog_change", args=[hidden.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("role", ["officer", "grassroots_officer", "leader"])
def test_roles_without_the_permission_do_not_see_the_log(
    client, request, role, entries
):
    client.force_login(request.getfixturevalue(role))

    assert client.get(LOG).status_code == 403


def test_entries_cannot_be_added_changed_or_deleted(admin_client, entries):
    entry = entries["canbo_captren"]

    assert admin_client.get(reverse("admin:registry_accesslog_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:registry_accesslog_change", args=[entry.pk]), {"target": "sửa"}
    )
    assert response.status_code == 403
    response = admin_client.post(
        reverse("admin:registry_accesslog_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.target == "Danh sách của canbo_captren"


def test_the_log_runs_a_fixed_number_of_queries(
    client, rf, provincial_officer, officer, django_assert_max_num_queries
):
    request = rf.get("/")
    request.user = officer
    for n in range(30):
        log_access(
            request, action=AccessLog.Action.VIEW_MEMBER, target=f"Đoàn viên {n}"
        )
    client.force_login(provincial_officer)

    with django_assert_max_num_queries(8):
        response = client.get(LOG)

    assert len(response.context["cl"].result_list) == 30
