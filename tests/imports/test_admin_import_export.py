"""The admin exports the reference lists with django-import-export; nothing is imported
through it. Industrial zones are imported on the registry's own import page, where every
upload is size-checked and read in the capped child process (docs/security.md)."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from registry.models import ImportJob
from tests.imports import files
from unions.models import IndustrialZone

pytestmark = pytest.mark.django_db

ZONES_PAGE = f"{reverse('import_upload')}?kind=zones"
HEADER = ["STT", "Mã", "Tên khu công nghiệp"]


@pytest.mark.parametrize(
    "name",
    [
        "admin:unions_industrialzone_export",
        "admin:unions_unionunit_export",
        "admin:unions_employer_export",
        "admin:unions_collectiveagreement_export",
    ],
)
def test_reference_lists_have_django_import_export_pages_in_the_admin(
    client, admin_user, name
):
    client.force_login(admin_user)

    assert client.get(reverse(name)).status_code == 200


def test_units_employers_and_agreements_are_not_imported_past_the_services(
    client, admin_user
):
    with pytest.raises(NoReverseMatch):
        reverse("admin:unions_employer_import")


def test_the_zone_list_links_its_import_to_the_import_page(client, officer):
    client.force_login(officer)

    page = client.get(reverse("admin:unions_industrialzone_changelist"))
    opened = client.get(reverse("admin:unions_industrialzone_import"))
    form = client.get(opened.url).context["form"]

    assert reverse("admin:unions_industrialzone_import") in page.content.decode()
    assert "Nhập từ tệp" in page.content.decode()
    assert opened.status_code == 302 and opened.url == ZONES_PAGE
    assert form["kind"].value() == "zones"


@pytest.mark.parametrize(
    "data", [files.zip_bomb(), b"\x00garbage\xff" * 50], ids=["zip bomb", "garbage"]
)
def test_a_file_posted_to_the_admin_import_is_not_read(client, officer, data):
    client.force_login(officer)

    response = client.post(
        reverse("admin:unions_industrialzone_import"),
        {"import_file": SimpleUploadedFile("kcn.xlsx", data), "format": "0"},
    )

    assert response.status_code == 302 and response.url == ZONES_PAGE
    message = str(next(iter(get_messages(response.wsgi_request))))
    assert message.startswith("Tệp chưa được đọc")
    assert not ImportJob.objects.exists() and not IndustrialZone.objects.exists()


def test_the_admin_import_address_is_refused_without_the_zone_permissions(
    client, leader
):
    client.force_login(leader)

    response = client.get(reverse("admin:unions_industrialzone_import"))

    assert response.status_code == 403


def upload(client, data, name="kcn.xlsx"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("import_upload"),
            {"kind": "zones", "file": SimpleUploadedFile(name, data)},
        )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (files.zip_bomb(), "Tệp giải nén ra nhiều dữ liệu hơn hẳn"),
        (b"PK\x03\x04" + b"\x00" * 200, "Tệp bị hỏng, không mở được."),
    ],
    ids=["zip bomb", "damaged"],
)
def test_a_hostile_zone_file_gets_a_vietnamese_message_at_the_upload(
    client, officer, data, message
):
    client.force_login(officer)

    response = upload(client, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_zone_file_with_a_far_cell_fails_its_own_check_with_a_message(
    client, officer
):
    client.force_login(officer)

    response = upload(client, files.far_cell("XFD1048576"))
    page = client.get(response.url).content.decode()

    assert "XFD1048576" in page
    assert not IndustrialZone.objects.exists()


def test_zones_are_imported_through_the_engine_with_a_preview(client, officer):
    IndustrialZone.objects.create(code="KCN-VA", name="KCN Vũng Áng cũ")
    client.force_login(officer)
    data = files.xlsx(
        [HEADER, [1, "KCN-VA", "Khu kinh tế Vũng Áng"], [2, "KCN-GX", "KCN Gia Lách"]]
    )

    job = ImportJob.objects.get(pk=upload(client, data).url.split("/")[-2])
    preview = client.get(reverse("import_preview", args=[job.pk])).content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("import_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert "Khu kinh tế Vũng Áng" in preview
    assert job.status == ImportJob.Status.DONE
    assert job.outcome["created"] == 1 and job.outcome["updated"] == 1
    assert dict(IndustrialZone.objects.values_list("code", "name")) == {
        "KCN-VA": "Khu kinh tế Vũng Áng",
        "KCN-GX": "KCN Gia Lách",
    }


def test_a_zone_row_without_a_name_is_named_in_vietnamese(client, officer):
    client.force_login(officer)
    data = files.xlsx(
        [HEADER, [1, "KCN-VA", "Khu kinh tế Vũng Áng"], [2, "KCN-GX", ""]]
    )

    job = ImportJob.objects.get(pk=upload(client, data).url.split("/")[-2])
    page = client.get(reverse("import_preview", args=[job.pk])).content.decode()

    assert "Cột này không được để trống." in page
    assert job.preview["summary"]["invalid"] == 1


def test_a_grassroots_officer_is_not_offered_the_zones(client, grassroots_officer):
    from registry.spreadsheets.forms import UploadForm

    form = UploadForm(user=grassroots_officer)

    assert "zones" not in dict(form.fields["kind"].choices)


def test_the_zone_importer_refuses_an_account_without_the_zone_permissions(
    grassroots_officer,
):
    from registry.spreadsheets.importing import run_import

    data = files.xlsx([HEADER, [1, "KCN-VA", "Khu kinh tế Vũng Áng"]])

    with translation.override("vi"):
        _table, outcome = run_import(data, "kcn.xlsx", "zones", user=grassroots_officer)

    assert outcome.invalid == 1 and not IndustrialZone.objects.exists()
    assert "không được thay đổi danh sách khu công nghiệp" in outcome.errors[0].message
