"""Today's tree when units move: the materialised paths of whole subtrees, all at once.

Every unit of a moved subtree takes a new path, and every UPDATE of paths fires the
path tally's trigger (unions/coverage/triggers.py), which moves the memberships of the
units whose path changed to their new ancestors. Written one unit at a time, a
reorganisation of 1,500 CĐCS was 4,500 statements and as many trigger runs; here the
new paths of all moved subtrees are computed first and written in one statement
(UPDATE … FROM a list of rows), and the child counts in one more.

Each moved unit takes the path it asks for when that path is free today (an undo puts a
unit back where it was), else the place after its new parent's last child. Every new
path is free before the statement runs, so no unit ever holds another's path, even for
a moment (the path is unique).
"""

from collections import Counter
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from .kinds import GRASSROOTS_KINDS
from .models import UnionUnit

STEP = UnionUnit.steplen
TABLE = UnionUnit._meta.db_table


def step(number: int) -> str:
    """The last ``steplen`` characters of the path of a parent's ``number``-th child."""
    digits = ""
    while number:
        number, digit = divmod(number, len(UnionUnit.alphabet))
        digits = UnionUnit.alphabet[digit] + digits
    if len(digits) > STEP:
        raise ValidationError(_("Too many units under one parent."))
    return digits.rjust(STEP, UnionUnit.alphabet[0])


def step_number(path: str) -> int:
    return int(path[-STEP:], len(UnionUnit.alphabet))


def relocate(moves: list[tuple[UnionUnit, UnionUnit | None, str]]) -> None:
    """Give each moved unit, with its subtree, its place under its new parent.

    ``moves``: (unit as it is today, new parent or None for a root, wanted path or "").
    The units' subtrees must not overlap, and no new parent may sit in one.
    """
    if not moves:
        return
    new_paths = _new_root_paths(moves)
    roots = {unit.path: new_paths[unit.pk] for unit, _parent, _wanted in moves}
    rows = [(unit.pk, new_paths[unit.pk]) for unit, _parent, _wanted in moves]
    for pk, path in _below([unit for unit, _parent, _wanted in moves]):
        root = next(
            path[:end] for end in range(STEP, len(path), STEP) if path[:end] in roots
        )
        rows.append((pk, roots[root] + path[len(root) :]))
    counts = Counter()
    for unit, parent, _wanted in moves:
        if len(unit.path) > STEP:
            counts[unit.path[:-STEP]] -= 1
        if parent is not None:
            counts[parent.path] += 1
    _write(
        "WITH moved (id, path) AS (VALUES {rows})"
        f" UPDATE {TABLE} SET path = moved.path, depth = length(moved.path) / {STEP}"
        f" FROM moved WHERE {TABLE}.id = moved.id",
        "(CAST(%s AS bigint), CAST(%s AS varchar(255)))",
        rows,
    )
    _write(
        "WITH counted (path, change) AS (VALUES {rows})"
        f" UPDATE {TABLE} SET numchild = numchild + counted.change"
        f" FROM counted WHERE {TABLE}.path = counted.path",
        "(CAST(%s AS varchar(255)), CAST(%s AS integer))",
        [(path, change) for path, change in counts.items() if change],
    )


def _new_root_paths(moves) -> dict[int, str]:
    """unit id → the new path of each moved unit."""
    wanted = {
        unit.pk: path
        for unit, parent, path in moves
        if path and path[:-STEP] == (parent.path if parent else "")
    }
    taken = set(
        UnionUnit.objects.filter(path__in=set(wanted.values())).values_list(
            "path", flat=True
        )
    )
    new_paths = {}
    for pk, path in wanted.items():
        if path not in taken:
            new_paths[pk] = path
            taken.add(path)
    next_number = {}
    for unit, parent, _wanted in moves:
        if unit.pk in new_paths:
            continue
        prefix = parent.path if parent else ""
        if prefix not in next_number:
            next_number[prefix] = _last_number(prefix, taken) + 1
        new_paths[unit.pk] = prefix + step(next_number[prefix])
        next_number[prefix] += 1
    return new_paths


def _last_number(prefix: str, taken: set[str]) -> int:
    """The number of the last child under ``prefix``, counting paths granted already."""
    children = set(
        UnionUnit.objects.filter(path__startswith=prefix, depth=len(prefix) // STEP + 1)
        .order_by("-path")
        .values_list("path", flat=True)[:1]
    )
    children.update(path for path in taken if path[:-STEP] == prefix)
    return max(map(step_number, children), default=0)


def _below(units: list[UnionUnit]) -> Iterable[tuple[int, str]]:
    """(id, path) of every unit under ``units`` (a CĐCS has none)."""
    branches = [unit for unit in units if unit.kind not in GRASSROOTS_KINDS]
    if not branches:
        return []
    condition = Q()
    for unit in branches:
        condition |= Q(path__startswith=unit.path)
    return (
        UnionUnit.objects.filter(condition)
        .exclude(pk__in=[unit.pk for unit in branches])
        .values_list("pk", "path")
    )


def _write(statement: str, row: str, rows: list[tuple]) -> None:
    """Run ``statement`` for ``rows`` (as few times as the database's limit on
    parameters allows: once on PostgreSQL)."""
    if not rows:
        return
    limit = connection.features.max_query_params
    size = len(rows) if limit is None else limit // len(rows[0])
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(
                statement.format(rows=", ".join([row] * len(batch))),
                [value for values in batch for value in values],
            )
