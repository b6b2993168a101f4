"""Every admin page of the registry, the tree and employers opens through its real URL."""

import pytest
from django.urls import reverse

from registry.audit import log_access
from registry.models import AccessLog, Province, Ward
from tests.factories import CollectiveAgreementFactory, IndustrialZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(admin_user, rf, province, district, cdcs, other_district, employer):
    """One object of every model with an admin page."""
    from unions.services import move_unit

    move_unit(
        decision="Test/QĐ",
        unit=cdcs,
        new_parent=other_district,
        moved_on=other_district.founded_on,
        user=admin_user,
    )
    request = rf.get("/")
    request.user = admin_user
    log_access(request, action=AccessLog.Action.EXPORT, target="Danh sách đoàn viên")
    hanoi = Province.objects.create(
        code=1, name="Thành phố Hà Nội", data_version="test"
    )
    return {
        "unions_unionunit": cdcs,
        "unions_employer": employer,
        "unions_collectiveagreement": CollectiveAgreementFactory(employer=employer),
        "unions_industrialzone": IndustrialZoneFactory(),
        "registry_user": admin_user,
        "registry_accesslog": AccessLog.objects.get(),
        "registry_province": hanoi,
        "registry_ward": Ward.objects.create(
            code=70, name="Phường Hoàn Kiếm", province=hanoi, data_version="test"
        ),
    }


CHANGELISTS = [
    "unions_unionunit",
    "unions_employer",
    "unions_collectiveagreement",
    "unions_industrialzone",
    "registry_user",
    "registry_accesslog",
    "registry_province",
    "registry_ward",
]
ADD_PAGES = [
    "unions_unionunit",
    "unions_employer",
    "unions_collectiveagreement",
    "unions_industrialzone",
    "registry_user",
]


@pytest.mark.parametrize("name", CHANGELISTS)
def test_the_list_page_opens(admin_client, objects, name):
    response = admin_client.get(reverse(f"admin:{name}_changelist"))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= 1


@pytest.mark.parametrize("name", CHANGELISTS)
def test_the_list_page_searches(admin_client, objects, name):
    response = admin_client.get(reverse(f"admin:{name}_changelist"), {"q": "công"})

    assert response.status_code == 200


@pytest.mark.parametrize("name", ADD_PAGES)
def test_the_add_page_opens(admin_client, objects, name):
    response = admin_client.get(reverse(f"admin:{name}_add"))

    assert response.status_code == 200


@pytest.mark.parametrize("name", CHANGELISTS)
def test_the_change_page_opens(admin_client, objects, name):
    obj = objects[name]

    response = admin_client.get(reverse(f"admin:{name}_change", args=[obj.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("name", CHANGELISTS)
def test_the_history_page_opens(admin_client, objects, name):
    obj = objects[name]

    response = admin_client.get(reverse(f"admin:{name}_history", args=[obj.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("view", ["move", "dissolve"])
def test_the_unit_move_and_dissolve_pages_open(admin_client, objects, view):
    unit = objects["unions_unionunit"]

    response = admin_client.get(
        reverse(f"admin:unions_unionunit_{view}", args=[unit.pk]), follow=True
    )

    assert response.status_code == 200  # the reorganisation form, unit filled in
    assert f'value="{unit.code}"' in response.text


def test_the_unit_page_shows_its_moves_and_links_to_move_and_dissolve(
    admin_client, objects
):
    unit = objects["unions_unionunit"]

    response = admin_client.get(
        reverse("admin:unions_unionunit_change", args=[unit.pk])
    )

    assert "CD-XA-1" in response.text  # the move's new parent
    assert reverse("admin:unions_unionunit_move", args=[unit.pk]) in response.text
    assert reverse("admin:unions_unionunit_dissolve", args=[unit.pk]) in response.text


def test_the_admin_index_opens_in_vietnamese(admin_client, objects):
    response = admin_client.get(
        reverse("admin:index"), headers={"accept-language": "vi"}
    )

    assert response.status_code == 200
    assert "Đơn vị công đoàn" in response.text or "đơn vị công đoàn" in response.text


def test_the_autocomplete_of_wards_ignores_accents(admin_client, objects):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "hoan kiem",
            "app_label": "unions",
            "model_name": "employer",
            "field_name": "ward",
        },
    )

    assert [row["text"] for row in response.json()["results"]] == ["Phường Hoàn Kiếm"]
