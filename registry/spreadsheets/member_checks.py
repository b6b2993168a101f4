"""The rules a new member from a file must pass, applied to plain row values.

``admit_member`` runs ``Member.full_clean()`` and ``check_admission`` on a model
instance. Building an instance and asking the clock costs more per row than the rules
themselves, so for a 100,000-row file the same rules are applied to the parsed values:

- each field's own validators (``Field.clean``, as ``Model.clean_fields`` runs them),
  once per distinct value of a column;
- the name and date rules of ``Member.clean()`` (``members.rules``), with today's
  date fixed once per file; its other rules cannot fail for a person a file brings
  in (no name parts, no ward);
- the admission rules (``members.services.check_joining``).

Nothing here queries the database.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from members import rules
from members.models import Member, Membership
from members.services import check_joining

# Model fields whose values the row parsers have checked already (format, choices,
# dates), or that are derived from the name; Model.clean_fields skips them here.
PARSED = {
    "id", "cccd", "phone", "email", "ethnicity", "gender", "birth_date", "birth_year",
    "joined_union_on", "is_party_member", "province", "ward", "search_name", "sort_key",
    "family_name", "middle_name", "given_name",
}  # fmt: skip
# Member fields taken from a row as they are; joined_union_on comes from "joined_on".
MEMBER_FIELDS = [
    "full_name", "birth_date", "birth_year", "gender", "ethnicity", "religion",
    "cccd", "old_id_number", "phone", "email", "education", "job",
    "is_party_member", "address",
]  # fmt: skip
# What set_derived_fields() writes: the stored name, its parts and its keys.
DERIVED_FIELDS = (
    "full_name",
    "family_name",
    "middle_name",
    "given_name",
    "search_name",
    "sort_key",
)
_CARD_LENGTH = Membership._meta.get_field("card_number").max_length
_NOTES_LENGTH = Membership._meta.get_field("notes").max_length


def member_value(values: dict, name: str, default=None):
    """The value the row gives a Member field (``joined_on`` is ``joined_union_on``)."""
    if name == "joined_union_on":
        return values["joined_on"]
    return values[name] if name in MEMBER_FIELDS else default


class FieldChecks:
    """``Member.clean_fields()`` for many rows: every distinct value of a column is
    validated once, by the model field itself; a row then only looks its values up."""

    def __init__(self, rows: list[dict]):
        fields = [
            f for f in Member._meta.fields if f.name not in PARSED and not f.generated
        ]
        self._refused: list[tuple[str, dict]] = []
        for f in fields:
            default = f.get_default()
            refused = {}
            for value in {member_value(v, f.name, default) for v in rows}:
                if f.blank and value in f.empty_values:
                    continue
                try:
                    f.clean(value, None)
                except ValidationError as error:
                    refused[value] = error.error_list
            if refused:
                self._refused.append((f.name, refused))

    def check(self, values: dict) -> None:
        """Raise what ``clean_fields`` would raise for a new member with ``values``."""
        errors = {}
        for name, refused in self._refused:
            error_list = refused.get(member_value(values, name))
            if error_list:
                errors[name] = error_list
        if errors:
            raise ValidationError(errors)


def check_new_member(values: dict, *, unit, today: date) -> date:
    """The rules of Member.clean() and of admission for a person a file brings in;
    returns the day the membership starts."""
    errors = rules.date_errors(
        birth_date=values["birth_date"],
        birth_year=values["birth_year"],
        joined_on=values["joined_on"],
        today=today,
    )
    if name_error := rules.name_error(values["full_name"]):
        errors["full_name"] = name_error
    if errors:
        raise ValidationError(errors)
    started_on = check_joining(
        birth_date=values["birth_date"],
        birth_year=values["birth_year"],
        unit=unit,
        joined_on=values["joined_on"],
        today=today,
    )
    check_membership_fields(values)
    return started_on


def check_membership_fields(values: dict) -> None:
    """The card number and the note, which the file's row gives the membership."""
    if len(values["card_number"]) > _CARD_LENGTH:
        raise ValidationError(
            _("A member card number has at most %(length)s characters.")
            % {"length": _CARD_LENGTH},
            code="card_too_long",
        )
    if len(values["notes"]) > _NOTES_LENGTH:
        raise ValidationError(
            _("A note has at most %(length)s characters.") % {"length": _NOTES_LENGTH},
            code="notes_too_long",
        )


class DerivedNames:
    """``Member.set_derived_fields`` once per distinct name: the Vietnamese sort key
    is the costliest step of a row, and a list of 100,000 people holds far fewer
    names. A new member's parts come from the full name alone."""

    def __init__(self):
        self._known: dict[str, tuple] = {}
        self._member = Member()  # one instance for all: building one costs more

    def __call__(self, full_name: str) -> tuple:
        """The values of DERIVED_FIELDS for a new member called ``full_name``."""
        derived = self._known.get(full_name)
        if derived is None:
            member = self._member
            member.full_name = full_name
            member.family_name = member.middle_name = member.given_name = ""
            member.set_derived_fields()
            derived = tuple(getattr(member, name) for name in DERIVED_FIELDS)
            self._known[full_name] = derived
        return derived
