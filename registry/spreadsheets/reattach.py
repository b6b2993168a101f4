"""A mapping file (CĐCS code → new parent code) re-attaches many CĐCS at once.

The file is read by the import engine (``read_table``: header matching, legacy text,
rows that are not data, errors by the row number Excel shows); every code is looked up
in the user's scope, the former codes of recoded units included. Only a file without
errors goes to ``unions.reorganisation.reattach_grassroots``, one transaction for all
rows; its refusal is the file's error. ``dry_run`` is the preview.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from unions import reorganisation
from unions.models import UnionUnit

from .reading import UnusableFile
from .tables import Table, read_table


@dataclass
class Mapping:
    table: Table
    pairs: list[tuple[UnionUnit, UnionUnit]] = field(default_factory=list)
    summary: dict | None = None  # what the operation does (or did)
    record: object = None  # the Reorganisation, once applied


def reattach_from_file(
    data: bytes,
    filename: str,
    *,
    moved_on: date,
    decision: str,
    user=None,
    dry_run: bool = False,
) -> Mapping:
    """Check every row of a mapping file, then re-attach (or preview) all its CĐCS."""
    table = read_table(data, filename, "reattach")
    if table.missing:
        raise UnusableFile(
            _("Required columns were not found: %(columns)s.")
            % {"columns": ", ".join(table.missing)}
        )
    for _batch in table.parse():
        pass
    mapping = Mapping(table, _pairs(table, user))
    if table.errors:
        return mapping
    arguments = {
        "mapping": mapping.pairs,
        "moved_on": moved_on,
        "decision": decision,
        "user": user,
    }
    try:
        if dry_run:
            mapping.summary = reorganisation.dry_run(
                reorganisation.reattach_grassroots, **arguments
            )
        else:
            mapping.record = reorganisation.reattach_grassroots(**arguments)
            mapping.summary = mapping.record.summary
    except ValidationError as error:
        for message in error.messages:
            table.file_error("", message)
    return mapping


def _pairs(table: Table, user) -> list[tuple[UnionUnit, UnionUnit]]:
    scope = UnionUnit.objects.for_user(user) if user else UnionUnit.objects.all()
    codes = {
        row.values[key] for row in table.valid_rows for key in ("code", "parent_code")
    }
    units = scope.by_codes(codes)
    pairs = []
    for row in table.valid_rows:
        unit, parent = (
            units.get(row.values["code"]),
            units.get(row.values["parent_code"]),
        )
        for key, found in (("code", unit), ("parent_code", parent)):
            if found is None:
                row.error(
                    key,
                    _("There is no unit %(code)s in your scope.")
                    % {"code": row.values[key]},
                )
        if unit is not None and not unit.is_grassroots:
            row.error("code", _("%(unit)s is not a CĐCS.") % {"unit": unit})
        if not row.errors:
            pairs.append((unit, parent))
    return pairs
