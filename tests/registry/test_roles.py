"""What each role may do in the admin (registry.roles.ROLE_PERMISSIONS)."""

import pytest
from django.urls import reverse

from registry.roles import ROLE_PERMISSIONS, Role

pytestmark = pytest.mark.django_db

ROLES = ["admin_user", "provincial_officer", "officer", "grassroots_officer", "leader"]
# Who may open each add page; everyone may read the lists.
MAY_ADD = {
    "unions_unionunit": {"admin_user", "provincial_officer", "officer"},
    "unions_employer": {"admin_user", "provincial_officer", "officer"},
    "unions_industrialzone": {"admin_user", "provincial_officer", "officer"},
    "unions_collectiveagreement": {
        "admin_user",
        "provincial_officer",
        "officer",
        "grassroots_officer",
    },
    "registry_user": {"admin_user"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MAY_ADD))
def test_each_role_may_add_only_what_its_permissions_allow(client, request, role, name):
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse(f"admin:{name}_add"))

    assert response.status_code == (200 if role in MAY_ADD[name] else 403)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name",
    [
        "unions_unionunit",
        "unions_employer",
        "unions_collectiveagreement",
        "registry_province",
        "registry_ward",
    ],
)
def test_every_role_reads_the_reference_lists(client, request, role, name):
    client.force_login(request.getfixturevalue(role))

    assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_a_leader_sees_a_unit_page_read_only(client, leader, cdcs):
    client.force_login(leader)
    url = reverse("admin:unions_unionunit_change", args=[cdcs.pk])

    page = client.get(url)
    response = client.post(url, {"code": "CDCS-A", "name": "Đổi tên"})

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert response.status_code == 403
    cdcs.refresh_from_db()
    assert cdcs.name == "Công đoàn Công ty May A"


def test_a_leaders_permissions_are_all_read_or_export():
    actions = {
        perm.split(".")[1].split("_")[0] for perm in ROLE_PERMISSIONS[Role.LEADER]
    }

    assert actions <= {"view", "export"}


def test_an_inactive_account_reaches_no_admin_page(client, officer):
    officer.is_active = False
    officer.save()
    client.force_login(officer)

    response = client.get(reverse("admin:unions_unionunit_changelist"))

    assert response.status_code == 302  # back to the admin's sign-in
