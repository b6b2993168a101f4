"""Benchmark: merging two provincial federations (1,500 CĐCS, 300,000 members) on PostgreSQL.

    python bench/reorganisation.py --help
    python bench/reorganisation.py                 # build the data once, then measure
    python bench/reorganisation.py --grassroots 300 --members 60000 --rebuild-data

Builds (once; kept between runs) in a PostgreSQL database of its own (default
sdv_reorganisation_bench): two provincial federations under the confederation, each with
a few upper-level unions and about 750 CĐCS, a share of them directly under the
federation (as provinces keep some), two employers per CĐCS, one account per
federation, and 300,000 people with their memberships over the years (some ended, some
transferred), written with COPY: the triggers fill the tallies and the ancestry rows as
they would for any write.

Then, each in one transaction that is rolled back, so every run starts from the same data:
- ours: ``members.reorganisation.merge_units`` merges the second federation into the
  first (decision number and date, as the reorganisation page does it), then
  ``members.reorganisation.undo`` undoes it;
- the baseline, in the same run: the same merge unit by unit, ``unions.services.move_unit``
  for each child of the merged federation, then the merge of the federation left empty.

After each run, before the rollback, the figures are checked: the path tally and the
dated tally against a recount of the memberships (``tally_differences``,
``dated_tally.differences``), the ancestry rows of today against today's paths
(``ancestry.differences``), every child count against the paths, and the members under
the merged federation's new parent, read from the tally, against the memberships; after
the undo, every path and parent as before. Prints both times, the ratio and the target.
"""

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the project, not bench/, comes first

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sdv_reorganisation_bench"
TARGET_SECONDS = 60
DECISION = "125/QĐ-TLĐ"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--grassroots", type=int, default=1_500, help="CĐCS in all")
    parser.add_argument("--members", type=int, default=300_000, help="people in all")
    parser.add_argument("--uppers", type=int, default=6, help="upper-level unions each")
    parser.add_argument(
        "--direct-share",
        type=float,
        default=0.3,
        help="share of CĐCS directly under their federation",
    )
    parser.add_argument("--rebuild-data", action="store_true")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument(
        "--build-only", action="store_true", help="build the data if missing and stop"
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--before", metavar="COMMIT", help="also time the merge with that commit's code"
    )
    parser.add_argument("--code", help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
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


def copy(model, rows):
    """COPY ``rows`` (dicts by attname, ids given) into ``model``'s table."""
    from django.db import connection

    fields = list(model._meta.concrete_fields)
    defaults = {f.attname: f.get_default() for f in fields}
    sql = (
        f"COPY {model._meta.db_table} ({', '.join(f.column for f in fields)})"
        " FROM STDIN"
    )
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as stream:
        for row in rows:
            stream.write_row([row.get(f.attname, defaults[f.attname]) for f in fields])


def build_data(args):
    from django.contrib.auth import get_user_model
    from django.db import connection

    from members.models import Member, Membership
    from registry.text import fold
    from tests.factories import valid_tax_code
    from unions.models import Employer, UnionUnit

    rng = random.Random(args.seed)
    today = date.today()
    clock = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE members_membership, members_member, unions_employer,"
            " unions_unionunit, registry_user, unions_unitmove,"
            " unions_reorganisation, unions_membertally, unions_unitmembertally,"
            " unions_unitancestry, unions_staleemployer CASCADE"
        )

    units = []

    def unit(parent, kind, code, name, founded):
        if parent is None:
            path = UnionUnit._get_path(None, 1, len(units) + 1)
        else:
            parent["numchild"] += 1
            path = parent["path"] + UnionUnit._get_path(None, 1, parent["numchild"])
        row = {
            "id": len(units) + 1,
            "path": path,
            "depth": len(path) // UnionUnit.steplen,
            "numchild": 0,
            "code": code,
            "name": name,
            "search_name": fold(f"{code} {name}"),
            "kind": kind,
            "founded_on": founded,
            "decision": "",
        }
        units.append(row)
        return row

    root = unit(None, "confederation", "TLD", "Tổng Liên đoàn", date(1929, 7, 28))
    grassroots = []
    for letter in "AB":
        federation = unit(
            root,
            "provincial",
            f"LDLD-{letter}",
            f"Liên đoàn Lao động tỉnh {letter}",
            date(1960, 1, 1),
        )
        uppers = [
            unit(
                federation,
                rng.choice(["commune", "industrial_zone"]),
                f"CT-{letter}{i}",
                f"Công đoàn cấp trên {letter}{i}",
                date(1995, 1, 1),
            )
            for i in range(args.uppers)
        ]
        for i in range(args.grassroots // 2):
            direct = rng.random() < args.direct_share or not uppers
            founded = date(1996, 1, 1) + timedelta(days=rng.randrange(365 * 25))
            grassroots.append(
                unit(
                    federation if direct else rng.choice(uppers),
                    "grassroots",
                    f"CDCS-{letter}{i:04}",
                    f"Công đoàn cơ sở {letter}{i}",
                    founded,
                )
            )
    copy(UnionUnit, units)

    by_path = {row["path"]: row for row in units}
    step = UnionUnit.steplen
    employers = []
    for cdcs in grassroots:
        for _ in range(2):
            number = len(employers) + 1
            employers.append(
                {
                    "id": number,
                    "tax_code": valid_tax_code(number),
                    "name": f"Công ty số {number}",
                    "search_name": f"cong ty so {number}",
                    "kind": "non_state",
                    "workers": rng.randint(20, 400),
                    "workers_reported_on": date(2024, 1, 1),
                    "grassroots_union_id": cdcs["id"],
                    "managing_unit_id": by_path[cdcs["path"][:-step]]["id"],
                }
            )
    copy(Employer, employers)
    for number, code in enumerate(("LDLD-A", "LDLD-B"), start=1):
        federation = next(u for u in units if u["code"] == code)
        get_user_model().objects.create(
            username=f"canbo{number}", unit_id=federation["id"], role="provincial"
        )

    members, memberships = [], []
    end = today - timedelta(days=60)
    for number in range(1, args.members + 1):
        cdcs = rng.choice(grassroots)
        started = cdcs["founded_on"] + timedelta(
            days=rng.randrange(max(1, (end - cdcs["founded_on"]).days))
        )
        members.append(
            {
                "id": number,
                "full_name": f"Nguyễn Văn Số {number}",
                "family_name": "Nguyễn",
                "middle_name": "Văn",
                "given_name": f"Số {number}",
                "search_name": f"nguyen van so {number}",
                "sort_key": f"{number:010d}",
                "joined_union_on": started,
                "gender": "M",
            }
        )
        row = {
            "id": len(memberships) + 1,
            "member_id": number,
            "unit_id": cdcs["id"],
            "started_on": started,
            "start_reason": "admitted",
            "left_on": None,
            "leave_reason": "",
        }
        memberships.append(row)
        if rng.random() < 0.2:  # left since, or transferred to another CĐCS
            left = started + timedelta(days=rng.randrange(1, (end - started).days + 2))
            row["left_on"] = left
            row["leave_reason"] = "left_job"
            target = rng.choice(grassroots)
            if rng.random() < 0.5 and target["founded_on"] <= left:
                row["leave_reason"] = "transfer"
                memberships.append(
                    {
                        "id": len(memberships) + 1,
                        "member_id": number,
                        "unit_id": target["id"],
                        "started_on": left,
                        "start_reason": "transferred",
                        "left_on": None,
                        "leave_reason": "",
                    }
                )
    copy(Member, members)
    for start in range(0, len(memberships), 100_000):
        copy(Membership, memberships[start : start + 100_000])
    with connection.cursor() as cursor:
        for table in (
            "unions_unionunit",
            "members_member",
            "members_membership",
            "unions_employer",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT max(id) FROM {table}))"
            )
    vacuum()
    print(
        f"  built in {time.perf_counter() - clock:.0f} s: {len(units):,} units"
        f" ({len(grassroots):,} CĐCS), {len(employers):,} employers,"
        f" {len(members):,} people, {len(memberships):,} memberships"
    )


def queued_employers() -> None:
    """Compute the spells and employer tallies of the employers the load (or a
    migration) queued, as the background task would: the merge then finds the
    tallies current and keeps them so."""
    from unions.coverage import spells

    started = time.perf_counter()
    done = spells.refresh()
    if done:
        print(
            f"  spells of {done:,} queued employers and the employer tallies"
            f" computed in {time.perf_counter() - started:.1f} s"
        )


def data_present(args):
    from members.models import Member
    from unions.models import UnionUnit

    return (
        UnionUnit.objects.grassroots().count() == args.grassroots // 2 * 2
        and Member.objects.count() == args.members
    )


def vacuum():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# --- Checking ------------------------------------------------------------------------


def check(target_code: str) -> dict[str, int]:
    """Every figure a merge touches against its definition (all 0 when right)."""
    from django.db import connection

    from members.models import Membership
    from unions import ancestry
    from unions.coverage import dated_tally, triggers
    from unions.models import UnionUnit

    day = date.today()
    target = UnionUnit.objects.get(code=target_code)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM unions_unionunit p WHERE p.numchild <> ("
            " SELECT count(*) FROM unions_unionunit c"
            " WHERE c.path LIKE p.path || '____')"
        )
        wrong_numchild = cursor.fetchone()[0]
    recount = Membership.objects.active_on(day).within(target).count()
    tallied = dated_tally.members_on([target.pk], day)[target.pk]["members"]
    return {
        "path tally rows": triggers.tally_differences(),
        "dated tally rows": dated_tally.differences(),
        "ancestry units": ancestry.differences(),
        "child counts": wrong_numchild,
        "members under the target, tally - recount": tallied - recount,
        "employer tally rows": employer_tally_differences(),
    }


def employer_tally_differences() -> int:
    """Rows of the employer tallies (today's tree, and the tree of each date where the
    code has it) that differ from the same tallies computed afresh from the spells and
    the ancestry rows: what the merge's moves must keep right."""
    from unions.coverage import employer_tally as tally
    from unions.models import EmployerSpell, EmployerTally

    spells = list(EmployerSpell.objects.values_list(*tally.COLUMNS))
    tallies = [(EmployerTally, "path", tally.changes(spells))]
    if hasattr(tally, "dated_changes"):  # employer figures on the tree of each date
        from unions.models import UnitEmployerTally

        dated = tally.dated_changes(spells, tally._ancestry_of())
        tallies.append((UnitEmployerTally, "unit_id", dated))
    wrong = 0
    for model, key, computed in tallies:
        wanted = {
            (unit, getattr(span, "value", span), day): list(values)
            for (unit, span, day), values in computed.items()
            if any(values)
        }
        stored = {
            (unit, span, day): list(values)
            for unit, span, day, *values in model.objects.values_list(
                key, "span", "starts_on", *tally.FIGURES
            )
            if any(values)
        }
        wrong += sum(
            wanted.get(row) != stored.get(row) for row in wanted.keys() | stored.keys()
        )
    return wrong


def snapshot() -> dict:
    """Today's tree, end dates and what points at units: what an undo must restore."""
    from django.contrib.auth import get_user_model

    from unions.models import Employer, UnionUnit

    return {
        "units": set(
            UnionUnit.objects.values_list(
                "pk", "path", "depth", "numchild", "dissolved_on", "decision"
            )
        ),
        "employers": set(
            Employer.objects.values_list("pk", "managing_unit", "grassroots_union")
        ),
        "accounts": set(get_user_model().objects.values_list("pk", "unit")),
    }


# --- Measuring -----------------------------------------------------------------------


def merged_on() -> date:
    return date.today().replace(day=1)


def federations():
    from unions.models import UnionUnit

    return UnionUnit.objects.get(code="LDLD-A"), UnionUnit.objects.get(code="LDLD-B")


def run_ours() -> dict:
    """The merge the reorganisation page makes, then its undo; rolled back."""
    from django.db import transaction

    from members import reorganisation
    from unions.coverage import spells

    into, merged = federations()
    with transaction.atomic():
        before = snapshot()
        started = time.perf_counter()
        record = reorganisation.merge_units(
            units=[merged], into=into, merged_on=merged_on(), decision=DECISION
        )
        seconds = time.perf_counter() - started
        moved = record.moves.count()
        links = links_written(record)
        started = time.perf_counter()
        refreshed = spells.refresh()
        refresh_seconds = time.perf_counter() - started
        figures = check(into.code)
        started = time.perf_counter()
        reorganisation.undo(reorganisation_record=record)
        undo_seconds = time.perf_counter() - started
        spells.refresh()
        after_undo = check(into.code)
        restored = snapshot() == before
        transaction.set_rollback(True)
    return {
        "seconds": seconds,
        "moved": moved,
        "links": links,
        "refreshed": refreshed,
        "refresh_seconds": refresh_seconds,
        "figures": figures,
        "undo_seconds": undo_seconds,
        "after_undo": after_undo,
        "restored": restored,
    }


def run_baseline() -> dict:
    """The same merge unit by unit: move_unit per child, then the empty federation's
    merge; rolled back."""
    from django.db import transaction

    from members import reorganisation
    from unions import services
    from unions.coverage import spells
    from unions.models import UnionUnit

    into, merged = federations()
    with transaction.atomic():
        children = list(UnionUnit.objects.get_children(merged))
        started = time.perf_counter()
        for child in children:
            services.move_unit(
                unit=child, new_parent=into, moved_on=merged_on(), decision=DECISION
            )
        merged.refresh_from_db()
        reorganisation.merge_units(
            units=[merged], into=into, merged_on=merged_on(), decision=DECISION
        )
        seconds = time.perf_counter() - started
        spells.refresh()
        figures = check(into.code)
        transaction.set_rollback(True)
    return {"seconds": seconds, "moved": len(children), "figures": figures}


def links_written(record) -> int | None:
    """EmployerLink rows the merge wrote (None: the code has none)."""
    return record.employer_links.count() if hasattr(record, "employer_links") else None


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    return f"{os.cpu_count()} × {model}"


def load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def report(label: str, result: dict, load_before: str) -> None:
    wrong = {name: n for name, n in result["figures"].items() if n}
    print(
        f"{label:<34} {result['seconds']:7.1f} s  ({result['moved']} units moved;"
        f" load {load_before} → {load()})  figures: {wrong or 'all right'}"
    )
    if "refresh_seconds" in result:
        links = result.get("links")
        print(
            f"{'  then the queued employers':<34} {result['refresh_seconds']:7.1f} s"
            f"  (spells and employer tallies of {result['refreshed']:,} employers,"
            " after the merge's transaction as the background task does;"
            f" {'no' if links is None else f'{links:,}'} EmployerLink rows written)"
        )
    if "undo_seconds" in result:
        wrong = {name: n for name, n in result["after_undo"].items() if n}
        print(
            f"{'  its undo':<34} {result['undo_seconds']:7.1f} s  figures:"
            f" {wrong or 'all right'}; tree, employers and accounts"
            f" {'restored exactly' if result['restored'] else 'NOT RESTORED'}"
        )


def measure(args) -> None:
    from members.models import Membership
    from unions.models import UnionUnit

    into, merged = federations()
    print(
        f"machine: {machine()}; merging {merged.code} into {into.code} on"
        f" {merged_on():%d/%m/%Y}:"
        f" {UnionUnit.objects.within(merged).grassroots().count():,}"
        f" of {UnionUnit.objects.grassroots().count():,} CĐCS,"
        f" {merged.numchild} children of {merged.code},"
        f" {Membership.objects.count():,} memberships"
    )
    wrong = {name: n for name, n in check(into.code).items() if n}
    print(f"figures before: {wrong or 'all right'}")
    rounds = [("ours: merge_units", run_ours)]
    if not args.skip_baseline:
        rounds.append(("baseline: move_unit per child", run_baseline))
    if args.before:
        rounds.append((f"before: merge_units at {args.before}", lambda: before(args)))
    if len(rounds) > 1:
        rounds.append(("ours again: merge_units", run_ours))
    results = {}
    for label, run in rounds:
        load_before = load()
        results[label] = run()
        report(label, results[label], load_before)
        vacuum()
    ours = [r["seconds"] for label, r in results.items() if label.startswith("ours")]
    mean = sum(ours) / len(ours)
    for label, result in results.items():
        if not label.startswith("ours"):
            print(
                f"ratio, {label.split(':')[0]} / ours (mean of {len(ours)}):"
                f" {result['seconds'] / mean:.1f}×"
            )
    verdict = "met" if max(ours) < TARGET_SECONDS else "NOT met"
    print(f"target, the merge under {TARGET_SECONDS} s: {verdict}")
    if any(any(r["figures"].values()) for r in results.values()) or not all(
        r.get("restored", True) for r in results.values()
    ):
        sys.exit("FIGURES WRONG")


def before(args) -> dict:
    """``run_ours`` with the code of commit ``args.before``, in a child process, on a
    copy of the database with this checkout's later unions migrations reversed."""
    import json
    import subprocess
    import tempfile

    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    with tempfile.TemporaryDirectory(prefix="reorganisation_bench_") as code:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.before],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", code], input=archive, check=True)
        theirs = {
            path.stem for path in (Path(code) / "unions" / "migrations").glob("0*.py")
        }
        last = max(theirs)
        ours = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        if ("unions", last) not in ours:
            sys.exit(f"{args.before} has a unions migration this checkout lacks")
        copy_url = args.database_url + "_before"
        connections.close_all()
        server = args.database_url.rsplit("/", 1)[0] + "/postgres"
        name, copy_name = (
            url.rsplit("/", 1)[1] for url in (args.database_url, copy_url)
        )
        import psycopg

        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{copy_name}"')
            conn.execute(f'CREATE DATABASE "{copy_name}" TEMPLATE "{name}"')
        try:
            environment = os.environ | {"DATABASE_URL": copy_url}
            manage = [sys.executable, str(ROOT / "manage.py")]
            subprocess.run(
                [*manage, "migrate", "-v0", "unions", last], check=True, env=environment
            )
            child = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--database-url",
                    copy_url,
                    "--code",
                    code,
                    "--child",
                ],
                check=True,
                capture_output=True,
                text=True,
                env=environment,
            )
        finally:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{copy_name}"')
    return json.loads(child.stdout.splitlines()[-1])


def main():
    args = parse_args()
    if args.code:  # the project's code of another commit (``before``)
        sys.path[0] = args.code
    ensure_database(args.database_url)
    setup_django(args.database_url)
    if args.child:
        import json

        print(json.dumps(run_ours()))
        return
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.rebuild_data or not data_present(args):
        print("Building data (once) …")
        build_data(args)
    queued_employers()
    if args.build_only:
        return
    measure(args)


if __name__ == "__main__":
    main()
