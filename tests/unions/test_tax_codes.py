"""Tax codes: 10 digits with a check digit, 10 + "-" + 3 for a branch, or a person's
12-digit identification number for a household business or an individual.

docs/domain.md, "Tax codes".
"""

import pytest
from django.core.exceptions import ValidationError

from registry.identifiers import validate_tax_code
from tests.factories import EmployerFactory
from unions.models import Employer

# Two codes confirmed by hand against the public register.
REAL_CODES = ["0100109106", "0300588569"]


@pytest.mark.parametrize("code", REAL_CODES + ["0100109106-001", "0300588569-999"])
def test_a_well_formed_tax_code_is_accepted(code):
    validate_tax_code(code)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("0100109107", "tax_code_check_digit"),
        ("010010910", "tax_code_format"),
        ("01001091060", "tax_code_format"),
        ("0100109106012", "tax_code_format"),
        ("0100109106-01", "tax_code_format"),
        ("0100109106001", "tax_code_format"),
        ("01001O9106", "tax_code_format"),
        (" 0100109106", "tax_code_format"),
        ("", "tax_code_format"),
        ("0100109106-000", "tax_code_branch"),
    ],
)
def test_a_wrong_tax_code_is_refused_with_its_reason(code, reason):
    with pytest.raises(ValidationError) as refusal:
        validate_tax_code(code)

    assert refusal.value.code == reason


@pytest.mark.django_db
def test_an_employer_with_a_wrong_check_digit_is_not_saved(district):
    employer = EmployerFactory.build(tax_code="0100109107", managing_unit=district)

    with pytest.raises(ValidationError) as refusal:
        employer.full_clean()

    assert "tax_code" in refusal.value.message_dict


# A personal ID number: 001 Hà Nội, 0 a man born in the 1900s, 90 in 1990.
PERSONAL_ID = "001090012345"


def test_a_personal_identification_number_is_a_well_formed_tax_code():
    validate_tax_code(PERSONAL_ID)


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("099090012345", "099"),  # no birth registration place 099
        ("000090012345", "000"),
        ("001890012345", "2390"),  # digit 8: born in the 2300s
    ],
)
def test_a_malformed_12_digit_tax_code_is_refused_saying_why(code, problem):
    with pytest.raises(ValidationError) as refusal:
        validate_tax_code(code)

    assert refusal.value.code == "tax_code_personal_id"
    message = refusal.value.messages[0]
    assert message.startswith("Mã số thuế 12 số phải là số định danh cá nhân hợp lệ: ")
    assert problem in message


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [Employer.Kind.HOUSEHOLD, Employer.Kind.OTHER])
def test_a_household_or_other_employer_may_have_a_12_digit_tax_code(district, kind):
    employer = EmployerFactory.build(
        tax_code=PERSONAL_ID, kind=kind, managing_unit=district
    )

    employer.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind", [Employer.Kind.NON_STATE, Employer.Kind.FDI, Employer.Kind.COOPERATIVE]
)
def test_an_organisation_with_a_12_digit_tax_code_is_told_which_kinds_have_one(
    district, kind
):
    employer = EmployerFactory.build(
        tax_code=PERSONAL_ID, kind=kind, managing_unit=district
    )

    with pytest.raises(ValidationError) as refusal:
        employer.full_clean()

    [message] = refusal.value.message_dict["tax_code"]
    assert "Hộ kinh doanh" in message and employer.get_kind_display() in message
