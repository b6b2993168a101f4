"""The preview says what the engine was not sure of about the columns, and the user's
corrections are taken as given: never two columns for one field."""

import pytest
from django.urls import reverse

from members.models import Member
from registry.models import ImportJob
from tests.imports import files

from .test_import_pages import committed, upload

pytestmark = pytest.mark.django_db

WELFARE = [
    "STT",
    "HỌ VÀ TÊN",
    "Ngày sinh",
    "Số CCCD",
    "HỌ TÊN",
    "Quan hệ",
    "Ngày kết nạp",
]
LAN = [1, "Nguyễn Thị Lan", "08/03/1990", "001190012345", "Trần Văn Nam", "Chồng", "01/05/2015"]  # fmt: skip


def test_the_preview_names_the_columns_it_was_not_sure_of(client, officer, cdcs):
    client.force_login(officer)

    upload(client, files.xlsx([WELFARE, LAN]), into=cdcs)

    job = ImportJob.objects.get()
    assert [p["column"] for p in job.preview["file_problems"]] == ["HỌ VÀ TÊN"]
    page = client.get(reverse("import_preview", args=[job.pk])).content.decode()
    assert 'id="file-problems"' in page and "“HỌ TÊN”" in page


def test_two_columns_given_one_meaning_are_refused_with_a_message(
    client, officer, cdcs
):
    client.force_login(officer)
    upload(client, files.xlsx([WELFARE, LAN]), into=cdcs)
    job = ImportJob.objects.get()
    index = {c["label"]: c["index"] for c in job.preview["columns"]}

    with committed():
        response = client.post(
            reverse("import_remap", args=[job.pk]),
            {
                f"column-{index['HỌ VÀ TÊN']}": "full_name",
                f"column-{index['HỌ TÊN']}": "full_name",
            },
            follow=True,
        )

    job.refresh_from_db()
    assert job.overrides == {}
    assert "“HỌ VÀ TÊN”, “HỌ TÊN”" in response.content.decode()


def test_the_user_s_choice_of_column_is_imported(
    client, officer, cdcs, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    upload(client, files.xlsx([WELFARE, LAN]), into=cdcs)
    job = ImportJob.objects.get()
    index = {c["label"]: c["index"] for c in job.preview["columns"]}

    with committed():
        client.post(
            reverse("import_remap", args=[job.pk]),
            {
                f"column-{index['HỌ VÀ TÊN']}": "",
                f"column-{index['HỌ TÊN']}": "full_name",
            },
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[job.pk]))

    assert Member.objects.get().full_name == "Trần Văn Nam"
