"""Admin forms for the union tree: every change goes through unions.services."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from registry.edit_conflicts import LOADED, RefusesStaleEdits, StaleCheckedModelForm
from registry.fields import UnitCodeField
from registry.text import clean

from . import services, signoff
from .models import UnionUnit


def add_service_error(form, error: ValidationError) -> None:
    """Show a service's refusal on the form, on the field it names when the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class UnionUnitForm(RefusesStaleEdits, forms.ModelForm):
    """Found a unit under a parent typed by its code, or change its own details."""

    parent = UnitCodeField(
        UnionUnit.objects.none(),
        required=False,
        label=_("parent unit code"),
        help_text=_(
            "Code of the unit directly above (mã đơn vị cấp trên). "
            "Only a system administrator may leave it empty to found a top-level unit."
        ),
    )
    user = None  # set by UnionUnitAdmin.get_form for each request

    class Meta:
        model = UnionUnit
        fields = ["code", "name", "kind", "founded_on", "decision", "province", "ward"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "parent" in self.fields:
            # The whole scope: a CĐCS typed here is refused by the service, which says why.
            self.fields["parent"].queryset = UnionUnit.objects.for_user(self.user)
            self.fields["parent"].required = not self.user.is_system_admin

    def clean_code(self):
        # As UnionUnit.save stores it, so that the duplicate check sees "cdcs-a" too.
        return clean(self.cleaned_data["code"]).upper()

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        # The admin saves in save_model, after validation, where a refusal can no longer
        # become a form error. So the service also runs here, in a savepoint that is
        # always rolled back: the user sees exactly the rules the service applies.
        try:
            with transaction.atomic():
                self.save_through_services()
                transaction.set_rollback(True)
        except ValidationError as error:
            add_service_error(self, error)

    def save_through_services(self) -> UnionUnit:
        details = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("parent", LOADED)
        }
        if self.instance._state.adding:
            parent = self.cleaned_data.get("parent")
            if parent is not None:
                parent.refresh_from_db()  # the checking run counted a child it undid
            return services.create_unit(parent=parent, **details)
        changed = {name: details[name] for name in self.changed_data if name in details}
        return services.update_unit(unit=self.instance, **changed)


class CollectiveAgreementForm(StaleCheckedModelForm):
    """An agreement, refused when its days in force would change inside a signed-off
    period (unions/signoff.py)."""

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            try:
                signoff.check_agreement(self.instance)
            except ValidationError as error:
                self.add_error(None, error)


class EmployerForm(StaleCheckedModelForm):
    """An employer, refused here, before the admin saves it, when it would change a
    signed-off period's figures (``signoff.check_employer``)."""

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            try:
                signoff.check_employer(self.instance)
            except ValidationError as error:
                self.add_error(None, error)
