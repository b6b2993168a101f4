"""Units, employers and agreements: short lists, so each row goes through the same
service or model validation the screens use, one at a time.

``plan`` runs every row inside a transaction that is always rolled back, which finds
the errors the services would raise (a unit under a unit it may not sit under, an
agreement longer than three years …); ``write`` runs the same rows for real.
"""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import reorganisation as with_members
from members.models import Membership
from registry.text import fold
from unions import reorganisation, services, signoff
from unions.models import (
    ZONE_PERMISSIONS,
    CollectiveAgreement,
    Employer,
    IndustrialZone,
    UnionUnit,
)

from .planning import Importer, Plan, Progress, refuse
from .rows import ParsedRow


class _RolledBack(Exception):
    pass


class ReferenceImporter(Importer):
    def plan(self, rows: list[ParsedRow], *, progress: Progress | None = None) -> Plan:
        plan = Plan()
        try:
            with transaction.atomic():
                self._apply(rows, plan)
                raise _RolledBack
        except _RolledBack:
            pass
        self._rows = [row for row in rows if not row.errors]
        if progress:
            progress(len(rows), len(rows))
        return plan

    def write(self, plan: Plan, *, progress: Progress | None = None) -> None:
        rows = self._rows
        for done, row in enumerate(rows, 1):
            try:
                with transaction.atomic():
                    self.apply_row(row)
            except ValidationError as error:
                # Only with --skip-invalid: a row that leant on a skipped one.
                refuse(row, self.key_column, error)
            if progress and (done % 100 == 0 or done == len(rows)):
                progress(done, len(rows))

    def _apply(self, rows: list[ParsedRow], plan: Plan) -> None:
        for row in rows:
            try:
                with transaction.atomic():
                    outcome = self.apply_row(row)
            except ValidationError as error:
                refuse(row, self.key_column, error)
                continue
            if outcome == "created":
                plan.create.append(row)
            elif outcome == "updated":
                plan.update.append(row)
            elif outcome == "unchanged":
                plan.unchanged += 1

    def apply_row(self, row: ParsedRow) -> str | None:
        """Create or update the record of ``row``: "created", "updated", "unchanged"."""
        raise NotImplementedError

    def scoped_unit(self, code: str, *, label: str) -> UnionUnit:
        unit = self.units_in_scope().with_code(code).first()
        if unit is None:
            raise ValidationError(
                _("There is no unit %(code)s in your scope (%(column)s).")
                % {"code": code, "column": label}
            )
        return unit


_UNSET = object()


def _changed(obj, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        try:
            current = getattr(obj, name)
        except ObjectDoesNotExist:  # a new object's relation not set yet
            current = _UNSET
        if current is _UNSET or current != value:
            setattr(obj, name, value)
            changed = True
    return changed


class UnitImporter(ReferenceImporter):
    key_column = "code"

    def apply_row(self, row: ParsedRow) -> str:
        v = row.values
        details = {
            "name": v["name"],
            "kind": v["kind"],
            "founded_on": v["founded_on"],
            "decision": v["decision"],
        }
        existing = UnionUnit.objects.with_code(v["code"]).first()
        if existing is None:
            # A unit that ended before it reached the register: history, with no
            # member, employer or account yet to hand over.
            parent = self._parent(v["parent_code"])
            services.create_unit(
                code=v["code"], parent=parent, dissolved_on=v["dissolved_on"], **details
            )
            return "created"
        if not self.units_in_scope().filter(pk=existing.pk).exists():
            raise ValidationError(
                _("Unit %(code)s exists outside your scope.") % {"code": v["code"]}
            )
        parent = UnionUnit.objects.get_parent(existing)
        if v["parent_code"] and (parent is None or parent.code != v["parent_code"]):
            raise ValidationError(
                _(
                    "Unit %(code)s sits under %(parent)s; move it with the unit's move "
                    "form, not by import."
                )
                % {"code": v["code"], "parent": parent.code if parent else "—"}
            )
        dissolving = v["dissolved_on"] and existing.dissolved_on != v["dissolved_on"]
        changed = {
            k: val
            for k, val in details.items()
            if val
            and getattr(existing, k) != val
            # The decision of a dissolution is the dissolution's own (below).
            and not (dissolving and k == "decision")
        }
        if changed:
            services.update_unit(unit=existing, **changed)
        if dissolving:
            self._dissolve(
                existing, v["dissolved_on"], v["decision"], v["transfer_code"]
            )
        elif v["transfer_code"]:
            raise ValidationError(
                {
                    "transfer_code": _(
                        "Members are transferred when their CĐCS is dissolved."
                    )
                }
            )
            changed["dissolved_on"] = v["dissolved_on"]
        return "updated" if changed else "unchanged"

    def _dissolve(
        self, unit: UnionUnit, day, decision: str, transfer_code: str
    ) -> None:
        """A dissolution is a reorganisation, as on the Reorganise page: its decision
        number, the accounts of an upper-level unit handed to the unit above, a
        CĐCS's members transferred to the CĐCS the row names, undone from that page
        on the same day. A CĐCS whose members the row does not place is dissolved
        there, where what becomes of them is chosen."""
        if not decision:
            raise ValidationError(
                {
                    "decision": _(
                        "Dissolving a unit needs the number of its decision: fill in "
                        "the “Số quyết định” column."
                    )
                }
            )
        if not unit.is_grassroots:
            if transfer_code:
                raise ValidationError(
                    {"transfer_code": _("Only a CĐCS has members to transfer.")}
                )
            reorganisation.dissolve_unit(
                unit=unit, dissolved_on=day, decision=decision, user=self.user
            )
            return
        transfer_to = (
            self.scoped_unit(transfer_code, label="Chuyển đoàn viên đến CĐCS")
            if transfer_code
            else None
        )
        members = Membership.objects.filter(unit=unit, left_on__isnull=True).count()
        if members and transfer_to is None:
            raise ValidationError(
                {
                    "dissolved_on": _(
                        "%(unit)s still has %(count)s members: dissolving a CĐCS needs "
                        "a decision number and what becomes of its members. Give the "
                        "CĐCS that receives them in the “Chuyển đoàn viên đến CĐCS” "
                        "column, or use the Reorganise page (Sắp xếp tổ chức)."
                    )
                    % {"unit": unit.code, "count": members}
                }
            )
        with_members.dissolve_grassroots(
            unit=unit,
            dissolved_on=day,
            decision=decision,
            transfer_to=transfer_to,
            user=self.user,
        )

    def _parent(self, code: str) -> UnionUnit | None:
        if code:
            return self.scoped_unit(code, label="Mã đơn vị cấp trên")
        if self.into is not None:
            return self.into
        if self.user is not None and not self.user.is_system_admin:
            raise ValidationError(_("Say which unit this one sits under."))
        return None


class EmployerImporter(ReferenceImporter):
    key_column = "tax_code"

    def apply_row(self, row: ParsedRow) -> str:
        v = row.values
        existing = Employer.objects.filter(tax_code=v["tax_code"]).first()
        if existing is not None and not self._in_scope(existing):
            raise ValidationError(
                _("The employer with tax code %(code)s is managed outside your scope.")
                % {"code": v["tax_code"]}
            )
        values = {
            "name": v["name"],
            "kind": v["kind"],
            "industry": v["industry"],
            "address": v["address"],
            "managing_unit": self._managing_unit(v["managing_code"], existing),
            "grassroots_union": self._grassroots(v["grassroots_code"], existing),
            "industrial_zone": self._zone(row, v["industrial_zone"], existing),
        }
        employer = existing or Employer(tax_code=v["tax_code"])
        changed = _changed(employer, values)
        if (
            existing is not None
            and not changed
            and v["workers"] in (None, employer.workers)
        ):
            return "unchanged"
        employer.full_clean()
        signoff.check_employer(employer)
        employer.save()
        if v["workers"] is not None and v["workers"] != existing_workers(existing):
            services.record_workforce(
                employer=employer,
                workers=v["workers"],
                reported_on=timezone.localdate(),
            )
        return "created" if existing is None else "updated"

    def _in_scope(self, employer: Employer) -> bool:
        if self.user is None:
            return True
        return Employer.objects.for_user(self.user).filter(pk=employer.pk).exists()

    def _managing_unit(self, code: str, existing: Employer | None):
        if code:
            return self.scoped_unit(code, label="Mã công đoàn cấp trên quản lý")
        if existing is not None:
            return existing.managing_unit
        if self.into is not None and not self.into.is_grassroots:
            return self.into
        raise ValidationError(_("Say which upper-level union manages this employer."))

    def _grassroots(self, code: str, existing: Employer | None):
        if code:
            return self.scoped_unit(code, label="Mã CĐCS")
        return existing.grassroots_union if existing else None

    def _zone(self, row: ParsedRow, name: str, existing: Employer | None):
        if not name:
            return existing.industrial_zone if existing else None
        key = fold(name)
        zone = (
            IndustrialZone.objects.filter(search_name=key).first()
            or IndustrialZone.objects.filter(code__iexact=name).first()
        )
        if zone is None:
            row.warn(
                "industrial_zone",
                _("No industrial zone “%(name)s” is on the list; left empty.")
                % {"name": name},
            )
        return zone


def existing_workers(employer: Employer | None) -> int | None:
    return employer.workers if employer is not None else None


class AgreementImporter(ReferenceImporter):
    key_column = "tax_code"

    def apply_row(self, row: ParsedRow) -> str:
        v = row.values
        employers = Employer.objects.all()
        if self.user is not None:
            employers = employers.for_user(self.user)
        if self.into is not None:
            employers = employers.within(self.into)
        employer = employers.filter(tax_code=v["tax_code"]).first()
        if employer is None:
            raise ValidationError(
                _("There is no employer with tax code %(code)s in your scope.")
                % {"code": v["tax_code"]}
            )
        existing = CollectiveAgreement.objects.filter(
            employer=employer, signed_on=v["signed_on"]
        ).first()
        agreement = existing or CollectiveAgreement(
            employer=employer, signed_on=v["signed_on"]
        )
        values = {
            "effective_on": v["effective_on"],
            "expires_on": v["expires_on"],
            "grade": v["grade"],
            "notes": v["notes"],
        }
        if not _changed(agreement, values) and existing is not None:
            return "unchanged"
        agreement.full_clean()
        signoff.check_agreement(agreement)
        agreement.save()
        return "created" if existing is None else "updated"


class ZoneImporter(ReferenceImporter):
    """The industrial zones: one list shared by every province, keyed by code."""

    key_column = "code"

    def apply_row(self, row: ParsedRow) -> str:
        if self.user is not None and not self.user.has_perms(ZONE_PERMISSIONS):
            raise ValidationError(
                _("Your account may not change the industrial zones.")
            )
        v = row.values
        existing = IndustrialZone.objects.filter(code=v["code"]).first()
        zone = existing or IndustrialZone(code=v["code"])
        if not _changed(zone, {"name": v["name"]}) and existing is not None:
            return "unchanged"
        zone.full_clean()
        zone.save()
        return "created" if existing is None else "updated"
