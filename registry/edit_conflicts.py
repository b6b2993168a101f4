"""Optimistic locking for edit forms: a save over someone else's newer change is refused.

An edit form carries, signed, the values its fields had when it was opened and the
time. On saving, the record is read again (locked for the rest of the transaction);
if a field of the form changed meanwhile, the save is refused and the form shows each
change, its new value and who made it, if the record's history or the admin log knows.
A field only the other person changed takes their value in the form; where both changed
it, the form keeps this user's value. Saving again then goes through, knowingly.
"""

from copy import copy
from datetime import datetime

from django import forms
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection
from django.utils import formats, timezone
from django.utils.translation import gettext as _

LOADED = "loaded_state"
SALT = "registry.edit_conflicts"


class RefusesStaleEdits(forms.Form):
    """A mixin for ModelForms (put it before ``forms.ModelForm``)."""

    loaded_state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.edit_conflicts = []
        if not self.instance._state.adding:
            self.initial[LOADED] = self.sign(
                snapshot(self.instance, self.checked_fields())
            )

    def checked_fields(self) -> list[str]:
        """The form's editable fields that are columns of the record."""
        names = []
        for name, field in self.fields.items():
            if name == LOADED or field.disabled:
                continue
            try:
                model_field = self.instance._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if model_field.concrete:
                names.append(name)
        return names

    def sign(self, values: dict) -> str:
        return signing.dumps(
            {"at": timezone.now().isoformat(), "values": values},
            salt=SALT,
            compress=True,
        )

    def clean(self):
        cleaned = super().clean()
        if not self.instance._state.adding:
            self.refuse_if_changed_since_loaded()
        return cleaned

    def refuse_if_changed_since_loaded(self):
        raw = self.data.get(self.add_prefix(LOADED))
        if not raw:
            return  # a form posted without its state (a script, an old page): no check
        try:
            loaded = signing.loads(raw, salt=SALT)
        except signing.BadSignature:
            raise ValidationError(
                _("This form was damaged on its way: open the record again."),
                code="damaged_form",
            ) from None
        names = self.checked_fields()
        saved = current_row(self.instance)
        now = snapshot(saved, names)
        changed = [n for n in names if loaded["values"].get(n) != now.get(n)]
        if not changed:
            return
        since = datetime.fromisoformat(loaded["at"])
        who = last_changed_by(saved, since)
        self.data = self.data.copy()
        for name in changed:
            value = displayed(saved, name)
            self.edit_conflicts.append((self.fields[name].label, value))
            if self.left_as_loaded(name, saved, loaded["values"]):
                # Only the other person changed it: their value goes into the form.
                self.show_value(name, getattr(saved, name))
                message = _("Changed meanwhile to: %(value)s (now in the form).")
            else:
                message = _(
                    "Changed meanwhile to: %(value)s. The form keeps your value: "
                    "save again to keep it."
                )
            self.add_error(name, message % {"value": value})
        # Saving again now keeps this user's version, knowingly.
        self.data[self.add_prefix(LOADED)] = self.sign(now)
        raise ValidationError(conflict_message(who), code="edit_conflict")

    def left_as_loaded(self, name, saved, loaded: dict) -> bool:
        """Whether this user sent ``name`` back as it was when the form was opened."""
        if name not in self.cleaned_data:
            return False
        probe = copy(saved)
        saved._meta.get_field(name).save_form_data(probe, self.cleaned_data[name])
        return snapshot(probe, [name])[name] == loaded.get(name)

    def show_value(self, name, value):
        """Draw the form again with ``value`` in field ``name``."""
        field, key = self.fields[name], self.add_prefix(name)
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                self.data[key] = "on"
            else:
                self.data.pop(key, None)
            return
        shown = field.widget.format_value(field.prepare_value(value))
        self.data[key] = "" if shown is None else shown


def conflict_message(who) -> str:
    if who is not None:
        user, at = who
        return _(
            "%(user)s saved this record at %(time)s, after you opened it. Your changes "
            "are not saved yet. What they changed is shown under each field: check it, "
            "then save again."
        ) % {
            "user": user.get_full_name() or user.get_username(),
            "time": formats.date_format(timezone.localtime(at), "H:i d/m/Y"),
        }
    return _(
        "Someone saved this record after you opened it. Your changes are not saved "
        "yet. What changed is shown under each field: check it, then save again."
    )


def current_row(instance):
    """The record as saved now, locked until the transaction ends (where it can be)."""
    rows = type(instance)._base_manager.filter(pk=instance.pk)
    if connection.in_atomic_block and connection.features.has_select_for_update:
        rows = rows.select_for_update()
    return rows.get()


def snapshot(instance, names) -> dict:
    return {
        name: instance._meta.get_field(name).value_to_string(instance) for name in names
    }


def displayed(instance, name) -> str:
    field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if hasattr(value, "strftime"):
        return formats.date_format(value, "d/m/Y")
    return str(value)


def last_changed_by(instance, since):
    """(user, when) of the latest change after ``since``, from the record's history
    (django-simple-history) or the admin's log; None when neither knows."""
    found = []
    history = getattr(instance, "history", None)
    if history is not None:
        entry = (
            history.filter(history_date__gt=since, history_user__isnull=False)
            .select_related("history_user")
            .order_by("-history_date")
            .first()
        )
        if entry:
            found.append((entry.history_user, entry.history_date))
    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(instance),
            object_id=str(instance.pk),
            action_time__gt=since,
        )
        .select_related("user")
        .order_by("-action_time")
        .first()
    )
    if entry:
        found.append((entry.user, entry.action_time))
    return max(found, key=lambda pair: pair[1]) if found else None


class RefusesStaleEditsAdmin:
    """A ModelAdmin mixin: its change form carries the loaded state (the form class
    must include RefusesStaleEdits)."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or LOADED in flatten_fieldsets(fieldsets):
            return fieldsets
        return [*fieldsets, (None, {"fields": [LOADED]})]


class StaleCheckedModelForm(RefusesStaleEdits, forms.ModelForm):
    """The default form of an admin whose change form refuses stale saves."""
