"""Faults injected into a running registry, on this machine only, bounded in time.

    python bench/faults.py                      # a SQLite file database in a temporary folder
    python bench/faults.py --database-url postgres://postgres@127.0.0.1:5432/sdv_faults
    python bench/faults.py --kills 10 --rows 20000   # a longer run, by hand

Against a fresh, migrated database and real ``manage.py db_worker`` processes:
1. a worker is killed (SIGKILL) while it writes an import: no row of the file may be in
   the register; once the worker's lease has run out, the next job any worker starts
   marks the import failed (and the queue's record of its task), and trying it again from the kept file (what the job page's
   button does) imports every row once;
2. hostile uploads (one cell at XFD1048576, a zip bomb, a truncated workbook, random
   bytes, a CSV line past the field limit): each is refused at the upload or fails its
   own check with a message, the worker stays up and runs the next import;
3. two officers edit one member: the second save is refused and the first one kept.
Prints a line per fault and, last, a JSON summary; exits non-zero when a check fails.
The only traffic is to the database named (and the in-process test client).
"""

import argparse
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/import_export.py would hide the django-import-export package (import_export).
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
LEASE_SECONDS = 2
WAIT_SECONDS = 120  # the longest any one step may take before the run is failed


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite in a temporary folder")
    parser.add_argument(
        "--rows", type=int, default=4000, help="rows of the killed import"
    )
    parser.add_argument(
        "--kills", type=int, default=1, help="workers killed mid-import"
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="faults-") as folder:
        database_url = args.database_url or f"sqlite:///{folder}/faults.sqlite3"
        env = {
            **os.environ, "DATABASE_URL": database_url, "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "IMPORT_JOB_LEASE_SECONDS": str(LEASE_SECONDS), "PYTHONPATH": str(ROOT),
        }  # fmt: skip
        fresh_database(database_url, env)
        os.environ.update(env)
        import django

        django.setup()
        faults = Faults(env, folder, rows=args.rows)
        try:
            summary = faults.run(kills=args.kills)
        finally:
            faults.stop_worker()
            drop_database(database_url)
    summary["seconds"] = round(time.monotonic() - started, 1)
    summary["database"] = database_url.split(":", 1)[0]
    print(json.dumps(summary))
    return 0 if summary["failed_checks"] == [] else 1


def fresh_database(database_url: str, env: dict) -> None:
    if database_url.startswith("postgres"):
        import psycopg

        name = database_url.rsplit("/", 1)[1]
        server = database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )


def drop_database(database_url: str) -> None:
    from django.db import connections

    connections.close_all()
    if database_url.startswith("postgres"):
        import psycopg

        name = database_url.rsplit("/", 1)[1]
        server = database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Faults:
    def __init__(self, env: dict, folder: str, *, rows: int):
        self.env, self.folder, self.rows = env, folder, rows
        self.worker: subprocess.Popen | None = None
        self.failed_checks: list[str] = []
        self.numbers = iter(range(1, 10**6))

    def run(self, *, kills: int) -> dict:
        self.seed()
        self.start_worker()
        killed = [self.kill_mid_import() for _ in range(kills)]
        hostile = self.hostile_uploads()
        conflict = self.concurrent_edits()
        return {
            "workers_killed": len(killed),
            "rows_half_written": sum(k["rows_after_kill"] for k in killed),
            "retries_complete": sum(k["retry_complete"] for k in killed),
            "tasks_left_running": sum(k["tasks_left_running"] for k in killed),
            "hostile_files": len(hostile),
            "hostile_refused_at_upload": sum(h == "upload" for h in hostile.values()),
            "hostile_failed_own_job": sum(h == "job" for h in hostile.values()),
            "worker_survived": self.worker.poll() is None,
            "second_edit_refused": conflict,
            "failed_checks": self.failed_checks,
        }

    def check(self, condition: bool, what: str) -> bool:
        print(("ok    " if condition else "FAILED") + f" {what}", flush=True)
        if not condition:
            self.failed_checks.append(what)
        return condition

    # --- The register and its people -----------------------------------------------

    def seed(self) -> None:
        from registry.models import User
        from registry.roles import Role
        from unions import services

        province = services.create_unit(
            code="F-T",
            name="LĐLĐ tỉnh Thử",
            kind="provincial",
            founded_on=date(1950, 1, 1),
        )
        self.district = services.create_unit(
            code="F-KCN", name="Công đoàn các KCN Thử", kind="industrial_zone",
            founded_on=date(2000, 1, 1), parent=province,
        )  # fmt: skip
        self.cdcs = services.create_unit(
            code="F-CDCS", name="Công đoàn Công ty Thử", kind="grassroots",
            founded_on=date(2005, 1, 1), parent=self.district,
        )  # fmt: skip
        self.officers = [
            User.objects.create_user(
                username,
                password=None,
                role=Role.UPPER_LEVEL,
                unit=self.district,
                first_name=first_name,
            )  # fmt: skip
            for username, first_name in (("canbo_a", "Lan"), ("canbo_b", "Hùng"))
        ]

    def member_file(self, rows: int) -> bytes:
        """A member list of ``rows`` new people (new CCCDs every time)."""
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("Danh sách")
        sheet.append(
            ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày kết nạp"]
        )
        for row in range(rows):
            n = next(self.numbers)
            female = n % 2
            sheet.append([
                row + 1, f"Nguyễn {'Thị' if female else 'Văn'} Thử {n}",
                f"{1 + n % 28:02d}/{1 + n % 12:02d}/{1970 + n % 30}",
                "Nữ" if female else "Nam", f"001{female}{70 + n % 30:02d}{n:06d}",
                "01/05/2015",
            ])  # fmt: skip
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    # --- Workers -------------------------------------------------------------------

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.1",
             "--no-startup-delay", "--no-reload"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip

    def stop_worker(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            self.worker.terminate()
            try:
                self.worker.wait(10)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait()

    def wait_for(self, condition, what: str, timeout: float = WAIT_SECONDS):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if result := condition():
                return result
            time.sleep(0.02)
        raise SystemExit(f"gave up waiting for {what} after {timeout} s")

    def upload(self, data: bytes, name: str = "ds.xlsx"):
        from registry.spreadsheets import services

        return services.start_import(
            user=self.officers[0],
            kind="members",
            filename=name,
            data=data,
            into=self.cdcs,
        )

    def checked(self, job):
        def done():
            job.refresh_from_db()
            return not job.preview.get("checking")

        self.wait_for(done, f"the check of job {job.pk}")
        return job

    def imported(self, job):
        def done():
            job.refresh_from_db()
            return job.is_finished

        self.wait_for(done, f"the import of job {job.pk}")
        return job

    # --- 1. A worker killed while it writes ------------------------------------------

    def kill_mid_import(self) -> dict:
        from members.models import Member
        from registry.models import ImportJob
        from registry.spreadsheets import services

        rows = self.rows
        while True:
            before = Member.objects.count()
            job = self.checked(self.upload(self.member_file(rows)))
            services.confirm_import(job=job, skip_invalid=False)
            self.wait_for(
                lambda job=job: self.is_writing(job), "the import to start writing"
            )
            time.sleep(random.uniform(0, 0.1))  # somewhere in the writing
            os.kill(self.worker.pid, signal.SIGKILL)
            self.worker.wait()
            job.refresh_from_db()
            if job.status == ImportJob.Status.RUNNING:
                break
            print(f"the import of {rows} rows ended before the kill; again, larger")
            self.start_worker()
            rows *= 2
        after_kill = Member.objects.count() - before
        self.check(
            after_kill == 0, f"killed mid-import: {after_kill} rows in the register"
        )
        self.check(
            job.status == ImportJob.Status.RUNNING, "the killed job still says running"
        )

        time.sleep(LEASE_SECONDS + 0.5)  # its lease runs out
        self.start_worker()
        self.checked(self.upload(self.member_file(3)))  # the next job any worker starts
        job.refresh_from_db()
        self.check(
            job.status == ImportJob.Status.FAILED
            and job.outcome == {"reason": "worker_stopped"},
            f"the next job marked the killed one failed ({job.status}, {job.outcome})",
        )
        left_running = self.tasks_left_running(job)
        self.check(
            not left_running,
            f"the queue's record of the killed task is failed ({left_running} running)",
        )
        services.retry_import(job=job)  # the job page's button
        job = self.imported(job)
        written = Member.objects.count() - before
        complete = self.check(
            job.status == ImportJob.Status.DONE and written == rows,
            f"retried from the kept file: {job.status}, {written} of {rows} rows",
        )
        return {
            "rows_after_kill": after_kill,
            "retry_complete": complete,
            "tasks_left_running": left_running,
        }

    def tasks_left_running(self, job) -> int:
        """The queue's records of the import of ``job`` still said to be running."""
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from registry.spreadsheets.tasks import import_file

        running = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, task_path=import_file.module_path
        )
        return sum(task.args_kwargs["args"] == [job.pk] for task in running)

    def is_writing(self, job) -> bool:
        """The import has begun writing: on PostgreSQL its progress shows; SQLite's
        write lock is taken (the import's transaction holds it until it commits)."""
        import sqlite3

        from django.db import connection

        job.refresh_from_db()
        if job.status != job.Status.RUNNING:
            return job.is_finished  # too late: the caller sees it ended
        if connection.vendor != "sqlite":
            return job.done > 0
        probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.rollback()
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()

    # --- 2. Hostile uploads --------------------------------------------------------

    def hostile_uploads(self) -> dict[str, str]:
        from members.models import Member
        from registry.models import ImportJob
        from registry.spreadsheets import services
        from registry.spreadsheets.reading import UnusableFile
        from tests.imports import files

        honest = self.member_file(2)
        hostile = {
            "one cell at XFD1048576": files.far_cell("XFD1048576"),
            "zip bomb": files.zip_bomb(),
            "truncated workbook": honest[: len(honest) // 2],
            "random bytes": random.Random(11).randbytes(4096),
            "CSV cell past the field limit": b"Ho va ten\n"
            + b'"'
            + b"x" * 200_000
            + b'"\n',
            "declared dimension A1:XFD1048576": files.xlsx_sheet(
                '<row r="1"><c r="A1"><v>1</v></c></row>', dimension="A1:XFD1048576"
            ),
        }
        where = {}
        for what, data in hostile.items():
            name = "ds.csv" if what.startswith("CSV") else "ds.xlsx"
            try:
                job = self.checked(self.upload(data, name))
            except UnusableFile as refused:
                where[what] = "upload"
                self.check(
                    bool(str(refused)), f"{what}: refused at the upload: {refused}"
                )
                continue
            where[what] = "job"
            message = job.preview.get("message") or job.preview.get("file_problems")
            self.check(
                bool(message), f"{what}: its own check failed: {str(message)[:90]}"
            )
            self.check(self.worker.poll() is None, f"{what}: the worker is still up")
        before = Member.objects.count()
        job = self.checked(self.upload(self.member_file(5)))
        services.confirm_import(job=job, skip_invalid=False)
        job = self.imported(job)
        self.check(
            job.status == ImportJob.Status.DONE
            and Member.objects.count() == before + 5,
            "after the hostile files the next import ran",
        )
        return where

    # --- 3. Two edits of one member --------------------------------------------------

    def concurrent_edits(self) -> bool:
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.urls import reverse

        from members.models import Member
        from members.services import admit_member

        setup_test_environment()  # responses carry their context
        member = admit_member(
            unit=self.cdcs, full_name="Trần Thị Hai", birth_date=date(1990, 1, 2),
            cccd="001190999001", joined_on=date(2015, 5, 1),
        ).member  # fmt: skip
        url = reverse("members:member_edit", args=[member.pk])
        lan, hung = Client(), Client()
        lan.force_login(self.officers[0])
        hung.force_login(self.officers[1])
        lans_form = form_data(lan.get(url).context["form"])
        hungs_form = form_data(hung.get(url).context["form"])
        hung.post(url, hungs_form | {"phone": "0988777666"})
        refused = lan.post(url, lans_form | {"phone": "0911222333"})
        member.refresh_from_db()
        return self.check(
            refused.status_code == 200 and member.phone == "0988777666",
            f"second of two edits refused, the first kept (phone {member.phone})",
        ) and isinstance(member, Member)


def form_data(form) -> dict:
    """What a browser sends back for ``form`` as it was drawn."""
    from django.forms import CheckboxInput

    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[form.add_prefix(name)] = "on"
            continue
        shown = field.widget.format_value(value)
        if isinstance(shown, list):
            shown = shown[0] if shown else ""
        data[form.add_prefix(name)] = "" if shown is None else shown
    return data


if __name__ == "__main__":
    sys.exit(main())
