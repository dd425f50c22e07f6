# ruff: noqa: T201  (a command-line benchmark prints its figures)
"""Load: the public endpoints under many concurrent clients on loopback.

The news list, the events list and search (API rate limit off: one address
makes all the load) and subscribe (production rate limits on), each under
BENCH_LOAD_CLIENTS (50) connections for BENCH_LOAD_DURATION (60s; 10s with
--quick) through gunicorn (production settings, BENCH_WORKERS sync workers)
on PostgreSQL and Redis, on the data `run_api.py` seeds. Reports requests
per second, p50 and p99 latency (wrk's own histogram, through a Lua script)
and the answers by status; any 5xx or socket error fails the run.

Subscribe: five addresses in turn from one client address, as a bot or a
double-clicking crowd would. A Celery worker sends the confirmation emails
the requests cause to an SMTP server this runner starts, which counts them:
no more than the limits allow (NEWSLETTERS_SUBSCRIBE_RATE_PER_IP requests a
client address an hour, and one first email per address and list an hour),
however many requests arrive.

    DATABASE_URL=postgres://... REDIS_URL=redis://... \
        python tests/bench/run_load.py [--quick] [--json PATH]
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.bench.common import cli, emit, figure  # noqa: E402
from tests.bench.run_api import (  # noqa: E402
    PORT,
    WORKERS,
    environment,
    fetch,
    seed,
    start_gunicorn,
    stop,
)

CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "50"))
DURATION = os.environ.get(
    "BENCH_LOAD_DURATION", "10s" if "--quick" in sys.argv else "60s"
)
ADDRESSES = 5

READS = {
    "news list": "/api/v3/news/?locale=sr-latn&limit=20",
    "events list": "/api/v3/events/?locale=sq&limit=20",
    "search": "/api/v3/search/?q=" + quote("civilnog društva") + "&locale=sr-latn",
}

# wrk keeps one Lua state per thread: each counts its answers by status, and
# done() adds them up and prints one JSON line.
COUNTING = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} end
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
%(request)s
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do
      total[tostring(status)] = (total[tostring(status)] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do
    table.insert(parts, string.format('"%%s": %%d', status, n))
  end
  io.write(string.format(
    'RESULT {"requests": %%d, "errors": %%d, "rps": %%.1f, '
    .. '"p50_ms": %%.2f, "p99_ms": %%.2f, "status": {%%s}}\\n',
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    table.concat(parts, ", ")))
end
"""

# Five addresses in turn, the way a bot or a double-clicking crowd would.
SUBSCRIBE = """
local n = 0
function request()
  n = n + 1
  local body = string.format(
    '{"email": "lexues%%d@shembull.example", "countries": ["XK"], '
    .. '"language": "sq", "consent": true}', n %% %(addresses)d)
  return wrk.format("POST", "/api/v3/newsletter/subscribe/",
    {["Content-Type"] = "application/json"}, body)
end
"""


def load(path, script):
    """One wrk run of DURATION: its figures as a dict."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(COUNTING % {"request": script})
    out = subprocess.run(
        [
            "wrk", "-t2", f"-c{CLIENTS}", f"-d{DURATION}", "--timeout", "10s",
            "-s", lua.name, f"http://127.0.0.1:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout  # fmt: skip
    os.unlink(lua.name)
    found = re.search(r"^RESULT (.*)$", out, re.MULTILINE)
    if not found:
        sys.exit(f"wrk printed no result for {path}:\n{out}")
    return json.loads(found.group(1))


class CountingSMTP:
    """An SMTP server on loopback that counts the messages it is given."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        counter = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                counter.messages.append(envelope.rcpt_tos)
                return "250 OK"

        self.messages = []
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()


def start_mail_worker(env, var_dir):
    from tests.bench.run_sending import children

    log = open(var_dir / "mail-worker.log", "ab")  # noqa: SIM115
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "cms", "worker",
            "--loglevel=WARNING", "--concurrency=1", "--queues=mail,default",
            "--without-heartbeat", "--without-mingle", "--without-gossip",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not children(worker):
        if worker.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"the mail worker did not start; see {log.name}")
        time.sleep(0.2)
    return worker


def drain(smtp, env, seconds=30):
    """Wait until the mail queue is empty and the count stops moving."""
    deadline = time.monotonic() + seconds
    last, steady = -1, 0
    while time.monotonic() < deadline:
        count = len(smtp.messages)
        steady = steady + 1 if count == last and queued_mail(env) == 0 else 0
        if steady >= 3:
            return
        last = count
        time.sleep(1)


def queued_mail(env):
    """Messages waiting on the mail queue (the broker is REDIS_URL's)."""
    import redis

    return redis.Redis.from_url(env["REDIS_URL"]).llen("mail")


def main():
    args = cli(__doc__)
    var_dir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = environment(var_dir, cache_seconds=0)
    env["NUM_PROXIES"] = "0"
    env["BENCH_BODY_FILE"] = str(var_dir / "unused.json")
    (var_dir / "unused.json").write_bytes(b"{}")
    if not os.environ.get("BENCH_SEEDED"):  # run_all.py: run_api.py seeded it
        seed(env)
    results = {}
    server = start_gunicorn(env)
    try:
        for name, path in READS.items():
            fetch(path)
            results[name] = load(path, "")
            print(f"{name}: {results[name]}", flush=True)
    finally:
        stop(server)

    # Subscribe with the production rate limits (the API's own included).
    smtp = CountingSMTP()
    limited = {
        **env,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    }
    limited.pop("API_RATE_LIMIT")  # the production default
    limited["LOG_LEVEL"] = "ERROR"  # not a warning line per 429
    per_ip = limit_of(limited, "NEWSLETTERS_SUBSCRIBE_RATE_PER_IP")
    lists = lists_of(limited)
    worker = start_mail_worker(limited, var_dir)
    server = start_gunicorn(limited)
    try:
        results["subscribe"] = load(
            "/api/v3/newsletter/subscribe/", SUBSCRIBE % {"addresses": ADDRESSES}
        )
        print(f"subscribe: {results['subscribe']}", flush=True)
        drain(smtp, limited)
    finally:
        stop(server)
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        smtp.stop()
    emails = len(smtp.messages)
    allowed = min(per_ip, ADDRESSES * lists)
    emit(figures(results, emails, allowed, per_ip, lists), args)


def setting_of(env, expression):
    code = f"from newsletters.conf import app_settings as s; print({expression})"
    return shell(env, code)


def shell(env, code):
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"manage.py shell failed:\n{done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


def limit_of(env, name):
    return int(setting_of(env, f"s.{name}[0]"))


def lists_of(env):
    """Public lists a request for country XK asks for."""
    code = (
        "from newsletters.audience.models import MailingList; "
        "print(MailingList.objects.filter(is_public=True, "
        "country__iso_code='XK').count())"
    )
    return max(1, int(shell(env, code)))


def figures(results, emails, allowed, per_ip, lists):
    setting = (
        f"gunicorn {WORKERS} sync workers, production settings, wrk 2 threads "
        f"x {CLIENTS} connections x {DURATION}, loopback"
    )
    rows = []
    for name, r in results.items():
        server_errors = sum(n for s, n in r["status"].items() if s.startswith("5"))
        r["server_errors"] = server_errors
        answers = ", ".join(f"{s}: {n:,}" for s, n in sorted(r["status"].items()))
        ok = not server_errors and not r["errors"]
        if name == "subscribe":
            ok = ok and emails <= allowed
        rows.append(
            figure(
                f"load:{name}",
                name,
                r["rps"],
                "req/s",
                target="zero errors"
                + (", emails <= allowed" if name == "subscribe" else ""),
                meets=ok,
                notes=f"{setting}; answers {answers}; {r['errors']} socket errors",
                p50_ms=r["p50_ms"],
                p99_ms=r["p99_ms"],
                status=r["status"],
                socket_errors=r["errors"],
                **(
                    {
                        "emails": emails,
                        "emails_allowed": allowed,
                        "limit_note": (
                            f"{per_ip} subscribe requests a client address an "
                            f"hour; one first email per address and list an "
                            f"hour ({ADDRESSES} addresses x {lists} lists)"
                        ),
                    }
                    if name == "subscribe"
                    else {}
                ),
            )
        )
    return rows


if __name__ == "__main__":
    main()
