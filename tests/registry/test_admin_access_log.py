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


# --- Searching and exporting the log (system administrators) ---------------------------

EXPORT = reverse("admin:registry_accesslog_export")


@pytest.fixture
def history(rf, officer, grassroots_officer):
    """Views of two people by two accounts on two days, and an export."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from tests.factories import MemberFactory

    lan = MemberFactory(full_name="Nguyễn Thị Lan", cccd="042190012345")
    binh = MemberFactory(full_name="Trần Văn Bình", cccd="042085012346")
    written = []
    for user, member, day in [
        (officer, lan, 3), (grassroots_officer, lan, 5), (officer, binh, 5),
    ]:  # fmt: skip
        request = rf.get("/")
        request.user = user
        at = datetime(2025, 5, day, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
        with timezone.override("Asia/Ho_Chi_Minh"):
            from unittest import mock

            with mock.patch("django.utils.timezone.now", return_value=at):
                written.append(
                    log_access(
                        request, action=AccessLog.Action.VIEW_MEMBER,
                        target=member.full_name, object_id=member.pk, is_sensitive=True,
                    )
                )  # fmt: skip
    request = rf.get("/")
    request.user = officer
    written.append(
        log_access(
            request, action=AccessLog.Action.EXPORT, target="members: CDCS-A",
            object_id="CDCS-A", count=2, purpose="Báo cáo quý",
        )
    )  # fmt: skip
    return {"lan": lan, "binh": binh, "entries": written}


def listed(response):
    assert response.status_code == 200, response.status_code
    return {entry.pk for entry in response.context["cl"].result_list}


def test_the_log_is_searched_by_period(admin_client, history):
    entries = history["entries"]

    response = admin_client.get(LOG, {"from": "04/05/2025", "to": "05/05/2025"})

    assert listed(response) == {entries[1].pk, entries[2].pk}


def test_the_log_is_searched_by_account(admin_client, history):
    entries = history["entries"]

    response = admin_client.get(LOG, {"username": "canbo_cdcs"})

    assert listed(response) == {entries[1].pk}


@pytest.mark.parametrize("typed", ["cccd", "id"])
def test_the_log_is_searched_by_member(admin_client, admin_user, history, typed):
    lan = history["lan"]
    entries = history["entries"]

    response = admin_client.get(
        LOG, {"member": lan.cccd if typed == "cccd" else str(lan.pk)}
    )

    lookups = AccessLog.objects.filter(action=AccessLog.Action.LOOKUP_CCCD)
    if typed == "cccd":  # a CCCD typed into the search is a lookup like any other
        lookup = lookups.get()
        assert (lookup.user, lookup.object_id) == (admin_user, str(lan.pk))
        assert listed(response) == {entries[0].pk, entries[1].pk, lookup.pk}
    else:
        assert not lookups.exists()
        assert listed(response) == {entries[0].pk, entries[1].pk}


def test_the_log_is_searched_by_action(admin_client, history):
    response = admin_client.get(LOG, {"action__exact": "export"})

    assert listed(response) == {history["entries"][3].pk}


def test_a_provincial_officer_cannot_search_the_log_by_member(
    client, provincial_officer, history
):
    client.force_login(provincial_officer)

    response = client.get(LOG, {"member": history["lan"].cccd})

    assert response.status_code == 400
    assert not AccessLog.objects.filter(action=AccessLog.Action.LOOKUP_CCCD).exists()


def test_a_malformed_date_is_not_a_server_error(admin_client, history):
    response = admin_client.get(LOG, {"from": "31/02/2025"})

    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_administrator_exports_the_filtered_log_with_a_purpose(
    admin_client, admin_user, history, file_format
):
    import io

    from openpyxl import load_workbook

    response = admin_client.get(
        EXPORT,
        {"username": "canbo_captren", "file_format": file_format,
         "purpose": "Thanh tra năm 2025"},
        REMOTE_ADDR="10.9.8.7",
    )  # fmt: skip

    if file_format == "csv":
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        lines = text.strip().splitlines()
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        lines = list(sheet.iter_rows(values_only=True))
        text = " ".join(str(c) for row in lines for c in row)
    assert len(lines) == 1 + 3  # the header and the officer's three entries
    assert "Trần Văn Bình" in text and "Báo cáo quý" in text
    export = AccessLog.objects.get(action=AccessLog.Action.EXPORT_LOG)
    assert (export.user, export.count, export.purpose, export.ip_address) == (
        admin_user, 3, "Thanh tra năm 2025", "10.9.8.7",
    )  # fmt: skip
    assert export.details["filters"] == {"username": ["canbo_captren"]}


def test_an_export_of_the_log_asks_for_a_purpose_first(admin_client, history):
    first = admin_client.get(EXPORT, {"action__exact": "export"})
    blank = admin_client.get(
        EXPORT, {"action__exact": "export", "file_format": "csv", "purpose": ""}
    )

    assert first.status_code == blank.status_code == 200
    assert ("action__exact", "export") in first.context["filters"]
    assert "purpose" in blank.context["form"].errors
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT_LOG).exists()


@pytest.mark.parametrize(
    "role", ["provincial_officer", "officer", "grassroots_officer", "leader"]
)
def test_only_administrators_export_the_log(client, request, role, history):
    client.force_login(request.getfixturevalue(role))

    response = client.get(EXPORT, {"file_format": "csv", "purpose": "Thanh tra"})

    assert response.status_code == 403
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT_LOG).exists()


def test_the_export_link_is_offered_to_administrators_only(
    admin_client, client, provincial_officer, history
):
    client.force_login(provincial_officer)

    assert EXPORT in admin_client.get(LOG).content.decode()
    assert EXPORT not in client.get(LOG).content.decode()
