"""Member figures over random histories, in both structures (hypothesis).

A history is a list of steps drawn at random: admissions, transfers and departures
(some back-dated), moves of CĐCS and of upper-level units (move_many) on random dates,
undoes of the moves of the day, dissolutions, merges of two CĐCS (their members
transferred) and raw corrections of a start date. On
random dates, for every unit, in both structures: the members card equals a plain
recount over the memberships and the ancestry rows (recount.py) and the sum of the
children rows; the confederation at the root, whose subtree never changes, has the same
totals in both. A bounded number of histories runs with the suite; ``pytest -m long``
runs hundreds.
"""

import os
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from members import reorganisation
from members import services as members
from members.models import LeaveReason, Membership
from tests.factories import letters
from unions import services as unions
from unions.coverage import dated_tally, triggers
from unions.coverage.figures import Structure, coverage, coverage_with_children
from unions.models import UnionUnit, UnitMove

from .recount import admissions_counted, admissions_recounted, recount
from .test_rollups_match_a_recount import build_tree

pytestmark = pytest.mark.django_db

# Without shrinking: each example builds a tree and replays its history, and shrinking
# a failure would take longer than the suite allows; the failing history is printed.
QUICK = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LONG = settings(
    max_examples=int(os.environ.get("HISTORY_EXAMPLES", 200)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FIRST_DAY = date(2015, 1, 1)
SPAN = (date(2026, 1, 1) - FIRST_DAY).days  # every drawn day is in the past

days = st.integers(0, SPAN).map(lambda n: FIRST_DAY + timedelta(days=n))
picks = st.integers(0, 10_000)  # an index, taken modulo what there is to pick from
steps = st.one_of(
    st.tuples(st.just("admit"), picks, days),
    st.tuples(st.just("admit"), picks, days),
    st.tuples(st.just("transfer"), picks, picks, days),
    st.tuples(st.just("leave"), picks, days),
    st.tuples(st.just("move"), picks, picks, days),
    st.tuples(st.just("move_upper"), picks, picks, days),
    st.tuples(st.just("undo"), picks),
    st.tuples(st.just("dissolve"), picks, days),
    st.tuples(st.just("merge"), picks, picks, days),
    st.tuples(st.just("back_date"), picks, days),
)
histories = st.tuples(
    st.lists(steps, min_size=5, max_size=25), st.lists(days, min_size=2, max_size=3)
)


def play(step, provinces, uppers, grassroots) -> None:
    """Apply one step; a step the rules refuse writes nothing and the history goes on."""
    action, *args = step
    units = {
        "cdcs": [UnionUnit.objects.get(pk=u.pk) for u in grassroots],
        "upper": [UnionUnit.objects.get(pk=u.pk) for u in uppers],
        "province": [UnionUnit.objects.get(pk=u.pk) for u in provinces],
    }
    active = list(Membership.objects.filter(left_on=None).order_by("pk"))

    def one(items, index):
        return items[index % len(items)] if items else None

    try:
        with transaction.atomic():
            if action == "admit":
                pick, day = args
                members.admit_member(
                    unit=one(units["cdcs"], pick),
                    full_name=f"Phạm Thị Hoa {letters(pick)}",
                    birth_date=date(1980, 1, 1),
                    joined_on=day,
                )
            elif action == "transfer" and active:
                pick, to, day = args
                membership = one(active, pick)
                members.transfer_member(
                    member=membership.member,
                    to_unit=one(units["cdcs"], to),
                    transferred_on=max(day, membership.started_on),
                )
            elif action == "leave" and active:
                pick, day = args
                membership = one(active, pick)
                members.record_departure(
                    member=membership.member,
                    left_on=max(day, membership.started_on),
                    reason=LeaveReason.RETIRED,
                )
            elif action == "move":
                pick, to, day = args
                unions.move_many(
                    moves=[(one(units["cdcs"], pick), one(units["upper"], to))],
                    moved_on=day,
                    decision="Test/QĐ",
                )
            elif action == "move_upper":
                pick, to, day = args
                unions.move_many(
                    moves=[(one(units["upper"], pick), one(units["province"], to))],
                    moved_on=day,
                    decision="Test/QĐ",
                )
            elif action == "undo":
                moves = list(UnitMove.objects.order_by("-pk")[:1])
                if moves:
                    unions.undo_moves(moves=moves)
            elif action == "dissolve":
                pick, day = args
                unit = one(units["cdcs"], pick)
                unions.dissolve_unit(
                    unit=unit,
                    dissolved_on=max(day, unit.founded_on),
                    decision="Test/QĐ",
                )
            elif action == "merge":
                pick, into, day = args
                merged, target = one(units["cdcs"], pick), one(units["cdcs"], into)
                if merged.pk != target.pk:
                    reorganisation.merge_units(
                        units=[merged],
                        into=target,
                        merged_on=max(day, merged.founded_on, target.founded_on),
                        decision="Test/QĐ",
                    )
            elif action == "back_date" and active:
                pick, day = args
                membership = one(active, pick)
                Membership.objects.filter(pk=membership.pk).update(
                    started_on=min(day, membership.started_on)
                )
    except ValidationError:
        pass


def check(history) -> None:
    actions, sample = history
    note(f"steps: {actions}\ndates: {sample}")
    root, provinces, uppers, grassroots = build_tree()
    for step in actions:
        play(step, provinces, uppers, grassroots)
    assert dated_tally.differences(connection) == 0
    assert triggers.tally_differences(connection) == 0
    for day in [*sample, timezone.localdate()]:
        for unit in UnionUnit.objects.all():
            for structure in Structure:
                card, children = coverage_with_children(unit, day, structure=structure)
                where = (unit.code, day, structure)
                expected = recount(unit, day, structure)
                assert card.members == expected["members"], where
                assert card.cdcs == expected["cdcs"], where
                assert admissions_counted(card) == admissions_recounted(
                    unit, day, structure
                ), where
                if children:
                    assert card.members == sum(row.members for row in children), where
                    assert card.cdcs == sum(row.cdcs for row in children), where
        historical = coverage(root, day)
        current = coverage(root, day, structure=Structure.CURRENT)
        assert (historical.members, historical.cdcs) == (current.members, current.cdcs)


def run_rolled_back(history) -> None:
    with transaction.atomic():
        check(history)
        transaction.set_rollback(True)


@given(histories)
@QUICK
def test_member_figures_equal_a_recount_in_both_structures(history):
    run_rolled_back(history)


@pytest.mark.long
@given(histories)
@LONG
def test_hundreds_of_random_histories(history):
    run_rolled_back(history)
