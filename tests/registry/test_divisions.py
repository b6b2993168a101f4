"""load_divisions: the 34 provinces and 3,321 wards of 1 July 2025, idempotent, never
deleting a ward that something still points at."""

from dataclasses import replace
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.divisions import installed_release, load_divisions
from registry.models import Province, Ward
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db

HOAN_KIEM = 70  # Phường Hoàn Kiếm, Hà Nội, in the pinned release


@pytest.fixture(scope="module")
def release():
    return installed_release()


@pytest.fixture
def loaded(release):
    load_divisions(release)
    return release


def with_wards(release, wards):
    """The pinned release with some wards changed, as the next one might have them."""
    return replace(release, wards=wards)


def test_the_pinned_release_has_the_34_provinces_and_3321_wards(release):
    changes = load_divisions(release)

    assert Province.objects.count() == len(changes["provinces"].created) == 34
    assert Ward.objects.count() == len(changes["wards"].created) == 3321


def test_each_row_keeps_its_name_and_data_version(loaded):
    ward = Ward.objects.select_related("province").get(code=HOAN_KIEM)

    assert ward.name == "Phường Hoàn Kiếm"
    assert ward.province.name == "Thành phố Hà Nội"
    assert ward.data_version == ward.province.data_version == "2025.10.1"


def test_loading_again_changes_nothing(loaded):
    changes = load_divisions(loaded)

    assert changes["provinces"].unchanged == 34
    assert changes["wards"].unchanged == 3321
    assert not any(
        c.created or c.renamed or c.updated or c.removed for c in changes.values()
    )


def test_loading_again_writes_nothing(loaded):
    with CaptureQueriesContext(connection) as queries:
        load_divisions(loaded)

    writes = [
        q for q in queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []


def test_a_full_load_takes_a_handful_of_queries(release):
    with CaptureQueriesContext(connection) as queries:
        load_divisions(release)

    assert len(queries) < 30


def test_a_ward_renamed_in_a_later_release_is_reported_as_renamed(loaded):
    wards = dict(loaded.wards)
    wards[HOAN_KIEM] = wards[HOAN_KIEM] | {"name": "Phường Hoàn Kiếm Mới"}

    changes = load_divisions(with_wards(loaded, wards))

    assert changes["wards"].renamed == [
        (HOAN_KIEM, "Phường Hoàn Kiếm", "Phường Hoàn Kiếm Mới")
    ]
    assert Ward.objects.get(code=HOAN_KIEM).name == "Phường Hoàn Kiếm Mới"


def test_a_new_data_version_is_stored_on_every_row(loaded):
    changes = load_divisions(replace(loaded, version="2099.1.0"))

    assert len(changes["wards"].updated) == 3321
    assert set(Ward.objects.values_list("data_version", flat=True)) == {"2099.1.0"}


def test_a_ward_gone_from_the_data_is_removed_when_nothing_uses_it(loaded):
    wards = dict(loaded.wards)
    del wards[HOAN_KIEM]

    changes = load_divisions(with_wards(loaded, wards))

    assert changes["wards"].removed == [HOAN_KIEM]
    assert not Ward.objects.filter(code=HOAN_KIEM).exists()


def test_a_ward_gone_from_the_data_is_kept_while_an_employer_points_at_it(
    loaded, district
):
    EmployerFactory(managing_unit=district, ward_id=HOAN_KIEM, province_id=1)
    wards = dict(loaded.wards)
    del wards[HOAN_KIEM]

    changes = load_divisions(with_wards(loaded, wards))

    assert changes["wards"].kept == [HOAN_KIEM]
    assert changes["wards"].removed == []
    assert Ward.objects.get(code=HOAN_KIEM).name == "Phường Hoàn Kiếm"


def test_the_command_reports_what_it_did():
    out = StringIO()

    call_command("load_divisions", stdout=out)
    call_command("load_divisions", stdout=out)

    assert Ward.objects.count() == 3321
    assert out.getvalue().count("3321") == 2
