"""What a person's name and dates may be: one set of rules (members.rules) for the
admission form, the edit form, the admin and the import."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from members.models import Member
from members.rules import name_error
from members.services import admit_member
from tests.factories import MemberFactory, MembershipFactory
from tests.registry.test_edit_conflicts import admin_page_data, posted

pytestmark = pytest.mark.django_db

ODD_NAMES = [
    "Nguyễn Văn 123",
    "!!! ...",
    "A",
    "Nguyễn Văn 😀",
    "Nguyễn Văn Аn",  # a Cyrillic А
    "Trần 李",
    "Lê-",
    "Phạm. Văn, Đức",
]
GOOD_NAMES = [
    "Nguyễn Thị Lan",
    "H'Hen Niê",
    "Ksor H’Bia",
    "Y Moan Ênuôl",
    "Thạch Sa-Ra",
]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_an_odd_name_is_refused(name):
    assert name_error(name) is not None


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_names_of_vietnamese_and_minority_people_are_taken(name):
    assert name_error(name) is None


def test_the_refusal_says_which_characters_are_not_letters():
    error = name_error("Nguyễn Văn 12😀")

    assert "“1” “2” “😀”" in error.messages[0]


@pytest.fixture
def officer_client(officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    return client


def admit(client, cdcs, **fields):
    data = {
        "full_name": "Nguyễn Văn An",
        "gender": "M",
        "birth_date": "08/03/1990",
        "joined_on": "01/05/2015",
    } | fields
    return client.post(reverse("members:admit", args=[cdcs.code]), data)


@pytest.mark.parametrize("name", ["Nguyễn Văn 123", "!!! ...", "A", "Lan 😀"])
def test_the_admission_form_refuses_an_odd_name_and_admits_nobody(
    officer_client, cdcs, name
):
    response = admit(officer_client, cdcs, full_name=name)

    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors
    assert not Member.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"birth_date": "01/01/1800", "joined_on": "01/01/1830"}, "birth_date"),
        ({"birth_date": "", "birth_year": "1850"}, "birth_year"),
        ({"birth_date": "", "birth_year": "10000"}, "birth_year"),
        ({"birth_date": "", "birth_year": "9" * 25}, "birth_year"),
        ({"birth_date": "01/01/2999"}, "birth_date"),
        ({"birth_date": "01/01/10000"}, "birth_date"),
        ({"birth_date": "01/06/2005", "joined_on": "01/01/2020"}, "__all__"),
        ({"birth_date": "01/06/2005", "joined_on": "01/01/2004"}, "joined_on"),
    ],
)
def test_the_admission_form_refuses_odd_dates_with_a_message_on_the_field(
    officer_client, cdcs, fields, field
):
    response = admit(officer_client, cdcs, **fields)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Member.objects.exists()


def test_the_edit_form_refuses_a_joining_date_before_the_age_of_fifteen(
    officer_client, cdcs
):
    member = MembershipFactory(
        unit=cdcs, member=MemberFactory(birth_date=date(1990, 3, 8))
    ).member
    url = reverse("members:member_edit", args=[member.pk])
    data = posted(officer_client.get(url).context["form"])

    response = officer_client.post(url, data | {"joined_union_on": "01/01/2004"})

    assert response.status_code == 200
    assert "phải đủ 15 tuổi" in str(response.context["form"].non_field_errors())
    member.refresh_from_db()
    assert member.joined_union_on != date(2004, 1, 1)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("full_name", "Nguyễn Văn 2"),
        ("birth_date", "01/01/1850"),
        ("birth_year", "99999"),
    ],
)
def test_the_admin_change_form_refuses_an_odd_name_or_date(
    admin_user, cdcs, field, value
):
    member = MembershipFactory(
        unit=cdcs, member=MemberFactory(birth_date=None, birth_year=1990)
    ).member
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    url = reverse("admin:members_member_change", args=[member.pk])

    response = client.post(url, admin_page_data(client.get(url)) | {field: value})

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.full_name != "Nguyễn Văn 2"
    assert member.birth_year == 1990


def test_the_admission_service_refuses_an_odd_name(cdcs):
    with pytest.raises(ValidationError) as refused:
        admit_member(
            unit=cdcs,
            full_name="Nguyễn Văn 3",
            birth_date=date(1990, 3, 8),
            joined_on=date(2015, 5, 1),
        )

    assert "full_name" in refused.value.error_dict
