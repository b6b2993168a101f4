"""Benchmark: the member list and name search at 1,000,000 members.

    python bench/member_list.py --help
    python bench/member_list.py                      # PostgreSQL; builds the data once
    python bench/member_list.py --rebuild-data
    python bench/member_list.py --database-url sqlite:////tmp/demo.sqlite3 \\
        --users canbo_tinh,canbo_captren,canbo_cdcs  # a seed_demo database, as it is

Builds (once; kept between runs) a province of 34 commune unions and 16,000 CĐCS with
1,000,000 members active today, 150,000 people who left and 150,000 earlier memberships
of people who transferred, in a PostgreSQL database of its own (default
sdv_members_bench), with COPY, then VACUUM ANALYZE. It then times the member list page (the
whole view through Django's test client: server time) for three officers: the province
(every member), one commune union (~30,000) and one CĐCS (~60), on the first page, the
next page, a past date, filters, and searches typed the way people type them.

The obvious baseline, in the same run: the same scope and search with Django's
Paginator (COUNT(*) of every match and OFFSET paging) and an unindexed
``icontains`` on the name ordered by the name column.
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project instead of bench/ itself, whose import_export.py would shadow the package.
sys.path[0] = str(ROOT)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sdv_members_bench"
BENCH_USERS = "bench_tinh,bench_xa,bench_cdcs"
SEARCHES = [
    "nguyen",
    "nguyen van",
    "nguyen thi h",
    "tran thi thu ha",
    "hoa",
    "duc",
    "le van an",
    "ngo quang vinh",
    "phan thi my",
    "luu duy khoa",
]
TYPING = ["n", "ng", "ngu", "nguy", "nguye", "nguyen", "nguyen t", "nguyen th",
          "nguyen thi", "nguyen thi l", "nguyen thi la", "nguyen thi lan"]  # fmt: skip


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--cdcs", type=int, default=16_000)
    parser.add_argument(
        "--users",
        default=BENCH_USERS,
        help="province, upper-level and CĐCS accounts to sign in as (comma-separated)",
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed requests each")
    parser.add_argument("--baseline-repeat", type=int, default=5)
    parser.add_argument("--rebuild-data", action="store_true")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="time the list with its access-log entry and without it, alternately, "
        "instead of the scenarios above",
    )
    return parser.parse_args()


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault(
        "TWO_FACTOR_REQUIRED", "false"
    )  # the client signs in directly
    import django

    django.setup()
    from django.conf import settings
    from django.test import override_settings

    # No setup_test_environment(): its template instrumentation would be timed too.
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
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


# --- Data --------------------------------------------------------------------------

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _step(number: int) -> str:
    """treebeard's 4-character path step for the number-th child."""
    digits = ""
    while number:
        number, rest = divmod(number, len(_ALPHABET))
        digits = _ALPHABET[rest] + digits
    return digits.rjust(4, "0")


def build_data(args):
    from django.core.management import call_command
    from django.db import connection, transaction

    from members.demo import FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES
    from members.models import Member
    from members.text import search_key, sort_key
    from registry.models import User
    from registry.roles import Role
    from unions.models import UnionUnit

    rng = random.Random(args.seed)
    call_command("migrate", verbosity=0)
    if UnionUnit.objects.filter(code="BENCH-TINH").exists() and not args.rebuild_data:
        return
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE members_transferrequest, members_membership, "
            "members_historicalmembership, members_member, members_historicalmember, "
            "registry_accesslog CASCADE"
        )
        cursor.execute("DELETE FROM registry_user WHERE username LIKE 'bench_%%'")
        cursor.execute("DELETE FROM unions_unionunit WHERE code LIKE 'BENCH-%%'")
    root_path = _step(UnionUnit.objects.get_root_nodes().count() + 1)

    # The tree: a province, 34 commune unions, the CĐCS spread over them.
    units = [
        UnionUnit(
            path=root_path, depth=1, numchild=34, code="BENCH-TINH",
            name="Liên đoàn Lao động tỉnh (bench)", kind="provincial",
            founded_on=date(1991, 10, 1),
        )
    ]  # fmt: skip
    per_commune = [args.cdcs // 34 + (i < args.cdcs % 34) for i in range(34)]
    for i, count in enumerate(per_commune):
        commune_path = root_path + _step(i + 1)
        units.append(
            UnionUnit(
                path=commune_path, depth=2, numchild=count, code=f"BENCH-XA-{i + 1:02}",
                name=f"Công đoàn xã số {i + 1}", kind="commune",
                founded_on=date(2025, 7, 1),
            )
        )  # fmt: skip
        for j in range(count):
            units.append(
                UnionUnit(
                    path=commune_path + _step(j + 1), depth=3, numchild=0,
                    code=f"BENCH-CDCS-{i + 1:02}-{j + 1:04}",
                    name=f"Công đoàn Công ty số {i + 1}-{j + 1}", kind="grassroots",
                    founded_on=date(1995 + rng.randrange(28), 1 + rng.randrange(12), 1),
                )
            )  # fmt: skip
    for unit in units:
        unit.set_derived_fields()
    UnionUnit.objects.bulk_create(units, batch_size=5_000)
    grassroots = list(
        UnionUnit.objects.filter(code__startswith="BENCH-CDCS-").values_list(
            "id", "founded_on"
        )
    )
    # Sizes follow a long tail: a few large factories, many small unions.
    weights = [rng.paretovariate(1.2) for _ in grassroots]
    print(f"  {len(units):,} units in {time.monotonic() - started:.0f} s")

    member_columns = [
        "id", "full_name", "family_name", "middle_name", "given_name", "search_name",
        "sort_key", "birth_date", "birth_year", "gender", "ethnicity", "religion",
        "cccd", "old_id_number", "phone", "email", "education", "job",
        "is_party_member", "address", "joined_union_on", "current_unit_id",
        "current_since",
    ]  # fmt: skip
    membership_columns = [
        "member_id", "unit_id", "started_on", "start_reason", "card_number",
        "left_on", "leave_reason", "leave_note",
    ]  # fmt: skip
    families, family_weights = zip(*FAMILY_NAMES, strict=True)
    middles = {g: list(zip(*MIDDLE_NAMES[g], strict=True)) for g in "MF"}
    today = date.today()
    left = args.members * 15 // 100
    transferred = args.members * 15 // 100
    total_people = args.members + left
    unit_choices = rng.choices(grassroots, weights, k=total_people + transferred)
    serial = 0
    people = []
    for person in range(1, total_people + 1):
        gender = "F" if rng.random() < 0.55 else "M"
        family = rng.choices(families, family_weights)[0]
        middle = rng.choices(*middles[gender])[0]
        given = rng.choice(GIVEN_NAMES[gender])
        full = " ".join(p for p in (family, middle, given) if p)
        born = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 42))
        joined = born + timedelta(days=365 * 18 + rng.randrange(365 * 15))
        joined = min(joined, today - timedelta(days=400))
        serial += 1
        century_gender = 2 * ((born.year - 1900) // 100) + (gender == "F")
        place, number = divmod(serial, 10**6)  # unique for any count
        cccd = f"{place + 1:03}{century_gender}{born.year % 100:02}{number:06}"
        people.append(
            [person, full, family, middle, given, search_key(full),
             sort_key(family, middle, given), born, born.year, gender,
             "Kinh", "", cccd, "", f"09{rng.randrange(10**8):08}", "", "",
             "Công nhân", rng.random() < 0.08, "", joined, None, None]
        )  # fmt: skip
    print(f"  {total_people:,} people made in {time.monotonic() - started:.0f} s")
    # One transaction: the memberships' foreign key to their person is checked at
    # commit.
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        # Columns this script does not write are empty text (Membership.notes); the
        # benchmark's own database keeps that default.
        cursor.execute(
            "ALTER TABLE members_membership ALTER COLUMN notes SET DEFAULT ''"
        )
        # As the importer writes (registry/spreadsheets/import_members.py): memberships
        # first, so the trigger keeping Member.current_unit finds no person to update,
        # then each person once, in name order, already holding the open membership's
        # unit and start. Writing the people first and letting the trigger rewrite
        # every row left the name-order indexes twice their size.
        with raw.copy(
            f"COPY members_membership ({', '.join(membership_columns)}) FROM STDIN"
        ) as copy:
            choice = iter(unit_choices)
            for person in range(1, total_people + 1):
                unit_id, founded = next(choice)
                start = max(founded, date(2010, 1, 1)) + timedelta(
                    days=rng.randrange(3000)
                )
                start = min(start, today - timedelta(days=200))
                if person > args.members:  # left before today
                    end = start + timedelta(days=rng.randrange(1, 180))
                    copy.write_row(
                        (person, unit_id, start, "admitted", "", end, "left_job", "")
                    )
                    continue
                people[person - 1][-2:] = [unit_id, start]
                if person <= transferred:  # an earlier membership elsewhere
                    old_unit, old_founded = next(choice)
                    old_start = max(old_founded, date(2000, 1, 1)) + timedelta(
                        days=rng.randrange(200)
                    )
                    old_start = min(old_start, start - timedelta(days=30))
                    copy.write_row(
                        (
                            person,
                            old_unit,
                            old_start,
                            "admitted",
                            "",
                            start,
                            "transfer",
                            "",
                        )
                    )
                    copy.write_row(
                        (person, unit_id, start, "transferred", "", None, "", "")
                    )
                    continue
                copy.write_row((person, unit_id, start, "admitted", "", None, "", ""))
        print(f"  memberships in {time.monotonic() - started:.0f} s")
        people.sort(key=lambda row: row[6])  # sort_key
        with raw.copy(
            f"COPY members_member ({', '.join(member_columns)}) FROM STDIN"
        ) as copy:
            for row in people:
                copy.write_row(row)
        del people
        print(f"  {total_people:,} people in {time.monotonic() - started:.0f} s")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('members_member', 'id'), %s)",
            [total_people],
        )
    with connection.cursor() as cursor:
        # What autovacuum does soon after a load: statistics, and the visibility map
        # that lets the list be answered from its indexes alone.
        for table in ["members_member", "members_membership", "unions_unionunit"]:
            cursor.execute(f"VACUUM ANALYZE {table}")
    # Accounts: the province, the largest commune union, a CĐCS of about 60 members.
    root = UnionUnit.objects.get(code="BENCH-TINH")
    commune = UnionUnit.objects.get(code="BENCH-XA-01")
    sizes = {}
    for unit_id, _ in unit_choices[: args.members]:
        sizes[unit_id] = sizes.get(unit_id, 0) + 1
    typical = min(sizes, key=lambda unit_id: abs(sizes[unit_id] - 60))
    for username, role, unit in zip(
        BENCH_USERS.split(","),
        [Role.PROVINCIAL, Role.UPPER_LEVEL, Role.GRASSROOTS],
        [root, commune, UnionUnit.objects.get(pk=typical)],
        strict=True,
    ):
        User.objects.create(username=username, role=role, unit=unit)
    print(
        f"  built in {time.monotonic() - started:.0f} s; members: {Member.objects.count():,}"
    )


# --- Measuring -----------------------------------------------------------------------


def timed(call, repeat):
    call()  # warm-up: caches, plans
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p95(samples):
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def page_call(client, params, fragment=False):
    from django.urls import reverse

    url = reverse("members:member_list")
    headers = {"X-Fragment": "rows"} if fragment else {}

    def call():
        response = client.get(url, params, headers=headers)
        assert response.status_code == 200, response.status_code
        return response

    return call


def baseline_call(user, params, page_number):
    """The obvious way, rendered with the same template: Django's Paginator (COUNT(*)
    of every match, OFFSET), ``icontains`` on the folded name, ordered by full name."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.paginator import Paginator
    from django.shortcuts import render
    from django.test import RequestFactory
    from django.utils import timezone

    from members.forms import MemberFilterForm
    from members.models import Member, Membership
    from registry.text import fold
    from unions.models import UnionUnit

    def call():
        request = RequestFactory().get("/members/", params)
        request.user, request.session = user, SessionStore()
        memberships = Membership.objects.for_user(user).active_on(timezone.localdate())
        members = Member.objects.filter(
            pk__in=memberships.values("member_id")
        ).order_by("full_name", "id")
        if params.get("q"):
            members = members.filter(search_name__icontains=fold(params["q"]))
        page = Paginator(members, 50).get_page(page_number)
        rows = list(page.object_list)
        current = {
            m.member_id: m
            for m in memberships.filter(member__in=rows).select_related("unit")
        }
        for row in rows:
            row.membership = current.get(row.pk)
        form = MemberFilterForm(
            params, units=UnionUnit.objects.for_user(user), show_sensitive=True
        )
        form.is_valid()
        context = {
            "form": form,
            "day": timezone.localdate(),
            "count": page.paginator.count,
            "count_limit": 10**9,
            "rows": rows,
        }
        return render(request, "members/member_list.html", context)

    return call


def measure(args):
    from django.test import Client

    from members.models import Member
    from registry.models import User

    print(f"members in the database: {Member.objects.count():,}")
    print("load average at start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    rows = []
    for username in args.users.split(","):
        user = User.objects.select_related("unit").get(username=username)
        client = Client()
        client.force_login(user)
        first = page_call(client, {})()
        next_id = _found(rb"after=(\d+)", first.content)
        scenarios = [
            ("first page", {}, False, 1),
            ("next page (keyset)", {"after": next_id} if next_id else {}, False, 2),
            ("a past date", {"on": "31/03/2024"}, False, 1),
            ("women aged 30-39", {"gender": "F", "age": "30-39"}, False, 1),
        ] + [(f"search “{q}”", {"q": q}, True, 1) for q in SEARCHES]
        for label, params, fragment, page_number in scenarios:
            samples = timed(page_call(client, params, fragment), args.repeat)
            base = timed(baseline_call(user, params, page_number), args.baseline_repeat)
            count = _found(rb'data-count="(\d+)"', page_call(client, params)().content)
            rows.append((username, label, samples, base, count))
            print_row(rows[-1])
        typing = []
        for q in TYPING:
            typing += timed(page_call(client, {"q": q}, True), max(3, args.repeat // 4))
        rows.append(
            (username, "typing “nguyen thi lan”, each keystroke", typing, None, None)
        )
        print_row(rows[-1])
    print("load average at end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    all_samples = [s for row in rows for s in row[2]]
    print(
        f"\nall member-list requests: p50 {statistics.median(all_samples):.0f} ms, "
        f"p95 {p95(all_samples):.0f} ms, max {max(all_samples):.0f} ms"
    )


def measure_access_log(args):
    """The member list with its access-log entry (one INSERT per request) against the
    same list with the entry left out, in alternating rounds on the same data."""
    from unittest import mock

    from django.test import Client

    from members import views
    from members.models import Member
    from registry.models import AccessLog, User

    print(f"members in the database: {Member.objects.count():,}")
    print("load average at start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    scenarios = [
        ("first page", {}, False),
        ("women aged 30-39", {"gender": "F", "age": "30-39"}, False),
        ("search “nguyen thi h”", {"q": "nguyen thi h"}, True),
    ]
    logged_all, unlogged_all = [], []
    entries_before = AccessLog.objects.count()
    for username in args.users.split(","):
        user = User.objects.select_related("unit").get(username=username)
        client = Client()
        client.force_login(user)
        for label, params, fragment in scenarios:
            call = page_call(client, params, fragment)
            logged, unlogged = [], []
            for _round in range(4):  # alternate, so drift hits both alike
                logged += timed(call, args.repeat // 4 or 1)
                with mock.patch.object(views, "_log_list", lambda *a, **k: None):
                    unlogged += timed(call, args.repeat // 4 or 1)
            logged_all += logged
            unlogged_all += unlogged
            print(
                f"{username:<11} {label:<26} logged p50 {statistics.median(logged):6.1f}"
                f" p95 {p95(logged):6.1f} ms | not logged p50 "
                f"{statistics.median(unlogged):6.1f} p95 {p95(unlogged):6.1f} ms"
                f" | ×{statistics.median(logged) / statistics.median(unlogged):.3f}",
                flush=True,
            )
    written = AccessLog.objects.count() - entries_before
    print("load average at end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    print(
        f"\nall: logged p50 {statistics.median(logged_all):.1f} ms, not logged p50 "
        f"{statistics.median(unlogged_all):.1f} ms, ratio "
        f"{statistics.median(logged_all) / statistics.median(unlogged_all):.3f}; "
        f"{written:,} entries written for {len(logged_all) + 4 * len(scenarios) * len(args.users.split(',')):,} "
        "logged requests (one each, warm-ups included)"
    )


def _found(pattern, content):
    match = re.search(pattern, content)
    return int(match.group(1)) if match else None


def print_row(row):
    username, label, samples, base, count = row
    line = (
        f"{username:<11} {label:<42} p50 {statistics.median(samples):6.1f}  "
        f"p95 {p95(samples):6.1f} ms"
    )
    if base:
        line += (
            f" | baseline p50 {statistics.median(base):7.1f}  p95 {p95(base):7.1f} ms"
            f"  ×{p95(base) / p95(samples):5.1f}"
        )
    if count is not None:
        line += f" | count {count:,}" if count <= 1000 else " | count >1,000"
    print(line, flush=True)


def main():
    args = parse_args()
    is_postgres = args.database_url.startswith("postgres")
    if is_postgres:
        ensure_database(args.database_url)
    setup_django(args.database_url)
    if is_postgres and args.users == BENCH_USERS:
        build_data(args)
    if args.access_log:
        measure_access_log(args)
    else:
        measure(args)


if __name__ == "__main__":
    main()
