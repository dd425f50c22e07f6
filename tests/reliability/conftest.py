"""Real components for the sending engine's fault tests: PostgreSQL (the
suite's database), a private Redis on its own port (so a test may restart
it), Celery worker processes started, SIGKILLed and restarted by the test, and
a recording SMTP server on loopback (tests/reliability/smtpd.py)."""

import os
import shutil
import signal
import socket
import subprocess
import time
import uuid

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from cms.celery import app
from newsletters.audience.models import Subscriber, Subscription
from tests.conftest import (
    celery_worker_argv,
    skip_unless_ci,
    start_process,
    stop_process,
    test_database_url,
    wait_until,
)
from tests.newsletters.conftest import make_lists

from .smtpd import SMTPServer

pytestmark = pytest.mark.services


def free_port(low, high):
    for port in range(low, high):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {low}-{high}")


class RedisServer:
    def __init__(self, port, folder):
        self.port = port
        self.folder = folder
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self):
        subprocess.run(  # noqa: S603
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--dir",
                str(self.folder),
                "--logfile",
                str(self.folder / f"redis-{self.port}.log"),
            ],
            check=True,
        )
        assert wait_until(self.ping, timeout=10), "redis did not start"

    def ping(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        """Shut down without saving: whatever was queued is gone."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"SHUTDOWN NOSAVE\r\n")
                s.recv(16)
        except OSError:
            pass
        wait_until(lambda: not self.ping(), timeout=10)


@pytest.fixture
def services(django_db_serialized_rollback, transactional_db, tmp_path):
    """Skips outside CI unless PostgreSQL and redis-server are at hand."""
    from django.db import connection

    if connection.vendor != "postgresql" or not shutil.which("redis-server"):
        skip_unless_ci("the fault tests need PostgreSQL and redis-server")
    assert connection.vendor == "postgresql", "CI runs these on PostgreSQL"
    redis = RedisServer(free_port(63830, 63900), tmp_path)
    redis.start()
    previous = app.conf.broker_url
    _use_broker(redis.url)
    try:
        yield redis
    finally:
        _use_broker(previous)
        redis.stop()


def _use_broker(url):
    """Point this process's Celery producer at ``url`` (the private Redis)."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def smtp():
    port = free_port(8100, 8200)
    server = SMTPServer(port)
    with server as recorder:
        recorder.port = port
        yield recorder


class Workers:
    """Celery worker processes on the sending queue, each its own process
    group so that SIGKILL takes the pool children with the parent."""

    def __init__(self, env, log_path):
        self.env = env
        self.log_path = log_path
        self.processes = []

    def start(self, concurrency=2):
        argv = celery_worker_argv(
            concurrency,
            "default,sending",
            f"--hostname=w{uuid.uuid4().hex[:6]}@%h",
        )
        process = start_process(argv, self.env, self.log_path, new_session=True)
        self.processes.append(process)
        return process

    def kill(self, process):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self):
        for process in self.processes:
            stop_process(process, 15, group=True)


SENDING_ENV = {
    "NEWSLETTERS_SEND_CHUNK_SIZE": "20",
    "NEWSLETTERS_SEND_RATE": "150",
    "NEWSLETTERS_SEND_RETRY_SECONDS": "1",
    "NEWSLETTERS_SEND_MAX_ATTEMPTS": "6",
    "NEWSLETTERS_SEND_STALE_SECONDS": "3",
    "NEWSLETTERS_SEND_RECHECK_EVERY": "5",
    # Accepted and not yet recorded, per process: what a SIGKILL may send again.
    "NEWSLETTERS_SEND_IN_FLIGHT": "4",
}


@pytest.fixture
def workers(services, smtp, settings, tmp_path):
    """Start workers with ``workers.start()``; all are stopped after the test.
    This process uses the same sending settings (the reconciler runs here)."""
    env = {
        **os.environ,
        **SENDING_ENV,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": services.url,
        "CELERY_BROKER_URL": services.url,
        "CELERY_RESULT_BACKEND": services.url,
        "RATELIMIT_REDIS_URL": services.url.removesuffix("/0") + "/2",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "VAR_DIR": str(tmp_path / "var"),
    }
    for name, value in SENDING_ENV.items():
        setattr(settings, name, int(value))
    settings.REDIS_URL = services.url
    settings.RATELIMIT_REDIS_URL = env["RATELIMIT_REDIS_URL"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    django_settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    pool = Workers(env, django_settings.VAR_DIR / "reliability-workers.log")
    try:
        yield pool
    finally:
        pool.stop_all()


@pytest.fixture
def audience(programme):
    """Lists of Kosovo and Serbia; ``audience(n)`` subscribes n confirmed
    readers to Kosovo in sq, sr, en and tr, returning their addresses."""
    lists = make_lists(programme["countries"])

    def make(n, languages=("sq", "sr", "en", "tr")):
        now = timezone.now()
        subscribers = Subscriber.objects.bulk_create(
            Subscriber(
                email=f"r{i:05d}@example.org",
                language=languages[i % len(languages)],
                name=f"Reader {i}",
            )
            for i in range(n)
        )
        Subscription.objects.bulk_create(
            Subscription(
                subscriber=s,
                mailing_list=lists["XK"],
                status=Subscription.Status.CONFIRMED,
                confirmed_at=now,
            )
            for s in subscribers
        )
        return [s.email for s in subscribers]

    make.lists = lists
    return make


def until(predicate, timeout, what, every=0.25, tick=None):
    """Wait for ``predicate``, calling ``tick`` (the reconciler) on the way."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if tick:
            tick()
        if predicate():
            return
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
