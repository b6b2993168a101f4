"""Vietnamese identifiers: validators that explain what is wrong.

The formats: docs/domain.md, "Tax codes", "The citizen ID (CCCD) number" and "Mobile
phone numbers".
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_TAX_CODE = re.compile(r"^(\d{10})(?:-(\d{3}))?$")
_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_CCCD = re.compile(r"^\d{12}$")
_PHONE = re.compile(r"^0[35789]\d{8}$")


def tax_code_check_digit(first_nine: str) -> int | None:
    """The tenth digit of a tax code, or None where no valid code has these nine."""
    remainder = (
        sum(int(d) * w for d, w in zip(first_nine, _TAX_WEIGHTS, strict=True)) % 11
    )
    # Remainder 0 would need a check digit of 10: such sequence numbers are never issued.
    return None if remainder == 0 else 10 - remainder


def validate_tax_code(value: str) -> None:
    match = _TAX_CODE.match(value or "")
    if not match:
        raise ValidationError(
            _(
                "A tax code has 10 digits, or 10 digits, a dash and 3 digits for a branch."
            ),
            code="tax_code_format",
        )
    base, branch = match.groups()
    if tax_code_check_digit(base[:9]) != int(base[9]):
        raise ValidationError(
            _("The tax code %(code)s has a wrong check digit."),
            params={"code": value},
            code="tax_code_check_digit",
        )
    if branch == "000":
        raise ValidationError(
            _("A branch number runs from 001 to 999."), code="tax_code_branch"
        )


def validate_cccd(value: str) -> None:
    if not _CCCD.match(value or ""):
        raise ValidationError(
            _("A citizen ID (CCCD) number has exactly 12 digits."), code="cccd_format"
        )


def validate_phone(value: str) -> None:
    if not _PHONE.match(value or ""):
        raise ValidationError(
            _("A mobile number has 10 digits starting with 03, 05, 07, 08 or 09."),
            code="phone_format",
        )


def normalise_phone(value: str) -> str:
    """Digits only, with +84/84 turned back into the leading 0."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    elif len(digits) == 9 and digits[0] in "35789":
        digits = "0" + digits  # a numeric cell dropped the leading zero
    return digits
