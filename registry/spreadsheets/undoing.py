"""Undo a member import job: the people it created leave the register with their
memberships, and the fields it updated get their old values back from the history.

An import job writes its history rows with a reason of its own (``job_reason``), so
its rows are found again without storing their ids. It can be undone while nothing
later depends on it: no member it created or changed was changed since (a transfer, a
departure, an edit, a later import), except by imports that were undone themselves.
Otherwise the refusal says what depends on it. Everything is undone in one
transaction; the coverage tallies follow through their triggers on the memberships.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import LeaveReason, Member, Membership, StartReason, TransferRequest
from registry import bulk
from registry.models import AccessLog, ImportJob
from unions.signoff import OpenPeriods

from .import_members import MEMBERSHIP_FIELDS
from .member_checks import MEMBER_FIELDS
from .planning import chunks

NAMES_SHOWN = 10  # names listed in a refusal; the count says how many there are
# What an import writes on a person it already knew (import_members._write_updates).
MEMBER_REVERTED = [
    *MEMBER_FIELDS, "joined_union_on", "family_name", "middle_name", "given_name",
]  # fmt: skip


def job_reason(job_id: int) -> str:
    """The history reason of the rows an import job writes."""
    return f"import #{job_id}"


def undo_reason(job_id: int) -> str:
    return f"undo import #{job_id}"


@dataclass
class _Written:
    """One model's rows an import wrote: object id → the history row of the import."""

    created: dict[int, int] = field(default_factory=dict)
    updated: dict[int, int] = field(default_factory=dict)

    @property
    def touched(self) -> dict[int, int]:
        return self.created | self.updated


@dataclass
class UndoPlan:
    """What undoing a job would do, or why it cannot."""

    job: ImportJob
    members: _Written
    memberships: _Written
    refusals: list[str] = field(default_factory=list)
    # member id → (Vietnamese sort key, name), for lists in the register's order
    names: dict[int, tuple[str, str]] = field(default_factory=dict)

    @property
    def possible(self) -> bool:
        return not self.refusals

    def counts(self) -> dict:
        return {
            "removed": len(self.members.created),
            "restored": len(self.members.updated),
            "memberships_removed": len(self.memberships.created),
            "memberships_restored": len(self.memberships.updated),
        }

    def in_name_order(self, member_ids) -> list[str]:
        return [name for _key, name in sorted(self.names[pk] for pk in member_ids)]

    def created_names(self) -> list[str]:
        return self.in_name_order(self.members.created)[:NAMES_SHOWN]

    def restored_names(self) -> list[str]:
        return self.in_name_order(self.members.updated)[:NAMES_SHOWN]


def can_be_undone(job: ImportJob) -> bool:
    """Whether the job is of the kind undo handles: a finished member import that
    wrote something."""
    return (
        job.kind == "members"
        and job.status == ImportJob.Status.DONE
        and bool(job.outcome.get("written"))
    )


def plan_undo(job: ImportJob) -> UndoPlan:
    """What undoing ``job`` would do, and every reason it cannot be undone."""
    plan = UndoPlan(job, _written(Member, job), _written(Membership, job), names={})
    if not can_be_undone(job):
        plan.refusals.append(_("Only a finished import of members can be undone."))
        return plan
    touched = set(plan.members.touched)
    for part in chunks(sorted(touched | _members_of(plan.memberships.touched))):
        people = Member.objects.filter(pk__in=part)
        plan.names.update(
            (pk, (key, name))
            for pk, key, name in people.values_list("pk", "sort_key", "full_name")
        )
    plan.refusals += _refusals(plan)
    return plan


@transaction.atomic
def undo_import(*, job: ImportJob, user) -> UndoPlan:
    """Undo ``job`` (see the module's docstring); the refusals are in the plan
    returned when it cannot be undone, and nothing is written then."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    plan = plan_undo(job)
    if not plan.possible:
        return plan
    history = {
        "history_date": timezone.now(),
        "history_user_id": user.pk,
        "history_change_reason": undo_reason(job.pk),
    }
    _restore(Member, plan.members.updated, MEMBER_REVERTED, history)
    _restore(Membership, plan.memberships.updated, list(MEMBERSHIP_FIELDS), history)
    for model, ids in (
        (Membership, list(plan.memberships.created)),
        (Member, list(plan.members.created)),
    ):
        if ids:
            bulk.History(model, **history, history_type="-").insert(ids)
            bulk.delete_rows(model, ids)
    job.status = ImportJob.Status.UNDONE
    job.undone_at = history["history_date"]
    job.undone_by = user
    job.save(update_fields=["status", "undone_at", "undone_by"])
    AccessLog.objects.create(
        user=user, action=AccessLog.Action.UNDO_IMPORT,
        target=f"{job.kind}: {job.filename}"[:255], object_id=str(job.pk),
        details=plan.counts(),
    )  # fmt: skip
    return plan


# --- Finding what the job wrote and what came after ------------------------------------


def _written(model, job: ImportJob) -> _Written:
    """The objects whose history the job wrote, created ("+") or changed ("~")."""
    rows = model.history.filter(
        history_user=job.user,
        history_date__gte=job.created_at,
        history_change_reason=job_reason(job.pk),
    )
    if job.finished_at:
        rows = rows.filter(history_date__lte=job.finished_at)
    written = _Written()
    for pk, history_id, kind in rows.values_list("id", "history_id", "history_type"):
        (written.created if kind == "+" else written.updated)[pk] = history_id
    return written


def _members_of(membership_ids) -> set[int]:
    found = set()
    for part in chunks(sorted(membership_ids)):
        found.update(
            Membership.objects.filter(pk__in=part).values_list("member_id", flat=True)
        )
    return found


def _undone_reasons() -> set[str]:
    """History written by undone imports and by their undoing: nothing depends on it."""
    undone = ImportJob.objects.filter(status=ImportJob.Status.UNDONE)
    return {
        reason
        for pk in undone.values_list("pk", flat=True)
        for reason in (job_reason(pk), undo_reason(pk))
    }


@dataclass
class _Later:
    """A change made after the import to something it wrote."""

    member_id: int
    reason: str


def _later_changes(model, written: dict[int, int], member_of) -> list[_Later]:
    """History rows written after the job's own, object by object, except those of
    undone imports."""
    ignored = _undone_reasons()
    later = []
    for part in chunks(sorted(written)):
        rows = model.history.filter(
            id__in=part, history_id__gt=min(written[pk] for pk in part)
        ).values_list("id", "history_id", "history_change_reason")
        for pk, history_id, reason in rows:
            if history_id > written[pk] and (reason or "") not in ignored:
                later.append(_Later(member_of(pk), reason or ""))
    return later


def _refusals(plan: UndoPlan) -> list[str]:
    created = set(plan.members.created)
    membership_members = {}
    for part in chunks(sorted(plan.memberships.touched)):
        membership_members.update(
            Membership.objects.filter(pk__in=part).values_list("pk", "member_id")
        )
    later = _later_changes(Member, plan.members.touched, lambda pk: pk)
    later += _later_changes(
        Membership, plan.memberships.touched, membership_members.__getitem__
    )
    transferred, left = _moves_since(plan, created)
    refusals = []
    if transferred:
        refusals.append(
            ngettext(
                "%(count)s member of this import was transferred to another union "
                "afterwards: %(names)s.",
                "%(count)s members of this import were transferred to another union "
                "afterwards: %(names)s.",
                len(transferred),
            )
            % {"count": len(transferred), "names": _names(plan, transferred)}
        )
    if left:
        refusals.append(
            ngettext(
                "%(count)s member of this import has left the union since: %(names)s.",
                "%(count)s members of this import have left the union since: "
                "%(names)s.",
                len(left),
            )
            % {"count": len(left), "names": _names(plan, left)}
        )
    moved = transferred | left
    refusals += _later_imports(plan, [c for c in later if c.member_id not in moved])
    edited = {
        c.member_id
        for c in later
        if c.member_id not in moved and not c.reason.startswith("import #")
    }
    if edited:
        refusals.append(
            ngettext(
                "%(count)s member of this import was changed on the register after "
                "it: %(names)s.",
                "%(count)s members of this import were changed on the register after "
                "it: %(names)s.",
                len(edited),
            )
            % {"count": len(edited), "names": _names(plan, edited)}
        )
    refusals += _missing_history(plan)
    refusals += _signed_since(plan)
    return refusals


def _signed_since(plan: UndoPlan) -> list[str]:
    """Memberships the job opened inside a period signed off since: removing them would
    change its signed figures (unions/signoff.py)."""
    opened = set()
    for part in chunks(sorted(plan.memberships.created)):
        opened.update(
            Membership.objects.filter(pk__in=part).values_list("unit_id", "started_on")
        )
    if not opened:
        return []
    signed = OpenPeriods(
        {unit for unit, _day in opened}, since=min(d for _u, d in opened)
    )
    for unit, day in sorted(opened, key=lambda pair: pair[1]):
        if refusal := signed.refusal(unit, day):
            return refusal.messages
    return []


def _moves_since(plan: UndoPlan, created: set[int]) -> tuple[set[int], set[int]]:
    """The created members transferred since (or asked to be), and those who left."""
    transferred, left = set(), set()
    for part in chunks(sorted(created)):
        memberships = Membership.objects.filter(member_id__in=part)
        for member_id, pk, started, leave in memberships.values_list(
            "member_id", "pk", "start_reason", "leave_reason"
        ):
            if leave == LeaveReason.TRANSFER or (
                pk not in plan.memberships.created
                and started == StartReason.TRANSFERRED
            ):
                transferred.add(member_id)
            elif leave or pk not in plan.memberships.created:
                left.add(member_id)
        transferred.update(
            TransferRequest.objects.filter(member_id__in=part).values_list(
                "member_id", flat=True
            )
        )
    return transferred, left - transferred


def _later_imports(plan: UndoPlan, later: list[_Later]) -> list[str]:
    """One refusal per later import that changed the same people."""
    by_job: dict[str, set[int]] = defaultdict(set)
    for change in later:
        if change.reason.startswith("import #"):
            by_job[change.reason].add(change.member_id)
    refusals = []
    for reason, members in sorted(by_job.items()):
        pk = int(reason.removeprefix("import #"))
        other = ImportJob.objects.filter(pk=pk).only("filename", "created_at").first()
        refusals.append(
            ngettext(
                "A later import, “%(file)s” of %(day)s, changed %(count)s member of "
                "this one: %(names)s. Undo that import first.",
                "A later import, “%(file)s” of %(day)s, changed %(count)s members of "
                "this one: %(names)s. Undo that import first.",
                len(members),
            )
            % {
                "file": other.filename if other else reason,
                "day": f"{timezone.localtime(other.created_at):%d/%m/%Y}"
                if other
                else "",
                "count": len(members),
                "names": _names(plan, members),
            }
        )
    return refusals


def _missing_history(plan: UndoPlan) -> list[str]:
    """Updated records whose values before the import the history does not hold."""
    missing = set()
    for model, updated, member_of in (
        (Member, plan.members.updated, lambda pk: pk),
        (Membership, plan.memberships.updated, None),
    ):
        before = _before(model, updated)
        absent = set(updated) - set(before)
        if member_of is None:
            absent = _members_of(absent)
        missing |= absent
    if not missing:
        return []
    return [
        ngettext(
            "The values %(count)s member had before this import are not in the "
            "history: %(names)s.",
            "The values %(count)s members had before this import are not in the "
            "history: %(names)s.",
            len(missing),
        )
        % {"count": len(missing), "names": _names(plan, missing)}
    ]


def _names(plan: UndoPlan, member_ids: set[int]) -> str:
    names = plan.in_name_order(member_ids)
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (", …" if len(names) > NAMES_SHOWN else "")


# --- Writing ---------------------------------------------------------------------------


def _before(model, updated: dict[int, int]) -> dict[int, object]:
    """Each object's latest history record before the job's own row."""
    found = {}
    for part in chunks(sorted(updated)):
        records = model.history.filter(
            id__in=part, history_id__lt=max(updated[pk] for pk in part)
        ).order_by("id", "-history_id")
        for record in records:
            if record.history_id < updated[record.id] and record.id not in found:
                found[record.id] = record
    return found


def _restore(model, updated: dict[int, int], names: list[str], history: dict) -> None:
    """The values the objects had before the job, written back and recorded."""
    if not updated:
        return
    before = _before(model, updated)
    objects = [
        obj
        for part in chunks(sorted(updated))
        for obj in model.objects.filter(pk__in=part)
    ]
    for obj in objects:
        record = before[obj.pk]
        for name in names:
            setattr(obj, name, getattr(record, model._meta.get_field(name).attname))
        if isinstance(obj, Member):
            obj.set_derived_fields()
    written = names + (["search_name", "sort_key"] if model is Member else [])
    model.objects.bulk_update(objects, written, batch_size=bulk.BATCH_SIZE)
    bulk.History(model, **history, history_type="~").insert([o.pk for o in objects])
