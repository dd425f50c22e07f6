"""What scripts/smoke_production.py drives the service with: the proxy's
configuration, the hosts' processes, and HTTP, database, S3 and mail helpers.
"""

import contextlib
import email
import email.policy
import mailbox
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import psycopg
import requests
from requests.adapters import HTTPAdapter

APP_DIR = Path(__file__).resolve().parent.parent
ENTRYPOINT = str(APP_DIR / "scripts" / "entrypoint.sh")
SUBSCRIBERS = 1000
ADMIN_PASSWORD = uuid.uuid4().hex
SUBJECT = "Smoke issue " + uuid.uuid4().hex[:8]


class Miss(Exception):
    """A promise of docs/deploy.md the running service did not keep."""


def check(condition, message):
    if not condition:
        raise Miss(message)


def say(text, stream=None):
    """A line for the run's log (print is for debugging, says the linter)."""
    stream = stream or sys.stdout
    stream.write(text + "\n")
    stream.flush()


def env(name):
    return os.environ[name]


# ---------------------------------------------------------------------------
# The proxy: deploy/nginx.conf with loopback addresses, TLS, and a header
# (X-Smoke-Host: a|b) that sends a request to one host only.


def nginx_config():
    smoke = env("SMOKE_DIR")
    nginx_dir = f"{smoke}/nginx"
    web_a, web_b = env("SMOKE_WEB_A_PORT"), env("SMOKE_WEB_B_PORT")
    s3 = f"127.0.0.1:{env('SMOKE_S3_PORT')}"
    site = (APP_DIR / "deploy" / "nginx.conf").read_text()
    replacements = [
        (
            "    server web:8000 max_fails=3 fail_timeout=10s;\n",
            f"    server 127.0.0.1:{web_a} max_fails=3 fail_timeout=10s;\n"
            f"    server 127.0.0.1:{web_b} max_fails=3 fail_timeout=10s;\n",
        ),
        ("server minio:9000;", f"server {s3};"),
        ("proxy_set_header Host minio:9000;", f"proxy_set_header Host {s3};"),
        (
            "listen 80 default_server;",
            f"listen 127.0.0.1:{env('SMOKE_PROXY_PORT')} ssl default_server;\n"
            f"    ssl_certificate {nginx_dir}/cert.pem;\n"
            f"    ssl_certificate_key {nginx_dir}/key.pem;",
        ),
        ("proxy_pass http://cms_web;", "proxy_pass http://$cms_upstream;"),
    ]
    for old, new in replacements:
        if site.count(old) != 1:
            raise SystemExit(f"smoke: deploy/nginx.conf no longer has {old.strip()!r}")
        site = site.replace(old, new)
    temp = "\n".join(
        f"    {kind}_temp_path {nginx_dir}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
worker_processes 2;
pid {nginx_dir}/nginx.pid;
error_log {smoke}/logs/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {smoke}/logs/nginx-access.log;
{temp}
    map $http_x_smoke_host $cms_upstream {{
        default cms_web;
        a cms_host_a;
        b cms_host_b;
    }}
    upstream cms_host_a {{ server 127.0.0.1:{web_a}; keepalive 8; }}
    upstream cms_host_b {{ server 127.0.0.1:{web_b}; keepalive 8; }}
{site}
}}
"""


# ---------------------------------------------------------------------------
# Processes.


class Host:
    """One host's processes and local folders."""

    def __init__(self, name, port):
        self.name = name
        self.port = port
        self.root = Path(env("SMOKE_DIR")) / f"host-{name}"
        self.root.mkdir(exist_ok=True)
        self.env = {
            **os.environ,
            "PORT": str(port),
            "BIND_ADDRESS": "127.0.0.1",
            "VAR_DIR": str(self.root / "var"),
            "MEDIA_ROOT": str(self.root / "media"),
            "PRIVATE_MEDIA_ROOT": str(self.root / "private"),
            # gunicorn keeps its control socket under HOME: one per host.
            "HOME": str(self.root),
        }
        self.web = None
        self.worker = None

    def log(self, role):
        return Path(env("SMOKE_DIR")) / "logs" / f"{role}-{self.name}.log"

    def start(self, role, extra_env=None, args=()):
        log = self.log(role)
        process = subprocess.Popen(  # noqa: S603 - our own entrypoint
            [ENTRYPOINT, role, *args],
            cwd=self.root,
            env={**self.env, **(extra_env or {})},
            stdout=log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        PROCESSES.append(process)
        with open(Path(env("SMOKE_DIR")) / "pids", "a") as pids:
            pids.write(f"{process.pid}\n")
        return process

    def start_web(self, extra_env=None, wait=True):
        self.web = self.start("web", extra_env)
        if wait:
            self.wait_web()

    def wait_web(self):
        wait_for(
            lambda: http_ok(f"http://127.0.0.1:{self.port}/healthz"),
            f"web on host {self.name} did not answer /healthz",
            timeout=60,
            process=self.web,
        )

    def start_worker(self, wait=True):
        # INFO: the worker's log names every task it received (proof of
        # which host ran what).
        self.worker = self.start(
            "worker",
            {"LOG_LEVEL": "INFO"},
            ["--hostname", f"smoke-{self.name}@%h"],
        )
        if wait:
            self.wait_worker()

    def wait_worker(self):
        wait_for(
            lambda: "ready." in self.log("worker").read_text(),
            f"worker on host {self.name} did not start",
            timeout=60,
            process=self.worker,
        )

    def manage_shell(self, code):
        """Run Python in `manage.py shell` on this host; its stdout."""
        result = subprocess.run(  # noqa: S603 - our own entrypoint
            [ENTRYPOINT, "manage", "shell", "--verbosity=0", "-c", code],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        check(result.returncode == 0, f"manage shell on {self.name}:\n{result.stderr}")
        return result.stdout

    def tasks_run(self, task_name):
        """How many tasks of that name this host's worker received."""
        log = self.log("worker")
        if not log.exists():
            return 0
        return len(
            re.findall(
                rf"Task {re.escape(task_name)}\[[^]]+\] received", log.read_text()
            )
        )


PROCESSES = []


def stop(process, timeout=20):
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def wait_for(condition, message, timeout=60, process=None, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None and process.poll() is not None:
            raise Miss(f"{message} (exited with {process.returncode})")
        time.sleep(interval)
    raise Miss(f"{message} within {timeout} s")


def http_ok(url):
    try:
        answer = requests.get(url, headers={"Host": "localhost"}, timeout=2)
        return answer.status_code == 200
    except requests.RequestException:
        return False


# ---------------------------------------------------------------------------
# Talking to the service through the proxy.

PROXY = f"https://localhost:{os.environ.get('SMOKE_PROXY_PORT', '0')}"


class SourceAddress(HTTPAdapter):
    """Connect from a given loopback address: another client, as nginx sees it."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Browser:
    def __init__(self):
        self.session = requests.Session()
        self.session.verify = env("SMOKE_CA")

    def request(self, method, path, host=None, **kwargs):
        headers = {"Referer": PROXY + "/", **kwargs.pop("headers", {})}
        if host:
            headers["X-Smoke-Host"] = host
        kwargs.setdefault("allow_redirects", False)
        # Per request: REQUESTS_CA_BUNDLE would win over the session's.
        return self.session.request(
            method,
            PROXY + path,
            headers=headers,
            timeout=60,
            verify=env("SMOKE_CA"),
            **kwargs,
        )

    def csrf(self):
        return self.session.cookies.get("csrftoken")

    def form_post(self, path, data, host, files=None):
        self.request("GET", path, host)
        return self.request(
            "POST",
            path,
            host,
            data={"csrfmiddlewaretoken": self.csrf(), **data},
            files=files,
        )


def db():
    return psycopg.connect(env("DATABASE_URL"), autocommit=True)


def scalar(sql, *params):
    with db() as conn:
        return conn.execute(sql, params).fetchone()[0]


def s3():
    return boto3.client(
        "s3",
        endpoint_url=env("AWS_S3_ENDPOINT_URL"),
        aws_access_key_id=env("AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=env("AWS_SECRET_ACCESS_KEY"),
        region_name=env("AWS_S3_REGION_NAME"),
    )


def keys(bucket, prefix=""):
    answer = s3().list_objects_v2(Bucket=bucket, Prefix=prefix)
    return [item["Key"] for item in answer.get("Contents", [])]


def local_files(host):
    return [p for p in host.root.rglob("*") if p.is_file() and "media" in p.parts]


def messages():
    return list(mailbox.Maildir(Path(env("SMOKE_DIR")) / "mail", factory=None))


def parsed(message):
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)


# ---------------------------------------------------------------------------
