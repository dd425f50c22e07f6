"""`make run` on another port: every process it starts (migrate, demo data,
and the web, worker and beat under honcho, which gives each process its own
PORT) gets the same BASE_URL, on that port, so links in email point at it."""

import shutil
import subprocess

import pytest

from tests.conftest import REPO


def dry_run(*args):
    if shutil.which("make") is None:
        pytest.fail("make is needed: the README's two commands are make targets")
    result = subprocess.run(
        ["make", "-n", "run", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [
        line
        for line in result.stdout.splitlines()
        if "manage.py" in line or "honcho" in line
    ]


def test_every_process_of_make_run_gets_the_base_url_of_its_port():
    commands = dry_run("PORT=8001")
    assert any("honcho" in line for line in commands)
    assert any("load_demo_data" in line for line in commands)
    for line in commands:
        assert "BASE_URL=http://localhost:8001 " in line, line


def test_a_given_base_url_wins():
    commands = dry_run("PORT=8001", "BASE_URL=https://cms.example.org")
    for line in commands:
        assert "BASE_URL=https://cms.example.org " in line, line
