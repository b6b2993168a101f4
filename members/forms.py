from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.edit_conflicts import RefusesStaleEdits
from registry.fields import PurposeField
from registry.models import Province, Ward
from unions.models import UnionUnit

from . import services, text
from .models import Gender, Member
from .services import DEPARTURE_REASONS

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


class DayField(forms.DateField):
    """A date typed the Vietnamese way, dd/mm/yyyy (ISO accepted too)."""

    widget = forms.DateInput(
        format="%d/%m/%Y",
        attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 10},
    )

    def __init__(self, **kwargs):
        super().__init__(input_formats=DATE_FORMATS, **kwargs)


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the field it is about, if the form has that field."""
    aliases = {"joined_union_on": "joined_on"}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        field = aliases.get(field, field)
        form.add_error(field if field in form.fields else None, errors)


class UnitCodeField(forms.CharField):
    """A union unit typed by its code, looked up in ``queryset``."""

    def __init__(self, *, queryset=None, **kwargs):
        self.queryset = queryset
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        unit = self.queryset.with_code(code).first()
        if unit is None:
            raise ValidationError(
                _("There is no union with the code %(code)s that you can choose."),
                params={"code": code},
                code="unknown_unit",
            )
        return unit


class PersonFields(forms.Form):
    """Who the person is: shared by admission and the edit form."""

    def clean_cccd(self):
        return (self.cleaned_data.get("cccd") or "").replace(" ", "") or None

    def clean_full_name(self):
        return text.normalise_name(self.cleaned_data["full_name"])

    def cccd_warnings(self) -> list[str]:
        data = self.cleaned_data
        born = data.get("birth_date")
        return text.cccd_warnings(
            data.get("cccd"),
            gender=data.get("gender", ""),
            birth_year=born.year if born else data.get("birth_year"),
        )

    def check_cccd(self):
        """A CCCD that disagrees with gender or birth year needs a second look."""
        warnings = self.cccd_warnings()
        if warnings and not self.cleaned_data.get("confirm_cccd"):
            self.show_confirmation = True
            for warning in warnings:
                self.add_error("cccd", warning)


def _province_wards(form, province_field="province"):
    """Only the chosen province's wards: 3,321 options would be unusable."""
    province = form.data.get(province_field) or form.initial.get(province_field)
    if isinstance(province, Province):
        province = province.pk
    wards = (
        Ward.objects.filter(province_id=province) if province else Ward.objects.none()
    )
    form.fields["ward"].queryset = wards
    form.fields["ward"].widget.attrs["data-options-url"] = reverse_lazy(
        "members:ward_options"
    )


class AdmitForm(PersonFields):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    birth_date = DayField(label=_("Birth date"), required=False)
    birth_year = forms.IntegerField(
        label=_("Birth year"),
        required=False,
        help_text=_("Only when the exact birth date is unknown."),
    )
    cccd = forms.CharField(
        label=_("Citizen ID (CCCD)"),
        max_length=14,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    confirm_cccd = forms.BooleanField(
        label=_("I checked the CCCD against the ID card: save it as it is."),
        required=False,
    )
    old_id_number = forms.CharField(
        label=_("Old ID card (CMND)"), max_length=12, required=False
    )
    joined_on = DayField(label=_("Joined the union on"))
    card_number = forms.CharField(
        label=_("Member card number"), max_length=30, required=False
    )
    ethnicity = forms.ChoiceField(
        label=_("Ethnicity"),
        choices=[("", "—"), *[(n, n) for n in text.ETHNIC_GROUPS]],
        required=False,
    )
    religion = forms.CharField(label=_("Religion"), max_length=60, required=False)
    is_party_member = forms.BooleanField(label=_("Party member"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    education = forms.CharField(
        label=_("Education level"), max_length=120, required=False
    )
    job = forms.CharField(label=_("Job"), max_length=120, required=False)
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.all(), required=False
    )
    ward = forms.ModelChoiceField(
        label=_("Ward"), queryset=Ward.objects.none(), required=False
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)

    confirm_namesake = forms.BooleanField(
        label=_("It is another person with the same name and birth: admit them."),
        required=False,
    )

    show_confirmation = False
    namesakes: list[Member] = []

    def __init__(self, *args, unit=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("joined_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.unit = unit
        _province_wards(self)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("birth_date") and not cleaned.get("birth_year"):
            self.add_error(
                "birth_date", _("Give the birth date, or at least the birth year.")
            )
        self.check_cccd()
        self.check_namesakes()
        return cleaned

    def check_namesakes(self):
        """A member of the union with this name and birth and no CCCD may be this
        very person: ask before putting them on the register twice."""
        data = self.cleaned_data
        if self.unit is None or self.errors or data.get("confirm_namesake"):
            return
        self.namesakes = services.namesakes_without_cccd(
            unit=self.unit,
            full_name=data["full_name"],
            birth_date=data.get("birth_date"),
            birth_year=data.get("birth_year"),
        )
        if self.namesakes:
            self.add_error(
                None,
                _(
                    "Someone with this name and birth, and no CCCD on record, is "
                    "already a member of this union. If it is the same person, open "
                    "their record below instead of admitting them again; if it is "
                    "another person, tick the box and admit."
                ),
            )

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("confirm_cccd")
        data.pop("confirm_namesake")
        return data


class MemberForm(RefusesStaleEdits, forms.ModelForm):
    """Corrections to a person's record; memberships change through the workflows.

    A save over someone else's newer change is refused (RefusesStaleEdits)."""

    confirm_cccd = AdmitForm.base_fields["confirm_cccd"]
    show_confirmation = False

    class Meta:
        model = Member
        fields = [
            "full_name",
            "family_name",
            "middle_name",
            "given_name",
            "gender",
            "birth_date",
            "birth_year",
            "cccd",
            "old_id_number",
            "joined_union_on",
            "ethnicity",
            "religion",
            "is_party_member",
            "phone",
            "email",
            "education",
            "job",
            "province",
            "ward",
            "address",
        ]
        field_classes = {"birth_date": DayField, "joined_union_on": DayField}
        help_texts = {
            "family_name": _(
                "Split from the full name; correct it when, say, the family name has two words."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _province_wards(self)
        self.fields["phone"].max_length = 20
        self.fields["phone"].widget.attrs["maxlength"] = 20

    clean_cccd = PersonFields.clean_cccd
    cccd_warnings = PersonFields.cccd_warnings
    check_cccd = PersonFields.check_cccd

    def clean(self):
        cleaned = super().clean()
        if "full_name" in self.changed_data and not (
            {"family_name", "middle_name", "given_name"} & set(self.changed_data)
        ):
            # A new name with the old parts: split the new one afresh.
            self.instance.family_name = self.instance.middle_name = ""
            self.instance.given_name = ""
            for part in ("family_name", "middle_name", "given_name"):
                cleaned[part] = ""
        if {"cccd", "gender", "birth_date", "birth_year"} & set(self.changed_data):
            self.check_cccd()
        return cleaned


class TransferForm(forms.Form):
    to_unit = UnitCodeField(
        label=_("Receiving grassroots union (code)"),
        queryset=UnionUnit.objects.grassroots(),
        widget=forms.TextInput(attrs={"list": "unit-codes", "autocomplete": "off"}),
        help_text=_("A union outside your scope receives a request and decides on it."),
    )
    transferred_on = DayField(label=_("Transfer date"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault(
            "transferred_on", timezone.localdate()
        )
        super().__init__(*args, **kwargs)


class LeaveForm(forms.Form):
    left_on = DayField(label=_("Left on"))
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", "—"), *[(r.value, r.label) for r in DEPARTURE_REASONS]],
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=255,
        required=False,
        help_text=_("Decision number or circumstances, if any."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("left_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class ReadmitForm(forms.Form):
    unit = UnitCodeField(
        label=_("Grassroots union (code)"),
        widget=forms.TextInput(attrs={"list": "unit-codes", "autocomplete": "off"}),
    )
    readmitted_on = DayField(label=_("Readmitted on"))
    card_number = forms.CharField(
        label=_("Member card number"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to keep the previous card number."),
    )

    def __init__(self, *args, units, **kwargs):
        kwargs.setdefault("initial", {}).setdefault(
            "readmitted_on", timezone.localdate()
        )
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class RefuseTransferForm(forms.Form):
    reason = forms.CharField(label=_("Reason for refusal"), max_length=255)


class ChooseUnitForm(forms.Form):
    unit = UnitCodeField(
        label=_("Grassroots union (code)"),
        widget=forms.TextInput(attrs={"list": "unit-codes", "autocomplete": "off"}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class MemberFilterForm(forms.Form):
    """The member list's filters; every one optional."""

    AGE_BANDS = {
        "15-29": (15, 29),
        "30-39": (30, 39),
        "40-49": (40, 49),
        "50-59": (50, 59),
        "60+": (60, None),
    }

    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Part of a name, marks optional"),
                "autocomplete": "off",
            }
        ),
    )
    unit = UnitCodeField(
        label=_("Unit (code)"),
        required=False,
        widget=forms.TextInput(attrs={"list": "unit-codes", "autocomplete": "off"}),
    )
    on = DayField(label=_("Active on"), required=False)
    gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", _("All")), *Gender.choices], required=False
    )
    age = forms.ChoiceField(
        label=_("Age"),
        choices=[("", _("All")), *[(band, band) for band in AGE_BANDS]],
        required=False,
    )
    joined_year = forms.IntegerField(
        label=_("Joined in (year)"), required=False, min_value=1900, max_value=2100
    )
    party = forms.ChoiceField(
        label=_("Party member"),
        choices=[("", _("All")), ("yes", _("Yes")), ("no", _("No"))],
        required=False,
    )

    def __init__(self, *args, units, show_sensitive: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].error_messages["invalid"] = _("Not a unit in your scope.")
        if not show_sensitive:
            # Filtering by party membership would reveal it.
            del self.fields["party"]

    PERSONAL_FILTERS = ("gender", "age", "joined_year", "party")

    def filters_personal_data(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.PERSONAL_FILTERS)

    def apply(self, members, day):
        """Narrow ``members`` (already limited to the scope and day) by the filters."""
        data = self.cleaned_data
        if data.get("q"):
            members = members.search(data["q"])
        if data.get("gender"):
            members = members.filter(gender=data["gender"])
        if data.get("age"):
            members = members.aged_on(day, *self.AGE_BANDS[data["age"]])
        if data.get("joined_year"):
            members = members.filter(joined_union_on__year=data["joined_year"])
        if data.get("party"):
            members = members.filter(is_party_member=data["party"] == "yes")
        return members


class RecordExportForm(forms.Form):
    """A member's own record as a file (data-subject request)."""

    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", "Excel (.xlsx)"), ("json", "JSON (.json)")],
    )
    purpose = PurposeField(
        help_text=_(
            "The member's request and how it reached you, e.g. “written request of "
            "12/05/2025”. Written in the access log."
        )
    )
