"""Import a parsed table: check every row against the database, then write in one go.

The command line, the upload pages and the background job all call ``run_import``.
Rows are validated first and errors collected by the row number Excel shows; nothing
is written if any row is invalid, unless the caller asked to skip invalid rows.
Members are matched by CCCD, employers by tax code, units by code, agreements by
employer and signing date, so importing the same file twice changes nothing.
"""

import gc
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from unions.models import UnionUnit

from .import_members import MemberImporter
from .import_references import (
    AgreementImporter,
    EmployerImporter,
    UnitImporter,
    ZoneImporter,
)
from .planning import Progress, Run
from .reading import UnusableFile
from .rows import Problem
from .tables import Table, read_table

IMPORTERS = {
    "members": MemberImporter,
    "units": UnitImporter,
    "enterprises": EmployerImporter,
    "agreements": AgreementImporter,
    "zones": ZoneImporter,
}


class Refused(UnusableFile):
    """The import cannot start: unknown unit, or one outside the user's scope."""


@dataclass
class Outcome:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    written: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stopped: bool = False  # invalid rows kept anything from being written
    backdated: int = 0  # new memberships starting before today (Plan.backdated)
    earliest_start: date | None = None
    lookups: dict = field(default_factory=dict)  # Plan.lookups

    def counts(self) -> dict:
        """The summary with the number of errors and warnings, not the problems
        themselves (there may be 100,000)."""
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invalid": self.invalid,
            "written": self.written,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }

    def as_dict(self) -> dict:
        return self.counts() | {
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
        }


def run_import(
    data: bytes,
    filename: str,
    kind: str,
    *,
    into: str | None = None,
    user=None,
    sheet: str | None = None,
    overrides: dict | None = None,
    strict_overrides: bool = False,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    checked: Progress | None = None,
    on_head: Callable[[Table, int], None] | None = None,
    start_today: bool = False,
    reason: str = "import",
) -> tuple[Table, Outcome]:
    """Parse, check and (unless told otherwise) write one file of ``kind``.

    ``progress(done, total)`` follows the writing, ``checked(done, total)`` the
    checking of rows against the register; ``on_head`` sees the table's first rows
    before the rest are parsed (``parse_file``). ``strict_overrides``: every
    override must name a column of the file (``read_table``'s ``strict``).
    ``start_today``: new members' memberships start today rather than on their
    joining date, which changes no past figure. ``reason``: the history rows'
    reason, by which an import job is undone (undoing.py).
    """
    with without_cycle_collection():
        return _run_import(
            data, filename, kind, into=into, user=user, sheet=sheet,
            overrides=overrides, strict=strict_overrides, dry_run=dry_run, skip_invalid=skip_invalid,
            progress=progress, checked=checked, on_head=on_head, start_today=start_today,
            reason=reason,
        )  # fmt: skip


@contextmanager
def without_cycle_collection():
    """Pause Python's cycle collector while a file is imported.

    A 100,000-row import allocates millions of small objects and keeps most of them
    until it ends; each full collection walks all of them again, and the collector
    runs more of those the bigger the heap grows (a third of the parsing time at
    100,000 rows). The import makes no reference cycles worth collecting early;
    whatever it leaves is collected once it is over.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _run_import(
    data: bytes, filename: str, kind: str, *, into, user, sheet, overrides, strict, dry_run,
    skip_invalid, progress, checked, on_head, start_today, reason,
) -> tuple[Table, Outcome]:  # fmt: skip
    table = read_table(
        data, filename, kind, sheet=sheet, overrides=overrides, strict=strict
    )
    if table.missing:
        raise UnusableFile(
            _("Required columns were not found: %(columns)s.")
            % {"columns": ", ".join(table.missing)}
        )
    importer = IMPORTERS[kind](user=user, into=resolve_into(into, user))
    run = Run(
        write=not dry_run, skip_invalid=skip_invalid, progress=progress,
        checked=checked, on_head=on_head, start_today=start_today, reason=reason,
    )  # fmt: skip
    try:
        with transaction.atomic() if run.write else nullcontext():
            plan = importer.run(table, run)
            if run.write and run.stops(table):
                raise _WrittenInVain  # rows written before an invalid one came up
    except _WrittenInVain:
        pass
    outcome = Outcome(
        kind=kind,
        rows=len(table.rows),
        created=len(plan.create),
        updated=len(plan.update),
        unchanged=plan.unchanged,
        invalid=len(table.invalid_rows),
        errors=table.errors,
        warnings=table.warnings,
        notes=table.notes,
        backdated=plan.backdated,
        earliest_start=plan.earliest_start,
        lookups=plan.lookups,
    )
    outcome.stopped = run.stops(table)
    if run.write and not outcome.stopped:
        outcome.written = outcome.created + outcome.updated
    return table, outcome


class _WrittenInVain(Exception):
    pass


def resolve_into(code: str | None, user) -> UnionUnit | None:
    if not code:
        return None
    units = UnionUnit.objects.for_user(user) if user else UnionUnit.objects.all()
    unit = units.with_code(code).first()
    if unit is None:
        # The same words whether the unit is unknown or outside the user's scope.
        raise Refused(
            _("There is no unit with code %(code)s in your scope.") % {"code": code}
        )
    return unit
