from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms_dashboard import DayField
from .kinds import GRASSROOTS_KINDS
from .models import CollectiveAgreement, Employer, UnionUnit, UnitAncestry

TREE_DEPTH = (
    3  # levels shown under the user's own unit; deeper ones open on the unit page
)


class DateForm(forms.Form):
    """The date a tree page shows the structure of (default today)."""

    as_of = DayField(label=_("Structure as of"))

    def clean_as_of(self):
        return self.cleaned_data["as_of"] or timezone.localdate()


def grassroots_counts(units, day) -> dict[int, int]:
    """Active CĐCS on ``day`` under each of ``units`` (at any depth) in the tree of
    that day, by unit id: one grouped query."""
    rows = (
        UnitAncestry.objects.on(day)
        .filter(
            Q(unit__dissolved_on__isnull=True) | Q(unit__dissolved_on__gt=day),
            ancestor__in=units,
            depth__gt=0,
            unit__kind__in=GRASSROOTS_KINDS,
            unit__founded_on__lte=day,
        )
        .values("ancestor")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["ancestor"]: row["n"] for row in rows}


def children_counts(units, day) -> dict[int, int]:
    """Units directly under each of ``units`` on ``day`` and active then, by unit id."""
    rows = (
        UnitAncestry.objects.on(day)
        .filter(
            Q(unit__dissolved_on__isnull=True) | Q(unit__dissolved_on__gt=day),
            ancestor__in=units,
            depth=1,
            unit__founded_on__lte=day,
        )
        .values("ancestor")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["ancestor"]: row["n"] for row in rows}


def members_on(units, day) -> dict[int, int]:
    """Members active on ``day`` in each grassroots union of ``units``: one grouped query."""
    from members.models import Membership

    grassroots = [u.pk for u in units if u.is_grassroots]
    rows = (
        Membership.objects.active_on(day)
        .filter(unit__in=grassroots)
        .values("unit")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["unit"]: row["n"] for row in rows}


def tree_on(top: UnionUnit, day, levels: int) -> list[UnionUnit]:
    """``top`` and the upper-level units down to ``levels`` below it, in the tree of
    ``day``, each after its parent (by code among siblings), with ``indent`` set."""
    rows = (
        UnitAncestry.objects.on(day)
        .filter(ancestor=top, depth__lt=levels)
        .exclude(unit__kind__in=GRASSROOTS_KINDS)
        .values_list("unit", "depth")
    )
    depth_of = dict(rows)
    units = UnionUnit.objects.select_related("province").in_bulk(list(depth_of))
    parent_of = dict(
        UnitAncestry.objects.on(day)
        .filter(unit__in=list(depth_of), depth=1)
        .values_list("unit", "ancestor")
    )
    below = {}
    for pk in depth_of:
        below.setdefault(parent_of.get(pk), []).append(units[pk])
    ordered = []

    def walk(unit):
        unit.indent = depth_of[unit.pk]
        ordered.append(unit)
        for child in sorted(below.get(unit.pk, []), key=lambda u: u.code):
            walk(child)

    walk(units[top.pk])
    return ordered


@login_required
@permission_required("unions.view_unionunit", raise_exception=True)
def unit_tree(request):
    form = DateForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "units": [], "tops": [], "invalid": True}
        return render(request, "unions/unit_tree.html", context, status=400)
    day = form.cleaned_data["as_of"]
    scope = UnionUnit.objects.for_user(request.user)
    tops = list(scope.filter(depth=scope.order_by("depth").values("depth")[:1]))
    show_ended = request.GET.get("ended") == "1"
    units = []
    for top in tops:
        units += tree_on(top, day, TREE_DEPTH)
    ended = [u for u in units if not u.is_active_on(day) and u not in tops]
    if not show_ended:
        units = [u for u in units if u not in ended]
    counts = grassroots_counts(units, day)
    children = children_counts(units, day)
    for unit in units:
        unit.grassroots_count = counts.get(unit.pk, 0)
        unit.children_count = children.get(unit.pk, 0)
    context = {
        "form": form,
        "day": day,
        "is_today": day == timezone.localdate(),
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
    unit = get_object_or_404(scope.select_related("province", "ward").with_code(code))
    if unit.code != code:  # a former code (or typed in lower case): today's address
        query = request.GET.urlencode()
        return redirect(unit.get_absolute_url() + (f"?{query}" if query else ""))
    form = DateForm(request.GET)
    valid = form.is_valid()  # a bad date: today's structure, the message, a 400
    day = form.cleaned_data["as_of"] if valid else timezone.localdate()
    ancestors = scope.filter(
        pk__in=UnionUnit.objects.ancestors_on(unit, day).values("pk")
    ).order_by("depth")
    children = Paginator(
        UnionUnit.objects.children_on(unit, day)
        .select_related("province")
        .order_by("code"),
        100,
    ).get_page(request.GET.get("page"))
    counts = grassroots_counts(list(children), day)
    members = members_on(list(children), day)
    for child in children:
        child.grassroots_count = counts.get(child.pk, 0)
        child.members_count = members.get(child.pk, 0)
    employers = (
        Employer.objects.filter(grassroots_union=unit)
        if unit.is_grassroots
        else Employer.objects.filter(managing_unit=unit)
    ).select_related("grassroots_union", "industrial_zone")
    context = {
        "unit": unit,
        "form": form,
        "day": day,
        "is_today": day == timezone.localdate(),
        "ancestors": ancestors,
        "children": children,
        "employers": Paginator(employers.order_by("-workers", "name"), 50).get_page(
            request.GET.get("employers_page")
        ),
        "moves": unit.moves.select_related("from_parent", "to_parent")[:20],
        "members_count": (
            members_on([unit], day).get(unit.pk, 0) if unit.is_grassroots else None
        ),
        "today": timezone.localdate(),
    }
    return render(
        request, "unions/unit_detail.html", context, status=200 if valid else 400
    )


@login_required
@permission_required("unions.view_employer", raise_exception=True)
def employer_detail(request, pk):
    employer = get_object_or_404(
        Employer.objects.for_user(request.user).select_related(
            "managing_unit", "grassroots_union", "industrial_zone", "province", "ward"
        ),
        pk=pk,
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
