"""The figures counted the plain way, straight from the registry's tables.

The fast path (tallies and spells) must always give the same numbers; the tests compare.
"""

from django.db.models import Exists, OuterRef, Sum

from members.models import Membership
from unions.coverage import figures
from unions.models import CollectiveAgreement, UnionUnit


def recount(unit, day) -> dict:
    eligible = figures.eligible_employers(unit, day)
    enterprises = figures.enterprises_with_union(unit, day)
    valid = CollectiveAgreement.objects.valid_on(day).filter(employer=OuterRef("pk"))
    return {
        "members": Membership.objects.within(unit).active_on(day).count(),
        "workers": eligible.aggregate(total=Sum("workers_on"))["total"] or 0,
        "employers_eligible": eligible.count(),
        "employers_with_union": eligible.filter(has_union=True).count(),
        "cdcs": UnionUnit.objects.within(unit).grassroots().active_on(day).count(),
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
