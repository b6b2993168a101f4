"""Benchmark: importing and exporting 100,000 members, against django-import-export.

    python bench/import_export.py --help
    python bench/import_export.py                          # PostgreSQL (sdv_import_bench)
    python bench/import_export.py --database-url sqlite:////tmp/import_bench.sqlite3
    python bench/import_export.py --rows 20000 --skip-baseline

Writes a realistic 100,000 × 20 member file (title rows, a two-row header, numeric
CCCDs that lost their zeros, signature block) to bench/out/, and a 10,000-row one with
other people, then, in databases cloned from one migrated template:
- reads the big file bare (python-calamine);
- runs ``manage.py import members FILE --into CĐCS`` in a child process (time, peak RSS);
- re-imports the same file (nothing changes: idempotency at full size);
- exports 10,000 and 100,000 members to .xlsx and .csv (``manage.py export``): time,
  and peak RSS, which must not grow with the row count;
- the obvious baseline, in the same run and on the same file: django-import-export's
  default ModelResource importing it (reading included) into Member, in a child process
  with a generous time limit; our import runs again right after it, and the ratio is
  the baseline's time over the mean of our two runs.
Each figure is printed with its target. Peak RSS is the child's own high-water mark
(VmHWM): a child's ru_maxrss would include the memory of the process that forked it.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
# This file's name would hide the django-import-export package (import_export).
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sdv_import_bench"
FAMILIES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLES = [
    "Văn",
    "Thị",
    "Hữu",
    "Đức",
    "Minh",
    "Ngọc",
    "Thanh",
    "Quốc",
    "Thu",
    "Kim",
    "Xuân",
    "Hồng",
    "Anh",
    "Bảo",
]
GIVENS = [
    "An",
    "Bình",
    "Cường",
    "Dung",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Ngọc",
    "Phương",
    "Quân",
    "Quỳnh",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Trang",
    "Tuấn",
    "Vân",
    "Yến",
]
JOBS = [
    "Công nhân may",
    "Công nhân cơ khí",
    "Kế toán",
    "Kỹ thuật viên",
    "Nhân viên kho",
    "Lái xe",
    "Tổ trưởng sản xuất",
]
EDUCATION = ["Đại học", "Cao đẳng", "Trung cấp", "12/12", "9/12"]


TARGETS = {  # seconds, or MB for memory; SQLite has its own import target
    "import": 15,
    "import_sqlite": 30,
    "import_mb": 500,
    "export_xlsx": 15,
    "export_csv": 5,
    "ratio": 20,
}
SMALL_ROWS = 10_000
SMALL_OFFSET = 500_000  # other people: CCCDs, phones and e-mails of their own


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument(
        "--baseline-timeout",
        type=int,
        default=4 * 3600,
        help="seconds the django-import-export run may take (default: 4 hours)",
    )
    parser.add_argument(
        "--compare-writers",
        action="store_true",
        help="also time XlsxWriter and PyExcelerate writing the 100,000 exported rows",
    )
    parser.add_argument(
        "--compare-reading",
        type=int,
        metavar="ROUNDS",
        default=0,
        help="only time the import with the file read in the worker's own process "
        "(as before issue 11) and in a capped child process, alternating, ROUNDS each",
    )
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    parser.add_argument("--child-baseline", help=argparse.SUPPRESS)
    return parser.parse_args()


def make_file(path: Path, rows: int, offset: int = 0) -> None:
    from rustpy_xlsxwriter import FastExcel

    random.seed(2024 + offset)
    header = ["STT", "Họ và tên", "Ngày, tháng, năm sinh", "", "Dân tộc", "Tôn giáo", "Số CCCD",
              "SĐT", "Email", "Trình độ chuyên môn", "Công việc", "Ngày kết nạp", "Số thẻ đoàn viên",
              "Đảng viên", "Địa chỉ", "Quê quán", "Phòng ban", "Hợp đồng", "Mức lương", "Ghi chú"]  # fmt: skip
    sub = ["", "", "Nam", "Nữ"] + [""] * 16
    keys = [f"c{i}" for i in range(20)]

    def records():
        yield dict(
            zip(keys, ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"] + [None] * 19, strict=True)
        )
        yield dict(zip(keys, ["DANH SÁCH ĐOÀN VIÊN"] + [None] * 19, strict=True))
        yield dict(zip(keys, header, strict=True))
        yield dict(zip(keys, sub, strict=True))
        for row in range(rows):
            n = row + offset
            female = n % 2
            born = date(1965, 1, 1) + timedelta(days=random.randrange(0, 28 * 365))
            middle = "Thị" if female else random.choice(MIDDLES)
            name = f"{random.choice(FAMILIES)} {middle} {random.choice(GIVENS)}"
            cccd = int(
                f"{1 + n % 96:03d}{2 * (born.year >= 2000) + female}{born.year % 100:02d}{n:06d}"
            )
            yield dict(zip(keys, [
                row + 1, name, None if female else born, born if female else None, "Kinh", "Không",
                cccd, 900000000 + n, f"dv{n}@congty.vn", random.choice(EDUCATION),
                random.choice(JOBS), date(2010, 1, 1) + timedelta(days=n % 4000), f"TDV{n:07d}",
                "x" if n % 17 == 0 else "", f"Số {n % 300} đường {n % 50}, Hà Tĩnh", "Hà Tĩnh",
                f"Phân xưởng {n % 12}", "Không thời hạn", 6_500_000 + n % 1000 * 1000, "",
            ], strict=True))  # fmt: skip
        yield dict(zip(keys, [None, "Người lập biểu", None, None, None, None, None, None, None, None, "CHỦ TỊCH"] + [None] * 9, strict=True))  # fmt: skip

    FastExcel(str(path), columns=keys, header=False).format(
        datetime_format="dd/mm/yyyy"
    ).sheet("Danh sách", records()).save()


def peak_mb() -> int:
    """This process's own peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def child(argv: list[str]) -> None:
    """Run one management command here and print its time and this process's peak RSS."""
    import django
    from django.core.management import call_command

    django.setup()
    started, cpu = time.perf_counter(), cpu_seconds()
    call_command(*argv)
    print(json.dumps({
        "seconds": round(time.perf_counter() - started, 2), "peak_mb": peak_mb(),
        "cpu_seconds": round(cpu_seconds() - cpu, 2),
    }))  # fmt: skip


def cpu_seconds() -> float:
    """CPU time of this process and of the children it waited for (the child that
    reads the file), user and system: on a machine others share, a steadier figure
    than the time on the clock."""
    import resource

    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in map(
            resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
    )


def run_child(database_url: str, *argv, timeout: int | None = None) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, __file__, *argv], env=env, capture_output=True, text=True,
        check=False, timeout=timeout,
    )  # fmt: skip
    if result.returncode:
        sys.exit(
            f"{argv[:3]} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        )
    lines = result.stdout.strip().splitlines()
    figures = json.loads(lines[-1])
    summary = next(
        (json.loads(line) for line in reversed(lines[:-1]) if line.startswith("{")),
        None,
    )
    return figures | ({"summary": summary} if summary else {})


def command(database_url: str, *argv) -> dict:
    return run_child(database_url, "--child", *argv)


# --- Databases: one migrated template, a fresh copy for each run ------------------------


def database_name(database_url: str) -> str:
    return database_url.rsplit("/", 1)[1]


def with_name(database_url: str, suffix: str) -> str:
    if database_url.startswith("sqlite"):
        return database_url.removesuffix(".sqlite3") + f"_{suffix}.sqlite3"
    return f"{database_url}_{suffix}"


def _postgres(database_url: str):
    import psycopg

    return psycopg.connect(
        database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True
    )


def make_template(database_url: str) -> str:
    """A migrated database holding the bench's union units, to copy for each run."""
    template = with_name(database_url, "template")
    if template.startswith("sqlite"):
        Path(template.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        with _postgres(template) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database_name(template)}"')
            conn.execute(f'CREATE DATABASE "{database_name(template)}"')
    env = {**os.environ, "DATABASE_URL": template}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [sys.executable, __file__, "--child", "shell", "-c", SEED_UNITS],
        cwd=ROOT, env=env | {"DJANGO_SETTINGS_MODULE": "config.settings"}, check=True,
        capture_output=True,
    )  # fmt: skip
    return template


def copy_of(template: str, database_url: str) -> str:
    """A fresh copy of the template under ``database_url``'s name."""
    if database_url.startswith("sqlite"):
        source, target = (
            u.removeprefix("sqlite:///") for u in (template, database_url)
        )
        for suffix in ("-wal", "-shm"):
            Path(target + suffix).unlink(missing_ok=True)
        shutil.copyfile(source, target)
        return database_url
    with _postgres(database_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database_name(database_url)}"')
        conn.execute(
            f'CREATE DATABASE "{database_name(database_url)}"'
            f' TEMPLATE "{database_name(template)}"'
        )
    return database_url


SEED_UNITS = """
from datetime import date
from unions import services
province = services.create_unit(code="BENCH-T", name="LĐLĐ tỉnh Bench", kind="provincial", founded_on=date(1950, 1, 1))
zone = services.create_unit(code="BENCH-KCN", name="Công đoàn KCN Bench", kind="industrial_zone", founded_on=date(2000, 1, 1), parent=province)
services.create_unit(code="BENCH-CDCS", name="Công đoàn Công ty Bench", kind="grassroots", founded_on=date(2005, 1, 1), parent=zone)
services.create_unit(code="BENCH-NHO", name="Công đoàn Công ty Bench nhỏ", kind="grassroots", founded_on=date(2005, 1, 1), parent=zone)
"""


# --- Measurements --------------------------------------------------------------------------


def bare_read(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return round(time.perf_counter() - started, 2)


def writers(database_url: str) -> dict:
    """XlsxWriter (constant memory) and PyExcelerate writing the exported rows."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import pyexcelerate
    import xlsxwriter

    from registry.spreadsheets.exporting import export_rows
    from unions.models import UnionUnit

    unit = UnionUnit.objects.get(code="BENCH-CDCS")
    headers, rows = export_rows("members", unit=unit, day=date.today())
    rows = list(rows)
    figures = {}
    started = time.perf_counter()
    book = xlsxwriter.Workbook(str(OUT / "xlsxwriter.xlsx"), {"constant_memory": True})
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, headers)
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, day)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    figures["xlsxwriter_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    book = pyexcelerate.Workbook()
    book.new_sheet("s", data=[headers, *rows])
    book.save(str(OUT / "pyexcelerate.xlsx"))
    figures["pyexcelerate_s"] = round(time.perf_counter() - started, 2)
    django.db.connections.close_all()  # the baseline's run drops this database
    return figures


def baseline(path: Path) -> None:
    """django-import-export's default ModelResource, reading included (a child run)."""
    import django

    django.setup()
    import tablib
    from import_export.resources import modelresource_factory

    from members.models import Member

    started = time.perf_counter()
    sheet = tablib.Dataset().load(path.read_bytes(), format="xlsx")
    data = tablib.Dataset(
        headers=[
            "full_name", "birth_date", "gender", "cccd", "phone", "email", "education",
            "job", "joined_union_on",
        ]
    )  # fmt: skip
    for row in sheet:
        if not isinstance(row[0], int | float):
            continue
        born = row[2] or row[3]
        data.append([row[1], born.date() if born else None, "F" if row[3] else "M", f"{int(row[6]):012d}",
                     f"0{int(row[7])}", row[8], row[9], row[10], row[11].date()])  # fmt: skip
    resource = modelresource_factory(Member)()
    result = resource.import_data(data, dry_run=False, use_transactions=True)
    seconds = time.perf_counter() - started
    assert not result.has_errors(), result.row_errors()[:3]
    print(json.dumps({
        "seconds": round(seconds, 2), "rows": len(data), "peak_mb": peak_mb(),
        "written": Member.objects.count(),
    }))  # fmt: skip


# --- Report --------------------------------------------------------------------------------


def compare_reading(template: str, database: str, path: Path, into, rounds: int):
    """The import with the file read in its own process, then in the capped child
    process (IMPORT_READ_IN_CHILD), alternating on fresh copies of the template."""
    times = {"false": [], "true": []}
    cpu = {"false": [], "true": []}
    for number in range(rounds):
        for in_child in ("false", "true"):
            copy_of(template, database)
            os.environ["IMPORT_READ_IN_CHILD"] = in_child
            figures = command(database, "import", "members", str(path), *into)
            times[in_child].append(figures["seconds"])
            cpu[in_child].append(figures["cpu_seconds"])
            print(f"round {number + 1}, read in a child process: {in_child}: "
                  f"{figures['seconds']} s ({figures['cpu_seconds']} s CPU), "
                  f"peak {figures['peak_mb']} MB, {load()}")  # fmt: skip
    for name, figures in (("time", times), ("CPU time", cpu)):
        before, after = (sorted(figures[key])[rounds // 2] for key in ("false", "true"))
        ratio = after / before
        print(f"median {name}: in process {before:.2f} s, in a child process "
              f"{after:.2f} s: {ratio:.3f}× {verdict(ratio, 1.10)}")  # fmt: skip


def verdict(value: float, target: float, *, at_least: bool = False) -> str:
    met = value >= target if at_least else value <= target
    sign = "≥" if at_least else "≤"
    return f"(target {sign} {target:g}: {'met' if met else 'NOT met'})"


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main():
    args = parse_args()
    if args.child is not None:
        return child(args.child)
    if args.child_baseline:
        return baseline(Path(args.child_baseline))
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"members-{args.rows}.xlsx"
    small = OUT / f"members-{SMALL_ROWS}-others.xlsx"
    for file, rows, offset in ((path, args.rows, 0), (small, SMALL_ROWS, SMALL_OFFSET)):
        if not file.exists():
            make_file(file, rows, offset)
    sqlite = args.database_url.startswith("sqlite")
    print(f"machine: {os.cpu_count()} cores, {load()} at the start")
    print(
        f"file: {path.name}, {path.stat().st_size / 1e6:.1f} MB, {args.rows:,} rows × 20 columns"
    )
    print(f"bare read (python-calamine): {bare_read(path)} s")

    template = make_template(args.database_url)
    database = copy_of(template, args.database_url)
    into = ("--into", "BENCH-CDCS", "--json")
    if args.compare_reading:
        return compare_reading(template, database, path, into, args.compare_reading)
    ours = command(database, "import", "members", str(path), *into)
    summary = {k: ours["summary"][k] for k in ("rows", "created", "invalid", "written")}
    target = TARGETS["import_sqlite" if sqlite else "import"]
    print(f"import: {ours['seconds']} s {verdict(ours['seconds'], target)}, "
          f"peak {ours['peak_mb']} MB {verdict(ours['peak_mb'], TARGETS['import_mb'])}; {summary}")  # fmt: skip
    again = command(database, "import", "members", str(path), *into)
    summary = {k: again["summary"][k] for k in ("created", "updated", "unchanged")}
    print(
        f"re-import, same file: {again['seconds']} s, peak {again['peak_mb']} MB; {summary}"
    )
    command(database, "import", "members", str(small), "--into", "BENCH-NHO")
    for unit, rows in (("BENCH-NHO", SMALL_ROWS), ("BENCH-CDCS", args.rows)):
        for extension in ("xlsx", "csv"):
            out = str(OUT / f"export-{rows}.{extension}")
            figures = command(
                database, "export", "members", "--unit", unit, "--out", out,
                "--purpose", "Đo thời gian xuất tệp",
            )  # fmt: skip
            print(f"export {rows:,} rows to .{extension}: {figures['seconds']} s "
                  f"{verdict(figures['seconds'], TARGETS['export_' + extension])}, "
                  f"peak {figures['peak_mb']} MB")  # fmt: skip
    if args.compare_writers:
        print(f"other writers, same {args.rows:,} rows:", writers(database))
    if not args.skip_baseline:
        copy_of(template, database)
        try:
            theirs = run_child(
                database, "--child-baseline", str(path),
                timeout=args.baseline_timeout,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            print(f"django-import-export: not finished after {args.baseline_timeout} s")
        else:
            print(f"django-import-export ModelResource, same file, reading included: "
                  f"{theirs['seconds']} s for {theirs['rows']:,} rows "
                  f"(peak {theirs['peak_mb']} MB), {load()}")  # fmt: skip
            # The machine's load may change over the baseline's minutes: ours runs
            # again right after it, and the ratio is against the mean of both runs.
            copy_of(template, database)
            after = command(database, "import", "members", str(path), *into)
            mean = (ours["seconds"] + after["seconds"]) / 2
            ratio = theirs["seconds"] / mean
            print(f"import again, right after the baseline: {after['seconds']} s; "
                  f"mean of our two runs {mean:.2f} s")  # fmt: skip
            print(
                f"ratio: ours is {ratio:.1f}× faster {verdict(ratio, TARGETS['ratio'], at_least=True)}"
            )
    print(f"machine: {load()} at the end")


if __name__ == "__main__":
    main()
