"""Reorganisation pages for provincial officers: a form, its preview, the result, undo.

Each operation is previewed by running it in a transaction that is rolled back
(unions.reorganisation.dry_run), so the preview shows exactly what applying it does,
and refuses exactly what it would refuse.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from unions import reorganisation
from unions.models import Reorganisation, UnionUnit

from . import reorganisation as with_members
from .forms import add_service_error
from .forms_reorganisation import (
    DissolveGrassrootsForm,
    DissolveUnitForm,
    MergeForm,
    MoveForm,
    RecodeForm,
)

Kind = Reorganisation.Kind
# The operations with a form here; the mapping file has its import page.
OPERATIONS = {
    "move": (Kind.MOVE, MoveForm, reorganisation.move_unit),
    "merge": (Kind.MERGE, MergeForm, with_members.merge_units),
    "recode": (Kind.RECODE, RecodeForm, reorganisation.recode_unit),
    "dissolve-cdcs": (
        Kind.DISSOLVE_GRASSROOTS,
        DissolveGrassrootsForm,
        with_members.dissolve_grassroots,
    ),
    "dissolve-unit": (
        Kind.DISSOLVE_UNIT,
        DissolveUnitForm,
        reorganisation.dissolve_unit,
    ),
}
ACTIONS = {
    "moved": gettext_lazy("moved"),
    "merged": gettext_lazy("merged, ends"),
    "created": gettext_lazy("founded"),
    "target": gettext_lazy("receives"),
    "ended": gettext_lazy("ends"),
    "recoded": gettext_lazy("renamed or recoded"),
}
PERMISSION = reorganisation.PERMISSION


def describe(summary: dict, day) -> dict:
    """A summary as the preview and the result show it."""
    return {
        "units": [
            {
                **row,
                "action_label": ACTIONS[row["action"]],
                "kind_label": UnionUnit.Kind(row["kind"]).label,
            }
            for row in summary["units"]
        ],
        "grassroots": len(summary["grassroots"]),
        "members": with_members.members_touched(summary, day),
        "member_outcome": summary.get("members"),
        "employers": summary["employers"],
        "accounts": summary["accounts"],
    }


@login_required
@permission_required(PERMISSION, raise_exception=True)
def operation_list(request):
    scope = UnionUnit.objects.for_user(request.user)
    records = (
        Reorganisation.objects.filter(units__in=scope.values("pk"))
        .distinct()
        .select_related("recorded_by")[:50]
    )
    context = {
        "records": records,
        "operations": [
            (slug, kind.label) for slug, (kind, _f, _s) in OPERATIONS.items()
        ],
    }
    return render(request, "members/reorganisation/operation_list.html", context)


@login_required
@permission_required(PERMISSION, raise_exception=True)
def operation_form(request, operation):
    """The form (GET) and, once filled in (POST), its preview."""
    kind, form_class, service = _operation(operation)
    form = form_class(
        request.POST or None, user=request.user, initial=request.GET.dict()
    )
    preview = None
    if form.is_valid():
        try:
            summary = reorganisation.dry_run(service, **form.arguments())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            preview = describe(summary, form.cleaned_data["effective_on"])
    context = {"operation": operation, "kind": kind, "form": form, "preview": preview}
    return render(request, "members/reorganisation/operation_form.html", context)


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def operation_apply(request, operation):
    kind, form_class, service = _operation(operation)
    form = form_class(request.POST, user=request.user)
    if form.is_valid():
        try:
            record = service(**form.arguments())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Recorded: %(operation)s.") % {"operation": record}
            )
            return redirect("reorganisation:operation_detail", pk=record.pk)
    context = {"operation": operation, "kind": kind, "form": form, "preview": None}
    return render(request, "members/reorganisation/operation_form.html", context)


@login_required
@permission_required(PERMISSION, raise_exception=True)
def operation_detail(request, pk):
    record = _record_in_scope(request, pk)
    context = {
        "record": record,
        "result": describe(record.summary, record.effective_on),
        "can_undo": not record.is_undone
        and timezone.localdate(record.recorded_at) == timezone.localdate(),
    }
    return render(request, "members/reorganisation/operation_detail.html", context)


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def operation_undo(request, pk):
    record = _record_in_scope(request, pk)
    try:
        with_members.undo(reorganisation_record=record, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Undone: %(operation)s.") % {"operation": record})
    return redirect("reorganisation:operation_detail", pk=record.pk)


def _operation(slug: str):
    if slug not in OPERATIONS:
        raise Http404
    return OPERATIONS[slug]


def _record_in_scope(request, pk) -> Reorganisation:
    scope = UnionUnit.objects.for_user(request.user)
    records = Reorganisation.objects.filter(units__in=scope.values("pk")).distinct()
    return get_object_or_404(records.select_related("recorded_by", "undone_by"), pk=pk)
