import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def skip_unless_ci(reason):
    """Skip outside CI, saying why; under CI the test must run (and may fail)."""
    if IN_CI:
        return
    sys.stderr.write(f"SKIPPED outside CI: {reason}\n")
    pytest.skip(f"outside CI: {reason}")


@pytest.fixture
def celery_worker_process(settings):
    """A real `celery worker` process on the configured broker, stopped after.

    Its output goes to var/test/worker.log (kept for CI artifacts).
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": test_database_url(),
    }
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    log = open(settings.VAR_DIR / "worker.log", "ab")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cms",
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "--queues=default,sending",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def test_database_url():
    """The URL of the database this test run uses, for processes it starts.

    Their settings would otherwise name the development database, not the
    test one that pytest-django created.
    """
    from django.db import connection

    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{conf['NAME']}"
    user = quote(conf["USER"] or "", safe="")
    password = quote(conf["PASSWORD"] or "", safe="")
    return (
        f"postgres://{user}:{password}@{conf['HOST'] or '127.0.0.1'}:"
        f"{conf['PORT'] or 5432}/{conf['NAME']}"
    )


def wait_until(predicate, timeout=30.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
