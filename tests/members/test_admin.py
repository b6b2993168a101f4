from datetime import date

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from members import services
from members.models import Membership, TransferRequest
from registry.models import AccessLog
from tests.factories import UnionUnitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "admin:members_member_changelist",
        "admin:members_membership_changelist",
        "admin:members_transferrequest_changelist",
    ],
)
@pytest.mark.parametrize("role_fixture", ["admin_user", "officer", "leader"])
def test_admin_lists_open_for_each_role(
    request, client, name, role_fixture, admit, cdcs
):
    admit(cdcs)
    client.force_login(request.getfixturevalue(role_fixture))

    response = client.get(reverse(name))

    assert response.status_code == 200


def test_the_member_admin_shows_the_scope_only(
    client, officer, admit, cdcs, other_cdcs
):
    admit(cdcs, full_name="Trần Văn Trong")
    admit(other_cdcs, full_name="Lê Văn Ngoài")
    client.force_login(officer)

    response = client.get(reverse("admin:members_member_changelist"))

    assert "Trần Văn Trong" in response.text
    assert "Lê Văn Ngoài" not in response.text


def test_the_member_admin_search_ignores_marks(client, officer, admit, cdcs):
    admit(cdcs, full_name="Đặng Thị Ánh")
    admit(cdcs, full_name="Trần Văn Bình")
    client.force_login(officer)

    response = client.get(reverse("admin:members_member_changelist"), {"q": "dang anh"})

    assert "Đặng Thị Ánh" in response.text
    assert "Trần Văn Bình" not in response.text


def test_opening_a_member_in_the_admin_is_logged(client, officer, admit, cdcs):
    member = admit(cdcs).member
    client.force_login(officer)

    response = client.get(reverse("admin:members_member_change", args=[member.pk]))

    assert response.status_code == 200
    assert AccessLog.objects.get().details["via"] == "admin"


def test_a_member_outside_the_scope_is_not_found_in_the_admin(
    client, other_officer, admit, cdcs
):
    member = admit(cdcs).member
    client.force_login(other_officer)

    change = client.get(reverse("admin:members_member_change", args=[member.pk]))
    history = client.get(reverse("admin:members_member_history", args=[member.pk]))

    assert (change.status_code, history.status_code) == (404, 404)


def test_a_leader_cannot_read_the_field_history_in_the_admin(
    client, leader, admit, cdcs
):
    member = admit(cdcs).member
    client.force_login(leader)

    response = client.get(reverse("admin:members_member_history", args=[member.pk]))

    assert response.status_code == 403


def test_an_officer_reads_the_history_in_the_admin(client, officer, admit, cdcs):
    member = admit(cdcs).member
    client.force_login(officer)

    response = client.get(reverse("admin:members_member_history", args=[member.pk]))

    assert response.status_code == 200


def test_the_sensitive_fields_are_left_out_of_a_leaders_admin_form(
    client, leader, admit, cdcs
):
    member = admit(cdcs, cccd="042190012345").member
    client.force_login(leader)

    response = client.get(reverse("admin:members_member_change", args=[member.pk]))

    assert "042190012345" not in response.text


def test_members_are_not_added_in_the_admin(client, admin_user):
    client.force_login(admin_user)

    response = client.get(reverse("admin:members_member_add"))

    assert response.status_code == 403


def test_a_membership_cannot_be_edited_in_the_admin(client, admin_user, admit, cdcs):
    membership = admit(cdcs)
    client.force_login(admin_user)

    client.post(
        reverse("admin:members_membership_change", args=[membership.pk]),
        {"left_on": "2020-01-01"},
    )

    membership.refresh_from_db()
    assert membership.left_on is None


def test_the_departure_action_calls_the_service(client, officer, admit, cdcs):
    membership = admit(cdcs)
    client.force_login(officer)

    response = client.post(
        reverse("admin:members_membership_changelist"),
        {
            "action": "record_departure",
            helpers.ACTION_CHECKBOX_NAME: [membership.pk],
            "apply": "1",
            "left_on": "31/12/2023",
            "reason": "retired",
        },
    )

    membership.refresh_from_db()
    assert response.status_code == 302
    assert (membership.left_on, membership.leave_reason) == (
        date(2023, 12, 31),
        "retired",
    )


def test_the_departure_action_first_asks_for_date_and_reason(
    client, officer, admit, cdcs
):
    membership = admit(cdcs)
    client.force_login(officer)

    response = client.post(
        reverse("admin:members_membership_changelist"),
        {"action": "record_departure", helpers.ACTION_CHECKBOX_NAME: [membership.pk]},
    )

    assert response.status_code == 200
    assert "left_on" in response.context["form"].fields


def test_the_transfer_action_calls_the_service(client, officer, admit, cdcs, district):
    sibling = UnionUnitFactory(parent=district)
    membership = admit(cdcs)
    client.force_login(officer)

    client.post(
        reverse("admin:members_membership_changelist"),
        {
            "action": "transfer",
            helpers.ACTION_CHECKBOX_NAME: [membership.pk],
            "apply": "1",
            "to_unit": sibling.code,
            "transferred_on": "01/09/2025",
        },
    )

    assert (
        Membership.objects.get(member=membership.member, left_on=None).unit == sibling
    )


def test_a_refused_action_reports_the_reason_and_writes_nothing(
    client, officer, admit, cdcs, district
):
    closed = UnionUnitFactory(parent=district, dissolved_on=date(2020, 1, 1))
    membership = admit(cdcs)
    client.force_login(officer)

    response = client.post(
        reverse("admin:members_membership_changelist"),
        {
            "action": "transfer",
            helpers.ACTION_CHECKBOX_NAME: [membership.pk],
            "apply": "1",
            "to_unit": closed.code,
            "transferred_on": "01/09/2025",
        },
        follow=True,
    )

    membership.refresh_from_db()
    assert membership.left_on is None
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_a_leader_has_no_workflow_actions(client, leader, admit, cdcs):
    admit(cdcs)
    client.force_login(leader)

    response = client.get(reverse("admin:members_membership_changelist"))

    assert "record_departure" not in response.text


def test_the_accept_action_moves_the_member(
    client, officer, other_officer, admit, cdcs, other_cdcs
):
    member = admit(cdcs).member
    request = services.transfer_member(
        member=member, to_unit=other_cdcs, transferred_on=date(2025, 9, 1), user=officer
    )
    client.force_login(other_officer)

    client.post(
        reverse("admin:members_transferrequest_changelist"),
        {"action": "accept", helpers.ACTION_CHECKBOX_NAME: [request.pk]},
    )

    assert TransferRequest.objects.get().status == TransferRequest.Status.ACCEPTED
