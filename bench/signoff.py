"""Benchmark: what the signed-off-period rule costs a writer, on PostgreSQL.

    python bench/signoff.py --help
    python bench/signoff.py --database-url postgres://postgres@127.0.0.1:5432/sdv_bench_signoff

Builds a database of its own (migrated afresh each run): one province with --districts
upper-level units of --cdcs CĐCS each, every district's quarters and months of 2024
and 2025 signed off (--districts × 16 sign-offs). Then it times, alternately:

- one admission dated after every sign-off (``admit_member``, the rule asked once), and
  the baseline in the same run: the same admission with the rule switched off;
- the rule alone for an import: ``OpenPeriods`` loaded for every CĐCS and asked for
  --rows (CĐCS, date) pairs dated over 2024–2026 (most inside a sign-off, refused
  with their message), then the same pairs two years later (none refused), and the
  baseline: the same loop over the pairs asking nothing.

It prints p50 for each, the baseline and the ratio.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/import_export.py would shadow the django-import-export package.
sys.path[0:1] = [str(ROOT)]

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sdv_bench_signoff"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--districts", type=int, default=20)
    parser.add_argument("--cdcs", type=int, default=50, help="CĐCS per district")
    parser.add_argument("--admissions", type=int, default=200)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
    import django

    django.setup()


def fresh_database(database_url):
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def build(args):
    from django.core.management import call_command

    from registry.models import User
    from registry.roles import Role
    from unions import services
    from unions.models import SignedPeriod, UnionUnit
    from unions.periods import PeriodKind, period

    call_command("migrate", verbosity=0)
    kind = UnionUnit.Kind
    province = services.create_unit(
        code="LDLD-B", name="LĐLĐ tỉnh Bench", kind=kind.PROVINCIAL,
        founded_on=date(1950, 1, 1),
    )  # fmt: skip
    officer = User.objects.create(username="bench", role=Role.PROVINCIAL, unit=province)
    grassroots = []
    signed = []
    for d in range(args.districts):
        district = services.create_unit(
            code=f"CD-{d}", name=f"Công đoàn khu {d}", kind=kind.INDUSTRIAL_ZONE,
            founded_on=date(2000, 1, 1), parent=province,
        )  # fmt: skip
        grassroots += services.create_units(
            parent=district,
            units=[
                UnionUnit(code=f"CDCS-{d}-{c}", name=f"Công đoàn cơ sở {d} {c}",
                          kind=kind.GRASSROOTS, founded_on=date(2005, 1, 1))
                for c in range(args.cdcs)
            ],
        )  # fmt: skip
        for year in (2024, 2025):
            periods = [period(PeriodKind.QUARTER, year, n) for n in range(1, 5)]
            periods += [period(PeriodKind.MONTH, year, n) for n in range(1, 5)]
            signed += [
                SignedPeriod(unit=district, kind=p.kind, starts_on=p.starts_on,
                             ends_on=p.ends_on, signed_by=officer, workbook=b"")
                for p in periods
            ]  # fmt: skip
    SignedPeriod.objects.bulk_create(signed)
    return grassroots


def time_admissions(args, grassroots):
    from django.db import transaction

    import members.services
    from members.services import admit_member

    rule = members.services.check_open
    timings = {"with the rule": [], "baseline (rule off)": []}
    rng = random.Random(args.seed)
    for n in range(args.admissions * 2):
        label = "with the rule" if n % 2 == 0 else "baseline (rule off)"
        members.services.check_open = rule if n % 2 == 0 else (lambda units, day: None)
        unit = rng.choice(grassroots)
        given = "".join(rng.choice("abcdeghiklmnopqrstuvxy") for _ in range(6))
        start = time.perf_counter()
        with transaction.atomic():
            admit_member(
                unit=unit, full_name=f"Nguyễn Văn {given.capitalize()}",
                birth_date=date(1990, 1, 1), joined_on=date(2026, 1, 5),
            )  # fmt: skip
        timings[label].append(time.perf_counter() - start)
    members.services.check_open = rule
    return {label: statistics.median(values) for label, values in timings.items()}


def time_import_rule(args, grassroots):
    from unions.signoff import OpenPeriods

    rng = random.Random(args.seed)
    first = date(2024, 1, 1)
    pairs = [
        (rng.choice(grassroots).pk, first + timedelta(days=rng.randrange(900)))
        for _ in range(args.rows)
    ]
    later = [(unit, day + timedelta(days=731)) for unit, day in pairs]
    ids = [unit.pk for unit in grassroots]
    timings = {}
    for label, rows in (("inside", pairs), ("after", later)):
        start = time.perf_counter()
        signed = OpenPeriods(ids)
        refused = sum(signed.refusal(unit, day) is not None for unit, day in rows)
        timings[label] = (time.perf_counter() - start, refused)
    start = time.perf_counter()
    sum(unit is None or day is None for unit, day in pairs)
    timings["baseline"] = (time.perf_counter() - start, 0)
    return timings


def main():
    args = parse_args()
    fresh_database(args.database_url)
    setup_django(args.database_url)
    grassroots = build(args)
    print(
        f"{args.districts} districts × {args.cdcs} CĐCS, "
        f"{args.districts * 16} sign-offs, PostgreSQL"
    )
    admissions = time_admissions(args, grassroots)
    rule, baseline = admissions["with the rule"], admissions["baseline (rule off)"]
    print(
        f"admit_member p50: {rule * 1000:.2f} ms with the rule, "
        f"{baseline * 1000:.2f} ms baseline (rule off), ratio {rule / baseline:.2f}×"
    )
    timings = time_import_rule(args, grassroots)
    loop = timings["baseline"][0]
    print(
        f"baseline: a loop over {args.rows:,} rows asking nothing, {loop * 1000:.0f} ms"
    )
    for label, (spent, refused) in timings.items():
        if label != "baseline":
            print(
                f"import rule, {args.rows:,} rows dated {label} the sign-offs "
                f"({refused:,} refused): {spent * 1000:.0f} ms, ratio {spent / loop:.0f}×"
            )


if __name__ == "__main__":
    main()
