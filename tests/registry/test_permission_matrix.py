"""docs/security.md's permission matrix, cell by cell: every role, every action and
channel, inside and outside the role's scope.

MATRIX below is the same table as the document's; the first test reads the document and
fails when the two differ. Each row has a probe: it does the action as the role, on a
person or unit inside the scope or outside it, and says what came back — ``allowed``,
``masked`` (without the sensitive fields), ``names`` (name and dates only), ``refused``
(403, 400, not offered) or ``hidden`` (404, not listed, nobody named).
"""

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.urls import reverse

from members import services
from registry.audit import log_access
from registry.models import AccessLog
from registry.roles import Role
from tests.factories import UnionUnitFactory, UserFactory
from unions.models import UnionUnit

pytestmark = pytest.mark.django_db

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "security.md"
ROLES = ["admin_user", "provincial_officer", "officer", "grassroots_officer", "leader"]
COLUMNS = ["System admin", "Provincial", "Upper-level", "Grassroots", "Leader"]

MATRIX = {
    ("List members", "page"): "all scope scope scope masked",
    ("List members", "admin"): "all scope scope scope masked",
    ("View a member's record and its changes", "page"): "all scope scope scope masked",
    ("View a member's record", "admin"): "all scope scope scope masked",
    ("View a member's change history", "admin"): "all scope scope scope no",
    ("Edit a member's record", "page"): "all scope scope scope no",
    ("Edit a member's record", "admin"): "all scope scope scope no",
    ("Admit a member", "page"): "all scope scope scope no",
    ("Transfer a member", "page"): "all scope scope scope no",
    ("Transfer a member", "admin"): "all scope scope scope no",
    ("Record a departure", "page"): "all scope scope scope no",
    ("Record a departure", "admin"): "all scope scope scope no",
    ("Readmit a former member", "page"): "all scope scope scope no",
    ("Import a file", "page"): "all scope scope no no",
    ("Export a list of members", "page"): "all scope scope scope no",
    ("Coverage report", "page"): "all scope scope no scope",
    ("Dashboard", "page"): "all scope scope scope scope",
    ("Filter an admin list by a sensitive field", "URL"): "all scope scope scope no",
    ("Filter an admin list by a lookup no filter offers", "URL"): "no no no no no",
    (
        "A member who moved away, in the lists of a past day",
        "page",
    ): "all names names names names",
    ("Open the record of a member who moved away", "page"): "all no no no no",
    ("Open the record of a member who moved away", "admin"): "all no no no no",
    ("Move or dissolve a unit", "admin"): "all scope no no no",
    ("Sign off a period's figures", "page"): "all scope scope no no",
    ("Reopen a signed-off period", "page"): "all scope scope no no",
    ("Read the access log", "admin"): "all scope no no no",
    ("Search the access log by member", "admin"): "all no no no no",
    ("Export the access log", "admin"): "all no no no no",
    ("Export a member's own record", "page"): "all scope scope scope no",
    ("Look up a person by CCCD", "form field"): "all scope scope scope no",
    ("Look up a person by CCCD", "file"): "all scope scope no no",
    ("Look up a person by CCCD", "command"): "all scope scope no no",
}

# What each cell expects (inside the scope, outside it).
EXPECTED = {
    "all": ({"allowed"}, {"allowed"}),
    "scope": ({"allowed"}, {"hidden"}),
    "masked": ({"masked"}, {"hidden"}),
    "names": ({"names"}, {"hidden"}),
    "no": ({"refused", "hidden"}, {"refused", "hidden"}),
}


def document_matrix() -> dict:
    rows = {}
    for line in DOCUMENT.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 + len(COLUMNS) and cells[2:] != COLUMNS:
            if set(cells[0]) <= {"-"}:
                continue
            rows[(cells[0], cells[1])] = " ".join(cells[2:])
    return rows


def test_the_document_and_the_tests_hold_the_same_matrix():
    header = "| Action | Channel | " + " | ".join(COLUMNS) + " |"

    assert header in DOCUMENT.read_text()
    assert document_matrix() == MATRIX


# --- The world: two provinces, people inside and outside each role's scope ----------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module in a transaction of its own, rolled back at the end
    (Django's setUpTestData); each test runs in a savepoint inside it. Probes only
    read it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def build_world():
    kind = UnionUnit.Kind
    province = UnionUnitFactory(
        code="LDLD-HT", kind=kind.PROVINCIAL, founded_on=date(1950, 1, 1)
    )
    district = UnionUnitFactory(
        parent=province, code="CD-KCN", kind=kind.INDUSTRIAL_ZONE
    )
    commune = UnionUnitFactory(parent=province, code="CD-XA-1", kind=kind.COMMUNE)
    cdcs = UnionUnitFactory(parent=district, code="CDCS-A")
    next_door = UnionUnitFactory(parent=district, code="CDCS-A2")
    other_cdcs = UnionUnitFactory(parent=commune, code="CDCS-B")
    elsewhere = UnionUnitFactory(
        code="LDLD-NA", kind=kind.PROVINCIAL, founded_on=date(1950, 1, 1)
    )
    far_cdcs = UnionUnitFactory(parent=elsewhere, code="CDCS-NA")
    numbers = iter(range(1, 100))

    def admit(unit, name):
        return services.admit_member(
            unit=unit,
            full_name=name,
            birth_date=date(1990, 3, 8),
            gender="F",
            cccd=f"0421900{next(numbers):05d}",
            joined_on=date(2016, 5, 1),
            religion="Phật giáo",
            ethnicity="Tày",
            is_party_member=True,
        ).member

    def moved(unit, name):
        member = admit(cdcs, name)
        services.transfer_member(
            member=member, to_unit=unit, transferred_on=date(2020, 1, 1)
        )
        return member

    def retired(unit, name):
        member = admit(unit, name)
        services.record_departure(
            member=member, left_on=date(2019, 1, 1), reason="retired"
        )
        return member

    def user(role, name, unit):
        return UserFactory(username=name, role=role, unit=unit)

    return SimpleNamespace(
        people=SimpleNamespace(
            here=admit(cdcs, "Nguyễn Thị Hằng"),
            sibling=admit(other_cdcs, "Trần Thị Bích"),
            far=admit(far_cdcs, "Lê Thị Cúc"),
            moved_far=moved(far_cdcs, "Phạm Thị Dung"),
            retired_here=retired(cdcs, "Võ Thị Em"),
            retired_sibling=retired(other_cdcs, "Đỗ Thị Gấm"),
            retired_far=retired(far_cdcs, "Hồ Thị Hoa"),
        ),
        units=SimpleNamespace(
            here=cdcs, next_door=next_door, sibling=other_cdcs, far=far_cdcs
        ),
        users={
            "admin_user": user(Role.SYSTEM_ADMIN, "quantri", None),
            "provincial_officer": user(Role.PROVINCIAL, "canbo_tinh", province),
            "officer": user(Role.UPPER_LEVEL, "canbo_captren", district),
            "grassroots_officer": user(Role.GRASSROOTS, "canbo_cdcs", cdcs),
            "leader": user(Role.LEADER, "lanhdao", province),
            "author": user(Role.GRASSROOTS, "tac_gia", cdcs),
        },
        stranger=user(Role.PROVINCIAL, "canbo_nghean", elsewhere),
    )


# Outside the scope: the sibling CĐCS for a CĐCS or upper-level officer, the other
# province for the province's own accounts (the system administrator sees it all).
NEAR_ROLES = {"officer", "grassroots_officer"}


def target(world, role, inside, *, kind=""):
    if inside:
        return getattr(world.people, f"{kind}here")
    if role in NEAR_ROLES:
        return getattr(world.people, f"{kind}sibling")
    return getattr(world.people, f"{kind}far")


def target_unit(world, role, inside):
    if inside:
        return world.units.here
    return world.units.sibling if role in NEAR_ROLES else world.units.far


def by_status(response, member=None):
    """allowed / masked / hidden / refused from a page about one member."""
    if response.status_code == 403:
        return "refused"
    if response.status_code == 404:
        return "hidden"
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    if member is None:
        return "allowed"
    if member.cccd in text:
        return "allowed"
    return "masked" if member.full_name in text else "hidden"


# --- Probes: one per row -----------------------------------------------------------------


def list_page(client, world, role, inside):
    member = target(world, role, inside)
    response = client.get(reverse("members:member_list"))
    if response.status_code == 403:
        return "refused"
    if member.pk not in {m.pk for m in response.context["rows"]}:
        return "hidden"
    return "allowed" if "party" in response.context["form"].fields else "masked"


def changelist(client, model, params=None):
    return client.get(reverse(f"admin:members_{model}_changelist"), params or {})


def list_admin(client, world, role, inside):
    member = target(world, role, inside)
    response = changelist(client, "member")
    if response.status_code == 403:
        return "refused"
    if member.pk not in {m.pk for m in response.context["cl"].result_list}:
        return "hidden"
    offered = {spec.field_path for spec in response.context["cl"].filter_specs}
    return "allowed" if "is_party_member" in offered else "masked"


def record_page(client, world, role, inside):
    member = target(world, role, inside)
    return by_status(client.get(member.get_absolute_url()), member)


def record_admin(client, world, role, inside):
    member = target(world, role, inside)
    url = reverse("admin:members_member_change", args=[member.pk])
    return by_status(client.get(url), member)


def history_admin(client, world, role, inside):
    member = target(world, role, inside)
    url = reverse("admin:members_member_history", args=[member.pk])
    return by_status(client.get(url))


def edit_page(client, world, role, inside):
    member = target(world, role, inside)
    url = reverse("members:member_edit", args=[member.pk])
    return by_status(client.get(url))


def edit_admin(client, world, role, inside):
    member = target(world, role, inside)
    response = client.get(reverse("admin:members_member_change", args=[member.pk]))
    if response.status_code != 200:
        return by_status(response)
    return "allowed" if response.context["has_change_permission"] else "refused"


def admit_page(client, world, role, inside):
    unit = target_unit(world, role, inside)
    return by_status(client.get(reverse("members:admit", args=[unit.code])))


def member_page(name):
    def probe(client, world, role, inside):
        member = target(world, role, inside)
        return by_status(client.get(reverse(f"members:{name}", args=[member.pk])))

    return probe


def readmit_page(client, world, role, inside):
    member = target(world, role, inside, kind="retired_")
    return by_status(client.get(reverse("members:readmit", args=[member.pk])))


def admin_action(action):
    def probe(client, world, role, inside):
        member = target(world, role, inside)
        response = changelist(client, "membership")
        if response.status_code == 403:
            return "refused"
        listed = {m.member_id for m in response.context["cl"].result_list}
        if member.pk not in listed:
            return "hidden"
        form = response.context["action_form"]
        offered = (
            {name for name, _label in form.fields["action"].choices} if form else ()
        )
        return "allowed" if action in offered else "refused"

    return probe


def import_page(client, world, role, inside):
    from django.core.files.uploadedfile import SimpleUploadedFile

    unit = target_unit(world, role, inside)
    upload = SimpleUploadedFile("ds.csv", "Họ và tên\nNguyễn Văn Tư\n".encode())
    response = client.post(
        reverse("import_upload"), {"kind": "members", "into": unit.code, "file": upload}
    )
    if response.status_code == 403:
        return "refused"
    return "allowed" if response.status_code == 302 else "hidden"


def export_page(client, world, role, inside):
    unit = target_unit(world, role, inside)
    response = client.get(
        reverse("export"),
        {
            "kind": "members",
            "unit": unit.pk,
            "file_format": "csv",
            "purpose": "Báo cáo quý",
        },
    )
    if response.status_code == 403:
        return "refused"
    is_file = response.get("Content-Type", "").startswith("text/csv")
    return "allowed" if is_file else "hidden"


def dashboard_page(name):
    def probe(client, world, role, inside):
        unit = target_unit(world, role, inside)
        response = client.get(reverse(f"unions:{name}"), {"unit": unit.code})
        return by_status(response)

    return probe


def sensitive_filter(client, world, role, inside):
    member = target(world, role, inside)
    response = changelist(client, "member", {"is_party_member__exact": "1"})
    if response.status_code in (400, 403):
        return "refused"
    listed = {m.pk for m in response.context["cl"].result_list}
    return "allowed" if member.pk in listed else "hidden"


UNOFFERED_LOOKUPS = [
    ("member", {"cccd__startswith": "0"}),
    ("member", {"cccd": "042190000001"}),
    ("member", {"religion__icontains": "Phật"}),
    ("member", {"ethnicity__in": "Tày,Kinh"}),
    ("member", {"phone__regex": "^09"}),
    ("member", {"cccd__regex": "(a"}),
    ("member", {"gender__in": "F"}),
    ("membership", {"member__cccd__startswith": "0"}),
    ("membership", {"member__is_party_member": "1"}),
    ("transferrequest", {"member__religion__isnull": "0"}),
]


def unoffered_lookup(client, world, role, inside):
    outcomes = {
        changelist(client, model, params).status_code
        for model, params in UNOFFERED_LOOKUPS
    }
    return "refused" if outcomes <= {400, 403} else "allowed"


def moved_away_in_past_lists(client, world, role, inside):
    # Inside: someone who left the role's scope since; outside: someone never in it.
    member = world.people.moved_far if inside else target(world, role, False)
    response = client.get(reverse("members:member_list"), {"on": "01/01/2018"})
    rows = {m.pk: m for m in response.context["rows"]}
    if member.pk not in rows:
        return "hidden"
    if rows[member.pk].is_held:
        return "allowed"
    text = response.content.decode()
    assert member.masked_cccd not in text and member.get_absolute_url() not in text
    return "names"


def moved_away_record(channel):
    def probe(client, world, role, inside):
        member = world.people.moved_far if inside else target(world, role, False)
        if channel == "page":
            return by_status(client.get(member.get_absolute_url()), member)
        url = reverse("admin:members_member_change", args=[member.pk])
        return by_status(client.get(url), member)

    return probe


def unit_move(client, world, role, inside):
    unit = target_unit(world, role, inside)
    url = reverse("admin:unions_unionunit_move", args=[unit.pk])
    return by_status(client.get(url, follow=True))  # to the reorganisation form


def sign_off(client, world, role, inside):
    unit = target_unit(world, role, inside)
    data = {"unit": unit.code, "period": "quarter-2025-1"}
    response = client.post(reverse("unions:sign_off"), data)
    if response.status_code in (403, 404):
        return by_status(response)
    return "allowed" if "signed-periods" in response.url else "refused"


def reopen_period(client, world, role, inside):
    from unions.models import SignedPeriod

    signed = SignedPeriod.objects.create(
        unit=target_unit(world, role, inside),
        kind="quarter",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 3, 31),
        signed_by=world.users["author"],
        workbook=b"",
    )
    url = reverse("unions:signed_period_reopen", args=[signed.pk])
    response = client.post(url, {"reason": "Sót hồ sơ"})
    if response.status_code == 302:
        return "allowed"
    return "refused" if response.status_code == 400 else by_status(response)


def access_log(client, world, role, inside):
    from django.test import RequestFactory

    author = world.users["author"] if inside else world.stranger
    request = RequestFactory().get("/")
    request.user = author
    entry = log_access(request, action=AccessLog.Action.EXPORT, target="Danh sách")
    response = client.get(reverse("admin:registry_accesslog_changelist"))
    if response.status_code == 403:
        return "refused"
    listed = {e.pk for e in response.context["cl"].result_list}
    return "allowed" if entry.pk in listed else "hidden"


def lookup_answer(text, member):
    """allowed: the person is named; hidden: "a member elsewhere", nobody named."""
    if member.full_name in text:
        return "allowed"
    assert "Đã là đoàn viên ở đơn vị khác" in text or ELSEWHERE in text, text[-2000:]
    return "hidden"


ELSEWHERE = "Already a member elsewhere — ask for a transfer."


def lookup_form(client, world, role, inside):
    member = target(world, role, inside)
    data = {
        "full_name": "Người Lạ", "gender": "F", "birth_date": "08/03/1990",
        "cccd": member.cccd, "joined_on": "01/05/2016",
    }  # fmt: skip
    response = client.post(reverse("members:admit", args=[world.units.here.code]), data)
    if response.status_code in (403, 404):
        return by_status(response)
    assert AccessLog.objects.filter(action=AccessLog.Action.LOOKUP_CCCD).count() == 1
    return lookup_answer(response.content.decode(), member)


def lookup_file_data(member) -> bytes:
    from tests.imports import files

    header = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày vào công đoàn"]
    row = ["Người Lạ", "08/03/1990", "Nữ", member.cccd, "01/05/2016"]
    return files.xlsx([header, row])


# A file or command brings people into the CĐCS next door: someone of the role's own
# CĐCS is then named (they are in scope), someone outside it is not.
def lookup_file(client, world, role, inside):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import TestCase

    member = target(world, role, inside)
    upload = SimpleUploadedFile("ds.xlsx", lookup_file_data(member))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("import_upload"),
            {"kind": "members", "into": world.units.next_door.code, "file": upload},
        )
    if response.status_code != 302:
        return by_status(response)
    preview = client.get(response.url)
    return lookup_answer(preview.content.decode(), member)


def lookup_command(client, world, role, inside):
    import io
    import tempfile

    from django.core.management import call_command
    from django.core.management.base import CommandError

    member = target(world, role, inside)
    output = io.StringIO()
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
        file.write(lookup_file_data(member))
        file.flush()
        try:
            call_command(
                "import", "members", file.name, "--into", world.units.next_door.code,
                "--user", world.users[role].username, "--dry-run", stdout=output,
            )  # fmt: skip
        except CommandError as error:
            if error.returncode == 2:
                return "refused"
    return lookup_answer(output.getvalue(), member)


def access_log_member_search(client, world, role, inside):
    from django.test import RequestFactory

    member = target(world, role, inside)
    request = RequestFactory().get("/")
    request.user = world.users["author"]
    entry = log_access(
        request,
        action=AccessLog.Action.VIEW_MEMBER,
        target="Hồ sơ",
        object_id=member.pk,
    )
    response = client.get(
        reverse("admin:registry_accesslog_changelist"), {"member": member.cccd}
    )
    if response.status_code in (400, 403):
        return "refused"
    listed = {e.pk for e in response.context["cl"].result_list}
    return "allowed" if entry.pk in listed else "hidden"


def access_log_export(client, world, role, inside):
    response = client.get(
        reverse("admin:registry_accesslog_export"),
        {"file_format": "csv", "purpose": "Thanh tra năm 2025"},
    )
    if response.status_code == 403:
        return "refused"
    assert response.status_code == 200
    return "allowed"


def record_export(client, world, role, inside):
    member = target(world, role, inside)
    response = client.post(
        reverse("members:member_export", args=[member.pk]),
        {"file_format": "json", "purpose": "Đơn đề nghị của đoàn viên"},
    )
    if response.status_code != 200:
        return by_status(response)
    assert response["Content-Type"] == "application/json"
    return "allowed" if member.cccd in response.content.decode() else "masked"


PROBES = {
    ("List members", "page"): list_page,
    ("List members", "admin"): list_admin,
    ("View a member's record and its changes", "page"): record_page,
    ("View a member's record", "admin"): record_admin,
    ("View a member's change history", "admin"): history_admin,
    ("Edit a member's record", "page"): edit_page,
    ("Edit a member's record", "admin"): edit_admin,
    ("Admit a member", "page"): admit_page,
    ("Transfer a member", "page"): member_page("transfer"),
    ("Transfer a member", "admin"): admin_action("transfer"),
    ("Record a departure", "page"): member_page("leave"),
    ("Record a departure", "admin"): admin_action("record_departure"),
    ("Readmit a former member", "page"): readmit_page,
    ("Import a file", "page"): import_page,
    ("Export a list of members", "page"): export_page,
    ("Coverage report", "page"): dashboard_page("dashboard_report"),
    ("Dashboard", "page"): dashboard_page("dashboard"),
    ("Filter an admin list by a sensitive field", "URL"): sensitive_filter,
    ("Filter an admin list by a lookup no filter offers", "URL"): unoffered_lookup,
    (
        "A member who moved away, in the lists of a past day",
        "page",
    ): moved_away_in_past_lists,
    ("Open the record of a member who moved away", "page"): moved_away_record("page"),
    ("Open the record of a member who moved away", "admin"): moved_away_record("admin"),
    ("Move or dissolve a unit", "admin"): unit_move,
    ("Sign off a period's figures", "page"): sign_off,
    ("Reopen a signed-off period", "page"): reopen_period,
    ("Read the access log", "admin"): access_log,
    ("Search the access log by member", "admin"): access_log_member_search,
    ("Export the access log", "admin"): access_log_export,
    ("Export a member's own record", "page"): record_export,
    ("Look up a person by CCCD", "form field"): lookup_form,
    ("Look up a person by CCCD", "file"): lookup_file,
    ("Look up a person by CCCD", "command"): lookup_command,
}


def cells():
    for (action, channel), row in MATRIX.items():
        for role, cell in zip(ROLES, row.split(), strict=True):
            for inside in (True, False):
                scope = "inside" if inside else "outside"
                yield pytest.param(
                    (action, channel), role, cell, inside,
                    id=f"{action} [{channel}] {role} {scope}",
                )  # fmt: skip


def test_every_row_has_a_probe():
    assert set(PROBES) == set(MATRIX)


@pytest.mark.parametrize(("row", "role", "cell", "inside"), list(cells()))
def test_cell(client, world, row, role, cell, inside):
    client.force_login(world.users[role])

    outcome = PROBES[row](client, world, role, inside)

    assert outcome in EXPECTED[cell][0 if inside else 1]
