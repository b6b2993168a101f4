"""Reporting periods: a month, a quarter, a half-year or a year, its days and its name.

The figures a unit reports upward and signs off (unions/signoff.py) cover one of these
(docs/domain.md, "Signed-off periods (chốt số liệu)").
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ROMAN = ["I", "II", "III", "IV"]


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    HALF = "half", _("Half-year")
    YEAR = "year", _("Year")


# How many months a period of each kind lasts.
MONTHS = {
    PeriodKind.MONTH: 1,
    PeriodKind.QUARTER: 3,
    PeriodKind.HALF: 6,
    PeriodKind.YEAR: 12,
}


@dataclass(frozen=True)
class Period:
    """The ``number``-th period of its kind in ``year`` (1 for a year)."""

    kind: str
    year: int
    number: int

    @property
    def starts_on(self) -> date:
        return date(self.year, (self.number - 1) * MONTHS[self.kind] + 1, 1)

    @property
    def ends_on(self) -> date:
        month = self.number * MONTHS[self.kind]
        return date(self.year, month, monthrange(self.year, month)[1])

    @property
    def label(self) -> str:
        """Its name as reports write it: "Quý I/2026", "Tháng 03/2026" …"""
        if self.kind == PeriodKind.MONTH:
            return gettext("Month %(month)s/%(year)s") % {
                "month": f"{self.number:02}",
                "year": self.year,
            }
        if self.kind == PeriodKind.QUARTER:
            return gettext("Quarter %(quarter)s/%(year)s") % {
                "quarter": ROMAN[self.number - 1],
                "year": self.year,
            }
        if self.kind == PeriodKind.HALF and self.number == 1:
            return gettext("First half of %(year)s") % {"year": self.year}
        if self.kind == PeriodKind.HALF:
            return gettext("Second half of %(year)s") % {"year": self.year}
        return gettext("Year %(year)s") % {"year": self.year}

    def __str__(self):
        return self.label


def period(kind: str, year: int, number: int = 1) -> Period:
    """The period of ``kind`` numbered ``number`` in ``year``; refused when none is."""
    if kind not in MONTHS:
        raise ValidationError(_("Choose a kind of period."), code="period_kind")
    count = 12 // MONTHS[kind]
    if not 1 <= number <= count:
        raise ValidationError(
            _("A year has %(count)s periods of this kind; there is no number %(n)s."),
            params={"count": count, "n": number},
            code="period_number",
        )
    if not 1900 <= year <= 9999:
        raise ValidationError(_("Choose a year from 1900 on."), code="period_year")
    return Period(kind, year, number)


def period_of(kind: str, day: date) -> Period:
    """The period of ``kind`` that holds ``day``."""
    return period(kind, day.year, (day.month - 1) // MONTHS[kind] + 1)


def last_ended(kind: str, today: date) -> Period:
    """The latest period of ``kind`` that ended before ``today``."""
    current = period_of(kind, today)
    if current.number > 1:
        return period(kind, current.year, current.number - 1)
    return period(kind, current.year - 1, 12 // MONTHS[kind])
