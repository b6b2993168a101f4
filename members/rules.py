"""Rules about one person's record, as functions of plain values.

``Member.clean()``, ``Member.age_on()`` and the admission service call these for one
person; the spreadsheet importer calls the same functions for 100,000 rows without
building a model instance per row or asking the clock each time (``today`` is fixed
once per run: ``timezone.localdate()`` costs more than the rule itself).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def age_on(birth_date: date | None, birth_year: int | None, day: date) -> int | None:
    """Full years on ``day``; from the year alone when the birth date is unknown."""
    if birth_date:
        before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
        return day.year - birth_date.year - before_birthday
    if birth_year:
        return day.year - birth_year
    return None


def date_errors(
    *,
    birth_date: date | None,
    birth_year: int | None,
    joined_on: date | None,
    today: date,
) -> dict[str, ValidationError]:
    """The dates' own rules, keyed by the Member field they are about."""
    born = birth_date or (birth_year and date(birth_year, 1, 1))
    errors = {}
    if birth_date and birth_year not in (None, birth_date.year):
        errors["birth_year"] = ValidationError(
            _("The birth year does not match the birth date."),
            code="birth_year_mismatch",
        )
    if born and born > today:
        errors["birth_date"] = ValidationError(
            _("The birth date cannot be in the future."), code="date_in_future"
        )
    if joined_on and joined_on > today:
        errors["joined_union_on"] = ValidationError(
            _("The joining date cannot be in the future."), code="date_in_future"
        )
    elif joined_on and born and joined_on < born:
        errors["joined_union_on"] = ValidationError(
            _("The joining date cannot be before the birth date."),
            code="joined_before_birth",
        )
    return errors
