"""Lists in a user's scope as rows under our canonical headers, streamed from the
same querysets every screen uses (``for_user(...)``, ``within(...)``, ``active_on(...)``).

A member export read back by the importer changes nothing: the headers are the
import's canonical ones and every value is written the way the importer reads it.
"""

from collections.abc import Iterator
from datetime import date

from members.models import Membership
from unions.kinds import ALIASES, EMPLOYER_ALIASES
from unions.models import CollectiveAgreement, Employer, UnionUnit

from .headers import canonical_headers

CHUNK = 2000
GENDERS = {"M": "Nam", "F": "Nữ"}
SENSITIVE = {"ethnicity", "religion", "cccd", "phone", "is_party_member"}


def sees_sensitive(user) -> bool:
    return user is None or user.has_perm("members.view_sensitive_data")


def export_rows(
    kind: str, *, unit: UnionUnit, user=None, day: date
) -> tuple[list[str], Iterator]:
    """(headers, rows) for ``kind`` under ``unit``, as the user may see them on ``day``."""
    return canonical_headers(kind), {
        "members": _members,
        "units": _units,
        "enterprises": _employers,
        "agreements": _agreements,
    }[kind](unit=unit, user=user, day=day)


def count(kind: str, *, unit: UnionUnit, user=None, day: date) -> int:
    return _queryset(kind, unit=unit, user=user, day=day).count()


def _queryset(kind: str, *, unit, user, day):
    if kind == "members":
        memberships = Membership.objects.within(unit).active_on(day)
        return memberships.for_user(user) if user else memberships
    if kind == "units":
        units = UnionUnit.objects.within(unit)
        return units.for_user(user) if user else units
    employers = Employer.objects.within(unit)
    if user:
        employers = employers.for_user(user)
    if kind == "enterprises":
        return employers
    return CollectiveAgreement.objects.filter(employer__in=employers)


def _members(*, unit, user, day) -> Iterator[list]:
    sensitive = sees_sensitive(user)
    memberships = (
        _queryset("members", unit=unit, user=user, day=day)
        .order_by("unit__path", "member__sort_key", "member_id")
        .values_list(
            "member__full_name", "member__birth_date", "member__birth_year",
            "member__gender", "member__ethnicity", "member__religion", "member__cccd",
            "member__phone", "member__email", "member__education", "member__job",
            "member__joined_union_on", "card_number", "member__is_party_member",
            "unit__code", "notes",
        )
    )  # fmt: skip
    for number, row in enumerate(memberships.iterator(chunk_size=CHUNK), 1):
        (name, born_on, born_in, gender, ethnicity, religion, cccd, phone, email,
         education, job, joined_on, card, is_party, code, notes) = row  # fmt: skip
        if not sensitive:
            ethnicity = religion = cccd = phone = ""
            is_party = False
        yield [
            number, name, born_on or born_in, GENDERS.get(gender, ""), ethnicity,
            religion, cccd or "", phone, email, education, job, joined_on, card,
            "x" if is_party else "", code, notes,
        ]  # fmt: skip


def _units(*, unit, user, day) -> Iterator[list]:
    units = _queryset("units", unit=unit, user=user, day=day).order_by("path")
    by_path = {}
    for each in units.iterator(chunk_size=CHUNK):
        by_path[each.path] = each.code
        parent_code = by_path.get(each.path[: -UnionUnit.steplen], "")
        if not parent_code and each.depth > 1:
            parent = UnionUnit.objects.get_parent(each)
            parent_code = parent.code if parent else ""
        yield [
            each.code, each.name, ALIASES[each.kind][0], parent_code, each.founded_on,
            each.dissolved_on,
        ]  # fmt: skip


def _employers(*, unit, user, day) -> Iterator[list]:
    employers = (
        _queryset("enterprises", unit=unit, user=user, day=day)
        .select_related("industrial_zone", "managing_unit", "grassroots_union")
        .order_by("tax_code")
    )
    for employer in employers.iterator(chunk_size=CHUNK):
        yield [
            employer.tax_code, employer.name, EMPLOYER_ALIASES[employer.kind][0],
            employer.industry,
            employer.industrial_zone.name if employer.industrial_zone else "",
            employer.workers, employer.address, employer.managing_unit.code,
            employer.grassroots_union.code if employer.grassroots_union else "",
        ]  # fmt: skip


def _agreements(*, unit, user, day) -> Iterator[list]:
    agreements = (
        _queryset("agreements", unit=unit, user=user, day=day)
        .select_related("employer")
        .order_by("employer__tax_code", "signed_on")
    )
    for agreement in agreements.iterator(chunk_size=CHUNK):
        yield [
            agreement.employer.tax_code, agreement.signed_on, agreement.effective_on,
            agreement.expires_on, agreement.grade, agreement.notes,
        ]  # fmt: skip
