"""Benchmark: admin list pages over 1,000,000 employers and 150,000 units on PostgreSQL.

    python bench/admin_lists.py --help
    python bench/admin_lists.py                  # build the data once, then measure
    python bench/admin_lists.py --requests 50 --rebuild-data

Builds (once; kept between runs) a database of its own (default sdv_bench_admin) with
150,000 union units (one province of 100 commune unions and 149,900 CĐCS, plus a second
province), 1,000,000 employers (900,000 of them in the first province) and 400,000
collective agreements, all loaded with COPY. Then, signed in as the first province's
officer through Django's test client, it times the admin list pages (the whole request,
server side) with the registry's EstimatedCountPaginator, and the baseline in the same
run: the same pages with Django's default paginator, which counts every row (COUNT(*))
on each page view. It prints p50/p95 for each and the ratio.
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
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sdv_bench_admin"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's path alphabet
COMMUNES, CDCS_PER_COMMUNE = 100, 1_499
WORDS = (
    "May Dệt Gỗ Điện tử Thép Thủy sản Xây dựng Vận tải Cơ khí Da giày Nhựa Bao bì "
    "Thực phẩm Dược Phần mềm Logistics Hà Tĩnh Kỳ Anh Vũng Áng Hồng Lĩnh Thạch Hà "
    "Đức Thọ Cẩm Xuyên Nghi Xuân Hương Sơn Lộc Hà Việt Hàn Nhật Đài"
).split()
PREFIXES = ["Công ty TNHH", "Công ty Cổ phần", "Doanh nghiệp tư nhân", "Hợp tác xã"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--employers", type=int, default=1_000_000)
    parser.add_argument(
        "--requests", type=int, default=30, help="timed requests a page"
    )
    parser.add_argument("--rebuild-data", action="store_true")
    parser.add_argument("--seed", type=int, default=2025)
    return parser.parse_args()


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client's "testserver" host in
    from django.conf import settings
    from django.test import override_settings

    # Hashed static names need collectstatic; the pages are timed, not their assets.
    staticfiles = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": staticfiles}
    ).enable()


def ensure_database(database_url):
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


# --- Data ----------------------------------------------------------------------------


def copy_rows(model, rows):
    """COPY ``rows`` (dicts by column) into ``model``'s table; other columns get defaults."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
        ) as copy:
            for row in rows:
                copy.write_row(
                    [row.get(f.attname, defaults[f.attname]) for f in fields]
                )


def child_path(parent_path, n):
    digits = ""
    for _ in range(4):
        n, rest = divmod(n, 36)
        digits = ALPHABET[rest] + digits
    return parent_path + digits


def unit_rows():
    from registry.text import fold
    from unions.models import UnionUnit

    def unit(path, code, name, kind, numchild):
        return {
            "path": path,
            "depth": len(path) // 4,
            "numchild": numchild,
            "code": code,
            "name": name,
            "search_name": fold(f"{code} {name}"),
            "kind": kind,
            "founded_on": date(2010, 1, 1),
            "decision": "",
        }

    Kind = UnionUnit.Kind
    yield unit(
        "0001", "LDLD-BENCH", "Liên đoàn Lao động tỉnh Thử", Kind.PROVINCIAL, COMMUNES
    )
    for c in range(1, COMMUNES + 1):
        commune = child_path("0001", c)
        yield unit(
            commune,
            f"CDX-{c:03}",
            f"Công đoàn xã số {c}",
            Kind.COMMUNE,
            CDCS_PER_COMMUNE,
        )
        for g in range(1, CDCS_PER_COMMUNE + 1):
            yield unit(
                child_path(commune, g),
                f"CDCS-{c:03}-{g:04}",
                f"Công đoàn cơ sở {random.choice(WORDS)} {c}-{g}",
                Kind.GRASSROOTS,
                0,
            )
    # A second province whose employers the first province's officer must not see.
    yield unit("0002", "LDLD-KHAC", "Liên đoàn Lao động tỉnh Khác", Kind.PROVINCIAL, 1)
    yield unit("00020001", "CDCS-KHAC", "Công đoàn cơ sở tỉnh Khác", Kind.GRASSROOTS, 0)


def tax_codes():
    from registry.identifiers import tax_code_check_digit

    sequence = 100_000_000
    while True:
        sequence += 1
        digit = tax_code_check_digit(f"{sequence:09d}")
        if digit is not None:
            yield f"{sequence:09d}{digit}"


def employer_rows(count, units, zones):
    from registry.text import fold
    from unions.models import Employer

    kinds = (
        [Employer.Kind.NON_STATE] * 6 + [Employer.Kind.FDI] * 3 + [Employer.Kind.STATE]
    )
    codes = tax_codes()
    communes = [units[f"CDX-{c:03}"] for c in range(1, COMMUNES + 1)]
    for n in range(count):
        tax_code = next(codes)
        name = f"{random.choice(PREFIXES)} {random.choice(WORDS)} {random.choice(WORDS)} {n}"
        if n % 10 == 9:  # one in ten belongs to the other province
            managing, union = units["LDLD-KHAC"], units["CDCS-KHAC"]
        else:
            c = random.randrange(1, COMMUNES + 1)
            managing = communes[c - 1]
            union = (
                units[f"CDCS-{c:03}-{random.randrange(1, CDCS_PER_COMMUNE + 1):04}"]
                if random.random() < 0.7
                else None  # a white spot: no union yet
            )
        yield {
            "tax_code": tax_code,
            "name": name,
            "search_name": fold(f"{name} {tax_code}"),
            "kind": random.choice(kinds),
            "industry": "",
            "industrial_zone_id": random.choice(zones)
            if random.random() < 0.4
            else None,
            "workers": random.randrange(5, 3000),
            "workers_reported_on": date(2025, 1, 1),
            "address": "",
            "managing_unit_id": managing,
            "grassroots_union_id": union,
        }


def agreement_rows(employer_ids):
    from unions.models import add_years

    for employer_id in employer_ids:
        signed = date(2022, 1, 1) + timedelta(days=random.randrange(0, 1600))
        yield {
            "employer_id": employer_id,
            "signed_on": signed,
            "effective_on": signed,
            "expires_on": add_years(signed, random.choice([1, 2, 3])),
            "grade": random.choice(["A", "B", "C", ""]),
            "notes": "",
        }


def build(args):
    from django.core.management import call_command
    from django.db import connection, transaction

    from registry.models import User
    from registry.roles import Role
    from unions.models import CollectiveAgreement, Employer, IndustrialZone, UnionUnit

    random.seed(args.seed)
    call_command("migrate", verbosity=0)
    if UnionUnit.objects.filter(code="LDLD-BENCH").exists() and not args.rebuild_data:
        return
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE unions_collectiveagreement, unions_workforcereport, "
                "unions_employer, unions_industrialzone, unions_unionunit, "
                "registry_user CASCADE"
            )
        copy_rows(UnionUnit, unit_rows())
        units = dict(UnionUnit.objects.values_list("code", "id"))
        zones = [
            IndustrialZone.objects.create(
                code=f"KCN-{z:02}", name=f"Khu công nghiệp {z}"
            ).pk
            for z in range(50)
        ]
        copy_rows(Employer, employer_rows(args.employers, units, zones))
        with_union = Employer.objects.filter(grassroots_union__isnull=False)
        ids = list(with_union.values_list("id", flat=True))
        copy_rows(
            CollectiveAgreement, agreement_rows(random.sample(ids, len(ids) * 4 // 7))
        )
        User.objects.create(
            username="bench_tinh", role=Role.PROVINCIAL, unit_id=units["LDLD-BENCH"]
        )
        User.objects.create(username="bench_quantri", role=Role.SYSTEM_ADMIN)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum does on its own a little later
    print(f"Built the data in {time.perf_counter() - started:.0f} s.")


# --- Measuring -----------------------------------------------------------------------


def measure(client, url, requests):
    client.get(url)  # warm caches and the connection
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    cl = response.context["cl"]
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    return (
        statistics.median(times),
        p95,
        cl.result_count,
        cl.paginator.__class__.__name__,
    )


def main():
    args = parse_args()
    ensure_database(args.database_url)
    setup_django(args.database_url)
    build(args)

    from django.contrib import admin
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from registry.models import User
    from unions.models import Employer, UnionUnit

    employers = reverse("admin:unions_employer_changelist")
    pages = [
        ("employers, officer", "bench_tinh", employers),
        ("employers, page 50", "bench_tinh", employers + "?p=50"),
        ("employers without a CĐCS", "bench_tinh", employers + "?has_cdcs=no"),
        ("employers, FDI", "bench_tinh", employers + "?kind__exact=fdi"),
        ("employers, tax-code search", "bench_tinh", employers + "?q=1000012"),
        ("employers, system admin", "bench_quantri", employers),
        ("units, officer", "bench_tinh", reverse("admin:unions_unionunit_changelist")),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM unions_employer")
        total = cursor.fetchone()[0]
    print(
        f"{total:,} employers, {UnionUnit.objects.count():,} units; "
        f"{args.requests} requests a page; times in ms (whole request, server side)"
    )
    print(f"{'page':30} {'paginator':24} {'p50':>8} {'p95':>8} {'count shown':>12}")
    results = {}
    for label, username, url in pages:
        client = Client(HTTP_ACCEPT_LANGUAGE="vi")
        client.force_login(User.objects.get(username=username))
        model = Employer if "employer" in url else UnionUnit
        model_admin = admin.site._registry[model]
        estimated = model_admin.paginator
        for paginator in (estimated, Paginator):
            model_admin.paginator = paginator
            try:
                p50, p95, count, name = measure(client, url, args.requests)
            finally:
                model_admin.paginator = estimated
            results[label, paginator] = p50
            print(f"{label:30} {name:24} {p50:8.1f} {p95:8.1f} {count:12,}")
        print(
            f"{'':30} {'ratio (exact / estimated)':24} "
            f"{results[label, Paginator] / results[label, estimated]:8.1f}×"
        )


if __name__ == "__main__":
    main()
