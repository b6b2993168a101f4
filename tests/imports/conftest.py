import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


class Run:
    def __init__(self, code, output):
        self.code = code
        self.output = output

    @property
    def json(self):
        return json.loads(self.output.strip().splitlines()[-1])


@pytest.fixture
def run_command(tmp_path, capsys):
    """Run a management command; returns its exit status and stdout."""

    def run(*args):
        try:
            call_command(*args)
            code = 0
        except CommandError as error:
            code = error.returncode
        return Run(code, capsys.readouterr().out)

    return run


@pytest.fixture
def write_file(tmp_path):
    def write(name, data):
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English (the msgids); the Vietnamese catalogue changes."""
    from django.utils import translation

    with translation.override("en"):
        yield
