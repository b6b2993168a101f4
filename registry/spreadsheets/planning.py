"""What every importer shares: the Importer base class, the Plan it makes, the Run the
caller asked for, and how a model's refusal lands on a row's column.

import_members and import_references build on this; importing.py picks one of them
and runs it, so neither imports the other.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from unions.models import UnionUnit

from .rows import ParsedRow
from .tables import Table

Progress = Callable[[int, int], None]


@dataclass
class Plan:
    """What writing would do: one entry per valid row."""

    create: list = field(default_factory=list)
    update: list = field(default_factory=list)
    unchanged: int = 0
    # New memberships that would start before today, and the earliest start: they
    # change the figures of past dates.
    backdated: int = 0
    earliest_start: date | None = None
    # CCCDs of the file looked up on the register: how many, found, found outside the
    # user's scope (the access log's record of an import's lookups).
    lookups: dict = field(default_factory=dict)


@dataclass
class Run:
    """What the caller asked of one import."""

    write: bool
    skip_invalid: bool
    progress: Progress | None = None  # rows written
    checked: Progress | None = None  # rows checked against the register
    on_head: Callable[[Table, int], None] | None = None
    # New members' memberships start today, their joining date kept as the file says.
    start_today: bool = False
    # The reason on the history rows written: an import job's own (undo finds them).
    reason: str = "import"

    def stops(self, table: Table) -> bool:
        """A problem of the whole file keeps anything from being written, and so do
        invalid rows unless the caller said to skip them."""
        if table.file_errors:
            return True
        return not self.skip_invalid and any(row.errors for row in table.rows)


def _counting_all(
    checked: Progress | None, table: Table, valid: list
) -> Progress | None:
    """Progress over all the table's rows; the rows refused while parsing count as done."""
    if checked is None:
        return None
    refused = len(table.rows) - len(valid)
    return lambda done, _total: checked(refused + done, len(table.rows))


class Importer:
    """Checks rows against the database (``plan``) and writes them (``write``)."""

    def __init__(self, *, user=None, into: UnionUnit | None = None):
        self.user = user
        self.into = into

    def units_in_scope(self):
        units = UnionUnit.objects.all()
        if self.user is not None:
            units = units.for_user(self.user)
        if self.into is not None:
            units = units.within(self.into)
        return units

    def run(self, table: Table, run: Run) -> Plan:
        """Parse every row, check the valid ones, and write them unless ``run`` says
        not to (a dry run, or invalid rows)."""
        for _batch in table.parse(on_head=run.on_head):
            pass
        valid = table.valid_rows
        plan = self.plan(valid, progress=_counting_all(run.checked, table, valid))
        if run.write and not run.stops(table):
            self.write(plan, progress=run.progress)
        return plan

    def plan(self, rows: list[ParsedRow], *, progress: Progress | None = None) -> Plan:
        """Check ``rows`` against the database; errors go on the rows."""
        raise NotImplementedError

    def write(self, plan: Plan, *, progress: Progress | None = None) -> None:
        raise NotImplementedError


# Model field names that are not row keys, for putting an error in the right column.
_ROW_KEYS = {
    "joined_union_on": "joined_on",
    "birth_year": "birth_date",
    "family_name": "full_name",
    "middle_name": "full_name",
    "given_name": "full_name",
    "managing_unit": "managing_code",
    "grassroots_union": "grassroots_code",
    "parent": "parent_code",
}


# The column a refusal that names no field is about, by its code.
_CODE_KEYS = {
    "under_age": "birth_date",  # at least 15 on joining: the birth date says it
    "date_in_future": "joined_on",
    "joined_before_birth": "joined_on",
    "not_grassroots": "unit_code",
    "unit_dissolved": "unit_code",
    "card_too_long": "card_number",
    "notes_too_long": "notes",
}


def refuse(row: ParsedRow, key: str, error: ValidationError) -> None:
    """Note every message of a model or service refusal on the row, by column; a
    message that names no field goes on the column its code is about, else on
    ``key``."""
    if not hasattr(error, "error_dict"):
        _refuse_in(row, key, error)
        return
    for name, errors in error.error_dict.items():
        if name == NON_FIELD_ERRORS:
            _refuse_in(row, key, ValidationError(errors))
        else:
            for message in ValidationError(errors).messages:
                row.error(_ROW_KEYS.get(name, name), message)


def _refuse_in(row: ParsedRow, key: str, error: ValidationError) -> None:
    for one in error.error_list:
        row.error(_CODE_KEYS.get(one.code, key), one.messages[0])


def chunks(items: list, size: int = 900):
    for start in range(0, len(items), size):
        yield items[start : start + size]
