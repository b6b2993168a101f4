"""The tally and the spells never disagree with counting the registry's rows directly.

Random histories go through every write path there is: the members services, bulk
inserts as the importer does them, raw queryset updates and deletes, unit moves and
dissolutions, employer, workforce and agreement changes. Then every unit's figures on
several dates are compared with a plain recount.
"""

import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from members import services as members
from members.models import LeaveReason, Member, Membership, StartReason
from tests.factories import (
    CollectiveAgreementFactory,
    EmployerFactory,
    UnionUnitFactory,
    letters,
)
from unions import services as unions
from unions.coverage import dated_tally, spells, triggers
from unions.coverage.figures import (
    Structure,
    coverage,
    coverage_with_children,
    due_for_renewal,
    largest_white_spots,
    members_by_month,
    renewals,
    white_spots,
)
from unions.coverage.renewal_list import RenewalList
from unions.coverage.white_spot_list import WhiteSpotList
from unions.models import Employer, UnionUnit

from .recount import (
    admissions_counted,
    admissions_recounted,
    as_counted,
    memberships_under,
    recount,
)

pytestmark = pytest.mark.django_db

Kind = UnionUnit.Kind
START = date(2015, 1, 1)


def random_day(rng, start=START, end=None):
    end = end or timezone.localdate() - timedelta(days=1)
    if start >= end:
        return start  # may be refused as a future date, like a user's typo
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def build_tree():
    root = UnionUnitFactory(
        code="TLD", kind=Kind.CONFEDERATION, founded_on=date(1929, 7, 28)
    )
    provinces = [
        UnionUnitFactory(
            parent=root, code=f"P{i}", kind=Kind.PROVINCIAL, founded_on=date(1950, 1, 1)
        )
        for i in range(2)
    ]
    uppers = [
        UnionUnitFactory(
            parent=provinces[i % 2],
            code=f"U{i}",
            kind=Kind.COMMUNE,
            founded_on=date(2000, 1, 1),
        )
        for i in range(4)
    ]
    grassroots = [
        UnionUnitFactory(
            parent=uppers[i % 4], code=f"G{i}", founded_on=date(2012 + i, 3, 1)
        )
        for i in range(8)
    ]
    return root, provinces, uppers, grassroots


def refresh(units):
    return [UnionUnit.objects.get(pk=unit.pk) for unit in units]


def membership_steps(rng, grassroots, steps):
    grassroots = refresh(grassroots)
    for step in range(steps):
        action = rng.choice(
            ["admit"] * 4
            + ["transfer"] * 2
            + ["leave"] * 2
            + ["readmit", "bulk", "raw"]
        )
        try:
            if action == "admit":
                members.admit_member(
                    unit=rng.choice(grassroots),
                    full_name=f"Trần Thị Mai {letters(step)}",
                    joined_on=random_day(rng),
                    birth_date=date(1990, 1, 1),
                )
            elif action == "transfer":
                current = _some_active(rng)
                if current:
                    members.transfer_member(
                        member=current.member,
                        to_unit=rng.choice(grassroots),
                        transferred_on=random_day(rng, current.started_on),
                    )
            elif action == "leave":
                current = _some_active(rng)
                if current:
                    members.record_departure(
                        member=current.member,
                        left_on=random_day(rng, current.started_on),
                        reason=rng.choice([LeaveReason.LEFT_JOB, LeaveReason.RETIRED]),
                    )
            elif action == "readmit":
                former = _pick(rng, Membership.objects.exclude(left_on=None))
                if former:
                    members.readmit_member(
                        member=former.member,
                        unit=rng.choice(grassroots),
                        readmitted_on=random_day(
                            rng, former.left_on + timedelta(days=100)
                        ),
                    )
            elif action == "bulk":
                _bulk_import(rng, grassroots, step)
            else:
                _raw_change(rng)
        except ValidationError:
            pass  # a refusal writes nothing; the history goes on


def _pick(rng, memberships):
    """One of ``memberships``, chosen by the seeded generator so a failure replays."""
    ids = list(memberships.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return None
    return Membership.objects.select_related("member").get(pk=rng.choice(ids))


def _some_active(rng):
    return _pick(rng, Membership.objects.filter(left_on=None))


def _bulk_import(rng, grassroots, step):
    """What the spreadsheet importer does: bulk-insert people and their memberships."""
    people = Member.objects.bulk_create(
        Member(full_name=f"Lê Văn Nhập {step} {i}", joined_union_on=date(2016, 1, 1))
        for i in range(rng.randint(2, 6))
    )
    Membership.objects.bulk_create(
        Membership(
            member=person,
            unit=rng.choice(grassroots),
            started_on=random_day(rng),
            start_reason=rng.choice([StartReason.ADMITTED, StartReason.TRANSFERRED]),
        )
        for person in people
    )


def _raw_change(rng):
    """Corrections made with queryset update()/delete(), bypassing every service."""
    membership = _pick(rng, Membership.objects.all())
    if membership is None:
        return
    if rng.random() < 0.3:
        Membership.objects.filter(pk=membership.pk).delete()
    elif membership.left_on is None:
        Membership.objects.filter(pk=membership.pk).update(
            started_on=random_day(rng, START, membership.started_on)
        )
    else:
        Membership.objects.filter(pk=membership.pk).update(
            left_on=random_day(rng, membership.started_on)
        )


def tree_steps(rng, provinces, uppers, grassroots):
    """Moves and a dissolution on random dates; the ones the rules refuse (a date
    before the unit's founding or a later move, a parent not yet founded) write
    nothing, and the history goes on."""
    uppers = refresh(uppers)
    for cdcs in rng.sample(refresh(grassroots), 3):
        parent = UnionUnit.objects.get_parent(cdcs)
        target = rng.choice([u for u in uppers if u.pk != parent.pk])
        _try(
            unions.move_unit,
            unit=cdcs,
            new_parent=target,
            moved_on=random_day(rng, max(cdcs.founded_on, target.founded_on)),
            decision="Test/QĐ",
        )
    upper = rng.choice(refresh(uppers))
    other = [p for p in refresh(provinces) if not upper.path.startswith(p.path)][0]
    _try(
        unions.move_unit,
        unit=upper,
        new_parent=other,
        moved_on=random_day(rng, upper.founded_on),
        decision="Test/QĐ",
    )
    ended = rng.choice(refresh(grassroots))
    unions.dissolve_unit(
        unit=ended,
        dissolved_on=random_day(rng, ended.founded_on),
        decision="Test/QĐ",
    )


def _try(service, **arguments):
    try:
        service(**arguments)
    except ValidationError:
        pass


def employer_steps(rng, uppers, grassroots):
    uppers, grassroots = refresh(uppers), refresh(grassroots)
    employers = [
        EmployerFactory(
            managing_unit=rng.choice(uppers),
            grassroots_union=rng.choice(grassroots + [None]),
            kind=rng.choice(list(Employer.Kind.values)),
            workers=rng.choice([2, 4, 5, 6, 40, 300]),
            # Known from its founding, else its first report, else its entry.
            founded_on=rng.choice([None, random_day(rng)]),
            workers_reported_on=rng.choice([None, random_day(rng)]),
        )
        for _ in range(12)
    ]
    for employer in rng.sample(employers, 8):
        unions.record_workforce(
            employer=employer,
            workers=rng.choice([3, 5, 90]),
            reported_on=random_day(rng),
        )
    for employer in rng.sample(employers, 8):
        effective = random_day(rng, date(2016, 1, 1))
        CollectiveAgreementFactory(
            employer=employer,
            signed_on=effective - timedelta(days=rng.choice([0, 0, 45])),
            effective_on=effective,
            expires_on=effective + timedelta(days=rng.choice([365, 730, 1095])),
        )
    for employer in rng.sample(employers, 3):
        employer.grassroots_union = rng.choice(grassroots + [None])
        employer.kind = rng.choice(list(Employer.Kind.values))
        employer.founded_on = rng.choice([None, employer.founded_on, random_day(rng)])
        employer.save()
    Employer.objects.filter(pk=rng.choice(employers).pk).update(workers=1)
    founded = rng.choice([unit for unit in grassroots if unit.dissolved_on is None])
    UnionUnit.objects.filter(pk=founded.pk).update(
        founded_on=random_day(rng, date(2010, 1, 1))
    )


def renewal_steps(rng, uppers, grassroots):
    """Enterprises whose agreement lapses and is renewed later: (employer, a day between)."""
    uppers, grassroots = refresh(uppers), refresh(grassroots)
    gaps = []
    for _ in range(6):
        employer = EmployerFactory(
            managing_unit=rng.choice(uppers),
            grassroots_union=rng.choice(grassroots),
            kind=rng.choice(Employer.ENTERPRISE_KINDS),
            workers=40,
        )
        effective = random_day(rng, date(2020, 1, 1), date(2021, 6, 1))
        lapsed_on = effective + timedelta(days=730)
        renewed_on = lapsed_on + timedelta(days=rng.choice([30, 120, 300]))
        CollectiveAgreementFactory(
            employer=employer,
            signed_on=effective,
            effective_on=effective,
            expires_on=lapsed_on,
        )
        CollectiveAgreementFactory(
            employer=employer,
            signed_on=renewed_on,
            effective_on=renewed_on + timedelta(days=rng.choice([0, 20])),
            expires_on=renewed_on + timedelta(days=1095),
        )
        between = lapsed_on + timedelta(
            days=rng.randrange((renewed_on - lapsed_on).days)
        )
        gaps.append((employer, between))
    return gaps


def assert_every_unit_agrees(rng, days=4, also=()):
    assert triggers.tally_differences(connection) == 0
    spells.refresh()  # the background job after the writes
    assert dated_tally.differences(connection) == 0
    sample = [random_day(rng, date(2014, 1, 1)) for _ in range(days)] + list(also)
    for unit in UnionUnit.objects.all():
        for day in sample:
            for structure in Structure:
                found = coverage(unit, day, structure=structure)
                where = (unit, day, structure)
                assert as_counted(found) == recount(unit, day, structure), where
                assert admissions_counted(found) == admissions_recounted(
                    unit, day, structure
                ), where
            assert_lists_agree(unit, day)


def assert_lists_agree(unit, day):
    """The dashboard's short lists (from spells) are the top of the full lists."""
    due = due_for_renewal(unit, day).values_list("employer_id", flat=True)
    assert set(due) == set(renewals(unit, day).values_list("pk", flat=True))
    assert coverage(unit, day).due_for_renewal == len(due)
    listed = RenewalList(unit, day)
    assert listed.count() == len(due)
    assert [(e.pk, e.workers_on, e.last_expires_on) for e in listed[:1000]] == [
        (e.pk, e.workers_on, e.last_expires_on) for e in renewals(unit, day)
    ]
    top = [workers for _, workers in largest_white_spots(unit, day, 5)]
    assert top == [e.workers_on for e in white_spots(unit, day)[:5]]
    for filters in ({}, {"kind": Employer.Kind.NON_STATE}):
        listed = WhiteSpotList(unit, day, **filters)
        expected = white_spots(unit, day).filter(**filters)
        assert [(e.pk, e.workers_on) for e in listed[:1000]] == [
            (e.pk, e.workers_on) for e in expected
        ]
        assert listed.count() == expected.count()
        # The Excel download reads the whole list the same way.
        assert [(e.pk, e.workers_on, e.managing_unit_name_on) for e in listed] == [
            (e.pk, e.workers_on, e.managing_unit_name_on) for e in expected
        ]


@pytest.mark.parametrize("seed", [1, 2])
def test_membership_writes_of_every_kind_keep_the_tally_exact(seed):
    rng = random.Random(seed)
    root, provinces, uppers, grassroots = build_tree()

    membership_steps(rng, grassroots, 80)

    assert_every_unit_agrees(rng)


@pytest.mark.parametrize("seed", [4, 5])
def test_moving_and_dissolving_units_keeps_every_figure_exact(seed):
    rng = random.Random(seed)
    root, provinces, uppers, grassroots = build_tree()
    membership_steps(rng, grassroots, 50)
    employer_steps(rng, uppers, grassroots)
    coverage(root)  # spells computed before the tree changes

    tree_steps(rng, provinces, uppers, grassroots)
    membership_steps(rng, grassroots, 20)

    assert_every_unit_agrees(rng)


@pytest.mark.parametrize("seed", [6, 7])
def test_employer_workforce_and_agreement_changes_keep_the_spells_exact(seed):
    rng = random.Random(seed)
    root, provinces, uppers, grassroots = build_tree()
    employer_steps(rng, uppers, grassroots)
    spells.refresh()

    employer_steps(rng, uppers, grassroots)

    assert_every_unit_agrees(rng)


@pytest.mark.parametrize("seed", [10, 11])
def test_an_agreement_renewed_after_it_lapsed_is_due_on_the_days_between(seed):
    rng = random.Random(seed)
    root, provinces, uppers, grassroots = build_tree()
    employer_steps(rng, uppers, grassroots)
    spells.refresh()  # spells computed before the renewals are recorded

    gaps = renewal_steps(rng, uppers, grassroots)

    assert_every_unit_agrees(rng, also=[day for _, day in gaps])
    for employer, day in gaps:
        assert employer.pk in set(renewals(root, day).values_list("pk", flat=True))


def test_children_computed_together_equal_children_computed_alone():
    rng = random.Random(8)
    root, provinces, uppers, grassroots = build_tree()
    membership_steps(rng, grassroots, 60)
    employer_steps(rng, uppers, grassroots)
    day = random_day(rng, date(2022, 1, 1))

    for unit in refresh([root, *provinces, *uppers]):
        for structure in Structure:
            total, children = coverage_with_children(unit, day, structure=structure)
            for child in children:
                alone = coverage(child.unit, day, structure=structure)
                assert as_counted(child) == as_counted(alone)
            assert total.members == sum(child.members for child in children)


def test_members_by_month_equals_a_count_at_each_month_end():
    rng = random.Random(9)
    root, provinces, uppers, grassroots = build_tree()
    membership_steps(rng, grassroots, 60)
    day = date(2024, 3, 20)

    tree_steps(rng, provinces, uppers, grassroots)

    for unit in refresh([root, *provinces, *uppers, grassroots[0]]):
        for structure in Structure:
            by_month = members_by_month(unit, day, months=24, structure=structure)
            for point, count, _ in by_month:
                assert count == memberships_under(unit, point, structure).count()
