"""Form fields the apps share: a union unit chosen among 150,000 by its code, not a
drop-down; the purpose every export of personal data asks for."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .text import clean


class UnitCodeField(forms.ModelChoiceField):
    """A union unit typed by its code; only codes in ``queryset`` (the user's scope) pass.

    A code outside the queryset, whether it exists elsewhere or not, gets the same error,
    so the field never tells a user what exists outside their scope.
    """

    widget = forms.TextInput
    default_error_messages = {
        "invalid_choice": _(
            "There is no union unit with code %(value)s in your scope."
        ),
    }

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="code", **kwargs)

    def _to_python(self, value):
        # Codes are stored upper-case and trimmed (UnionUnit.save).
        return super().to_python(
            clean(value).upper() if isinstance(value, str) else value
        )

    def to_python(self, value):
        try:
            return self._to_python(value)
        except forms.ValidationError:
            # A unit recoded in a reorganisation is still found by its former code.
            with_code = getattr(self.queryset, "with_code", None)
            unit = with_code(value).first() if with_code and value else None
            if unit is None:
                raise
            return unit

    def prepare_value(self, value):
        # A model form's initial value is the foreign key's id: show its code instead.
        if isinstance(value, int):
            value = self.queryset.model._base_manager.filter(pk=value).first()
        return super().prepare_value(value)


class PurposeField(forms.CharField):
    """Why personal data leaves the registry: asked on every export of it and kept in
    the access log with it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Purpose of the export"))
        kwargs.setdefault(
            "help_text",
            _(
                "Why the file is needed and for whom, e.g. “list for the union fee "
                "collection of May”. Written in the access log."
            ),
        )
        super().__init__(max_length=255, min_length=5, **kwargs)
