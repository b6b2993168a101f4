import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "admin:unions_industrialzone_import",
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
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("admin:unions_employer_import")
