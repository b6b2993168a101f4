"""The reorganisation forms: each gathers one operation's arguments, typed by code.

Every form has the effective date and the decision number; ``arguments()`` returns the
keyword arguments of its service (OPERATIONS in views_reorganisation.py).
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from unions.kinds import GRASSROOTS_KINDS
from unions.models import UnionUnit

from .forms import DayField, UnitCodeField
from .models import LeaveReason
from .services import DEPARTURE_REASONS


class OperationForm(forms.Form):
    """The date and decision every operation has; ``user`` scopes the unit codes."""

    effective_on = DayField(label=_("Effective date"))
    decision = forms.CharField(
        label=_("Decision number"),
        max_length=100,
        help_text=_("Số quyết định, e.g. 125/QĐ-LĐLĐ."),
    )
    date_argument = "moved_on"

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        scope = UnionUnit.objects.for_user(user)
        for field in self.fields.values():
            if isinstance(field, UnitCodeField):
                field.queryset = scope
        # The date and decision come last, as in a decision's text.
        last = ("effective_on", "decision")
        self.order_fields([name for name in self.fields if name not in last])

    def arguments(self) -> dict:
        data = dict(self.cleaned_data)
        day = data.pop("effective_on")
        return {**data, self.date_argument: day, "user": self.user}


class MoveForm(OperationForm):
    unit = UnitCodeField(label=_("Unit to move (code)"))
    new_parent = UnitCodeField(label=_("New parent unit (code)"))


class MergeForm(OperationForm):
    units = forms.CharField(
        label=_("Units to merge (codes)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Codes separated by commas, spaces or new lines."),
    )
    into = UnitCodeField(
        label=_("Merge into an existing unit (code)"),
        required=False,
        help_text=_("Leave empty to merge into a new unit, described below."),
    )
    new_code = forms.CharField(label=_("New unit: code"), max_length=30, required=False)
    new_name = forms.CharField(
        label=_("New unit: name"), max_length=255, required=False
    )
    new_kind = forms.ChoiceField(
        label=_("New unit: kind"),
        choices=[("", "—"), *UnionUnit.Kind.choices],
        required=False,
    )
    new_parent = UnitCodeField(label=_("New unit: parent (code)"), required=False)
    date_argument = "merged_on"
    field_order = ["units", "into", "new_code", "new_name", "new_kind", "new_parent"]

    def clean_units(self):
        codes = [
            c for c in re.split(r"[\s,;]+", self.cleaned_data["units"].upper()) if c
        ]
        found = UnionUnit.objects.for_user(self.user).by_codes(codes)
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise ValidationError(
                _("There is no union with the code %(code)s that you can choose."),
                params={"code": ", ".join(unknown)},
                code="unknown_unit",
            )
        return list({found[code].pk: found[code] for code in codes}.values())

    def clean(self):
        data = super().clean()
        new = [data.get(name) for name in ("new_code", "new_name", "new_kind")]
        if data.get("into") is None and not all(new):
            raise ValidationError(
                _(
                    "Give the unit to merge into, or the code, name and kind of a new unit."
                ),
                code="target_missing",
            )
        if data.get("into") is not None and any(new):
            raise ValidationError(
                _("Merge into an existing unit or into a new one, not both."),
                code="target_missing",
            )
        return data

    def arguments(self) -> dict:
        data = self.cleaned_data
        new_unit = None
        if data["into"] is None:
            new_unit = {
                "code": data["new_code"],
                "name": data["new_name"],
                "kind": data["new_kind"],
                "parent": data["new_parent"],
            }
        return {
            "units": data["units"],
            "into": data["into"],
            "new_unit": new_unit,
            "merged_on": data["effective_on"],
            "decision": data["decision"],
            "user": self.user,
        }


class RecodeForm(OperationForm):
    unit = UnitCodeField(label=_("Unit (code)"))
    code = forms.CharField(label=_("New code"), max_length=30, required=False)
    name = forms.CharField(label=_("New name"), max_length=255, required=False)
    date_argument = "recoded_on"


class DissolveGrassrootsForm(OperationForm):
    unit = UnitCodeField(label=_("CĐCS to dissolve (code)"))
    transfer_to = UnitCodeField(
        label=_("Transfer its members to CĐCS (code)"),
        required=False,
        help_text=_("Leave empty to record them as leaving the union."),
    )
    leave_reason = forms.ChoiceField(
        label=_("Reason for leaving"),
        choices=[(r.value, r.label) for r in DEPARTURE_REASONS],
        initial=LeaveReason.RESTRUCTURED,
        required=False,
    )
    date_argument = "dissolved_on"

    def clean_unit(self):
        unit = self.cleaned_data["unit"]
        if unit.kind not in GRASSROOTS_KINDS:
            raise ValidationError(
                _("%(unit)s is not a CĐCS: use “Dissolve an upper-level unit”."),
                params={"unit": unit},
                code="not_grassroots",
            )
        return unit

    def arguments(self) -> dict:
        arguments = super().arguments()
        arguments["leave_reason"] = (
            arguments["leave_reason"] or LeaveReason.RESTRUCTURED
        )
        return arguments


class DissolveUnitForm(OperationForm):
    unit = UnitCodeField(label=_("Upper-level unit to dissolve (code)"))
    successor = UnitCodeField(
        label=_("Its accounts go to (code)"),
        required=False,
        help_text=_(
            "The unit that takes over from it. Leave empty for the unit directly above."
        ),
    )
    date_argument = "dissolved_on"
