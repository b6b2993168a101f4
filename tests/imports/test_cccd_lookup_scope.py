"""A member file names people already on the register only inside the user's scope
(finding 3 of issue 11): a file of CCCDs held elsewhere is answered row by row with
"already a member elsewhere — ask for a transfer", in the preview, the error report,
and the command line run with --user; each check is one access-log entry."""

import io
from datetime import date

import pytest
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from members import services
from registry.models import AccessLog, ImportJob

from . import files

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày vào công đoàn"]
ELSEWHERE = "Already a member elsewhere — ask for a transfer."
PEOPLE = 12
# Names are letters only (the member rules refuse digits): one given name per person.
GIVEN = "An Bình Chi Dung Giang Hà Hạnh Hoa Hương Lan Mai Nga".split()


@pytest.fixture
def far_people(other_cdcs):
    """People of the commune union's CĐCS, outside the upper-level officer's scope;
    the last one left the union."""
    people = [
        services.admit_member(
            unit=other_cdcs, full_name=f"Trần Thị Bích {GIVEN[n]}", gender="F",
            birth_date=date(1990, 3, 8), cccd=f"0421900{n:05d}", joined_on=date(2016, 5, 1),
        ).member
        for n in range(PEOPLE)
    ]  # fmt: skip
    services.record_departure(
        member=people[-1], left_on=date(2020, 1, 1), reason="retired"
    )
    return people


@pytest.fixture
def their_cccds(far_people):
    """A file of their CCCDs under made-up names, as someone fishing would send."""
    rows = [
        [n + 1, f"Người Lạ {n}", "08/03/1990", "Nữ", person.cccd, "01/05/2016"]
        for n, person in enumerate(far_people)
    ]
    return files.xlsx([HEADER, *rows])


def assert_nobody_named(text, far_people, other_cdcs):
    for person in far_people:
        assert person.full_name not in text
    assert other_cdcs.code not in text and other_cdcs.name not in text


def test_the_command_run_with_a_user_names_nobody_outside_the_scope(
    run_command, write_file, their_cccds, far_people, officer, cdcs, other_cdcs
):
    path = write_file("ds.xlsx", their_cccds)

    result = run_command(
        "import", "members", path, "--into", cdcs.code, "--user", officer.username,
        "--dry-run",
    )  # fmt: skip

    assert result.code == 1
    assert result.output.count(ELSEWHERE) == PEOPLE
    assert_nobody_named(result.output, far_people, other_cdcs)


def test_the_command_logs_its_lookups_once(
    run_command, write_file, their_cccds, officer, cdcs
):
    path = write_file("ds.xlsx", their_cccds)

    run_command(
        "import", "members", path, "--into", cdcs.code, "--user", officer.username,
        "--dry-run",
    )  # fmt: skip

    entry = AccessLog.objects.get()
    assert entry.action == AccessLog.Action.PREVIEW_IMPORT
    assert entry.user == officer and entry.count == PEOPLE
    assert entry.details["lookups"] == {
        "cccds": PEOPLE, "on_register": PEOPLE, "outside_scope": PEOPLE,
    }  # fmt: skip
    assert entry.details["via"] == "command"


def test_inside_the_scope_the_person_and_union_are_named(
    run_command, write_file, their_cccds, far_people, provincial_officer, cdcs,
    other_cdcs,
):  # fmt: skip
    path = write_file("ds.xlsx", their_cccds)

    result = run_command(
        "import", "members", path, "--into", cdcs.code,
        "--user", provincial_officer.username, "--dry-run",
    )  # fmt: skip

    assert ELSEWHERE not in result.output
    assert far_people[0].full_name in result.output
    assert other_cdcs.code in result.output
    assert far_people[-1].full_name in result.output  # the former member
    lookups = AccessLog.objects.get().details["lookups"]
    assert lookups["outside_scope"] == 0


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


def test_the_preview_and_the_error_report_name_nobody_outside_the_scope(
    client, their_cccds, far_people, officer, cdcs, other_cdcs
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(officer)
    with committed():
        client.post(
            reverse("import_upload"),
            {"kind": "members", "into": cdcs.code,
             "file": SimpleUploadedFile("ds.xlsx", their_cccds)},
        )  # fmt: skip
    job = ImportJob.objects.get()

    preview = client.get(reverse("import_preview", args=[job.pk])).content.decode()
    with committed():
        client.post(reverse("import_confirm", args=[job.pk]), {"skip_invalid": "1"})
    report = client.get(reverse("import_report", args=[job.pk]))

    assert "Đã là đoàn viên ở đơn vị khác" in preview
    assert_nobody_named(preview, far_people, other_cdcs)
    sheet = load_workbook(io.BytesIO(report.content)).active
    cells = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    assert cells.count("Đã là đoàn viên ở đơn vị khác") == PEOPLE
    assert_nobody_named(cells, far_people, other_cdcs)
    logged = AccessLog.objects.filter(user=officer).order_by("at", "pk")
    assert [e.action for e in logged] == [
        AccessLog.Action.PREVIEW_IMPORT,
        AccessLog.Action.IMPORT,
        AccessLog.Action.DOWNLOAD_REPORT,
    ]
    assert logged[0].details["lookups"]["outside_scope"] == PEOPLE
    assert logged[2].count == PEOPLE
