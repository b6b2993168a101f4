"""Rules about one person's record, as functions of plain values.

``Member.clean()``, ``Member.age_on()`` and the admission service call these for one
person; the spreadsheet importer calls the same functions for 100,000 rows without
building a model instance per row or asking the clock each time (``today`` is fixed
once per run: ``timezone.localdate()`` costs more than the rule itself).
"""

import re
from datetime import date
from functools import lru_cache

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from registry.text import fold

# The youngest a person may join the union (docs/domain.md: the working age).
MINIMUM_AGE = 15
# Nobody on a working register was born earlier: a year before it is a typing slip.
EARLIEST_BIRTH_YEAR = 1900
# A letter of another script than the Latin one Vietnamese is written in.
OTHER_SCRIPT = re.compile(r"[^\W\d_A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")
# What a name holds besides letters: spaces, and inside a word the apostrophe and
# hyphen of some minority names (H'Hen Niê, Ksor H'Bia).
NAME_MARKS = frozenset(" '’-")
NOT_VIETNAMESE = _(
    "“%(value)s” is not written in Vietnamese letters: give the name as on the "
    "identity card."
)


def age_on(birth_date: date | None, birth_year: int | None, day: date) -> int | None:
    """Full years on ``day``; from the year alone when the birth date is unknown."""
    if birth_date:
        before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
        return day.year - birth_date.year - before_birthday
    if birth_year:
        return day.year - birth_year
    return None


def person_key(
    full_name: str, birth_date: date | None, birth_year: int | None
) -> tuple:
    """What tells apart people without a CCCD: the name, without marks or case, and
    the birth (the date, or the year when the date is unknown)."""
    return fold(full_name), birth_date.isoformat() if birth_date else birth_year


def under_age_error() -> ValidationError:
    return ValidationError(
        _("A member must be at least %(age)s years old on the joining date."),
        params={"age": MINIMUM_AGE},
        code="under_age",
    )


def name_error(full_name: str) -> ValidationError | None:
    """Why ``full_name``, as stored (``text.normalise_name``), is no person's name;
    None when it can be one. An empty name is the field's own rule."""
    problem = _name_problem(full_name)
    if problem is None:
        return None
    code, characters = problem
    if code == "foreign_name":
        message = NOT_VIETNAMESE
    elif code == "name_characters":
        message = _(
            "A name is written in letters: “%(value)s” also has %(characters)s. Give "
            "the name as on the identity card."
        )
    else:
        message = _(
            "“%(value)s” is too short to be a name: give the full name as on the "
            "identity card."
        )
    return ValidationError(
        message, params={"value": full_name, "characters": characters}, code=code
    )


@lru_cache(maxsize=65536)  # an import asks once per row, and names repeat
def _name_problem(full_name: str) -> tuple[str, str] | None:
    if not full_name:
        return None
    if not full_name.isascii() and OTHER_SCRIPT.search(full_name):
        return "foreign_name", ""
    # An apostrophe or a hyphen joins letters: at either end of a word it is a slip.
    ends = {c for word in full_name.split() for c in (word[0], word[-1])}
    odd = [
        c
        for c in dict.fromkeys(full_name)
        if not c.isalpha() and (c not in NAME_MARKS or c in ends)
    ]
    if odd:
        return "name_characters", " ".join(f"“{c}”" for c in odd)
    if sum(c.isalpha() for c in full_name) < 2:
        return "name_too_short", ""
    return None


def date_errors(
    *,
    birth_date: date | None,
    birth_year: int | None,
    joined_on: date | None,
    today: date,
) -> dict[str, ValidationError]:
    """The dates' own rules, keyed by the Member field they are about (or by
    NON_FIELD_ERRORS when both dates are)."""
    errors = _birth_errors(birth_date, birth_year, today)
    born = None if errors else birth_date or (birth_year and date(birth_year, 1, 1))
    if joined_on and joined_on > today:
        errors["joined_union_on"] = ValidationError(
            _("The joining date cannot be in the future."), code="date_in_future"
        )
    elif joined_on and born and joined_on < born:
        errors["joined_union_on"] = ValidationError(
            _("The joining date cannot be before the birth date."),
            code="joined_before_birth",
        )
    elif joined_on and born and age_on(birth_date, birth_year, joined_on) < MINIMUM_AGE:
        # About both dates: the form says it above its fields, an import on the
        # birth date's column (the error's code).
        errors[NON_FIELD_ERRORS] = under_age_error()
    return errors


def _birth_errors(
    birth_date: date | None, birth_year: int | None, today: date
) -> dict[str, ValidationError]:
    errors = {}
    for field, year in (
        ("birth_date", birth_date.year if birth_date else None),
        ("birth_year", birth_year),
    ):
        if year is not None and year < EARLIEST_BIRTH_YEAR:
            errors[field] = ValidationError(
                _("Nobody on the register was born before %(year)s: check the year."),
                params={"year": EARLIEST_BIRTH_YEAR},
                code="born_too_early",
            )
        elif year is not None and year > today.year:
            errors[field] = ValidationError(
                _("The birth date cannot be in the future."), code="date_in_future"
            )
    if errors:
        return errors
    if birth_date and birth_year not in (None, birth_date.year):
        errors["birth_year"] = ValidationError(
            _("The birth year does not match the birth date."),
            code="birth_year_mismatch",
        )
    if birth_date and birth_date > today:
        errors["birth_date"] = ValidationError(
            _("The birth date cannot be in the future."), code="date_in_future"
        )
    return errors
