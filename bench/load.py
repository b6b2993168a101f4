"""Load: concurrent users signed in by role, on gunicorn with production settings.

    python bench/load.py                                  # 50 users, 60 s, 2 workers, PostgreSQL
    python bench/load.py --users 10 --seconds 15          # a short run
    python bench/load.py --keep-database                  # reuse the seeded database
    python bench/load.py --profile                        # where one request of each kind
                                                          # spends its time (cProfile, in process)
    python bench/load.py --baseline 5050c63               # the same load on the code of that
                                                          # commit too, alternating, same database
    python bench/load.py --compare-connections 3          # a new database connection per
                                                          # request against a kept one

A fresh PostgreSQL database (``--database-url``, default sdv_load) gets the demo province
(``seed_demo``: 80,356 workers, 69,991 members). gunicorn serves it on 127.0.0.1 with
DEBUG off, the hashed static files, two-factor sign-in off (the demo accounts have no
authenticator). Each user signs in as one of the demo accounts (provincial officer,
upper-level officer, CĐCS officer, leader, administrator) and asks, without pause, for the
pages that role opens in a day: the dashboard, the unit tree and a unit, the member list
with and without a search or filter, a member's record, the import page, the admin's member
list. It prints requests per second, the 50th/95th/99th percentiles, errors (any status
but 200, or a failed connection), and per page. Traffic goes to 127.0.0.1 only; every
loop is bounded by --seconds. Run it under the shared lock:
``flock /tmp/bench.lock python bench/load.py``.
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
HOST = "127.0.0.1"
PASSWORD = "sodoanvien"  # the demo accounts' (seed_demo prints it)
ROLES = ["canbo_tinh", "canbo_captren", "canbo_cdcs", "lanhdao", "quantri"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/sdv_load"
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8860)
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--compare-connections",
        type=int,
        metavar="ROUNDS",
        default=0,
        help="in process: each kind of page with a new database connection per request "
        "(CONN_MAX_AGE = 0) and with a kept one, alternating, ROUNDS each",
    )
    parser.add_argument(
        "--baseline", help="a commit whose code serves the same load too"
    )
    parser.add_argument("--rounds", type=int, default=1, help="with --baseline: rounds")
    return parser.parse_args()


def environment(database_url: str) -> dict:
    return {
        **os.environ, "DATABASE_URL": database_url, "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false", "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false", "SECURE_HSTS_SECONDS": "0",
        "TWO_FACTOR_REQUIRED": "false", "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOGIN_FAILURE_LIMIT": "1000",
    }  # fmt: skip


def prepare(database_url: str, env: dict, keep: bool) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not (keep and exists):
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    if not (keep and exists):
        for command in (["migrate", "-v0"], ["seed_demo"]):
            subprocess.run(
                [sys.executable, "manage.py", *command], cwd=ROOT,
                env=env | {"DEBUG": "true"}, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
    # Fresh tables have no statistics until autovacuum comes by: plans would differ
    # from one run to the next.
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


# --- The pages each role opens -----------------------------------------------------


def pages_by_role(database_url: str) -> dict[str, list[tuple[str, str]]]:
    """(kind, path) for each demo account, drawn from the seeded register."""
    os.environ.update(
        environment(database_url)
        | {"DEBUG": "true", "ALLOWED_HOSTS": f"{HOST},testserver"}
    )
    import django

    django.setup()
    from members.models import Membership
    from registry.models import User
    from unions.models import UnionUnit

    pages = {}
    for username in ROLES:
        user = User.objects.get(username=username)
        units = (
            list(UnionUnit.objects.for_user(user).values_list("code", flat=True)[:200])
            if user.unit_id
            else list(UnionUnit.objects.values_list("code", flat=True)[:200])
        )
        members = list(
            Membership.objects.for_user(user).active_on(date_today())
            .values_list("member_id", flat=True)[:500]
        ) if user.unit_id else []  # fmt: skip
        found = [("member list", "/members/"), ("search", "/members/?q=nguyen+van")]
        found += [("member list, page 5", "/members/?page=5")]
        if user.role != "grassroots":
            found += [("dashboard", "/units/dashboard/"), ("unit tree", "/units/")]
            found += [(f"unit {code}", f"/units/{code}/") for code in units[:50]]
        if user.role in ("upper_level", "provincial"):
            found += [("import page", "/imports/")]
        if user.role == "system_admin":
            found = [("admin members", "/admin/members/member/"),
                     ("admin units", "/admin/unions/unionunit/"),
                     ("admin employers", "/admin/unions/employer/"),
                     ("dashboard", "/units/dashboard/")]  # fmt: skip
        found += [("member record", f"/members/{pk}/") for pk in members[:100]]
        pages[username] = found
    return pages


def date_today():
    from django.utils import timezone

    return timezone.localdate()


def kind_of(kind: str) -> str:
    return "unit" if kind.startswith("unit ") and kind != "unit tree" else kind


# --- Users --------------------------------------------------------------------------


class User(threading.Thread):
    def __init__(self, username, pages, port, clock, results, lock):
        super().__init__(daemon=True)
        self.username, self.pages, self.port, self.clock = username, pages, port, clock
        self.results, self.lock = results, lock
        self.cookies: dict[str, str] = {}
        self.random = random.Random(hash(username) ^ id(self))

    def request(self, method: str, path: str, body: dict | None = None):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=180)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urlencode(body)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{HOST}:{self.port}{path}",
            }
        try:
            connection.request(method, path, data, headers)
            response = connection.getresponse()
            text = response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return response.status, text
        finally:
            connection.close()

    def sign_in(self) -> bool:
        status, page = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        status, _page = self.request("POST", "/login/", {
            "csrfmiddlewaretoken": token.group(1).decode(), "username": self.username,
            "password": PASSWORD,
        })  # fmt: skip
        return status == 302

    def run(self) -> None:
        try:
            signed_in = self.sign_in()
        except (OSError, http.client.HTTPException):
            signed_in = False
        if not signed_in:
            with self.lock:
                self.results["sign-in"].append((0.0, "failed"))
        # The clock starts once everyone has signed in: 50 password hashes (PBKDF2,
        # on purpose slow) are not the pages' load.
        self.clock["start"].wait()
        if not signed_in:
            return
        by_kind = defaultdict(list)
        for kind, path in self.pages:
            by_kind[kind_of(kind)].append(path)
        kinds = sorted(by_kind)
        while time.monotonic() < self.clock["until"]:
            kind = self.random.choice(kinds)  # each kind of page as often
            path = self.random.choice(by_kind[kind])
            started = time.monotonic()
            try:
                status, _body = self.request("GET", path)
                outcome = "ok" if status == 200 else f"status {status}"
            except (OSError, http.client.HTTPException) as error:
                outcome = type(error).__name__
            elapsed = time.monotonic() - started
            with self.lock:
                self.results[kind].append((elapsed, outcome))


def serve(
    env: dict, code: Path, port: int, workers: int, log: Path
) -> subprocess.Popen:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=code, env=env, check=True,
    )  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(workers),
         "--bind", f"{HOST}:{port}", "--timeout", "120", "--log-level", "warning",
         # Each request's own time in the worker (ms) and its path: what a request
         # costs a worker, apart from the time it waited in the queue.
         "--access-logfile", str(log), "--access-logformat", "%(M)s %(U)s?%(q)s"],
        cwd=code, env=env | {"PYTHONPATH": str(code)},
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/login/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not answer within 60 s")


def load(pages, *, users: int, seconds: float, port: int) -> dict:
    results, lock = defaultdict(list), threading.Lock()
    clock = {}

    def start():
        clock["started"] = time.monotonic()
        clock["until"] = clock["started"] + seconds

    clock["start"] = threading.Barrier(users, action=start)
    names = [ROLES[n % len(ROLES)] for n in range(users)]
    threads = [User(name, pages[name], port, clock, results, lock) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 600)
    elapsed = time.monotonic() - clock["started"]
    return report(results, elapsed)


def report(results: dict, elapsed: float) -> dict:
    every = [t for kind, found in results.items() if kind != "sign-in" for t in found]
    times = sorted(t for t, _ in every)
    errors = [o for _, o in every if o != "ok"] + [
        o for _, o in results.get("sign-in", [])
    ]
    summary = {
        "requests": len(every), "errors": len(errors),
        "error_kinds": dict(sorted({e: errors.count(e) for e in set(errors)}.items())),
        "requests_per_second": round(len(every) / elapsed, 1),
        **percentiles(times),
        "by_page": {
            kind: {"requests": len(found), **percentiles(sorted(t for t, _ in found))}
            for kind, found in sorted(results.items()) if kind != "sign-in"
        },
    }  # fmt: skip
    return summary


def percentiles(times: list[float]) -> dict:
    if not times:
        return {}

    def at(share):
        return round(1000 * times[min(len(times) - 1, int(share * len(times)))])

    return {"p50_ms": at(0.5), "p95_ms": at(0.95), "p99_ms": at(0.99),
            "mean_ms": round(1000 * statistics.fmean(times))}  # fmt: skip


def run_load(args, env, code: Path, pages) -> dict:
    with tempfile.TemporaryDirectory(prefix="load-log-") as folder:
        log = Path(folder) / "access.log"
        server = serve(env, code, args.port, args.workers, log)
        try:
            figures = load(
                pages, users=args.users, seconds=args.seconds, port=args.port
            )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
        figures |= worker_time(log, pages)
    return figures


def worker_time(log: Path, pages) -> dict:
    """The mean time a request took in its worker, from gunicorn's access log."""
    kinds = {path: kind_of(kind) for found in pages.values() for kind, path in found}
    times = defaultdict(list)
    for line in log.read_text().splitlines():
        milliseconds, _, path = line.partition(" ")
        kind = kinds.get(path.removesuffix("?"))
        if kind and milliseconds.isdigit():
            times[kind].append(int(milliseconds))
    every = [t for found in times.values() for t in found]
    return {
        "worker_ms_per_request": round(statistics.fmean(every)) if every else None,
        "worker_ms_by_page": {
            k: round(statistics.fmean(v)) for k, v in sorted(times.items())
        },
    }


def baseline_code(revision: str, folder: str) -> Path:
    target = Path(folder) / "baseline"
    target.mkdir()
    archive = subprocess.run(
        ["git", "archive", revision], cwd=ROOT, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


# --- Where one request spends its time --------------------------------------------


def profile(pages) -> None:
    """Each kind of page, asked 20 times in this process through Django's test client
    as its role: the time, the queries, and the functions that take the most."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from registry.models import User as Account

    setup_test_environment()
    for username in ROLES:
        client = Client()
        client.force_login(Account.objects.get(username=username))
        seen = {}
        for kind, path in pages[username]:
            seen.setdefault(kind_of(kind), path)
        for kind, path in seen.items():
            client.get(path)  # warm
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            for _ in range(20):
                client.get(path)
            profiler.disable()
            each = (time.perf_counter() - started) / 20
            print(f"\n== {username} {kind} {path}: {1000 * each:.0f} ms, "
                  f"{len(queries)} queries")  # fmt: skip
            for query in queries.captured_queries:
                print("   ", query["time"], query["sql"][:150])
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(25)


def compare_connections(pages, rounds: int) -> None:
    """The median of 10 requests of each kind of page, in this process, reconnecting
    before each request (as Django does at the end of every request when
    CONN_MAX_AGE is 0) or keeping the connection, alternating."""
    from django.db import connection
    from django.test import Client

    from registry.models import User as Account

    kinds = {}
    for username in ROLES:
        client = Client()
        client.force_login(Account.objects.get(username=username))
        for kind, path in pages[username]:
            kinds.setdefault(f"{kind_of(kind)} ({username})", (client, path))
    totals = defaultdict(list)
    for number in range(rounds):
        for mode in ("new connection", "kept connection"):
            medians = {}
            for name, (client, path) in kinds.items():
                times = []
                for _ in range(10):
                    if mode == "new connection":
                        connection.close()
                    started = time.perf_counter()
                    client.get(path)
                    times.append(time.perf_counter() - started)
                medians[name] = 1000 * statistics.median(times)
            totals[mode].append(statistics.fmean(medians.values()))
            print(f"round {number + 1}, {mode}: mean of the pages' medians "
                  f"{totals[mode][-1]:.1f} ms; " + ", ".join(
                      f"{name} {ms:.0f}" for name, ms in medians.items()))  # fmt: skip
    before, after = (
        statistics.fmean(totals[m]) for m in ("new connection", "kept connection")
    )
    print(
        f"mean: new connection {before:.1f} ms, kept {after:.1f} ms: {after / before:.2f}×"
    )


def main() -> None:
    args = parse_args()
    env = environment(args.database_url)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    prepare(args.database_url, env, args.keep_database)
    pages = pages_by_role(args.database_url)
    if args.profile:
        return profile(pages)
    if args.compare_connections:
        return compare_connections(pages, args.compare_connections)
    print(f"{args.users} users, {args.seconds:g} s, {args.workers} gunicorn workers")
    if not args.baseline:
        print(json.dumps(run_load(args, env, ROOT, pages), indent=1))
        return
    with tempfile.TemporaryDirectory(prefix="load-") as folder:
        old = baseline_code(args.baseline, folder)
        runs = defaultdict(list)
        for number in range(args.rounds):
            for name, code in ((args.baseline, old), ("this checkout", ROOT)):
                figures = run_load(args, env, code, pages)
                runs[name].append(figures)
                pages_seen = figures.pop("by_page")
                by_page_worker = figures.pop("worker_ms_by_page")
                print(f"round {number + 1}, {name}: {json.dumps(figures)}", flush=True)
                print("   by page (p50/p95 ms): " + ", ".join(
                    f"{kind} {found['p50_ms']}/{found['p95_ms']}"
                    for kind, found in pages_seen.items()
                ), flush=True)  # fmt: skip
                print(
                    f"   worker ms per request, by page: {by_page_worker}", flush=True
                )
        shutil.rmtree(old / "staticfiles", ignore_errors=True)
    for name, found in runs.items():
        rate = statistics.fmean(f["requests_per_second"] for f in found)
        p95 = statistics.fmean(f["p95_ms"] for f in found)
        errors = sum(f["errors"] for f in found)
        worker = statistics.fmean(f["worker_ms_per_request"] for f in found)
        print(f"{name}: {rate:.1f} requests/s, p95 {p95:.0f} ms, {errors} errors, "
              f"{worker:.0f} ms of a worker per request")  # fmt: skip


if __name__ == "__main__":
    main()
