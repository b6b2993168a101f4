"""A mapping file (CĐCS code → new parent code) re-attaches many CĐCS at once.

The file is read by the import engine (``read_table``: the size checks and the capped
reading child, header matching, legacy text, rows that are not data, errors by the row
number Excel shows). Each row is then checked on its own: both codes known and in the
user's scope (a former code finds its unit, with a note), the unit a CĐCS named once,
and the move allowed by the tree's rules on the date (``unions.services.check_move``);
a CĐCS already under its new parent is left out with a note. Only a file without
errors goes to ``unions.reorganisation.reattach_grassroots``, one transaction for all
rows; its refusal is the file's error. ``dry_run`` is the preview.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext as _

from members.models import Membership
from unions import reorganisation, services
from unions.models import Employer, FormerCode, UnionUnit

from .reading import UnusableFile
from .rows import ParsedRow
from .tables import Table, read_table

KIND = "reattach"  # the import kind of a mapping file (headers.py, ImportJob.kind)
# A province has a few thousand CĐCS; a longer file is not a mapping of one.
MAX_ROWS = 20_000


@dataclass
class Mapping:
    table: Table
    pairs: list[tuple[UnionUnit, UnionUnit]] = field(default_factory=list)
    # Each row as the preview shows it (number, codes, parents, members, employers).
    rows: list[dict] = field(default_factory=list)
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
    table = read_table(data, filename, KIND)
    if table.missing:
        raise UnusableFile(
            _("Required columns were not found: %(columns)s.")
            % {"columns": ", ".join(table.missing)}
        )
    if len(table.data) > MAX_ROWS:
        raise UnusableFile(
            _(
                "The file has %(rows)s rows; a mapping file re-attaches at most "
                "%(limit)s CĐCS at once. Split it by decision."
            )
            % {"rows": len(table.data), "limit": MAX_ROWS}
        )
    for _batch in table.parse():
        pass
    shown: list[tuple[ParsedRow, dict]] = []
    mapping = Mapping(table, _pairs(table, user, moved_on, shown))
    mapping.rows = _described(shown, moved_on)
    if table.errors:
        return mapping
    if not mapping.pairs:
        table.file_error(
            "",
            _(
                "Every CĐCS of the file is already under its new parent: there is "
                "nothing to change."
            ),
        )
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


def _pairs(
    table: Table, user, day: date, shown: list[tuple[ParsedRow, dict]]
) -> list[tuple[UnionUnit, UnionUnit]]:
    """The (CĐCS, new parent) of each row that passes its checks; ``shown`` gets
    every parsed row with what the preview lists of it."""
    codes = {
        row.values[key]
        for row in table.rows
        for key in ("code", "parent_code")
        if row.values.get(key)
    }
    known = UnionUnit.objects.by_codes(codes)
    scope = UnionUnit.objects.for_user(user) if user else UnionUnit.objects.all()
    allowed = set(
        scope.filter(pk__in=[unit.pk for unit in known.values()]).values_list(
            "pk", flat=True
        )
    )
    former = dict(
        FormerCode.objects.filter(code__in=codes).values_list("code", "used_until")
    )
    parents = UnionUnit.objects.in_bulk(
        {unit.path[: -UnionUnit.steplen] for unit in known.values()},
        field_name="path",
    )
    seen: dict[int, int] = {}  # CĐCS id → the row that names it first
    pairs = []
    for row in table.rows:
        checked = not row.errors
        unit = _found(row, "code", known, allowed, former) if checked else None
        parent = _found(row, "parent_code", known, allowed, former) if checked else None
        old_parent = parents.get(unit.path[: -UnionUnit.steplen]) if unit else None
        entry = _shown(row, unit, old_parent, parent)
        shown.append((row, entry))
        if unit is None or parent is None:
            continue
        if not unit.is_grassroots:
            row.error("code", _("%(unit)s is not a CĐCS.") % {"unit": unit})
            continue
        if unit.pk in seen:
            row.error(
                "code",
                _("%(unit)s is already re-attached on row %(row)s of this file.")
                % {"unit": unit, "row": seen[unit.pk]},
            )
            continue
        seen[unit.pk] = row.number
        if old_parent is not None and old_parent.pk == parent.pk:
            row.warn(
                "parent_code",
                _("%(unit)s is already under %(parent)s: the row changes nothing.")
                % {"unit": unit.code, "parent": parent.code},
            )
            entry["unchanged"] = True
            continue
        try:
            services.check_move(unit=unit, new_parent=parent, moved_on=day)
        except ValidationError as error:
            for message in error.messages:
                row.error("parent_code", message)
            continue
        pairs.append((unit, parent))
    return pairs


def _found(row: ParsedRow, key: str, known: dict, allowed: set, former: dict):
    """The unit the row's ``key`` names, or None with the row's error."""
    code = row.values[key]
    unit = known.get(code)
    if unit is None:
        row.error(key, _("No union unit has the code %(code)s.") % {"code": code})
        return None
    if unit.pk not in allowed:
        row.error(
            key,
            _("The unit %(code)s is outside your scope.") % {"code": code},
        )
        return None
    if unit.code != code:
        row.warn(
            key,
            _(
                "%(code)s is the former code of %(unit)s (used until %(day)s): the "
                "row applies to %(new)s."
            )
            % {
                "code": code,
                "unit": unit,
                "day": f"{former[code]:%d/%m/%Y}",
                "new": unit.code,
            },
        )
    return unit


def _shown(row: ParsedRow, unit, old_parent, parent) -> dict:
    return {
        "number": row.number,
        "code": row.values.get("code") or "",
        "unit": unit.code if unit else "",
        "unit_id": unit.pk if unit else None,
        "name": unit.name if unit else "",
        "from": old_parent.code if old_parent else "",
        "to": parent.code if parent else row.values.get("parent_code") or "",
        "unchanged": False,
    }


def _described(shown: list[tuple[ParsedRow, dict]], day: date) -> list[dict]:
    """Each row with its CĐCS's members on ``day``, its employers and its messages."""
    ids = [entry["unit_id"] for _row, entry in shown if entry["unit_id"]]
    members = dict(
        Membership.objects.active_on(day)
        .filter(unit__in=ids)
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("unit", "n")
    )
    employers = dict(
        Employer.objects.filter(grassroots_union__in=ids)
        .values("grassroots_union")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("grassroots_union", "n")
    )
    return [
        {
            **entry,
            "members": members.get(entry["unit_id"], 0),
            "employers": employers.get(entry["unit_id"], 0),
            "errors": [f"{p.column}: {p.message}" for p in row.errors],
            "warnings": [f"{p.column}: {p.message}" for p in row.warnings],
        }
        for row, entry in shown
    ]
