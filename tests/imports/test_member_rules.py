"""The importer refuses a new member for the same reasons, in the same words, as the
admission service: it applies the same rules to plain values instead of a model."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from members.services import admit_member

from . import files

pytestmark = pytest.mark.django_db

HEADER = ["Họ và tên", "Ngày sinh", "Ngày kết nạp", "Công việc"]
CASES = {
    "a minor": (date(2015, 1, 1), date(2024, 1, 1), ""),
    "a joining date in the future": (date(1990, 1, 1), date(2099, 1, 1), ""),
    "joined before being born": (date(1990, 1, 1), date(1985, 1, 1), ""),
    "born in the future": (date(2090, 1, 1), date(2024, 1, 1), ""),
    "no birth date": (None, date(2024, 1, 1), ""),
    "a job too long for its column": (date(1990, 1, 1), date(2024, 1, 1), "J" * 130),
}
ODD_NAMES = ["Lê V4n An", "Lê Văn ☺ An", "A", "-- --", "Lê Văn Аn"]


def service_messages(unit, born, joined, job, name="Lê Văn An") -> set[str]:
    with pytest.raises(ValidationError) as refusal:
        admit_member(
            unit=unit, full_name=name, birth_date=born, joined_on=joined, job=job
        )
    return set(refusal.value.messages)


@pytest.mark.parametrize("case", CASES)
def test_the_import_refuses_like_the_admission_service(
    case, run_command, write_file, cdcs
):
    born, joined, job = CASES[case]
    path = write_file("m.xlsx", files.xlsx([HEADER, ["Lê Văn An", born, joined, job]]))

    result = run_command("import", "members", path, "--into", cdcs.code, "--json")

    imported = {error["message"] for error in result.json["errors"]}
    assert imported == service_messages(cdcs, born, joined, job)


@pytest.mark.parametrize("name", ODD_NAMES)
def test_the_import_refuses_an_odd_name_like_the_admission_service(
    name, run_command, write_file, cdcs
):
    born, joined = date(1990, 1, 1), date(2024, 1, 1)
    path = write_file("m.xlsx", files.xlsx([HEADER, [name, born, joined, ""]]))

    result = run_command("import", "members", path, "--into", cdcs.code, "--json")

    imported = {error["message"] for error in result.json["errors"]}
    assert imported == service_messages(cdcs, born, joined, "", name)
