"""Benchmark: the coverage dashboard at national scale on PostgreSQL.

    python bench/dashboard.py --help
    python bench/dashboard.py                       # build the data once, then measure
    python bench/dashboard.py --requests 100 --rebuild-data

Builds (once; kept between runs) 20,000 units, 100,000 employers and 1,000,000
memberships in a PostgreSQL database of its own (default sdv_coverage_bench), then
measures the root dashboard's server time (the whole view, through the test client) for
random dates, and the obvious baseline in the same run: the same page with every figure
counted straight from the registry's tables (memberships active on the day, worker
counts looked up per employer) instead of from the tally and the spells.
It also times the white-spot list and renewals list pages (and, in the same run, each
page as it was: the definition paged with COUNT(*)), the periodic report and full
rebuilds of the tallies.

The data lives through a 2025 reorganisation: on 01/07/2025 every CĐCS under a
district federation moves under a commune union of the same province (one move_many,
timed). The dashboard of a reorganised province and of the root is then timed for
31/03/2024, 02/07/2025 (the day after the move) and today, in both structures (on the
tree of the date, the default, and restated in today's), each case with its baseline in
the same run: the same page with every member and employer figure recounted from the
registry's tables in that structure, as tests/coverage/recount.py does (a recount takes
minutes a page at this size: for 31/03/2024 only). The script
prints the machine, the load average at the start and the end, and whether every case
met issue 10's target (150 ms p95).

Two-factor sign-in is turned off for the run (TWO_FACTOR_REQUIRED=false, set by the
script): the pages are timed, not the sign-in.
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
# The project root, not bench/, comes first: bench/import_export.py would otherwise
# stand in for the django-import-export package.
sys.path[0] = str(ROOT)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sdv_coverage_bench"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--employers", type=int, default=100_000)
    parser.add_argument("--memberships", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=60, help="timed requests")
    parser.add_argument(
        "--baseline-requests", type=int, default=3, help="recounts of a province page"
    )
    parser.add_argument(
        "--root-baseline-requests",
        type=int,
        default=1,
        help="recounts of a root page (minutes each; 0: none)",
    )
    parser.add_argument("--rebuild-data", action="store_true")
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="build the data if missing and stop (no lock needed; measure later)",
    )
    parser.add_argument(
        "--list-before-requests",
        type=int,
        default=10,
        help="requests of the white-spot and renewal lists as they were (0: none)",
    )
    parser.add_argument(
        "--skip-rebuilds",
        action="store_true",
        help="leave out the timed full rebuilds of the tallies (and the VACUUM FULL)",
    )
    parser.add_argument("--seed", type=int, default=2024)
    return parser.parse_args()


REORGANISED_ON = date(2025, 7, 1)
TARGET_P95_MS = (
    150  # issue 10: the dashboard at 1,000,000 members, any date, either structure
)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    memory = next(
        line.split(":", 1)[1].strip()
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return f"{os.cpu_count()} × {cpu}, {memory} RAM"


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    # The pages are timed, not the sign-in: a system administrator without a second
    # factor, whatever the environment or a .env file says.
    os.environ["TWO_FACTOR_REQUIRED"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    import django

    django.setup()


def ensure_database(database_url):
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


# --- Data --------------------------------------------------------------------------


class Loader:
    """COPY rows of a model, filling every field the generator leaves out with its default."""

    def __init__(self, model):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.defaults = {f.attname: f.get_default() for f in self.fields}

    def copy(self, rows, with_id=False):
        from django.db import connection

        columns = (["id"] if with_id else []) + [f.column for f in self.fields]
        names = (["id"] if with_id else []) + [f.attname for f in self.fields]
        sql = f"COPY {self.model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cursor:
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row([row.get(n, self.defaults.get(n)) for n in names])


def build_data(args):
    from django.db import connection

    from members.models import Member, Membership
    from registry.text import fold
    from tests.factories import valid_tax_code
    from unions.coverage import dated_tally, triggers
    from unions.models import (
        CollectiveAgreement,
        Employer,
        IndustrialZone,
        UnionUnit,
        WorkforceReport,
    )

    rng = random.Random(args.seed)
    today = date.today()
    clock = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE members_membership, members_member, unions_collectiveagreement,"
            " unions_workforcereport, unions_employer, unions_target,"
            " unions_industrialzone, unions_membertally, unions_employerspell,"
            " unions_employertally, unions_employertallybasis,"
            " unions_unitemployertally, unions_employerlink,"
            " unions_staleemployer, unions_unionunit, registry_user,"
            " unions_unitancestry, unions_unitmembertally, unions_unitmove CASCADE"
        )

    # Units: confederation → 44 provinces/central sectors → level 3 → CĐCS.
    level2_count = 44
    level3_count = max(1, args.units // 20)
    grassroots_count = args.units - 1 - level2_count - level3_count
    units = []
    next_id = 1

    def unit(parent, kind, code, name, founded):
        nonlocal next_id
        step = (parent["numchild"] + 1) if parent else len(units) + 1
        path = UnionUnit._get_path(parent["path"] if parent else None, 1, step)
        if parent:
            parent["numchild"] += 1
            path = parent["path"] + path
        row = {
            "id": next_id,
            "path": path,
            "depth": len(path) // UnionUnit.steplen,
            "numchild": 0,
            "code": code,
            "name": name,
            "search_name": fold(f"{code} {name}"),
            "kind": kind,
            "founded_on": founded,
            "dissolved_on": None,
            "decision": "",
        }
        next_id += 1
        units.append(row)
        return row

    root = unit(
        None,
        "confederation",
        "TLD",
        "Tổng Liên đoàn Lao động Việt Nam",
        date(1929, 7, 28),
    )
    level2 = [
        unit(
            root,
            "provincial" if i < 34 else "central_sector",
            f"L2-{i:02}",
            f"Liên đoàn Lao động số {i}",
            date(1950, 1, 1),
        )
        for i in range(level2_count)
    ]
    level3 = [
        unit(
            rng.choice(level2),
            rng.choice(["commune", "industrial_zone", "district"]),
            f"L3-{i:04}",
            f"Công đoàn cấp trên số {i}",
            date(1990 + rng.randrange(30), 1, 1),
        )
        for i in range(level3_count)
    ]
    grassroots = []
    for i in range(grassroots_count):
        parent = rng.choice(level3) if rng.random() < 0.95 else rng.choice(level2)
        founded = date(1995, 1, 1) + timedelta(days=rng.randrange(365 * 31))
        row = unit(
            parent,
            "grassroots",
            f"CDCS-{i:05}",
            f"Công đoàn cơ sở số {i}",
            min(founded, today),
        )
        if rng.random() < 0.05:
            row["dissolved_on"] = min(
                today, founded + timedelta(days=rng.randrange(365, 365 * 15))
            )
        row["parent"] = parent
        grassroots.append(row)
    Loader(UnionUnit).copy(units, with_id=True)

    zones = [
        {
            "id": i + 1,
            "code": f"KCN-{i:03}",
            "name": f"Khu công nghiệp {i}",
            "search_name": f"khu cong nghiep {i}",
        }
        for i in range(200)
    ]
    Loader(IndustrialZone).copy(zones, with_id=True)

    # Employers: about two per CĐCS with a union, the rest without one.
    kinds = (
        ["non_state"] * 60
        + ["fdi"] * 10
        + ["state"] * 5
        + ["cooperative"] * 10
        + ["household"] * 5
        + ["administrative", "public_funded", "armed_forces", "public_service", "other"]
        * 2
    )
    employers, reports, agreements = [], [], []
    linked_per_cdcs = max(1, int(args.employers * 0.36 / max(1, len(grassroots))))
    tax = 0
    for cdcs in grassroots:
        for _ in range(rng.randint(1, 2 * linked_per_cdcs - 1)):
            if len(employers) >= args.employers:
                break
            employers.append(
                {
                    "grassroots_union_id": cdcs["id"],
                    "managing_unit_id": cdcs["parent"]["id"],
                    "founded": cdcs["founded_on"],
                }
            )
    while len(employers) < args.employers:
        employers.append(
            {
                "grassroots_union_id": None,
                "managing_unit_id": rng.choice(level3)["id"],
                "founded": None,
            }
        )
    for i, employer in enumerate(employers, start=1):
        tax += 1
        employer.update(
            id=i,
            tax_code=valid_tax_code(tax),
            name=f"Công ty số {i}",
            search_name=f"cong ty so {i}",
            kind=rng.choice(kinds),
            industrial_zone_id=rng.choice(zones)["id"] if rng.random() < 0.3 else None,
            workers=max(1, int(rng.lognormvariate(3.3, 1.3))),
            workers_reported_on=date(2018, 1, 1),
        )
        history = sorted(rng.sample(range(0, 365 * 8), rng.choice([0, 0, 1, 2, 3])))
        for offset in history:
            day = min(today, date(2018, 1, 1) + timedelta(days=offset))
            workers = max(1, int(employer["workers"] * rng.uniform(0.6, 1.4)))
            reports.append({"employer_id": i, "reported_on": day, "workers": workers})
            employer["workers"], employer["workers_reported_on"] = workers, day
        if (
            employer["grassroots_union_id"]
            and employer["kind"] in ("state", "non_state", "fdi")
            and rng.random() < 0.75
        ):
            start = max(employer["founded"], date(2008, 1, 1)) + timedelta(
                days=rng.randrange(900)
            )
            while start < today - timedelta(days=200):
                years = rng.choice([2, 3])
                expires = date(start.year + years, start.month, min(start.day, 28))
                agreements.append(
                    {
                        "employer_id": i,
                        "signed_on": start,
                        "effective_on": start,
                        "expires_on": expires,
                    }
                )
                start = expires + timedelta(days=rng.choice([0, 0, 30, 200]))
    for employer in employers:
        del employer["founded"]
    Loader(Employer).copy(employers, with_id=True)
    Loader(WorkforceReport).copy(reports)
    Loader(CollectiveAgreement).copy(agreements)
    print(
        f"  units {len(units):,}, employers {len(employers):,}, reports {len(reports):,}, agreements {len(agreements):,}"
    )

    # Members and memberships; some people transfer to a second CĐCS.
    members, memberships = [], []
    alive = list(grassroots)
    end = today - timedelta(days=1)
    member_id = 0
    reasons = (
        ["left_job"] * 6
        + ["retired"] * 2
        + ["voluntary", "removed", "deceased", "expelled"]
    )
    while len(memberships) < args.memberships:
        member_id += 1
        cdcs = rng.choice(alive)
        first = max(cdcs["founded_on"], date(2000, 1, 1))
        last = cdcs["dissolved_on"] or end
        if first >= last:
            continue
        started = first + timedelta(days=rng.randrange((last - first).days))
        members.append(
            {
                "id": member_id,
                "full_name": f"Nguyễn Văn Số {member_id}",
                "family_name": "Nguyễn",
                "middle_name": "Văn",
                "given_name": f"Số {member_id}",
                "search_name": f"nguyen van so {member_id}",
                "sort_key": f"{member_id:010d}",
                "joined_union_on": started,
                "gender": "M",
            }
        )
        reason = "admitted"
        while True:
            row = {
                "member_id": member_id,
                "unit_id": cdcs["id"],
                "started_on": started,
                "start_reason": reason,
                "left_on": None,
                "leave_reason": "",
            }
            memberships.append(row)
            if cdcs["dissolved_on"]:
                row["left_on"], row["leave_reason"] = (
                    cdcs["dissolved_on"],
                    "restructured",
                )
            if rng.random() < 0.25:
                left = started + timedelta(
                    days=rng.randrange(max(1, (last - started).days))
                )
                if row["left_on"] is None or left < row["left_on"]:
                    row["left_on"] = left
                    row["leave_reason"] = (
                        "transfer" if rng.random() < 0.35 else rng.choice(reasons)
                    )
            if (
                row["leave_reason"] != "transfer"
                or len(memberships) >= args.memberships
            ):
                if row["leave_reason"] == "transfer":
                    row["leave_reason"] = "left_job"
                break
            target = rng.choice(alive)
            if not (
                target["founded_on"] <= row["left_on"]
                and (
                    target["dissolved_on"] is None
                    or target["dissolved_on"] > row["left_on"]
                )
            ):
                row["leave_reason"] = "left_job"
                break
            cdcs, started, reason = target, row["left_on"], "transferred"
            last = cdcs["dissolved_on"] or end
    Loader(Member).copy(members, with_id=True)
    chunk = 100_000
    for i in range(0, len(memberships), chunk):
        Loader(Membership).copy(memberships[i : i + chunk])
    with connection.cursor() as cursor:
        for table in ("unions_unionunit", "members_member", "unions_employer"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute("ANALYZE")
    print(f"  members {len(members):,}, memberships {len(memberships):,}")
    reorganise(rng)
    print(
        f"  built in {time.perf_counter() - clock:.1f} s;"
        f" tally differences: {triggers.tally_differences()},"
        f" dated tally differences: {dated_tally.differences()}"
    )


def reorganise(rng):
    """Every CĐCS under a district federation moves under a commune union of its
    province on REORGANISED_ON, in one move_many (one transaction)."""
    from django.db import connection
    from django.db.models import Q

    from members.models import Membership
    from unions import services
    from unions.models import UnionUnit

    step = UnionUnit.steplen
    communes = {}
    for commune in UnionUnit.objects.filter(
        kind="commune", founded_on__lte=REORGANISED_ON
    ):
        communes.setdefault(commune.path[: 2 * step], []).append(commune)
    districts = set(
        UnionUnit.objects.filter(kind="district").values_list("path", flat=True)
    )
    moving = [
        cdcs
        for cdcs in UnionUnit.objects.filter(
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=REORGANISED_ON),
            kind="grassroots",
            depth=4,
            founded_on__lt=REORGANISED_ON,
        )
        if cdcs.path[: 3 * step] in districts
    ]
    moves = [
        (cdcs, rng.choice(communes[cdcs.path[: 2 * step]]))
        for cdcs in moving
        if cdcs.path[: 2 * step] in communes
    ]
    members = Membership.objects.filter(unit__in=[cdcs for cdcs, _ in moves]).count()
    started = time.perf_counter()
    services.move_many(moves=moves, moved_on=REORGANISED_ON, decision="Bench/QĐ")
    print(
        f"  reorganisation: {len(moves):,} CĐCS with {members:,} memberships moved"
        f" under commune unions in {time.perf_counter() - started:.1f} s"
        " (one move_many)"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def data_present(args):
    from members.models import Membership
    from unions.models import Employer, UnionUnit, UnitMove

    return (
        UnionUnit.objects.count() == args.units
        and Employer.objects.count() == args.employers
        and Membership.objects.count() == args.memberships
        and UnitMove.objects.exists()
    )


# --- Measuring ---------------------------------------------------------------------


def timed(function, repeat):
    samples = []
    for i in range(repeat):
        started = time.perf_counter()
        function(i)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def percentile(samples, share):
    samples = sorted(samples)
    return samples[min(len(samples) - 1, int(round(share * (len(samples) - 1))))]


def summary(samples):
    samples = sorted(samples)
    p95 = percentile(samples, 0.95)
    return f"p50 {statistics.median(samples):7.1f} ms   p95 {p95:7.1f} ms   max {samples[-1]:7.1f} ms   (n={len(samples)})"


def measure(args):
    from unittest import mock

    from django.test import Client
    from django.urls import reverse

    from registry.models import User
    from registry.roles import Role
    from unions import views_dashboard
    from unions.coverage import (
        dated_tally,
        employer_tally,
        figures,
        report,
        spells,
        triggers,
    )
    from unions.models import UnionUnit

    load_at_start = load()
    rng = random.Random(args.seed + 1)
    root = UnionUnit.objects.get_root_nodes().first()
    user, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"role": Role.SYSTEM_ADMIN}
    )
    client = Client()
    client.force_login(user)
    today = date.today()
    days = [
        date(2000, 1, 1)
        + timedelta(days=rng.randrange((today - date(2000, 1, 1)).days))
        for _ in range(args.requests)
    ]
    url = reverse("unions:dashboard")

    def dashboard(i):
        response = client.get(
            url, {"unit": root.code, "as_of": days[i].strftime("%d/%m/%Y")}
        )
        assert response.status_code == 200, response.status_code

    started = time.perf_counter()
    refreshed = spells.refresh()
    if refreshed:
        print(
            f"spells of {refreshed:,} queued employers computed in"
            f" {time.perf_counter() - started:.1f} s (once, after loading)"
        )
    vacuum()
    dashboard(0)  # warm up
    ours = timed(dashboard, args.requests)

    with recounted():
        baseline = timed(dashboard, args.root_baseline_requests)  # may be none

    structures = structure_timings(args, client, url, root, today)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(
        f"machine: {machine()}; PostgreSQL {version}; load at the start {load_at_start}"
    )
    print(f"PostgreSQL, {UnionUnit.objects.count():,} units, root {root.code}")
    print(f"dashboard (root, random dates)      {summary(ours)}")
    if baseline:
        ratio = statistics.median(baseline) / statistics.median(ours)
        print(f"baseline: every figure recounted    {summary(baseline)}")
        print(f"ratio (baseline p50 / ours p50)      {ratio:.1f}x")
    print(
        f"dashboard by case ({len(structures[0][1])} requests; baseline"
        f" {args.baseline_requests} a province page, {args.root_baseline_requests}"
        " a root page):"
    )
    worst = 0.0
    for name, samples, recounts in structures:
        p95 = percentile(samples, 0.95)
        worst = max(worst, p95)
        print(f"  {name:<40}{summary(samples)}")
        if recounts:
            ratio = statistics.median(recounts) / statistics.median(samples)
            print(
                f"  {'  baseline: recounted':<40}{summary(recounts)}"
                f"   ratio {ratio:.0f}x"
            )
    verdict = "met" if worst <= TARGET_P95_MS else "NOT met"
    print(
        f"target, every case <= {TARGET_P95_MS} ms p95: {verdict}"
        f" (worst p95 {worst:.1f} ms)"
    )

    def white_spot_page(**params):
        def request(i):
            response = client.get(
                reverse("unions:dashboard_white_spots"),
                {"unit": root.code, "as_of": days[i].strftime("%d/%m/%Y"), **params},
            )
            assert response.status_code == 200

        return request

    def the_definition(unit, day, structure, **filters):
        """The page as it was: the definition paged, counted with COUNT(*)."""
        return figures.white_spots(unit, day, structure).filter(**filters)

    white_spots = white_spot_page()
    white_spots(0)  # warm up
    white_spot_pages = [
        ("white-spot list page (root)", timed(white_spots, 20)),
        (
            "  filtered by type (non-state)",
            timed(white_spot_page(kind="non_state"), 20),
        ),
        ("  page 20", timed(white_spot_page(page=20), 20)),
    ]
    before = args.list_before_requests
    with mock.patch.object(views_dashboard, "WhiteSpotList", the_definition):
        white_spot_pages.append(
            ("  before: the definition, paged", timed(white_spots, before))
        )

    def renewal_page(i):
        response = client.get(
            reverse("unions:dashboard_renewals"),
            {"unit": root.code, "as_of": days[i].strftime("%d/%m/%Y")},
        )
        assert response.status_code == 200

    renewal_page(0)  # warm up
    renewal_pages = [("renewals list page (root)", timed(renewal_page, 20))]
    # The page as it was: the definition paged, counted with COUNT(*).
    with mock.patch.object(views_dashboard, "RenewalList", figures.renewals):
        renewal_pages.append(
            ("  before: the definition, paged", timed(renewal_page, before))
        )

    def year_report(i):
        year = days[i].year
        report.period_report(root, date(year, 1, 1), min(date(year, 12, 31), today))

    for pages in (white_spot_pages, renewal_pages):  # ours first, "before" last
        for name, samples in pages:
            if samples:
                print(f"{name:<37}{summary(samples)}")
        old_page, new_page = pages[-1][1], pages[0][1]
        if not old_page:
            continue
        print(
            "  ratio (before p50 / ours p50)      "
            f" {statistics.median(old_page) / statistics.median(new_page):.1f}x"
        )
    print(f"periodic report, one year (root)     {summary(timed(year_report, 3))}")
    print(f"load average at the end: {load()}")
    if args.skip_rebuilds:
        return
    started = time.perf_counter()
    triggers.rebuild_tally()
    print(f"full tally rebuild                   {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    dated_tally.rebuild()
    print(f"full dated tally rebuild             {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    spells.rebuild()
    print(f"full spells rebuild (and tally)      {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    employer_tally.rebuild()
    print(f"employer tally rebuild from spells   {time.perf_counter() - started:.1f} s")
    # A rebuild rewrites every row; compact, so the next run measures a normal table.
    vacuum(full=True)


def structure_timings(args, client, url, root, today):
    """The dashboard of a reorganised province and of the root, for 31/03/2024, the
    day after the reorganisation and today, in both structures (on the tree of the
    date, and restated in today's); each with its baseline: the same page with every
    member and employer figure recounted from the registry's tables in that structure.
    Returns [(label, ours, baseline)]."""
    from unions.coverage import figures
    from unions.models import UnionUnit, UnitMove

    moved = UnitMove.objects.select_related("unit").first().unit
    province = UnionUnit.objects.get(path=moved.path[: 2 * UnionUnit.steplen])
    days = (date(2024, 3, 31), REORGANISED_ON + timedelta(days=1), today)
    repeat = max(10, args.requests // 3)
    results = []

    def page(unit, day, structure):
        def request(i):
            response = client.get(
                url,
                {
                    "unit": unit.code,
                    "as_of": day.strftime("%d/%m/%Y"),
                    "structure": structure,
                },
            )
            assert response.status_code == 200, response.status_code

        return request

    for unit, label in ((province, f"province {province.code}"), (root, "root")):
        for day in days:
            for structure in figures.Structure:
                request = page(unit, day, structure)
                request(0)  # warm up
                ours = timed(request, repeat)
                # A recount takes minutes a page: of 31/03/2024 only.
                count = args.baseline_requests
                if unit == root:
                    count = args.root_baseline_requests
                baseline = []
                if day == days[0] and count:
                    with recounted():
                        baseline = timed(request, count)
                results.append(
                    (f"{label} {day:%d/%m/%Y} {structure.value}", ours, baseline)
                )
    return results


def recounted():
    """The baseline: the page with every member and employer figure counted straight
    from the registry's tables in the page's structure, as tests/coverage/recount.py
    counts (memberships active on the day under each unit, 60 month ends for the
    chart, the eligible employers with their worker counts looked up one by one);
    the CĐCS count and the lists are the page's own."""
    from contextlib import ExitStack
    from unittest import mock

    from django.db.models import Exists, OuterRef, Subquery

    from members.models import Membership
    from unions.coverage import figures
    from unions.models import CollectiveAgreement, Employer, UnionUnit

    def members(unit, day, structure):
        active = Membership.objects.active_on(day)
        if structure == figures.Structure.CURRENT:
            return active.within(unit).count()
        return active.filter(
            unit__in=UnionUnit.objects.within_on(unit, day).values("pk")
        ).count()

    def add_members(structure):
        def add(total, rows, day):
            for row in [total, *rows.values()]:
                row.members = members(row.unit, day, structure)

        return add

    def by_month(unit, day, months=60, *, current=None, structure=None):
        structure = structure or figures.Structure.HISTORICAL
        first = day.replace(day=1)
        points = []
        for offset in range(months - 1, 0, -1):
            month_end = figures._add_months(first, -offset + 1) - timedelta(days=1)
            points.append((month_end, members(unit, month_end, structure), 0))
        return [*points, (day, members(unit, day, structure), 0)]

    def add_employers(total, rows, day, historical):
        """Each row's eligible employers (figures.eligible_employers: the definition,
        in the structure), one query a row, with their worker count, union, kind,
        valid agreement and last expiry looked up one by one; summed here."""
        structure = figures.Structure("historical" if historical else "current")
        valid = CollectiveAgreement.objects.valid_on(day).filter(
            employer=OuterRef("pk")
        )
        last = (
            CollectiveAgreement.objects.filter(
                employer=OuterRef("pk"), signed_on__lte=day
            )
            .order_by("-expires_on")
            .values("expires_on")[:1]
        )
        due_by = day + figures.RENEWAL_WINDOW
        enterprise_kinds = set(Employer.ENTERPRISE_KINDS)
        for row in [total, *rows.values()]:
            found = (
                figures.eligible_employers(row.unit, day, structure)
                .annotate(valid=Exists(valid), last_expires_on=Subquery(last))
                .values_list(
                    "workers_on", "has_union", "kind", "valid", "last_expires_on"
                )
                .order_by()
            )
            for workers, has_union, kind, has_valid, last_expires in found:
                enterprise = has_union and kind in enterprise_kinds
                row.employers_eligible += 1
                row.workers += workers or 0
                row.employers_with_union += has_union
                row.enterprises_with_union += enterprise
                row.enterprises_with_cba += enterprise and has_valid
                row.due_for_renewal += bool(
                    enterprise and last_expires and last_expires <= due_by
                )

    stack = ExitStack()
    for name, replacement in (
        ("_add_members", add_members(figures.Structure.CURRENT)),
        ("_add_members_on_tree", add_members(figures.Structure.HISTORICAL)),
        ("members_by_month", by_month),
        ("_add_employers", add_employers),
    ):
        stack.enter_context(mock.patch.object(figures, name, replacement))
    return stack


def vacuum(full=False):
    """What autovacuum would do after a bulk load, done now (FULL after a rebuild)."""
    from django.db import connection

    with connection.cursor() as cursor:
        tables = (
            "unions_membertally",
            "unions_unitmembertally",
            "unions_unitancestry",
            "unions_employerspell",
            "unions_employertally",
            "unions_staleemployer",
        )
        for table in tables:
            cursor.execute(f"VACUUM {'FULL ' if full else ''}ANALYZE {table}")


def main():
    args = parse_args()
    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.rebuild_data or not data_present(args):
        print("Building data (once) …")
        build_data(args)
    if args.build_only:
        return
    from django.test import override_settings

    # Hashed static names need collectstatic; the page is timed, not its assets.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={"default": plain, "staticfiles": plain}):
        measure(args)


if __name__ == "__main__":
    main()
