"""No lost update: the second of two people editing one record is refused, and sees
what the first changed, to what, and who did it."""

import pytest
from django.contrib.admin.helpers import AdminForm
from django.forms import CheckboxInput
from django.test import Client
from django.urls import reverse

from registry.roles import Role
from tests.factories import (
    CollectiveAgreementFactory,
    MemberFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def posted(form) -> dict:
    """What a browser would send back for ``form`` as it was drawn."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[form.add_prefix(name)] = "on"
            continue
        shown = field.widget.format_value(value)
        if isinstance(shown, list):
            shown = shown[0] if shown else ""
        data[form.add_prefix(name)] = "" if shown is None else shown
    return data


def admin_page_data(response) -> dict:
    """The change form's fields and its inlines' management forms."""
    form = response.context["adminform"]
    form = form.form if isinstance(form, AdminForm) else form
    data = posted(form)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


@pytest.fixture
def member(cdcs):
    return MembershipFactory(
        member=MemberFactory(phone="0912000111", address="Thôn 1"), unit=cdcs
    ).member


@pytest.fixture
def two_officers(district):
    first = UserFactory(
        username="canbo_a", role=Role.UPPER_LEVEL, unit=district, first_name="Lan"
    )
    second = UserFactory(
        username="canbo_b", role=Role.UPPER_LEVEL, unit=district, first_name="Hùng"
    )
    clients = []
    for user in (first, second):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def test_the_second_save_of_a_member_is_refused_with_the_first_change_shown(
    two_officers, member
):
    lan, hung = two_officers
    url = reverse("members:member_edit", args=[member.pk])
    lans_form = posted(lan.get(url).context["form"])
    hungs_form = posted(hung.get(url).context["form"])
    hung.post(url, hungs_form | {"phone": "0988777666"})

    response = lan.post(url, lans_form | {"address": "Thôn 2"})

    assert response.status_code == 200
    member.refresh_from_db()
    assert (member.phone, member.address) == ("0988777666", "Thôn 1")
    assert "Hùng đã lưu hồ sơ này lúc" in response.text
    assert response.context["form"].errors["phone"] == [
        "Người khác vừa sửa thành: 0988777666 (đã đưa vào biểu mẫu)."
    ]


def test_saving_again_after_the_refusal_keeps_both_changes(two_officers, member):
    lan, hung = two_officers
    url = reverse("members:member_edit", args=[member.pk])
    lans_form = posted(lan.get(url).context["form"])
    hung.post(url, posted(hung.get(url).context["form"]) | {"phone": "0988777666"})
    refused = lan.post(url, lans_form | {"address": "Thôn 2"})

    lan.post(url, posted(refused.context["form"]))

    member.refresh_from_db()
    assert (member.phone, member.address) == ("0988777666", "Thôn 2")


def test_when_both_change_one_field_the_form_keeps_the_second_value(
    two_officers, member
):
    lan, hung = two_officers
    url = reverse("members:member_edit", args=[member.pk])
    lans_form = posted(lan.get(url).context["form"])
    hung.post(url, posted(hung.get(url).context["form"]) | {"address": "Thôn 3"})
    refused = lan.post(url, lans_form | {"address": "Thôn 2"})
    assert "Biểu mẫu giữ giá trị của bạn" in refused.text
    member.refresh_from_db()
    assert member.address == "Thôn 3"

    lan.post(url, posted(refused.context["form"]))

    member.refresh_from_db()
    assert member.address == "Thôn 2"


def test_a_save_with_no_one_else_in_between_goes_through(two_officers, member):
    lan, _hung = two_officers
    url = reverse("members:member_edit", args=[member.pk])

    lan.post(url, posted(lan.get(url).context["form"]) | {"address": "Thôn 9"})

    member.refresh_from_db()
    assert member.address == "Thôn 9"


def test_a_tampered_form_state_is_refused(two_officers, member):
    lan, _hung = two_officers
    url = reverse("members:member_edit", args=[member.pk])
    data = posted(lan.get(url).context["form"])

    response = lan.post(url, data | {"loaded_state": "x" + data["loaded_state"]})

    assert response.status_code == 200
    member.refresh_from_db()
    assert member.address == "Thôn 1"


@pytest.fixture
def admin_records(cdcs, employer, member, officer):
    return {
        "members_member": (member, "address", "Thôn 5"),
        "unions_unionunit": (cdcs, "name", "Công đoàn Công ty May A mới"),
        "unions_employer": (employer, "address", "Số 3 Lê Lợi"),
        "unions_collectiveagreement": (
            CollectiveAgreementFactory(employer=employer),
            "notes",
            "Ký lại",
        ),
        "registry_user": (officer, "last_name", "Trần"),
    }


@pytest.mark.parametrize(
    "model",
    [
        "members_member",
        "unions_unionunit",
        "unions_employer",
        "unions_collectiveagreement",
        "registry_user",
    ],
)
def test_the_second_save_of_an_admin_change_form_is_refused(
    admin_records, admin_user, model
):
    record, field, value = admin_records[model]
    url = reverse(f"admin:{model}_change", args=[record.pk])
    first, second = Client(), Client()
    other_admin = UserFactory(
        username="quantri_2", role=Role.SYSTEM_ADMIN, first_name="Minh"
    )
    first.force_login(admin_user)
    second.force_login(other_admin)
    firsts_data = admin_page_data(first.get(url))
    seconds_data = admin_page_data(second.get(url))
    assert second.post(url, seconds_data | {field: value}).status_code == 302

    response = first.post(url, firsts_data)

    assert response.status_code == 200
    assert "Minh đã lưu hồ sơ này lúc" in response.text
    record.refresh_from_db()
    assert getattr(record, field) == value
