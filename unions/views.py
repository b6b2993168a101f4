from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .kinds import GRASSROOTS_KINDS
from .models import CollectiveAgreement, Employer, UnionUnit

TREE_DEPTH = (
    3  # levels shown under the user's own unit; deeper ones open on the unit page
)


def grassroots_counts(units, *, scope: UnionUnit | None = None) -> dict[str, int]:
    """Active CĐCS under each of ``units`` (at any depth), by the unit's path."""
    base = UnionUnit.objects.grassroots().active_on(timezone.localdate())
    if scope is not None:
        base = base.within(scope)
    return _counts_under(units, base)


def children_counts(units) -> dict[str, int]:
    """Units directly under each of ``units`` and active today, by the unit's path."""
    active = UnionUnit.objects.active_on(timezone.localdate())
    return _counts_under(units, active, directly=True)


def _counts_under(units, queryset, *, directly: bool = False) -> dict[str, int]:
    """Rows of ``queryset`` under each unit: one grouped query per tree depth, not one
    per unit (a unit's descendants are the paths that start with its own)."""
    counts: dict[str, int] = {}
    steplen = UnionUnit.steplen
    for depth in sorted({unit.depth for unit in units}):
        prefixes = [u.path for u in units if u.depth == depth]
        below = {"depth": depth + 1} if directly else {"depth__gt": depth}
        rows = (
            queryset.filter(**below)
            .annotate(prefix=Substr("path", 1, steplen * depth))
            .filter(prefix__in=prefixes)
            .values("prefix")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts.update({row["prefix"]: row["n"] for row in rows})
    return counts


def members_today(units) -> dict[int, int]:
    """Members active today in each grassroots union of ``units``: one grouped query."""
    from members.models import Membership

    grassroots = [u.pk for u in units if u.is_grassroots]
    rows = (
        Membership.objects.active_on(timezone.localdate())
        .filter(unit__in=grassroots)
        .values("unit")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["unit"]: row["n"] for row in rows}


@login_required
@permission_required("unions.view_unionunit", raise_exception=True)
def unit_tree(request):
    scope = UnionUnit.objects.for_user(request.user)
    tops = list(scope.filter(depth=scope.order_by("depth").values("depth")[:1]))
    show_ended = request.GET.get("ended") == "1"
    units = []
    for top in tops:
        units += list(
            UnionUnit.objects.within(top)
            .filter(depth__lt=top.depth + TREE_DEPTH)
            .exclude(kind__in=GRASSROOTS_KINDS)
            .select_related("province")
        )
    today = timezone.localdate()
    ended = [u for u in units if not u.is_active_on(today) and u not in tops]
    if not show_ended:
        units = [u for u in units if u not in ended]
    counts = grassroots_counts(units)
    children = children_counts(units)
    for unit in units:
        unit.grassroots_count = counts.get(unit.path, 0)
        unit.children_count = children.get(unit.path, 0)
        unit.indent = unit.depth - tops[0].depth if tops else 0
    context = {
        "units": units,
        "tops": tops,
        "ended_count": len(ended),
        "show_ended": show_ended,
    }
    return render(request, "unions/unit_tree.html", context)


@login_required
@permission_required("unions.view_unionunit", raise_exception=True)
def unit_detail(request, code):
    scope = UnionUnit.objects.for_user(request.user)
    unit = get_object_or_404(scope.select_related("province", "ward"), code=code)
    ancestors = scope.filter(pk__in=UnionUnit.objects.get_ancestors(unit))
    children = Paginator(
        UnionUnit.objects.get_children(unit).select_related("province"), 100
    ).get_page(request.GET.get("page"))
    counts = grassroots_counts(list(children))
    members = members_today(list(children))
    for child in children:
        child.grassroots_count = counts.get(child.path, 0)
        child.members_count = members.get(child.pk, 0)
    employers = (
        Employer.objects.filter(grassroots_union=unit)
        if unit.is_grassroots
        else Employer.objects.filter(managing_unit=unit)
    ).select_related("grassroots_union", "industrial_zone")
    context = {
        "unit": unit,
        "ancestors": ancestors,
        "children": children,
        "employers": Paginator(employers.order_by("-workers", "name"), 50).get_page(
            request.GET.get("employers_page")
        ),
        "moves": unit.moves.select_related("from_parent", "to_parent")[:20],
        "members_count": (
            members_today([unit]).get(unit.pk, 0) if unit.is_grassroots else None
        ),
        "today": timezone.localdate(),
    }
    return render(request, "unions/unit_detail.html", context)


@login_required
@permission_required("unions.view_employer", raise_exception=True)
def employer_detail(request, tax_code):
    employer = get_object_or_404(
        Employer.objects.for_user(request.user).select_related(
            "managing_unit", "grassroots_union", "industrial_zone", "province", "ward"
        ),
        tax_code=tax_code,
    )
    today = timezone.localdate()
    agreements = CollectiveAgreement.objects.filter(employer=employer)
    context = {
        "employer": employer,
        "agreements": agreements,
        "valid_agreement": agreements.valid_on(today).first(),
        "workforce_reports": employer.workforce_reports.all()[:20],
        "today": today,
    }
    return render(request, "unions/employer_detail.html", context)
