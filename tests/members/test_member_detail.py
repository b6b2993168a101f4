import pytest
from django.urls import reverse

from registry.models import AccessLog
from tests.factories import UnionUnitFactory

pytestmark = pytest.mark.django_db


def detail(member):
    return reverse("members:member_detail", args=[member.pk])


def test_viewing_a_record_writes_an_access_log_entry(client, officer, admit, cdcs):
    member = admit(cdcs).member
    client.force_login(officer)

    client.get(detail(member), REMOTE_ADDR="10.1.2.3")

    entry = AccessLog.objects.get()
    assert entry.user == officer
    assert entry.action == AccessLog.Action.VIEW_MEMBER
    assert entry.object_id == str(member.pk)
    assert entry.ip_address == "10.1.2.3"
    assert entry.is_sensitive is True


def test_a_leader_viewing_a_record_is_logged_too(client, leader, admit, cdcs):
    member = admit(cdcs).member
    client.force_login(leader)

    client.get(detail(member))

    assert AccessLog.objects.get().is_sensitive is False


def test_an_officer_sees_the_sensitive_fields(client, officer, admit, cdcs):
    member = admit(
        cdcs, cccd="042190012345", religion="Công giáo", ethnicity="Mường"
    ).member
    client.force_login(officer)

    response = client.get(detail(member))

    assert "042190012345" in response.text
    assert "Công giáo" in response.text
    assert "Mường" in response.text


def test_a_leader_sees_no_sensitive_field(client, leader, admit, cdcs):
    member = admit(
        cdcs,
        cccd="042190012345",
        religion="Công giáo",
        ethnicity="Mường",
        phone="0912345678",
    ).member
    client.force_login(leader)

    response = client.get(detail(member))

    assert "0421****2345" in response.text
    for secret in ["042190012345", "Công giáo", "Mường", "0912345678"]:
        assert secret not in response.text


def test_a_member_outside_the_scope_is_not_found(client, other_officer, admit, cdcs):
    member = admit(cdcs).member
    client.force_login(other_officer)

    response = client.get(detail(member))

    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_the_union_a_member_moved_away_from_no_longer_opens_their_record(
    client, officer, admit, cdcs, other_cdcs
):
    from datetime import date

    from members import services

    member = admit(cdcs).member
    services.transfer_member(
        member=member, to_unit=other_cdcs, transferred_on=date(2025, 9, 1)
    )
    client.force_login(officer)

    response = client.get(detail(member))

    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_a_member_who_left_stays_with_the_union_they_left_last(
    client, officer, admit, cdcs, other_cdcs
):
    from datetime import date

    from members import services

    member = admit(cdcs).member
    services.record_departure(member=member, left_on=date(2025, 9, 1), reason="retired")
    client.force_login(officer)

    response = client.get(detail(member))

    assert response.status_code == 200
    assert [m.unit for m in response.context["memberships"]] == [cdcs]


def test_the_change_history_says_who_changed_what(client, officer, admit, cdcs):
    member = admit(cdcs, full_name="Trần Văn An").member
    client.force_login(officer)
    client.post(
        reverse("members:member_edit", args=[member.pk]),
        {
            "full_name": "Trần Văn Ân",
            "gender": "F",
            "birth_date": "08/03/1990",
            "cccd": member.cccd,
            "joined_union_on": "01/05/2015",
        },
    )

    response = client.get(detail(member))

    change = response.context["changes"][0]
    assert change.user == officer
    assert ("Trần Văn An", "Trần Văn Ân") in [
        (old, new) for _, old, new in change.fields
    ]


def test_the_history_hides_sensitive_changes_from_a_leader(
    client, officer, leader, admit, cdcs
):
    member = admit(cdcs, religion="").member
    client.force_login(officer)
    client.post(
        reverse("members:member_edit", args=[member.pk]),
        {
            "full_name": member.full_name,
            "gender": "F",
            "birth_date": "08/03/1990",
            "cccd": member.cccd,
            "joined_union_on": "01/05/2015",
            "religion": "Phật giáo",
        },
    )
    client.force_login(leader)

    response = client.get(detail(member))

    assert "Phật giáo" not in response.text


def test_transfer_and_leave_buttons_show_only_inside_the_scope(
    client, officer, admit, cdcs, district
):
    member = admit(cdcs).member
    client.force_login(officer)

    response = client.get(detail(member))

    assert response.context["can_move"]
    assert reverse("members:transfer", args=[member.pk]) in response.text


def test_a_leader_gets_no_action_buttons(client, leader, admit, cdcs):
    member = admit(cdcs).member
    client.force_login(leader)

    response = client.get(detail(member))

    assert not response.context["can_move"]
    assert reverse("members:leave", args=[member.pk]) not in response.text


def test_a_cccd_warning_is_shown_on_the_record(client, officer, admit, cdcs):
    member = admit(cdcs, cccd="042090012345", gender="F").member  # digit 4 says male
    client.force_login(officer)

    response = client.get(detail(member))

    assert response.context["warnings"]


def test_the_detail_page_takes_a_fixed_number_of_queries(
    client, officer, admit, cdcs, other_cdcs, district, django_assert_max_num_queries
):
    from datetime import date

    from members import services

    member = admit(cdcs).member
    for i in range(3):
        unit = UnionUnitFactory(parent=district)
        services.transfer_member(
            member=member, to_unit=unit, transferred_on=date(2020 + i, 1, 1)
        )
    client.force_login(officer)

    with django_assert_max_num_queries(14):
        client.get(detail(member))


def test_a_full_birth_date_is_labelled_as_a_date_and_a_lone_year_as_a_year(
    client, officer, admit, cdcs
):
    dated = admit(cdcs).member
    year_only = admit(
        cdcs, full_name="Trần Văn Nam", gender="M", birth_date=None, birth_year=1980
    ).member
    client.force_login(officer)

    dated_page = client.get(detail(dated)).text
    year_page = client.get(detail(year_only)).text

    assert "<dt>Ngày sinh</dt><dd>08/03/1990</dd>" in dated_page
    assert "<dt>Năm sinh</dt><dd>1980</dd>" in year_page
