"""A household business is imported with its owner's 12-digit identification number as
its tax code (docs/domain.md, "Identifiers: tax codes")."""

import pytest
from django.urls import reverse

from registry.models import ImportJob
from tests.imports import files
from tests.registry.test_import_pages import upload
from unions.models import Employer

pytestmark = pytest.mark.django_db

HEADER = ["Mã số thuế", "Tên đơn vị sử dụng lao động", "Loại hình", "Số lao động"]


def import_employers(run_command, write_file, district, rows):
    return run_command(
        "import",
        "enterprises",
        write_file("e.xlsx", files.xlsx([HEADER, *rows])),
        "--into",
        district.code,
        "--json",
    )


def test_a_household_row_with_a_12_digit_code_is_imported(
    run_command, write_file, district
):
    rows = [["038185012345", "Hộ kinh doanh Lê Văn Tâm", "Hộ kinh doanh", 6]]

    result = import_employers(run_command, write_file, district, rows)

    assert result.code == 0, result.output
    assert Employer.objects.get().kind == Employer.Kind.HOUSEHOLD


def test_a_12_digit_code_typed_as_a_number_gets_its_leading_zero_back(
    run_command, write_file, district
):
    rows = [[38185012345, "Hộ kinh doanh Lê Văn Tâm", "Hộ kinh doanh", 6]]

    result = import_employers(run_command, write_file, district, rows)

    assert result.code == 0, result.output
    assert Employer.objects.get().tax_code == "038185012345"


def test_the_preview_refuses_a_malformed_12_digit_code_saying_why(
    client, officer, district
):
    rows = [
        HEADER,
        ["038185012345", "Hộ kinh doanh Lê Văn Tâm", "Hộ kinh doanh", 6],
        ["099185012345", "Hộ kinh doanh Trần Thị Hoa", "Hộ kinh doanh", 3],
    ]
    client.force_login(officer)

    upload(client, files.xlsx(rows), into=district, kind="enterprises")

    job = ImportJob.objects.get()
    page = client.get(reverse("import_preview", args=[job.pk])).content.decode()
    assert "Mã số thuế 12 số phải là số định danh cá nhân hợp lệ" in page
    assert "099" in page
    assert not Employer.objects.exists()


def test_an_enterprise_row_with_a_12_digit_code_is_refused(
    run_command, write_file, district
):
    rows = [["038185012345", "Công ty TNHH Tâm", "Ngoài nhà nước", 60]]

    result = import_employers(run_command, write_file, district, rows)

    assert result.code == 1
    assert "Household business" in result.output  # a command speaks English
    assert not Employer.objects.exists()
