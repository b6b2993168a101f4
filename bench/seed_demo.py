"""Benchmark: `manage.py seed_demo`, the README's first command, on SQLite and PostgreSQL.

    python bench/seed_demo.py                         # this checkout, SQLite and PostgreSQL
    python bench/seed_demo.py --baseline 6178acb      # and the code of that commit, same run
    python bench/seed_demo.py --only sqlite
    python bench/seed_demo.py --ours HEAD --baseline 6178acb   # committed code only

For each database and each code version: a fresh database (SQLite file in /tmp, or a
PostgreSQL database of its own), ``migrate``, then ``seed_demo`` timed in a child process
(wall, user and system CPU of the child), then ``coverage LDLD-DEMO --as-of 2024-03-31``
to check the published figures. The baseline is the same command from ``git archive`` of
the given commit. Run it under the shared lock: ``flock /tmp/bench.lock python bench/…``.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PUBLISHED = {
    "workers": 80_356,
    "members": 69_991,
    "employers_eligible": 2_166,
    "cdcs": 1_511,
    "enterprises_with_union": 402,
    "enterprises_with_cba": 378,
}
TARGET_SECONDS = 120  # "well under 2 minutes on SQLite on this machine"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a git commit to time in the same run")
    parser.add_argument(
        "--ours", help="time this commit instead of the working tree (shared checkouts)"
    )
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--pg-server", default=PG_SERVER)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="seed_bench_") as scratch:
        ours = checkout(args.ours, scratch, "ours") if args.ours else ROOT
        versions = [("this checkout", ours)]
        if args.baseline:
            base = checkout(args.baseline, scratch, "baseline")
            versions.append((f"baseline {args.baseline}", base))
        vendors = [args.only] if args.only else ["sqlite", "postgresql"]
        print(f"load average before: {os.getloadavg()}")
        results = {}
        for vendor in vendors:
            for label, code in versions:
                url = fresh_database(vendor, label, scratch, args.pg_server)
                results[vendor, label] = run(code, url)
                print(f"{vendor:<10} {label:<24} {describe(results[vendor, label])}")
        print(f"load average after: {os.getloadavg()}")
    if args.baseline:
        for vendor in vendors:
            ours = results[vendor, "this checkout"]["wall"]
            theirs = results[vendor, f"baseline {args.baseline}"]["wall"]
            print(f"{vendor}: {theirs / ours:.1f}× faster than the baseline (wall)")
    sqlite = results.get(("sqlite", "this checkout"))
    if sqlite:
        met = "met" if sqlite["wall"] < TARGET_SECONDS else "NOT met"
        print(f"target on SQLite, under {TARGET_SECONDS} s: {met}")


def checkout(commit: str, scratch: str, name: str) -> Path:
    target = Path(scratch) / name
    target.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def fresh_database(vendor: str, label: str, scratch: str, server: str) -> str:
    name = "sdv_seed_bench_" + ("base" if label.startswith("baseline") else "now")
    if vendor == "sqlite":
        return f"sqlite:///{Path(scratch) / name}.sqlite3"
    for statement in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(
            ["psql", f"{server}/postgres", "-X", "-q", "-c", statement], check=True
        )
    return f"{server}/{name}"


def run(code: Path, url: str) -> dict:
    env = os.environ | {"DATABASE_URL": url}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=code, env=env, check=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    subprocess.run(
        [*manage, "seed_demo"], cwd=code, env=env, check=True, capture_output=True
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures = json.loads(
        subprocess.run(
            [*manage, "coverage", "LDLD-DEMO", "--as-of", "2024-03-31", "--json"],
            cwd=code,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    return {
        "wall": wall,
        "user": after.ru_utime - before.ru_utime,
        "system": after.ru_stime - before.ru_stime,
        "exact": all(figures[key] == value for key, value in PUBLISHED.items()),
    }


def describe(result: dict) -> str:
    figures = "published figures exact" if result["exact"] else "FIGURES DIFFER"
    return (
        f"wall {result['wall']:6.1f} s, CPU user {result['user']:5.1f} s"
        f" + system {result['system']:4.1f} s, {figures}"
    )


if __name__ == "__main__":
    main()
