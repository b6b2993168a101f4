from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.forms import DayField
from registry.fields import PurposeField
from unions.models import ZONE_PERMISSIONS, UnionUnit

from .reading import max_upload_bytes

KINDS = [
    ("members", _("Members")),
    ("units", _("Union units")),
    ("enterprises", _("Employers")),
    ("agreements", _("Collective agreements")),
]
# Imported, not exported here: the admin's list exports them.
ZONES = ("zones", _("Industrial zones"))


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=KINDS)
    # A code, not a select: an officer's scope may hold thousands of units.
    into = forms.CharField(
        label=_("Into unit"),
        max_length=UnionUnit._meta.get_field("code").max_length,
        required=False,
        help_text=_(
            "The unit's code. For members: the CĐCS, or a unit above them when each "
            "row has a “Mã CĐCS”."
        ),
    )
    file = forms.FileField(label=_("File"), help_text=_(".xlsx, .xls or .csv (UTF-8)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_perms(ZONE_PERMISSIONS):
            self.fields["kind"].choices = [*KINDS, ZONES]

    def clean_into(self):
        code = self.cleaned_data["into"].strip().upper()
        if not code:
            return None
        unit = UnionUnit.objects.for_user(self.user).with_code(code).first()
        if unit is None:
            # The same words whether the unit is unknown or outside the user's scope.
            raise forms.ValidationError(
                _("There is no unit with code %(code)s in your scope.") % {"code": code}
            )
        today = timezone.localdate()
        if unit.dissolved_on and unit.dissolved_on <= today:
            raise forms.ValidationError(
                _("%(unit)s was dissolved on %(day)s.")
                % {"unit": unit, "day": f"{unit.dissolved_on:%d/%m/%Y}"}
            )
        if unit.founded_on > today:
            raise forms.ValidationError(
                _("%(unit)s is founded only on %(day)s.")
                % {"unit": unit, "day": f"{unit.founded_on:%d/%m/%Y}"}
            )
        return unit

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is larger than the %(size)s MB limit.")
                % {"size": max_upload_bytes() // (1024 * 1024)}
            )
        return upload


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to export"), choices=KINDS)
    unit = UnitChoiceField(label=_("Unit"), queryset=UnionUnit.objects.none())
    as_of = forms.DateField(
        label=_("As of"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        required=False,
        help_text=_("dd/mm/yyyy; empty for today"),
    )
    file_format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV (.csv)")]
    )
    purpose = PurposeField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = UnionUnit.objects.for_user(user)


class MappingFileForm(forms.Form):
    """A mapping file (Mã CĐCS → Mã đơn vị cấp trên mới) with its decision and date."""

    file = forms.FileField(
        label=_("Mapping file"),
        help_text=_(
            ".xlsx, .xls or .csv with the columns “Mã CĐCS” and “Mã đơn vị cấp "
            "trên mới”."
        ),
    )
    effective_on = DayField(label=_("Effective date"))
    decision = forms.CharField(
        label=_("Decision number"),
        max_length=100,
        help_text=_("Số quyết định, e.g. 125/QĐ-LĐLĐ."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is larger than the %(size)s MB limit.")
                % {"size": max_upload_bytes() // (1024 * 1024)}
            )
        return upload

    def clean_decision(self):
        return self.cleaned_data["decision"].strip()
