"""Without a SECRET_KEY the application refuses to start unless DEBUG is on."""

import os
import subprocess
import sys

from django.conf import settings


def start(**env):
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )


def test_no_secret_key_with_debug_off_stops_the_start():
    started = start(DEBUG="false", SECRET_KEY="")

    assert started.returncode != 0
    assert "SECRET_KEY is not set" in started.stderr


def test_debug_runs_without_a_secret_key():
    assert start(DEBUG="true", SECRET_KEY="").returncode == 0


def test_a_secret_key_lets_production_start():
    assert start(DEBUG="false", SECRET_KEY="x" * 50).returncode == 0
