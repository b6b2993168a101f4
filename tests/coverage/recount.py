"""The figures counted the plain way, straight from the registry's tables.

The fast path (tallies and spells) must always give the same numbers; the tests compare.

Every figure has two structures: on the tree of the date (historical, the default:
the units under U on D by their ancestry rows of D) and on today's tree (current: the
units under U now, by their paths).
"""

from django.db.models import Exists, OuterRef, Sum

from members.models import Membership
from unions.coverage import figures
from unions.coverage.dated_tally import ADMITTED_REASONS
from unions.coverage.figures import Structure
from unions.models import CollectiveAgreement, UnionUnit, UnitAncestry


def memberships_under(unit, day, structure=Structure.HISTORICAL):
    """Memberships active on ``day`` in units under ``unit``, in the given structure."""
    active = Membership.objects.active_on(day)
    if structure == Structure.CURRENT:
        return active.within(unit)
    return active.filter(unit__in=UnionUnit.objects.within_on(unit, day))


def grassroots_under(unit, day, structure=Structure.HISTORICAL):
    if structure == Structure.CURRENT:
        units = UnionUnit.objects.within(unit)
    else:
        units = UnionUnit.objects.within_on(unit, day)
    return units.grassroots().active_on(day)


def admitted(unit, since, day, structure=Structure.HISTORICAL) -> int:
    """Admissions from ``since`` to ``day`` into units under ``unit`` on their day."""
    started = Membership.objects.filter(
        started_on__range=(since, day), start_reason__in=ADMITTED_REASONS
    )
    if structure == Structure.CURRENT:
        return started.within(unit).count()
    return sum(
        UnitAncestry.objects.on(membership.started_on)
        .filter(unit=membership.unit_id, ancestor=unit)
        .exists()
        for membership in started
    )


def recount(unit, day, structure=Structure.HISTORICAL) -> dict:
    eligible = figures.eligible_employers(unit, day, structure)
    enterprises = figures.enterprises_with_union(unit, day, structure)
    valid = CollectiveAgreement.objects.valid_on(day).filter(employer=OuterRef("pk"))
    return {
        "members": memberships_under(unit, day, structure).count(),
        "workers": eligible.aggregate(total=Sum("workers_on"))["total"] or 0,
        "employers_eligible": eligible.count(),
        "employers_with_union": eligible.filter(has_union=True).count(),
        "cdcs": grassroots_under(unit, day, structure).count(),
        "enterprises_with_union": enterprises.count(),
        "enterprises_with_cba": enterprises.filter(Exists(valid)).count(),
    }


KEYS = [
    "members",
    "workers",
    "employers_eligible",
    "employers_with_union",
    "cdcs",
    "enterprises_with_union",
    "enterprises_with_cba",
]


def as_counted(coverage) -> dict:
    return {key: getattr(coverage, key) for key in KEYS}


def admissions_counted(coverage) -> dict:
    return {
        "year": coverage.admitted_this_year,
        "month": coverage.admitted_this_month,
    }


def admissions_recounted(unit, day, structure=Structure.HISTORICAL) -> dict:
    return {
        "year": admitted(unit, day.replace(month=1, day=1), day, structure),
        "month": admitted(unit, day.replace(day=1), day, structure),
    }
