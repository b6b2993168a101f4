"""Signing off a period from the report page, and reopening one."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .periods import PeriodKind, last_ended, period

# How many ended periods of each kind the sign-off form offers, latest first.
OFFERED = {
    PeriodKind.MONTH: 12,
    PeriodKind.QUARTER: 8,
    PeriodKind.HALF: 4,
    PeriodKind.YEAR: 3,
}


def ended_periods(today=None) -> list:
    """The periods a unit may sign off now: the latest ended ones of each kind."""
    today = today or timezone.localdate()
    offered = []
    for kind, count in OFFERED.items():
        latest = last_ended(kind, today)
        for _step in range(count):
            offered.append(latest)
            latest = last_ended(kind, latest.starts_on)
    return offered


def period_value(chosen) -> str:
    return f"{chosen.kind}-{chosen.year}-{chosen.number}"


class SignOffForm(forms.Form):
    """Which ended period of the report's unit to sign off."""

    period = forms.ChoiceField(label=_("Period to sign off"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [
            (period_value(offered), offered.label) for offered in ended_periods()
        ]

    def clean_period(self):
        kind, year, number = self.cleaned_data["period"].split("-")
        return period(kind, int(year), int(number))


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the sign-off and written to the access log."),
    )
