"""bench/faults.py as a test (issue 11): a real ``manage.py db_worker`` killed while it
writes an import, hostile uploads, two edits of one member — against a database of its
own (a SQLite file, or a PostgreSQL database beside the suite's on the PostgreSQL run)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_killed_worker_hostile_files_and_a_second_edit_lose_nothing():
    database = os.environ.get("DATABASE_URL", "")
    arguments = []
    if database.startswith("postgres"):
        arguments = ["--database-url", f"{database}_faults"]

    run = subprocess.run(
        [sys.executable, "bench/faults.py", *arguments],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["workers_killed"] == 1 and summary["rows_half_written"] == 0
    assert summary["retries_complete"] == 1 and summary["tasks_left_running"] == 0
    assert summary["hostile_failed_own_job"] >= 3 and summary["worker_survived"]
    assert summary["second_edit_refused"]
