"""What the dashboard, the lists and the report ask for: a unit in scope and dates."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Ward

from .coverage.figures import Structure, check_day
from .models import Employer, IndustrialZone, UnionUnit

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
UNIT_NOT_FOUND = "unit_not_found"


class DayField(forms.DateField):
    """A date typed the Vietnamese way, dd/mm/yyyy (ISO accepted too)."""

    widget = forms.DateInput(
        format="%d/%m/%Y",
        attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 10},
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages",
            {"invalid": _("Enter a date as dd/mm/yyyy, for example 31/03/2024.")},
        )
        super().__init__(input_formats=DATE_FORMATS, **kwargs)

    def clean(self, value):
        day = super().clean(value)
        return check_day(day) if day else day


def default_unit(user) -> UnionUnit | None:
    """The user's own unit; a system administrator starts at the first root."""
    if user.unit_id:
        return user.unit
    return UnionUnit.objects.get_root_nodes().first()


class StructureField(forms.ChoiceField):
    """The tree the figures are counted on: the date's own (default) or today's."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("Structure"),
            choices=Structure.choices,
            required=False,
            **kwargs,
        )

    def clean(self, value):
        return super().clean(value) or Structure.HISTORICAL


class UnitForm(forms.Form):
    """A unit (by code, within the user's scope), the date of the figures and the
    structure they are counted on."""

    unit = forms.CharField(
        label=_("Unit code"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"list": "unit-codes", "autocomplete": "off"}),
    )
    as_of = DayField(label=_("Figures as of"))
    structure = StructureField()

    def __init__(self, data, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user

    def clean_unit(self):
        code = self.cleaned_data["unit"].strip()
        if not code:
            unit = default_unit(self.user)
        else:
            scope = UnionUnit.objects.for_user(self.user)
            unit = scope.with_code(code).first()  # a former code finds it too
        if unit is None:
            raise ValidationError(
                _("No unit with the code %(code)s in your scope."),
                params={"code": code},
                code=UNIT_NOT_FOUND,
            )
        return unit

    def clean_as_of(self):
        return self.cleaned_data["as_of"] or timezone.localdate()

    @property
    def unit_not_found(self) -> bool:
        return self.has_error("unit", UNIT_NOT_FOUND)


class WhiteSpotForm(UnitForm):
    """The white-spot list's filters."""

    zone = forms.ModelChoiceField(
        label=_("Industrial zone"),
        queryset=IndustrialZone.objects.all(),
        required=False,
        to_field_name="code",
    )
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", "—"), *Employer.Kind.choices], required=False
    )
    ward = forms.ModelChoiceField(
        label=_("Ward or commune"), queryset=Ward.objects.none(), required=False
    )

    def __init__(self, data, *, user, wards=None, **kwargs):
        super().__init__(data, user=user, **kwargs)
        if wards is not None:
            self.fields["ward"].queryset = wards

    def chosen_filters(self) -> dict:
        """The filters filled in, as Employer fields: {"industrial_zone": zone, …}."""
        data = self.cleaned_data
        chosen = {
            "industrial_zone": data.get("zone"),
            "kind": data.get("kind"),
            "ward": data.get("ward"),
        }
        return {name: value for name, value in chosen.items() if value}

    def filter(self, employers):
        return employers.filter(**self.chosen_filters())


class ReportForm(forms.Form):
    """The periodic report: a unit and a period [from, to]."""

    unit = UnitForm.base_fields["unit"]
    starts_on = DayField(label=_("From"))
    ends_on = DayField(label=_("To"))
    structure = StructureField()

    def __init__(self, data, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user

    clean_unit = UnitForm.clean_unit
    unit_not_found = UnitForm.unit_not_found

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        ends_on = data.get("ends_on") or today
        starts_on = data.get("starts_on") or ends_on.replace(month=1, day=1)
        if not self.errors and starts_on > ends_on:
            raise ValidationError(
                _("The period must start on or before the day it ends."),
                code="period_reversed",
            )
        data["starts_on"], data["ends_on"] = starts_on, ends_on
        return data
