"""Property: over random employer histories, every employer figure is counted once.

Employers founded or not, with workforce reports, agreements signed and expired, a
CĐCS founded and dissolved, units moved and merged (the merged unit's employers
re-pointed from that day): on random days, the dashboard's card equals
the report's total row, a plain recount of the registry's rows, and the sum of its
rows (children and what the unit holds itself), for every unit, on the tree of each
date and restated in today's, and both structures agree at the top. ``-m long`` runs
many more examples.
"""

import itertools
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.factories import (
    CollectiveAgreementFactory,
    EmployerFactory,
    UnionUnitFactory,
)
from unions import reorganisation, services
from unions.coverage import spells
from unions.coverage.figures import Structure, coverage_with_children
from unions.coverage.report import period_report
from unions.models import Employer, UnionUnit

from .factories import WorkforceReportFactory
from .recount import recount

pytestmark = pytest.mark.django_db

Kind = UnionUnit.Kind
START, END = date(2018, 1, 1), date(2025, 12, 31)
EMPLOYER_KEYS = [
    "workers",
    "employers_eligible",
    "employers_with_union",
    "enterprises_with_union",
    "enterprises_with_cba",
]
REPORT_KEYS = EMPLOYER_KEYS[1:]

days = st.integers(0, (END - START).days).map(lambda n: START + timedelta(days=n))
employer = st.fixed_dictionaries(
    {
        "managing": st.integers(0, 2),  # the province or one of two upper units
        "union": st.none() | st.integers(0, 3),
        "kind": st.sampled_from(list(Employer.Kind.values)),
        "workers": st.sampled_from([3, 5, 40, 300]),
        "founded_on": st.none() | days,
        "reports": st.lists(st.tuples(days, st.sampled_from([2, 6, 90])), max_size=2),
        "agreement": st.none() | st.tuples(days, st.sampled_from([365, 1095])),
    }
)
history = st.fixed_dictionaries(
    {
        "employers": st.lists(employer, min_size=1, max_size=6),
        "cdcs": st.lists(
            st.tuples(days, st.none() | st.integers(30, 2000)), min_size=4, max_size=4
        ),
        "move": st.none() | st.tuples(st.integers(0, 3), days),
        # The first upper unit merged into the second, some days after the last CĐCS
        # was founded: its CĐCS move, its employers are re-pointed from that day.
        "merge": st.none() | st.integers(1, 300),
        "days": st.lists(days, min_size=1, max_size=2),
    }
)


def build(example):
    province = UnionUnitFactory(
        code="P", kind=Kind.PROVINCIAL, founded_on=date(1950, 1, 1)
    )
    uppers = [
        UnionUnitFactory(
            parent=province, code=f"U{i}", kind=Kind.COMMUNE, founded_on=START
        )
        for i in range(2)
    ]
    grassroots = []
    for i, (founded_on, lasted) in enumerate(example["cdcs"]):
        grassroots.append(
            UnionUnitFactory(
                parent=uppers[i % 2],
                code=f"G{i}",
                founded_on=founded_on,
                dissolved_on=founded_on + timedelta(days=lasted) if lasted else None,
            )
        )
    managers = [province, *uppers]
    for spec in example["employers"]:
        made = EmployerFactory(
            managing_unit=managers[spec["managing"]],
            grassroots_union=(
                None if spec["union"] is None else grassroots[spec["union"]]
            ),
            kind=spec["kind"],
            workers=spec["workers"],
            founded_on=spec["founded_on"],
            workers_reported_on=None,
        )
        for reported_on, workers in dict(spec["reports"]).items():
            WorkforceReportFactory(
                employer=made, reported_on=reported_on, workers=workers
            )
        if spec["agreement"]:
            signed_on, length = spec["agreement"]
            CollectiveAgreementFactory(
                employer=made,
                signed_on=signed_on,
                effective_on=signed_on,
                expires_on=signed_on + timedelta(days=length),
            )
    spells.refresh()  # what the request that recorded them does
    if example["move"]:
        which, moved_on = example["move"]
        unit = UnionUnit.objects.get(pk=grassroots[which].pk)
        other = uppers[1 - which % 2]
        try:
            services.move_unit(
                decision="Test/QĐ", unit=unit, new_parent=other, moved_on=moved_on
            )
        except ValidationError:
            pass  # refused (e.g. before the unit existed): nothing changed
    if example["merge"]:
        try:
            reorganisation.merge_units(
                units=[UnionUnit.objects.get(pk=uppers[0].pk)],
                into=UnionUnit.objects.get(pk=uppers[1].pk),
                merged_on=max(f for f, _ in example["cdcs"])
                + timedelta(days=example["merge"]),
                decision="1/QĐ",
            )
            event("merge applied")
        except ValidationError:
            event("merge refused")  # e.g. dated before the move above: no change
    spells.refresh()  # what the moving request does (the moved paths queued employers)
    return province


def check(example):
    root = build(example)
    for day, structure in itertools.product(example["days"], Structure):
        for unit in UnionUnit.objects.filter(path__startswith=root.path):
            card, rows = coverage_with_children(unit, day, structure=structure)
            counted = recount(unit, day, structure)
            for key in EMPLOYER_KEYS:
                assert getattr(card, key) == counted[key], (unit, day, structure, key)
                if rows:
                    assert getattr(card, key) == sum(getattr(r, key) for r in rows)
            report = period_report(
                unit, day.replace(month=1, day=1), day, structure=structure
            )
            for key in REPORT_KEYS:
                assert getattr(report.total, key) == getattr(card, key)
                assert getattr(report.total, key) == sum(
                    getattr(row, key) for row in report.rows
                )
        # Both structures count the same employers at the top.
        top = [
            coverage_with_children(root, day, children=False, structure=structure)[0]
            for structure in Structure
        ]
        for key in EMPLOYER_KEYS:
            assert getattr(top[0], key) == getattr(top[1], key), (day, key)


def run(example):
    with transaction.atomic():
        check(example)
        transaction.set_rollback(True)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history)
def test_every_employer_figure_is_counted_once(example):
    run(example)


@pytest.mark.long
@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history)
def test_every_employer_figure_is_counted_once_long(example):
    run(example)
