"""Every view, list, lookup, preview, download and export of personal data writes
exactly one access-log entry saying who, what, whose, when, from where and — for
exports — why (finding 7 of issue 11; docs/security.md, "The access log")."""

import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from members import services
from registry.models import AccessLog, ImportJob
from registry.roles import Role
from tests.imports import files

pytestmark = pytest.mark.django_db

IP = "10.20.30.40"
PURPOSE = "Báo cáo quý II"
HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày vào công đoàn"]
A = AccessLog.Action


@pytest.fixture
def lan(cdcs):
    return services.admit_member(
        unit=cdcs, full_name="Nguyễn Thị Lan", gender="F", birth_date=date(1990, 3, 8),
        cccd="042190012345", joined_on=date(2015, 5, 1), religion="Phật giáo",
    ).member  # fmt: skip


@pytest.fixture
def other_officer(other_district):
    """An officer of the commune union: Lan's CĐCS is outside its scope."""
    from tests.factories import UserFactory

    return UserFactory(username="canbo_xa", role=Role.UPPER_LEVEL, unit=other_district)


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


def upload(client, cdcs, rows):
    with committed():
        client.post(
            reverse("import_upload"),
            {"kind": "members", "into": cdcs.code,
             "file": SimpleUploadedFile("ds.xlsx", files.xlsx([HEADER, *rows]))},
            REMOTE_ADDR=IP,
        )  # fmt: skip
    return ImportJob.objects.latest("pk")


BAD_ROW = ["Trần Văn Bình", "12/11/1985", "Nam", "123", "01/05/2016"]
NEW_ROW = ["Lê Văn Tư", "12/11/1985", "Nam", "042085012399", "01/05/2016"]


# Each action: (what it does, given the client signed in as the officer; what the one
# entry must hold). ``ctx`` has the member, the unit and the officer.
def record_page(client, ctx):
    client.get(ctx.lan.get_absolute_url(), REMOTE_ADDR=IP)
    return {"action": A.VIEW_MEMBER, "object_id": str(ctx.lan.pk), "is_sensitive": True}


def record_admin(client, ctx):
    client.get(
        reverse("admin:members_member_change", args=[ctx.lan.pk]), REMOTE_ADDR=IP
    )
    return {"action": A.VIEW_MEMBER, "object_id": str(ctx.lan.pk), "is_sensitive": True}


def edit_form(client, ctx):
    client.get(reverse("members:member_edit", args=[ctx.lan.pk]), REMOTE_ADDR=IP)
    return {"action": A.EDIT_FORM, "object_id": str(ctx.lan.pk), "is_sensitive": True}


def history_admin(client, ctx):
    client.get(
        reverse("admin:members_member_history", args=[ctx.lan.pk]), REMOTE_ADDR=IP
    )
    return {
        "action": A.VIEW_HISTORY,
        "object_id": str(ctx.lan.pk),
        "is_sensitive": True,
    }


def member_list(client, ctx):
    client.get(
        reverse("members:member_list"), {"q": "lan", "gender": "F"}, REMOTE_ADDR=IP
    )
    return {"action": A.LIST_MEMBERS, "count": 1, "is_sensitive": False,
            "details": {"filters": {"q": "lan", "gender": "F"}}}  # fmt: skip


def member_list_fragment(client, ctx):
    client.get(
        reverse("members:member_list"), {"q": "lan"}, REMOTE_ADDR=IP,
        headers={"X-Fragment": "rows"},
    )  # fmt: skip
    return {"action": A.LIST_MEMBERS, "count": 1, "details": {"filters": {"q": "lan"}}}


def admin_member_list(client, ctx):
    client.get(
        reverse("admin:members_member_changelist"), {"is_party_member__exact": "0"},
        REMOTE_ADDR=IP,
    )  # fmt: skip
    return {"action": A.LIST_MEMBERS, "count": 1, "is_sensitive": True,
            "details": {"filters": {"is_party_member__exact": "0"}}}  # fmt: skip


def admin_membership_list(client, ctx):
    client.get(
        reverse("admin:members_membership_changelist"), {"q": "CDCS-A"}, REMOTE_ADDR=IP
    )
    return {"action": A.LIST_MEMBERS, "count": 1, "is_sensitive": False,
            "details": {"filters": {"q": "CDCS-A"}}}  # fmt: skip


def admit_lookup(client, ctx):
    client.post(
        reverse("members:admit", args=[ctx.cdcs.code]),
        {"full_name": "Người Lạ", "gender": "F", "birth_date": "08/03/1990",
         "cccd": ctx.lan.cccd, "joined_on": "01/05/2016"},
        REMOTE_ADDR=IP,
    )  # fmt: skip
    return {"action": A.LOOKUP_CCCD, "object_id": str(ctx.lan.pk), "count": 1,
            "details": {"outcome": "in_scope"}}  # fmt: skip


def import_preview(client, ctx):
    job = upload(client, ctx.cdcs, [[*NEW_ROW[:3], ctx.lan.cccd, NEW_ROW[4]]])
    before = set(AccessLog.objects.values_list("pk", flat=True))
    client.get(reverse("import_preview", args=[job.pk]), REMOTE_ADDR=IP)
    return {"action": A.PREVIEW_IMPORT, "object_id": str(job.pk), "count": 1,
            "details": {"lookups": {"cccds": 1, "on_register": 1, "outside_scope": 0}},
            "before": before}  # fmt: skip


def error_report(client, ctx):
    job = upload(client, ctx.cdcs, [NEW_ROW, BAD_ROW])
    with committed():
        client.post(reverse("import_confirm", args=[job.pk]), {"skip_invalid": "1"})
    before = set(AccessLog.objects.values_list("pk", flat=True))
    client.get(reverse("import_report", args=[job.pk]), REMOTE_ADDR=IP)
    return {"action": A.DOWNLOAD_REPORT, "object_id": str(job.pk), "count": 1,
            "before": before}  # fmt: skip


def import_job(client, ctx):
    job = upload(client, ctx.cdcs, [NEW_ROW])
    with committed():
        client.post(reverse("import_confirm", args=[job.pk]), REMOTE_ADDR=IP)
    return {"action": A.IMPORT, "object_id": str(job.pk), "ip_address": None,
            "details": {"written": 1}}  # fmt: skip


def export_page(file_format):
    def act(client, ctx):
        client.get(
            reverse("export"),
            {"kind": "members", "unit": ctx.cdcs.pk, "file_format": file_format,
             "purpose": PURPOSE},
            REMOTE_ADDR=IP,
        )  # fmt: skip
        return {"action": A.EXPORT, "object_id": ctx.cdcs.code, "count": 1,
                "purpose": PURPOSE, "is_sensitive": True}  # fmt: skip

    return act


def export_command(client, ctx, tmp_path):
    call_command(
        "export", "members", "--unit", ctx.cdcs.code, "--out", str(tmp_path / "x.csv"),
        "--user", ctx.officer.username, "--purpose", PURPOSE,
    )  # fmt: skip
    return {"action": A.EXPORT, "object_id": ctx.cdcs.code, "count": 1,
            "purpose": PURPOSE, "ip_address": None,
            "details": {"via": "command"}}  # fmt: skip


def import_command(client, ctx, tmp_path):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(files.xlsx([HEADER, NEW_ROW]))
    call_command(
        "import", "members", str(path), "--into", ctx.cdcs.code,
        "--user", ctx.officer.username, stdout=io.StringIO(),
    )  # fmt: skip
    return {"action": A.IMPORT, "count": 1, "ip_address": None,
            "details": {"via": "command", "written": 1}}  # fmt: skip


def record_export(client, ctx):
    client.post(
        reverse("members:member_export", args=[ctx.lan.pk]),
        {"file_format": "json", "purpose": PURPOSE}, REMOTE_ADDR=IP,
    )  # fmt: skip
    return {"action": A.EXPORT_RECORD, "object_id": str(ctx.lan.pk), "count": 1,
            "purpose": PURPOSE, "is_sensitive": True}  # fmt: skip


ACTIONS = {
    "the record page": record_page,
    "the record in the admin": record_admin,
    "the edit form": edit_form,
    "the admin history": history_admin,
    "the member list": member_list,
    "the member list as typed (a fragment)": member_list_fragment,
    "a filtered admin list of members": admin_member_list,
    "an admin list of memberships": admin_membership_list,
    "the admit-form lookup": admit_lookup,
    "the import preview": import_preview,
    "the error report": error_report,
    "an import": import_job,
    "a csv export": export_page("csv"),
    "an xlsx export": export_page("xlsx"),
    "the export command": export_command,
    "the import command": import_command,
    "a member's own record": record_export,
}


@pytest.mark.parametrize("name", ACTIONS)
def test_each_personal_data_action_writes_one_entry(
    client, officer, cdcs, lan, name, tmp_path
):
    from types import SimpleNamespace

    ctx = SimpleNamespace(lan=lan, cdcs=cdcs, officer=officer)
    client.force_login(officer)
    act = ACTIONS[name]
    before = set(AccessLog.objects.values_list("pk", flat=True))

    args = (client, ctx, tmp_path) if "command" in name else (client, ctx)
    expected = act(*args)

    new = list(AccessLog.objects.exclude(pk__in=expected.pop("before", before)))
    assert len(new) == 1, [(e.action, e.target) for e in new]
    entry = new[0]
    assert entry.user == officer and entry.at is not None
    assert entry.ip_address == expected.pop("ip_address", IP)
    for key, value in expected.pop("details", {}).items():
        assert entry.details[key] == value
    for field, value in expected.items():
        assert getattr(entry, field) == value, field


def test_every_action_is_walked():
    walked = {
        A.VIEW_MEMBER, A.EDIT_FORM, A.VIEW_HISTORY, A.LIST_MEMBERS, A.LOOKUP_CCCD,
        A.PREVIEW_IMPORT, A.DOWNLOAD_REPORT, A.EXPORT, A.EXPORT_RECORD, A.IMPORT,
    }  # fmt: skip
    # The access log's own export and search are walked in test_admin_access_log.py,
    # an import's undoing in tests/imports/test_undo_import.py, signing off and
    # reopening a period in tests/signoff/test_pages.py.
    elsewhere = {A.EXPORT_LOG, A.UNDO_IMPORT, A.SIGN_OFF, A.REOPEN_PERIOD}

    assert walked | elsewhere == set(A)


def test_a_list_is_one_entry_whatever_its_length(client, officer, cdcs, lan):
    for n in range(30):
        services.admit_member(
            unit=cdcs, full_name=f"Nguyễn Văn Lan {chr(ord('A') + n % 26)}", gender="M",
            birth_date=date(1990, 3, 8), cccd=f"0420900{n:05d}", joined_on=date(2015, 5, 1),
        )  # fmt: skip
    client.force_login(officer)

    client.get(reverse("members:member_list"))

    entry = AccessLog.objects.get()
    assert entry.count == 31
    assert "042090" not in json.dumps(entry.details) + entry.target


# --- Scope isolation: every role -------------------------------------------------------

ROLES = ["admin_user", "provincial_officer", "officer", "grassroots_officer", "leader"]
SENSITIVE_ROLES = {"admin_user", "provincial_officer", "officer", "grassroots_officer"}


@pytest.mark.parametrize("role", ROLES)
def test_a_record_seen_is_logged_as_what_the_role_saw(client, request, role, lan):
    user = request.getfixturevalue(role)
    client.force_login(user)

    response = client.get(lan.get_absolute_url())

    entry = AccessLog.objects.get()
    assert entry.is_sensitive is (role in SENSITIVE_ROLES)
    assert (lan.cccd in response.content.decode()) is entry.is_sensitive


@pytest.mark.parametrize("role", ROLES)
def test_a_list_seen_by_any_role_is_one_entry_never_a_full_cccd_view(
    client, request, role, lan
):
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse("members:member_list"))

    entry = AccessLog.objects.get()
    assert entry.action == A.LIST_MEMBERS and entry.count == 1
    assert entry.is_sensitive is False
    assert lan.cccd not in response.content.decode()


@pytest.mark.parametrize(
    ("url", "role"),
    [
        ("members:member_detail", "leader"),
        ("members:member_edit", "leader"),
        ("admin:members_member_history", "leader"),
        ("members:member_export", "leader"),
    ],
)
def test_a_refused_page_shows_and_logs_nothing(client, request, url, role, lan):
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse(url, args=[lan.pk]))

    if url == "members:member_detail":  # the leader reads it, masked
        assert AccessLog.objects.get().is_sensitive is False
    else:
        assert response.status_code == 403
        assert not AccessLog.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "members:member_detail",
        "members:member_edit",
        "members:member_export",
        "admin:members_member_change",
        "admin:members_member_history",
    ],
)
def test_outside_the_scope_nothing_is_shown_or_logged(client, other_officer, lan, url):
    client.force_login(other_officer)

    response = client.get(reverse(url, args=[lan.pk]))

    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_a_member_list_outside_the_scope_logs_only_what_it_showed(
    client, other_officer, lan
):
    client.force_login(other_officer)

    client.get(reverse("members:member_list"))

    assert AccessLog.objects.get().count == 0


# --- The data-subject export --------------------------------------------------------


def test_a_members_own_record_holds_personal_data_memberships_and_changes(
    client, officer, lan
):
    lan.refresh_from_db()  # with the current unit the database gave it
    lan.phone = "0912345678"
    lan.save()
    client.force_login(officer)

    response = client.post(
        reverse("members:member_export", args=[lan.pk]),
        {"file_format": "json", "purpose": PURPOSE},
    )

    record = json.loads(response.content)
    assert record["member_id"] == lan.pk
    person = record["personal_data"]
    assert (person["cccd"], person["religion"]) == (lan.cccd, "Phật giáo")
    assert person["phone"] == "0912345678"
    assert [m["union_code"] for m in record["memberships"]] == ["CDCS-A"]
    assert any(
        f["new"] == "0912345678" for c in record["changes"] for f in c["fields"]
    ), record["changes"]


def test_a_members_own_record_as_a_workbook_has_three_sheets(client, officer, lan):
    client.force_login(officer)

    response = client.post(
        reverse("members:member_export", args=[lan.pk]),
        {"file_format": "xlsx", "purpose": PURPOSE},
    )

    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 3
    cells = [
        c for row in workbook.worksheets[0].iter_rows(values_only=True) for c in row
    ]
    assert lan.cccd in cells and lan.full_name in cells


def test_a_members_own_record_needs_a_purpose(client, officer, lan):
    client.force_login(officer)

    response = client.post(
        reverse("members:member_export", args=[lan.pk]), {"file_format": "json"}
    )

    assert response.status_code == 200
    assert "purpose" in response.context["form"].errors
    assert not AccessLog.objects.exists()


def test_an_export_needs_a_purpose(client, officer, cdcs, lan):
    client.force_login(officer)

    response = client.get(
        reverse("export"), {"kind": "members", "unit": cdcs.pk, "file_format": "csv"}
    )

    assert "purpose" in response.context["form"].errors
    assert not AccessLog.objects.exists()


def test_the_export_command_needs_a_purpose(cdcs, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "export", "members", "--unit", cdcs.code, "--out", str(tmp_path / "x.csv"),
            "--purpose", " ",
        )  # fmt: skip

    assert not AccessLog.objects.exists()


def test_a_grassroots_officer_of_another_union_cannot_export_the_record(
    client, lan, other_cdcs
):
    from tests.factories import UserFactory

    stranger = UserFactory(username="cdcs_b", role=Role.GRASSROOTS, unit=other_cdcs)
    client.force_login(stranger)

    response = client.post(
        reverse("members:member_export", args=[lan.pk]),
        {"file_format": "json", "purpose": PURPOSE},
    )

    assert response.status_code == 404
