"""Undoing an import job: what it created leaves the register, what it changed gets
its old values back, while nothing later depends on it; otherwise a refusal that says
what does. The figures follow."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from members import services as members
from members.models import LeaveReason, Member, Membership
from registry.models import AccessLog, ImportJob
from registry.roles import Role
from registry.spreadsheets import jobs
from registry.spreadsheets.undoing import plan_undo, undo_import
from tests.coverage.recount import as_counted, recount
from tests.factories import (
    MemberFactory,
    MembershipFactory,
    UnionUnitFactory,
    UserFactory,
)
from unions.coverage.figures import coverage, members_by_month
from unions.models import MemberTally

from . import files

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày vào công đoàn"]
LAN = [1, "Nguyễn Thị Lan", "08/03/1990", "Nữ", "001190012345", "01/05/2015"]
BINH = [2, "Trần Văn Bình", "12/11/1985", "Nam", "001085012346", "01/05/2016"]


def imported(user, rows, into, name="ds.xlsx") -> ImportJob:
    """An import job run to the end, as the worker runs it."""
    job = ImportJob.objects.create(
        user=user, kind="members", into=into, filename=name,
        data=files.xlsx([HEADER, *rows]), status=ImportJob.Status.QUEUED,
    )  # fmt: skip
    job = jobs.run_import_job(job.pk)
    assert job.status == ImportJob.Status.DONE, job.outcome
    return job


def tallies() -> set:
    return set(
        MemberTally.objects.exclude(net=0).values_list(
            "path", "span", "starts_on", "net"
        )
    )


@pytest.fixture
def known(cdcs):
    """Bình, on the register before the import, born on another day."""
    member = MemberFactory(
        full_name="Trần Văn Bình", cccd="001085012346", birth_date=date(1985, 1, 1),
        gender="M", joined_union_on=date(2016, 5, 1),
    )  # fmt: skip
    MembershipFactory(member=member, unit=cdcs, started_on=date(2016, 5, 1))
    member.history.update(history_change_reason="before")
    return member


def test_undo_removes_the_members_it_created_and_restores_those_it_changed(
    officer, cdcs, known
):
    before = tallies()
    job = imported(officer, [LAN, BINH], cdcs)
    assert (job.outcome["created"], job.outcome["updated"]) == (1, 1)

    plan = undo_import(job=job, user=officer)

    assert plan.possible, plan.refusals
    assert not Member.objects.filter(cccd=LAN[4]).exists()
    assert list(Membership.objects.values_list("member_id", flat=True)) == [known.pk]
    known.refresh_from_db()
    assert known.birth_date == date(1985, 1, 1)
    assert tallies() == before
    job.refresh_from_db()
    assert (job.status, job.undone_by) == (ImportJob.Status.UNDONE, officer)
    log = AccessLog.objects.get(action=AccessLog.Action.UNDO_IMPORT)
    assert log.details == {
        "removed": 1, "restored": 1, "memberships_removed": 1, "memberships_restored": 0,
    }  # fmt: skip


def test_undo_is_recorded_in_the_history_of_each_member(officer, cdcs, known):
    job = imported(officer, [LAN, BINH], cdcs)
    lan = Member.objects.get(cccd=LAN[4])

    undo_import(job=job, user=officer)

    reasons = list(
        Member.history.filter(id=lan.pk).values_list(
            "history_type", "history_change_reason"
        )
    )
    assert sorted(reasons) == [
        ("+", f"import #{job.pk}"),
        ("-", f"undo import #{job.pk}"),
    ]
    latest = known.history.first()
    assert (latest.history_type, latest.birth_date) == ("~", date(1985, 1, 1))


def test_the_figures_after_an_undo_equal_a_recount(officer, cdcs, district):
    MembershipFactory(unit=cdcs, started_on=date(2014, 1, 1))
    job = imported(officer, [LAN, BINH], cdcs)
    assert coverage(district, date(2016, 6, 1)).members == 3

    undo_import(job=job, user=officer)

    for day in (date(2015, 6, 1), date(2016, 6, 1), timezone.localdate()):
        for unit in (cdcs, district):
            assert as_counted(coverage(unit, day)) == recount(unit, day)
    assert coverage(district, date(2016, 6, 1)).members == 1
    by_month = members_by_month(district, date(2016, 12, 31), months=24)
    assert sum(admitted for _day, _members, admitted in by_month) == 0


def test_undo_is_refused_when_a_member_was_transferred_since(officer, cdcs, district):
    elsewhere = UnionUnitFactory(parent=district, code="CDCS-C")
    job = imported(officer, [LAN, BINH], cdcs)
    lan = Member.objects.get(cccd=LAN[4])
    members.transfer_member(
        member=lan, to_unit=elsewhere, transferred_on=date(2020, 1, 1)
    )

    plan = undo_import(job=job, user=officer)

    assert plan.refusals == [
        "1 member of this import was transferred to another union afterwards: "
        "Nguyễn Thị Lan."
    ]
    assert Member.objects.count() == 2
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE


def test_undo_is_refused_when_a_member_left_since(officer, cdcs):
    job = imported(officer, [LAN, BINH], cdcs)
    lan = Member.objects.get(cccd=LAN[4])
    members.record_departure(
        member=lan, left_on=date(2021, 1, 1), reason=LeaveReason.LEFT_JOB
    )

    plan = undo_import(job=job, user=officer)

    assert plan.refusals == [
        "1 member of this import has left the union since: Nguyễn Thị Lan."
    ]


def test_undo_is_refused_after_a_later_edit_of_a_member(officer, cdcs):
    job = imported(officer, [LAN, BINH], cdcs)
    lan = Member.objects.get(cccd=LAN[4])
    lan.phone = "0912345678"
    lan.save()

    plan = undo_import(job=job, user=officer)

    assert plan.refusals == [
        "1 member of this import was changed on the register after it: Nguyễn Thị Lan."
    ]


def test_undo_is_refused_after_a_later_import_changed_the_same_members(officer, cdcs):
    job = imported(officer, [LAN, BINH], cdcs)
    later = imported(
        officer, [[*LAN[:5], "01/06/2015"], [*BINH[:5], "01/06/2016"]], cdcs, "sua.xlsx"
    )
    assert later.outcome["updated"] == 2

    plan = plan_undo(job)

    day = f"{timezone.localtime(later.created_at):%d/%m/%Y}"
    assert plan.refusals == [
        f"A later import, “sua.xlsx” of {day}, changed 2 members of this one: "
        "Trần Văn Bình, Nguyễn Thị Lan. Undo that import first."
    ]
    assert undo_import(job=later, user=officer).possible
    assert undo_import(job=job, user=officer).possible
    assert not Member.objects.exists()


def test_the_refusal_names_ten_members_and_counts_them_all(officer, cdcs):
    rows = [
        [n, f"Nguyễn Văn {given}", "01/01/1990", "Nam", f"00109000{n:04d}", "01/05/2015"]
        for n, given in enumerate(["An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà",
                                   "Hải", "Hùng", "Khoa", "Long", "Minh"], 1)
    ]  # fmt: skip
    job = imported(officer, rows, cdcs)
    for member in Member.objects.all():
        members.record_departure(
            member=member, left_on=date(2022, 1, 1), reason=LeaveReason.RETIRED
        )

    (refusal,) = plan_undo(job).refusals

    assert refusal.startswith("12 members of this import have left the union since: ")
    assert refusal.endswith(
        "Nguyễn Văn Đức, Nguyễn Văn Giang, Nguyễn Văn Hà, Nguyễn Văn Hải, Nguyễn Văn Hùng, Nguyễn Văn Khoa, …."
    )


def test_an_import_that_is_not_finished_cannot_be_undone(officer, cdcs):
    job = ImportJob.objects.create(
        user=officer, kind="members", into=cdcs, filename="x.xlsx", data=b""
    )

    assert plan_undo(job).refusals == [
        "Only a finished import of members can be undone."
    ]


def test_an_undone_import_cannot_be_undone_again(officer, cdcs):
    job = imported(officer, [LAN], cdcs)
    undo_import(job=job, user=officer)
    job.refresh_from_db()

    assert not plan_undo(job).possible


# --- The pages -------------------------------------------------------------------------


def test_the_job_page_offers_the_undo_and_the_confirmation_lists_what_goes(
    client, officer, cdcs, known
):
    job = imported(officer, [LAN, BINH], cdcs)
    client.force_login(officer)

    page = client.get(reverse("import_progress", args=[job.pk])).content.decode()
    confirmation = client.get(reverse("import_undo", args=[job.pk])).content.decode()

    assert reverse("import_undo", args=[job.pk]) in page
    assert "Nguyễn Thị Lan" in confirmation and "Trần Văn Bình" in confirmation
    assert Member.objects.count() == 2  # a GET changes nothing


def test_undoing_from_the_page(client, officer, cdcs):
    job = imported(officer, [LAN], cdcs)
    client.force_login(officer)

    response = client.post(reverse("import_undo", args=[job.pk]))

    assert response.url == reverse("import_progress", args=[job.pk])
    assert not Member.objects.exists()
    page = client.get(response.url).content.decode()
    assert 'id="undone"' in page and 'id="undo"' not in page


def test_the_page_says_why_an_import_cannot_be_undone(client, officer, cdcs):
    job = imported(officer, [LAN], cdcs)
    lan = Member.objects.get()
    lan.phone = "0912345678"
    lan.save()
    client.force_login(officer)

    response = client.post(reverse("import_undo", args=[job.pk]))

    assert response.status_code == 200
    assert 'id="undo-refused"' in response.content.decode()
    assert Member.objects.exists()


def test_an_officer_above_may_undo_an_import_of_a_unit_below(
    client, provincial_officer, officer, cdcs
):
    job = imported(officer, [LAN], cdcs)
    client.force_login(provincial_officer)

    client.post(reverse("import_undo", args=[job.pk]))

    assert not Member.objects.exists()


def test_an_officer_at_the_same_level_may_not_undo_anothers_import(
    client, officer, district, cdcs
):
    colleague = UserFactory(
        username="dong_nghiep", role=Role.UPPER_LEVEL, unit=district
    )
    job = imported(officer, [LAN], cdcs)
    client.force_login(colleague)

    response = client.post(reverse("import_undo", args=[job.pk]))

    assert response.status_code == 404
    assert Member.objects.exists()


def test_an_officer_below_may_not_undo_an_import_from_above(
    client, provincial_officer, officer, cdcs
):
    job = imported(provincial_officer, [LAN], cdcs)
    client.force_login(officer)

    assert client.post(reverse("import_undo", args=[job.pk])).status_code == 404


def test_the_upload_page_lists_the_imports_of_the_units_below(
    client, provincial_officer, officer, cdcs
):
    imported(officer, [LAN], cdcs, name="cdcs-a.xlsx")
    client.force_login(provincial_officer)

    page = client.get(reverse("import_upload")).content.decode()

    assert "cdcs-a.xlsx" in page


def test_a_member_admitted_today_by_an_import_is_removed_by_its_undo(officer, cdcs):
    job = ImportJob.objects.create(
        user=officer, kind="members", into=cdcs, filename="x.xlsx",
        data=files.xlsx([HEADER, LAN]), status=ImportJob.Status.QUEUED, start_today=True,
    )  # fmt: skip
    job = jobs.run_import_job(job.pk)
    assert Membership.objects.get().started_on == timezone.localdate()

    undo_import(job=job, user=officer)

    assert not Membership.objects.exists()
    assert coverage(cdcs).members == 0 == recount(cdcs, timezone.localdate())["members"]
