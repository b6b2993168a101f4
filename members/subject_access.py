"""A member's own record as a file, for a data-subject request: their personal data,
every membership they held and every recorded change, as .xlsx or JSON.

Asked for by an officer whose scope holds the record, with a stated purpose; the
access log keeps both (docs/security.md). The JSON is keyed by field names, so that a
program can read it; the workbook is titled in the reader's language.
"""

import json
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from registry.writing import workbook_bytes

from .history import changes_of
from .models import Member, Membership

# Derived or internal columns: the search and sort keys, the cached current unit.
_LEFT_OUT = {"id", "search_name", "sort_key", "current_unit", "current_since"}
MEMBERSHIP_FIELDS = [
    "started_on", "start_reason", "card_number", "left_on", "leave_reason", "leave_note",
]  # fmt: skip


def _member_fields():
    return [
        f
        for f in Member._meta.concrete_fields
        if f.name not in _LEFT_OUT and not f.generated
    ]


def record_of(member: Member) -> dict:
    """Everything the registry holds about ``member``, as plain values."""
    memberships = member.memberships.select_related("unit").order_by("started_on", "id")
    return {
        "member_id": member.pk,
        "exported_at": timezone.localtime(),
        "personal_data": {f.name: _value(member, f) for f in _member_fields()},
        "memberships": [
            {
                "union_code": m.unit.code,
                "union_name": m.unit.name,
                **{
                    name: _value(m, Membership._meta.get_field(name))
                    for name in MEMBERSHIP_FIELDS
                },
            }
            for m in memberships
        ],
        "changes": [
            {
                "at": change.at,
                "by": str(change.user or ""),
                "what": str(change.what),
                "change": str(change.kind_label),
                "fields": [
                    {"field": str(name), "old": old, "new": new}
                    for name, old, new in change.fields
                ],
            }
            for change in changes_of(member, show_sensitive=True)
        ],
    }


def _value(obj, model_field):
    value = getattr(obj, model_field.attname)
    if model_field.choices and value not in (None, ""):
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        related = getattr(obj, model_field.name)
        return str(related) if related is not None else None
    return value


def as_json(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False, indent=2, default=_plain).encode()


def _plain(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def as_xlsx(record: dict) -> bytes:
    """Three sheets: the person, their memberships, the changes to their record."""
    person = [
        (str(f.verbose_name), record["personal_data"][f.name]) for f in _member_fields()
    ]
    membership_headers = [_("union code"), _("union")] + [
        str(Membership._meta.get_field(name).verbose_name) for name in MEMBERSHIP_FIELDS
    ]
    changes = [
        [c["at"], c["by"], c["what"], c["change"], f["field"], f["old"], f["new"]]
        for c in record["changes"]
        for f in (c["fields"] or [{"field": "", "old": "", "new": ""}])
    ]
    return workbook_bytes(
        [
            (_("Personal data"), [_("field"), _("value")], person),
            (_("Memberships"), membership_headers,
             [list(m.values()) for m in record["memberships"]]),
            (_("Changes"),
             [_("at"), _("by"), _("what"), _("change"), _("field"), _("old value"),
              _("new value")],
             changes),
        ]
    )  # fmt: skip
