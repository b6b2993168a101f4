"""Vietnamese identifiers: validators that explain what is wrong.

The formats: docs/domain.md, "Tax codes", "The citizen ID (CCCD) number" and "Mobile
phone numbers".
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_TAX_CODE = re.compile(r"^(\d{10})(?:-(\d{3}))?$")
# Also the SQL regex a search uses (unions/admin.py): written once here.
PERSONAL_TAX_CODE_PATTERN = r"^[0-9]{12}$"
_PERSONAL_TAX_CODE = re.compile(PERSONAL_TAX_CODE_PATTERN)
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


def is_personal_tax_code(value: str | None) -> bool:
    """A 12-digit tax code: a person's identification number (docs/domain.md, "Tax codes")."""
    return bool(_PERSONAL_TAX_CODE.match(value or ""))


def validate_tax_code(value: str) -> None:
    if is_personal_tax_code(value):
        _validate_personal_tax_code(value)
        return
    match = _TAX_CODE.match(value or "")
    if not match:
        raise ValidationError(
            _(
                "A tax code has 10 digits, 10 digits, a dash and 3 digits for a branch, "
                "or 12 digits (a personal identification number)."
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


def _validate_personal_tax_code(value: str) -> None:
    problems = cccd_structure_problems(value)
    if problems:
        raise ValidationError(
            _(
                "A 12-digit tax code must be a valid personal identification number: "
                "%(problems)s"
            ),
            params={"problems": " ".join(problems)},
            code="tax_code_personal_id",
        )


@dataclass(frozen=True)
class CccdInfo:
    """What the first six digits of a 12-digit CCCD say.

    docs/domain.md, "The citizen ID (CCCD) number".
    """

    place_code: int
    gender: str  # "M" or "F", as Member.gender
    birth_year: int


def parse_cccd(cccd: str) -> CccdInfo | None:
    """Place of birth registration, gender and birth year, or None if not 12 digits."""
    if not cccd or len(cccd) != 12 or not cccd.isdigit():
        return None
    century_gender = int(cccd[3])
    return CccdInfo(
        place_code=int(cccd[:3]),
        gender="F" if century_gender % 2 else "M",
        birth_year=1900 + 100 * (century_gender // 2) + int(cccd[4:6]),
    )


# Birth-registration codes run from 001 to 096 (the 63 provinces before 2025).
_LAST_PLACE_CODE = 96


def cccd_structure_problems(cccd: str) -> list[str]:
    """What in a 12-digit number's first six digits no CCCD can say; [] if none.

    The one structure rule: a member's CCCD gets these as warnings (old records hold
    typing mistakes), a 12-digit tax code is refused for them.
    """
    info = parse_cccd(cccd)
    if info is None:
        return [gettext("A citizen ID (CCCD) number has exactly 12 digits.")]
    problems = []
    if not 1 <= info.place_code <= _LAST_PLACE_CODE:
        problems.append(
            gettext(
                "The CCCD starts with %(code)s, which is not a place-of-birth code."
            )
            % {"code": cccd[:3]}
        )
    if info.birth_year > timezone.localdate().year:
        problems.append(
            gettext("The CCCD's digits 4 to 6 say born in %(year)s, a year to come.")
            % {"year": info.birth_year}
        )
    return problems


def mask_cccd(cccd: str | None) -> str:
    """0010****2345: enough to tell two people apart in a list, not enough to use."""
    if not cccd:
        return ""
    if len(cccd) <= 8:
        return "*" * len(cccd)
    return f"{cccd[:4]}{'*' * (len(cccd) - 8)}{cccd[-4:]}"


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
