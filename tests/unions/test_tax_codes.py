"""Tax codes: 10 digits with a check digit, or 10 + "-" + 3 for a branch.

docs/domain.md, "Tax codes".
"""

import pytest
from django.core.exceptions import ValidationError

from registry.identifiers import validate_tax_code
from tests.factories import EmployerFactory

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
