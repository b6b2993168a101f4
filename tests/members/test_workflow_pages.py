from datetime import date

import pytest
from django.urls import reverse

from members import services
from members.models import Member, Membership, TransferRequest
from tests.factories import UnionUnitFactory

pytestmark = pytest.mark.django_db


def admit_data(**overrides):
    return {
        "full_name": "nguyễn thị  lan",
        "gender": "F",
        "birth_date": "08/03/1990",
        "cccd": "042190012345",
        "joined_on": "01/05/2015",
        "card_number": "HT-1",
        "ethnicity": "Kinh",
    } | overrides


# --- admit ---------------------------------------------------------------------------


def test_an_officer_admits_a_worker_through_the_form(client, grassroots_officer, cdcs):
    client.force_login(grassroots_officer)

    response = client.post(reverse("members:admit", args=[cdcs.code]), admit_data())

    member = Member.objects.get()
    assert response.url == member.get_absolute_url()
    assert member.full_name == "Nguyễn Thị Lan"
    assert member.joined_union_on == date(2015, 5, 1)
    assert member.memberships.get().unit == cdcs


def test_a_cccd_with_letters_is_refused_on_the_form(client, officer, cdcs):
    client.force_login(officer)

    response = client.post(
        reverse("members:admit", args=[cdcs.code]), admit_data(cccd="04219001234A")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["cccd"]
    assert not Member.objects.exists()


def test_an_under_age_worker_is_refused_with_a_message(client, officer, cdcs):
    client.force_login(officer)

    response = client.post(
        reverse("members:admit", args=[cdcs.code]),
        admit_data(
            birth_date="02/06/2000", cccd="042300012345", joined_on="01/06/2015"
        ),
    )

    assert response.context["form"].non_field_errors()
    assert not Member.objects.exists()


def test_a_cccd_disagreeing_with_the_gender_needs_confirmation(client, officer, cdcs):
    client.force_login(officer)
    url = reverse("members:admit", args=[cdcs.code])

    first = client.post(url, admit_data(cccd="042090012345"))  # digit 4: a man
    second = client.post(url, admit_data(cccd="042090012345", confirm_cccd="on"))

    assert first.context["form"].show_confirmation
    assert not first.context["form"].is_valid()
    assert second.status_code == 302
    assert Member.objects.get().cccd == "042090012345"


def test_someone_already_active_elsewhere_is_refused_on_the_form(
    client, officer, admit, cdcs, other_cdcs
):
    admit(other_cdcs, cccd="042190012345")
    client.force_login(officer)

    response = client.post(reverse("members:admit", args=[cdcs.code]), admit_data())

    assert response.context["form"].non_field_errors()
    assert Member.objects.count() == 1


def test_dates_are_typed_day_first(client, officer, cdcs):
    client.force_login(officer)

    client.post(
        reverse("members:admit", args=[cdcs.code]),
        admit_data(birth_date="03/08/1990", joined_on="02/01/2016"),
    )

    member = Member.objects.get()
    assert (member.birth_date, member.joined_union_on) == (
        date(1990, 8, 3),
        date(2016, 1, 2),
    )


def test_admitting_into_a_unit_outside_the_scope_is_not_found(
    client, officer, other_cdcs
):
    client.force_login(officer)

    response = client.get(reverse("members:admit", args=[other_cdcs.code]))

    assert response.status_code == 404


def test_a_leader_cannot_admit(client, leader, cdcs):
    client.force_login(leader)

    response = client.get(reverse("members:admit", args=[cdcs.code]))

    assert response.status_code == 403


def test_choosing_a_cdcs_leads_to_its_admission_form(client, officer, cdcs):
    client.force_login(officer)

    response = client.get(reverse("members:admit_start"), {"unit": cdcs.code})

    assert response.url == reverse("members:admit", args=[cdcs.code])


# --- transfer ---------------------------------------------------------------------------


def test_a_transfer_inside_the_scope_moves_the_member(
    client, officer, admit, cdcs, district
):
    sibling = UnionUnitFactory(parent=district)
    member = admit(cdcs).member
    client.force_login(officer)

    client.post(
        reverse("members:transfer", args=[member.pk]),
        {"to_unit": sibling.code, "transferred_on": "01/09/2025"},
    )

    assert Membership.objects.get(member=member, left_on__isnull=True).unit == sibling


def test_a_transfer_outside_the_scope_sends_a_request(
    client, officer, admit, cdcs, other_cdcs
):
    member = admit(cdcs).member
    client.force_login(officer)

    client.post(
        reverse("members:transfer", args=[member.pk]),
        {"to_unit": other_cdcs.code, "transferred_on": "01/09/2025"},
    )

    assert TransferRequest.objects.get().to_unit == other_cdcs
    assert Membership.objects.get(member=member).left_on is None


def test_a_transfer_into_a_dissolved_cdcs_is_refused_on_the_form(
    client, officer, admit, cdcs, district
):
    closed = UnionUnitFactory(parent=district, dissolved_on=date(2020, 1, 1))
    member = admit(cdcs).member
    client.force_login(officer)

    response = client.post(
        reverse("members:transfer", args=[member.pk]),
        {"to_unit": closed.code, "transferred_on": "01/09/2025"},
    )

    assert response.context["form"].non_field_errors()
    assert Membership.objects.get(member=member).left_on is None


def test_an_unknown_unit_code_is_a_form_error(client, officer, admit, cdcs):
    member = admit(cdcs).member
    client.force_login(officer)

    response = client.post(
        reverse("members:transfer", args=[member.pk]),
        {"to_unit": "NO-SUCH", "transferred_on": "01/09/2025"},
    )

    assert response.context["form"].errors["to_unit"]


def test_transferring_a_member_outside_the_scope_is_not_found(
    client, other_officer, admit, cdcs
):
    member = admit(cdcs).member
    client.force_login(other_officer)

    response = client.get(reverse("members:transfer", args=[member.pk]))

    assert response.status_code == 404


# --- leave and readmit --------------------------------------------------------------------


def test_a_departure_is_recorded_through_the_form(client, officer, admit, cdcs):
    member = admit(cdcs).member
    client.force_login(officer)

    client.post(
        reverse("members:leave", args=[member.pk]),
        {"left_on": "31/12/2023", "reason": "retired", "note": "QĐ 5"},
    )

    membership = Membership.objects.get(member=member)
    assert (membership.left_on, membership.leave_reason) == (
        date(2023, 12, 31),
        "retired",
    )


def test_the_leave_form_offers_no_transfer_reason(client, officer, admit, cdcs):
    member = admit(cdcs).member
    client.force_login(officer)

    response = client.get(reverse("members:leave", args=[member.pk]))

    reasons = dict(response.context["form"].fields["reason"].choices)
    assert "transfer" not in reasons


def test_a_former_member_is_readmitted_through_the_form(client, officer, admit, cdcs):
    member = admit(cdcs).member
    services.record_departure(
        member=member, left_on=date(2020, 1, 1), reason="left_job"
    )
    client.force_login(officer)

    client.post(
        reverse("members:readmit", args=[member.pk]),
        {"unit": cdcs.code, "readmitted_on": "01/03/2022"},
    )

    assert member.memberships.filter(
        left_on__isnull=True, start_reason="readmitted"
    ).exists()


# --- transfer requests ---------------------------------------------------------------------


@pytest.fixture
def pending(admit, cdcs, other_cdcs, officer):
    member = admit(cdcs).member
    return services.transfer_member(
        member=member, to_unit=other_cdcs, transferred_on=date(2025, 9, 1), user=officer
    )


def test_the_receiving_officer_sees_the_request_in_the_inbox(
    client, other_officer, pending
):
    client.force_login(other_officer)

    response = client.get(reverse("members:transfer_requests"))

    assert list(response.context["incoming"]) == [pending]


def test_the_sending_officer_sees_it_as_sent(client, officer, pending):
    client.force_login(officer)

    response = client.get(reverse("members:transfer_requests"))

    assert list(response.context["outgoing"]) == [pending]
    assert not response.context["incoming"]


def test_accepting_from_the_inbox_moves_the_member(
    client, other_officer, pending, other_cdcs
):
    client.force_login(other_officer)

    client.post(reverse("members:transfer_accept", args=[pending.pk]))

    membership = Membership.objects.get(member=pending.member, left_on__isnull=True)
    assert membership.unit == other_cdcs


def test_refusing_from_the_inbox_needs_a_reason(client, other_officer, pending):
    client.force_login(other_officer)

    client.post(reverse("members:transfer_refuse", args=[pending.pk]), {"reason": ""})
    still = TransferRequest.objects.get()
    client.post(
        reverse("members:transfer_refuse", args=[pending.pk]), {"reason": "Sai"}
    )

    assert still.status == TransferRequest.Status.PENDING
    assert TransferRequest.objects.get().status == TransferRequest.Status.REFUSED


def test_the_sender_cannot_accept_its_own_request(client, officer, pending):
    client.force_login(officer)

    client.post(reverse("members:transfer_accept", args=[pending.pk]))

    assert TransferRequest.objects.get().status == TransferRequest.Status.PENDING


def test_accepting_needs_a_post(client, other_officer, pending):
    client.force_login(other_officer)

    response = client.get(reverse("members:transfer_accept", args=[pending.pk]))

    assert response.status_code == 405


def test_a_request_between_other_unions_is_not_found(client, db, pending, province):
    from registry.roles import Role
    from tests.factories import UserFactory

    stranger = UserFactory(
        role=Role.UPPER_LEVEL, unit=UnionUnitFactory(parent=province)
    )
    client.force_login(stranger)

    response = client.post(reverse("members:transfer_accept", args=[pending.pk]))

    assert response.status_code == 404


# --- edit --------------------------------------------------------------------------------


def test_name_parts_are_corrected_by_hand(client, officer, admit, cdcs):
    member = admit(cdcs, full_name="Tôn Nữ Thị Hoa").member
    client.force_login(officer)

    client.post(
        reverse("members:member_edit", args=[member.pk]),
        {
            "full_name": "Tôn Nữ Thị Hoa",
            "family_name": "Tôn Nữ",
            "middle_name": "Thị",
            "given_name": "Hoa",
            "gender": "F",
            "birth_date": "08/03/1990",
            "cccd": member.cccd,
            "joined_union_on": "01/05/2015",
        },
    )

    member.refresh_from_db()
    assert member.name_parts == ("Tôn Nữ", "Thị", "Hoa")


def test_parts_that_do_not_make_the_name_are_refused(client, officer, admit, cdcs):
    member = admit(cdcs, full_name="Trần Văn An").member
    client.force_login(officer)

    response = client.post(
        reverse("members:member_edit", args=[member.pk]),
        {
            "full_name": "Trần Văn An",
            "family_name": "Trần",
            "middle_name": "",
            "given_name": "Bình",
            "gender": "F",
            "birth_date": "08/03/1990",
            "cccd": member.cccd,
            "joined_union_on": "01/05/2015",
        },
    )

    assert response.context["form"].errors["given_name"]


def test_a_new_full_name_is_split_afresh(client, officer, admit, cdcs):
    member = admit(cdcs, full_name="Trần Văn An").member
    client.force_login(officer)

    client.post(
        reverse("members:member_edit", args=[member.pk]),
        {
            "full_name": "Lê Thị Bình",
            "family_name": "Trần",
            "middle_name": "Văn",
            "given_name": "An",
            "gender": "F",
            "birth_date": "08/03/1990",
            "cccd": member.cccd,
            "joined_union_on": "01/05/2015",
        },
    )

    member.refresh_from_db()
    assert member.name_parts == ("Lê", "Thị", "Bình")


def test_wards_follow_the_chosen_province(client, officer):
    from registry.models import Province, Ward

    province = Province.objects.create(code=42, name="Hà Tĩnh", data_version="t")
    Ward.objects.create(
        code=1, name="Phường Thành Sen", province=province, data_version="t"
    )
    client.force_login(officer)

    response = client.get(reverse("members:ward_options"), {"province": "42"})

    assert "Phường Thành Sen" in response.text
