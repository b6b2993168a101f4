"""A member's change history, read from django-simple-history's records."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from .models import Member, Membership

# Fields only roles with members.view_sensitive_data may see, in a record or its history.
SENSITIVE_FIELDS = {
    "cccd",
    "old_id_number",
    "ethnicity",
    "religion",
    "is_party_member",
    "phone",
}


@dataclass
class Change:
    at: datetime
    user: object
    what: str  # "member" or the membership's unit code
    kind: str  # "+" created, "~" changed, "-" deleted (simple_history's letters)
    fields: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def kind_label(self):
        return {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}[self.kind]


def changes_of(member: Member, *, show_sensitive: bool) -> list[Change]:
    """Every recorded change to the person and their memberships, newest first."""
    hidden = set() if show_sensitive else SENSITIVE_FIELDS
    changes = _changes(
        member.history.select_related("history_user").order_by("history_date"),
        Member,
        hidden,
        lambda record: _("Personal record"),
    )
    membership_records = (
        Membership.history.filter(member_id=member.pk)
        .select_related("history_user", "unit")
        .order_by("id", "history_date")
    )
    changes += _changes(
        membership_records,
        Membership,
        hidden,
        lambda record: _("Membership in %(unit)s") % {"unit": record.unit.code},
    )
    return sorted(changes, key=lambda change: change.at, reverse=True)


def _changes(records, model, hidden, describe) -> list[Change]:
    changes, previous = [], {}
    for record in records:
        before = previous.get(record.id)
        change = Change(
            at=record.history_date,
            user=record.history_user,
            what=describe(record),
            kind=record.history_type,
        )
        if before is not None and record.history_type == "~":
            delta = record.diff_against(before, excluded_fields=hidden)
            change.fields = [
                (
                    model._meta.get_field(c.field).verbose_name,
                    _display(model, c.field, c.old),
                    _display(model, c.field, c.new),
                )
                for c in delta.changes
            ]
            if not change.fields:
                previous[record.id] = record
                continue
        changes.append(change)
        previous[record.id] = record
    return changes


def _display(model, name: str, value) -> str:
    model_field = model._meta.get_field(name)
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)
