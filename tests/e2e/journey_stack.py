"""What the journey test (test_journey.py) runs against: a real web server
process (runserver, not a thread of the test process), a Celery worker and
beat, all on the test database, an SMTP server on loopback that keeps what
it receives, and a Playwright browser on Debian's chromium."""

import os
import shutil
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from tests.conftest import (
    celery_worker_argv,
    skip_unless_ci,
    start_process,
    stop_process,
    test_database_url,
)
from tests.reliability.conftest import free_port
from tests.reliability.smtpd import SMTPServer

from .chromium import find_chromium

PORTS = (19000, 19999)  # this project's e2e range (see docs: helpers' ports)


def process_env(base_url, smtp_port):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.e2e.journey_settings",
        "DATABASE_URL": test_database_url(),
        "BASE_URL": base_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def start(name, command, env):
    """A process of the stack, its output in var/test/journey-<name>.log."""
    log_path = settings.VAR_DIR / f"journey-{name}.log"
    return start_process([sys.executable, *command], env, log_path, mode="wb")


def wait_for_http(url, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the web server exited ({process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer in {timeout} s")


class Stack:
    def __init__(self, base_url, smtp):
        self.base_url = base_url
        self.smtp = smtp
        self.sessions = {}  # username: the browser's storage state once signed in

    def url(self, path):
        return self.base_url + path

    def mail_to(self, address, count=1, timeout=60):
        """The messages received for ``address``, once ``count`` have come."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            messages = self.smtp.to(address)
            if len(messages) >= count:
                return [m.parsed() for m in messages]
            time.sleep(0.2)
        raise AssertionError(f"{count} message(s) to {address} did not arrive")


@pytest.fixture
def stack():
    """Web server, worker, beat and SMTP server; started for the test."""
    from django.db import connection

    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        skip_unless_ci(
            "the journey runs on PostgreSQL and Redis (DATABASE_URL, REDIS_URL)"
        )
        pytest.fail("CI=true but DATABASE_URL/REDIS_URL name no PostgreSQL/Redis")
    smtp_port = free_port(PORTS[0], PORTS[0] + 500)
    web_port = free_port(PORTS[0] + 500, PORTS[1])
    base_url = f"http://127.0.0.1:{web_port}"
    env = process_env(base_url, smtp_port)
    with SMTPServer(smtp_port) as recorder:
        processes = []
        try:
            web = start(
                "web",
                [
                    "manage.py",
                    "runserver",
                    f"127.0.0.1:{web_port}",
                    "--noreload",
                    "--insecure",
                    "--skip-checks",
                ],
                env,
            )
            processes.append(web)
            processes.append(start("worker", celery_worker_argv(2)[1:], env))
            schedule = settings.VAR_DIR / "journey-beat-schedule"
            processes.append(
                start(
                    "beat",
                    [
                        "-m",
                        "celery",
                        "-A",
                        "cms",
                        "beat",
                        "--loglevel=INFO",
                        "--scheduler=cms.beat:LockedScheduler",
                        f"--schedule={schedule}",
                    ],
                    env,
                )
            )
            wait_for_http(base_url + "/healthz", web)
            yield Stack(base_url, recorder)
        finally:
            for process in reversed(processes):
                stop_process(process)


@pytest.fixture
def playwright_browser(monkeypatch):
    """Playwright's Chromium: Debian's binary, nothing downloaded.

    Playwright's sync API keeps an event loop running in this thread; the
    test's own database calls between browser steps are synchronous code all
    the same, so Django's guard against ORM calls from async code is off."""
    binary = find_chromium() or shutil.which("chromium")
    if binary is None:
        skip_unless_ci("headless Chromium is not installed (apt-get install chromium)")
        pytest.fail("CI=true but no Chromium found: .ci/run installs it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_unless_ci("playwright is not installed (requirements-dev.txt)")
        raise
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=binary, args=["--no-sandbox"]
        )
        try:
            yield chromium
        finally:
            chromium.close()
