"""Members: one Member and one Membership per new person, updates for known ones.

The rules are the admission service's own (member_checks.py says how); only the
writing is done in bulk, because calling ``admit_member`` once per row would take
minutes for a 50,000-row file. New people go in as plain tuples (COPY on PostgreSQL);
people already on the register are compared as ``values_list`` tuples, and only the
few whose values changed are loaded as model instances and validated by the model.
"""

from contextlib import contextmanager
from datetime import date
from functools import partial
from operator import itemgetter

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members import rules
from members.models import Member, Membership, StartReason
from members.services import ELSEWHERE, check_joining
from registry import bulk
from unions.coverage.triggers import tally_later
from unions.models import UnionUnit
from unions.signoff import OpenPeriods

from . import member_rows, values
from .background_writer import BackgroundWriter
from .member_checks import (
    DERIVED_FIELDS,
    MEMBER_FIELDS,
    PARSED,
    DerivedNames,
    FieldChecks,
    check_membership_fields,
    check_new_member,
)
from .planning import Importer, Plan, Progress, Run, chunks, refuse
from .rows import ParsedRow, column_name
from .tables import Table

BATCH = 5000  # rows parsed, checked and written at a time
# What a current member's row is compared with, in this order.
_CURRENT = [*MEMBER_FIELDS, "joined_union_on"]
# What a row gives the membership rather than the person: only a filled cell changes it.
MEMBERSHIP_FIELDS = ("card_number", "notes")


class MemberImporter(Importer):
    def run(self, table: Table, run: Run) -> Plan:
        """Parse, check and write BATCH rows at a time: PostgreSQL takes in one batch
        (background_writer.py) while the next is parsed and checked. What needs a
        query is looked up for the whole file first, from the cells as read, since
        the writer has the connection meanwhile; if a row turns out invalid, the
        caller rolls back what was written (``Run.stops``)."""
        plan = Plan()
        self._run = run
        new_members = (
            NewMembers(len(table.data), user=self.user, reason=run.reason)
            if run.write
            else None
        )
        self._look_up(table)
        self._check_columns(table)
        invalid = bool(table.file_errors)
        with _writer(run) as writer:
            for batch in table.parse(BATCH, on_head=run.on_head):
                planned, waiting = len(plan.create), len(self._changed)
                self._check([row for row in batch if not row.errors], plan)
                invalid = invalid or any(row.errors for row in batch)
                _forget_cells(batch, self._changed[waiting:])
                if new_members and (run.skip_invalid or not invalid):
                    new_members.write(plan.create[planned:], writer)
                    _report(writer, run.progress, len(plan.create), len(table.data))
                _report(writer, run.checked, len(table.rows), len(table.data))
        if self._unborn:
            table.file_error(
                column_name("birth_date"),
                _(
                    "The file has no birth-date column: the %(count)s people who are "
                    "not on the register yet cannot be admitted without one (a member "
                    "is at least 15 on joining). Add the column, or say which column "
                    "holds it."
                )
                % {"count": self._unborn},
            )
        for row, unit, membership in self._load(self._changed):
            self._plan_update(plan, row, unit, membership)
        self._say_backdated(table, plan)
        if run.write and not run.stops(table):
            self._write_updates(plan.update)
        plan.lookups = self.lookups
        return plan

    def _say_backdated(self, table: Table, plan: Plan) -> None:
        """New memberships dated before today change the figures of past dates (and
        count as admissions then): said once for the file, with the choice."""
        starts = [started_on for _v, _unit, started_on, _names in plan.create]
        past = [day for day in starts if day < self.today]
        plan.backdated = len(past)
        plan.earliest_start = min(past, default=None)
        if self._run.start_today and plan.create:
            table.notes.append(
                _(
                    "The %(count)s new members are admitted as of today, %(today)s; "
                    "the joining date of the file is kept as the day each joined "
                    "the union."
                )
                % {"count": len(plan.create), "today": f"{self.today:%d/%m/%Y}"}
            )
        elif past:
            # A note, not a warning on the file: most registers are of people who
            # joined long ago, and nothing is wrong with the file.
            table.notes.append(
                _(
                    "%(count)s new members joined before today, the earliest on "
                    "%(day)s: their memberships will start on those dates, so the "
                    "figures of those past dates change and count them as admitted "
                    "then. To leave the past figures as they are, choose to admit "
                    "them as of today (the joining date of the file is kept)."
                )
                % {"count": len(past), "day": f"{plan.earliest_start:%d/%m/%Y}"}
            )

    def _check(self, rows: list[ParsedRow], plan: Plan) -> None:
        """Check rows against the register; known people whose row differs wait in
        ``_changed`` to be checked by the model once the writing is over."""
        fields = FieldChecks([row.values for row in rows])
        for row in rows:
            unit = self._units.get(row.values["unit_code"] or "")
            if unit is None:
                if not self._no_unit_column:  # else said once for the file
                    self._refuse_unit(row)
                continue
            v = row.values
            if v["cccd"] in self._current:
                known = self._current[v["cccd"]]
                if known.unit_id != unit.pk or not _is_unchanged(v, known):
                    self._changed.append((row, unit, known.membership_id))
                else:
                    plan.unchanged += 1
            elif not v["cccd"] and (key := _person_key(unit.pk, v)) in self._unkeyed:
                self._plan_update(plan, row, unit, self._unkeyed[key])
            elif v["cccd"] in self._former:
                self._refuse_former(row, v["cccd"])
            elif not self._has_birth_column:
                self._unborn += 1  # said once for the file, at the end
            else:
                self._plan_create(plan, row, unit, fields)

    def _look_up(self, table: Table) -> None:
        """The units, and the people already on the register, for the whole file."""
        self.today = timezone.localdate()
        self.derived = DerivedNames()
        self._changed: list[tuple] = []
        cccds = member_rows.cccds(table.cells("cccd"), table.cccd_memo)
        codes = set(member_rows.converted(values.code, table.cells("unit_code")))
        self._units = self._units_for(codes)
        self._signed = OpenPeriods(self._units.values())
        self._current = self._current_memberships(set(cccds) - {""})
        self._former = self._former_members(set(cccds) - {""} - set(self._current))
        self._unkeyed = self._memberships_without_cccd() if "" in cccds else {}
        self._units_held = self._held_units({c.unit_id for c in self._current.values()})
        self._former_held = self._held_former(set(self._former))
        outside = sum(c.unit_id not in self._units_held for c in self._current.values())
        self.lookups = {
            "cccds": len(set(cccds) - {""}),
            "on_register": len(self._current) + len(self._former),
            "outside_scope": outside + len(set(self._former) - self._former_held),
        }

    def _check_columns(self, table: Table) -> None:
        """What the whole file lacks is said once, not on every row."""
        keys = table.header.mapped_keys
        self._has_birth_column = bool(
            keys & {"birth_date", "birth_male", "birth_female"}
        )
        self._unborn = 0
        into_grassroots = self.into is not None and self.into.is_grassroots
        self._no_unit_column = "unit_code" not in keys and not into_grassroots
        if self._no_unit_column and self.into is not None:
            table.file_error(
                column_name("unit_code"),
                _(
                    "The file goes into %(into)s, which is not a CĐCS, and has no "
                    "“Mã CĐCS” column saying each member's CĐCS. Add that column, or "
                    "choose the CĐCS itself as the unit to import into."
                )
                % {"into": self.into.code},
            )
        elif self._no_unit_column:
            table.file_error(
                column_name("unit_code"),
                _(
                    "The file has no “Mã CĐCS” column saying each member's CĐCS. Add "
                    "that column, or choose the CĐCS to import into."
                ),
            )

    # --- Looking things up, a few queries for the whole file ---------------------------

    def _units_for(self, codes: set[str]) -> dict[str, UnionUnit]:
        """Grassroots units by code; "" stands for the --into unit itself."""
        in_scope = self.units_in_scope().grassroots()
        units = {}
        if self.into is not None and self.into.is_grassroots:
            units[""] = self.into
            units[self.into.code] = self.into
            return units
        for part in chunks(sorted(codes - {""})):
            units.update(in_scope.by_codes(part))
        return units

    def _refuse_unit(self, row: ParsedRow) -> None:
        code = row.values["unit_code"]
        if not code:
            row.error(
                "unit_code", _("Say which CĐCS this member belongs to (Mã CĐCS).")
            )
        elif self.into is not None and self.into.is_grassroots:
            row.error(
                "unit_code",
                _("This row names CĐCS %(code)s, but the file goes into %(into)s.")
                % {"code": code, "into": self.into.code},
            )
        elif self.into is not None:
            row.error(
                "unit_code",
                _("There is no CĐCS %(code)s under %(into)s.")
                % {"code": code, "into": self.into.code},
            )
        else:
            row.error(
                "unit_code",
                _("There is no CĐCS %(code)s in your scope.") % {"code": code},
            )

    def _current_memberships(self, cccds: set[str]) -> dict[str, "_Current"]:
        """Open memberships of the file's CCCDs, as plain tuples."""
        fields = ["member__cccd", "pk", "unit_id", *MEMBERSHIP_FIELDS]
        fields += [f"member__{name}" for name in _CURRENT]
        open_memberships = Membership.objects.filter(
            left_on__isnull=True, member__cccd__in=bulk.many(cccds)
        ).values_list(*fields)
        return {values[0]: _Current(values) for values in open_memberships}

    def _former_members(self, cccds: set[str]) -> dict[str, str]:
        """Names of people on the register, by CCCD, with no open membership."""
        people = Member.objects.filter(cccd__in=bulk.many(cccds))
        return dict(people.values_list("cccd", "full_name"))

    def _held_units(self, unit_ids: set[int]) -> set[int]:
        """Which of these units are in the user's scope (all of them without a user)."""
        if self.user is None:
            return unit_ids
        units = UnionUnit.objects.for_user(self.user)
        return {
            pk
            for part in chunks(sorted(unit_ids))
            for pk in units.filter(pk__in=part).values_list("pk", flat=True)
        }

    def _held_former(self, cccds: set[str]) -> set[str]:
        """The former members of the file whose record the user holds."""
        if self.user is None:
            return cccds
        people = Member.objects.for_user(self.user)
        return set(
            people.filter(cccd__in=bulk.many(cccds)).values_list("cccd", flat=True)
        )

    def _memberships_without_cccd(self) -> dict[tuple, Membership]:
        """People without a CCCD are matched by unit, name and birth."""
        unit_ids = sorted({unit.pk for unit in self._units.values()})
        found = {}
        for part in chunks(unit_ids):
            open_memberships = Membership.objects.filter(
                Q(member__cccd__isnull=True) | Q(member__cccd=""),
                left_on__isnull=True,
                unit_id__in=part,
            ).select_related("member", "unit")
            for membership in open_memberships:
                member = membership.member
                key = _person_key(
                    membership.unit_id,
                    {
                        "full_name": member.full_name,
                        "birth_date": member.birth_date,
                        "birth_year": member.birth_year,
                    },
                )
                found[key] = membership
        return found

    def _load(self, changed: list[tuple]):
        """(row, unit, Membership instance) for the known people whose row differs."""
        for part in chunks(changed, 2000):
            memberships = Membership.objects.select_related("member", "unit").in_bulk(
                [membership_id for _row, _unit, membership_id in part]
            )
            for row, unit, membership_id in part:
                yield row, unit, memberships[membership_id]

    # --- Checking one row ----------------------------------------------------------------

    def _plan_create(self, plan: Plan, row: ParsedRow, unit, fields) -> None:
        v = row.values
        try:
            fields.check(v)
            started_on = check_new_member(v, unit=unit, today=self.today)
            if self._run.start_today:
                started_on = self._admitted_today(v, unit)
        except ValidationError as error:
            refuse(row, "full_name", error)
            return
        if signed := self._signed.refusal(unit, started_on):
            refuse(row, "joined_on", signed)
            return
        plan.create.append((v, unit.pk, started_on, self.derived(v["full_name"])))

    def _admitted_today(self, v: dict, unit) -> date:
        """The start of a membership admitted today: the union takes members today."""
        return check_joining(
            birth_date=v["birth_date"], birth_year=v["birth_year"], unit=unit,
            joined_on=self.today, today=self.today,
        )  # fmt: skip

    def _refuse_former(self, row: ParsedRow, cccd: str) -> None:
        if cccd not in self._former_held:
            row.error("cccd", str(ELSEWHERE))  # nobody named outside the scope
            return
        row.error(
            "cccd",
            _(
                "%(name)s is on the register as a former member; readmit them "
                "from their record instead of importing."
            )
            % {"name": self._former[cccd]},
        )

    def _plan_update(self, plan: Plan, row: ParsedRow, unit, membership) -> None:
        if membership.unit_id != unit.pk and membership.unit_id not in self._units_held:
            row.error("cccd", str(ELSEWHERE))  # nobody named outside the scope
            return
        if membership.unit_id != unit.pk:
            row.error(
                "cccd",
                _(
                    "%(name)s is already an active member of %(unit)s. Use the transfer "
                    "workflow to move them; the import does not move people."
                )
                % {"name": membership.member, "unit": membership.unit},
            )
            return
        member = membership.member
        v = row.values
        changes = _changes(v, [getattr(member, name) for name in _CURRENT])
        held = [getattr(membership, name) for name in MEMBERSHIP_FIELDS]
        membership_changes = _membership_changes(v, held)
        if not changes and not membership_changes:
            plan.unchanged += 1
            return
        if "full_name" in changes:
            row.warn(
                "full_name",
                _("The register has this person as %(old)s; the name becomes %(new)s.")
                % {"old": member.full_name, "new": changes["full_name"]},
            )
        for name, value in changes.items():
            setattr(member, name, value)
        # A corrected name is split into its parts afresh, as the edit page does.
        member.set_derived_fields()
        exclude = [f.name for f in Member._meta.fields if f.name in PARSED]
        try:
            member.clean_fields(exclude=exclude)
            member.clean()
            check_membership_fields(v)
        except ValidationError as error:
            refuse(row, "full_name", error)
            return
        for name, value in membership_changes.items():
            setattr(membership, name, value)
        plan.update.append(
            (member, membership, bool(changes), bool(membership_changes))
        )

    # --- Writing ---------------------------------------------------------------------------

    def _write_updates(self, updates: list) -> None:
        members = [member for member, _, changed, _ in updates if changed]
        memberships = [membership for _, membership, _, held in updates if held]
        Member.objects.bulk_update(
            members, [*_CURRENT, *DERIVED_FIELDS[1:]], batch_size=bulk.BATCH_SIZE
        )
        Membership.objects.bulk_update(
            memberships, MEMBERSHIP_FIELDS, batch_size=bulk.BATCH_SIZE
        )
        for model, objects in ((Member, members), (Membership, memberships)):
            if objects:
                history = bulk.History(
                    model, **_history(self.user, "~", self._run.reason)
                )
                history.insert([obj.pk for obj in objects])


class NewMembers:
    """Writes planned new members: one Member and one Membership each, as tuples with
    primary keys reserved for up to ``count`` people, and their history rows."""

    def __init__(self, count: int, *, user, reason: str):
        history = _history(user, "+", reason)
        self.members = bulk.Rows(Member)
        self.memberships = bulk.Rows(Membership)
        self.member_history = bulk.History(Member, **history)
        self.membership_history = bulk.History(Membership, **history)
        self._sort_key = self.members.columns.index(
            Member._meta.get_field("sort_key").column
        )
        self._names: dict[tuple, dict] = {}
        # Taken while the file is checked, and before the writer takes the connection.
        self._reserved = bulk.reserve_ids_aside(count, Member, Membership)
        self.member_ids = self.membership_ids = None

    def write(self, entries: list[tuple], writer: BackgroundWriter) -> None:
        if not entries:
            return
        if self.member_ids is None:
            self.member_ids, self.membership_ids = map(iter, self._reserved())
        people, joinings = [], []
        member_ids, membership_ids = [], []
        for v, unit_id, started_on, derived in entries:
            member_id, membership_id = next(self.member_ids), next(self.membership_ids)
            member_ids.append(member_id)
            membership_ids.append(membership_id)
            people.append(
                self.members.row(
                    v | self._named(derived) | {
                        "id": member_id,
                        "joined_union_on": v["joined_on"],
                        "current_unit_id": unit_id,
                        "current_since": started_on,
                    }
                )
            )  # fmt: skip
            joinings.append(
                self.memberships.row(
                    {
                        "id": membership_id,
                        "member_id": member_id,
                        "unit_id": unit_id,
                        "started_on": started_on,
                        "start_reason": StartReason.ADMITTED,
                        "card_number": v["card_number"],
                        "notes": v["notes"],
                    }
                )
            )
        # In name order, the rows land next to each other in the name-order indexes
        # instead of on a page of their own each.
        people.sort(key=itemgetter(self._sort_key))
        # Members before their memberships: the writer checks each row's references
        # as it writes it (background_writer.py). Each member row already holds its
        # one open membership's unit and start, so the trigger keeping
        # Member.current_unit (members/triggers.py) finds nothing to change.
        writer.write(self.members, people)
        writer.write(self.memberships, joinings)
        writer.history(self.member_history, member_ids)
        writer.history(self.membership_history, membership_ids)

    def _named(self, derived: tuple) -> dict:
        """DERIVED_FIELDS by name, one dict per distinct name."""
        named = self._names.get(derived)
        if named is None:
            named = self._names[derived] = dict(
                zip(DERIVED_FIELDS, derived, strict=True)
            )
        return named


class _Current:
    """An open membership found for a CCCD of the file, from one values_list row."""

    __slots__ = ("membership_id", "unit_id", "held", "values")

    def __init__(self, row: tuple):
        _cccd, self.membership_id, self.unit_id, *rest = row
        self.held = rest[: len(MEMBERSHIP_FIELDS)]
        self.values = rest[len(MEMBERSHIP_FIELDS) :]


def _changes(v: dict, current: list) -> dict:
    """The fields a row would change on the register: only the cells that are filled."""
    changes = {
        name: v[name]
        for name, value in zip(MEMBER_FIELDS, current, strict=False)
        if v[name] not in ("", None, False) and value != v[name]
    }
    if v["joined_on"] and v["joined_on"] != current[-1]:
        changes["joined_union_on"] = v["joined_on"]
    return changes


def _membership_changes(v: dict, held: list) -> dict:
    """The membership's fields a row would change: only the cells that are filled."""
    return {
        name: v[name]
        for name, value in zip(MEMBERSHIP_FIELDS, held, strict=True)
        if v[name] and v[name] != value
    }


def _is_unchanged(v: dict, known: _Current) -> bool:
    return not _membership_changes(v, known.held) and not _changes(v, known.values)


def _history(user, history_type: str, reason: str) -> dict:
    """The history's own columns for rows the import writes (bulk.History)."""
    return {
        "history_date": timezone.now(),
        "history_type": history_type,
        "history_user_id": getattr(user, "pk", None),
        "history_change_reason": reason,
    }


@contextmanager
def _writer(run: Run):
    """The background writer, when the run writes; new memberships are tallied for
    the coverage figures in one statement once the last batch is in (tally_later)."""
    if not run.write:
        yield None
        return
    with tally_later(), BackgroundWriter() as writer:
        yield writer


def _forget_cells(batch: list[ParsedRow], waiting: list[tuple]) -> None:
    """Let go of the cells as read of the rows that are valid for good: only invalid
    rows go into the error report, and at 100,000 rows the cells are a third of the
    import's memory. Rows still waiting for the model's check keep theirs."""
    kept = {id(row) for row, _unit, _membership in waiting}
    for row in batch:
        if not row.errors and id(row) not in kept:
            row.raw = []


def _report(writer, progress: Progress | None, done: int, total: int) -> None:
    """Report progress once what came before is written (on the writer's thread)."""
    if progress is None:
        return
    if writer is None:
        progress(done, total)
    else:
        writer.then(partial(progress, done, total))


def _person_key(unit_id: int, values: dict) -> tuple:
    key = rules.person_key(
        values["full_name"], values.get("birth_date"), values.get("birth_year")
    )
    return unit_id, *key
