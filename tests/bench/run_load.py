# ruff: noqa: T201  (a command-line benchmark prints its figures)
"""Load: the public endpoints under many concurrent clients on loopback.

The news list, the events list and search (rate limit off: one address makes
all the load) and subscribe (rate limits on, as in production), each under
BENCH_LOAD_CLIENTS (50) connections for BENCH_LOAD_DURATION (60 s) through
gunicorn on PostgreSQL and Redis, on the data `run_api.py` seeds. Reports
requests per second, p50 and p99 latency and the answers by status; any 5xx
or socket error fails the run. For subscribe it also counts the confirmation
emails queued for sending: no more than the per-client limit allows
(NEWSLETTERS_SUBSCRIBE_PER_IP_PER_HOUR), however many requests arrive.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python tests/bench/run_load.py
"""

import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.bench.run_api import (  # noqa: E402
    PORT,
    environment,
    fetch,
    seed,
    start_gunicorn,
    stop,
)

CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "50"))
DURATION = os.environ.get("BENCH_LOAD_DURATION", "60s")
PER_IP = int(os.environ.get("NEWSLETTERS_SUBSCRIBE_PER_IP_PER_HOUR", "10"))
SECTION = "## Load: public endpoints"

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
    '{"email": "lexues%d@shembull.example", "countries": ["XK"], '
    .. '"language": "sq", "consent": true}', n %% 5)
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


def queued_mail(env):
    """Messages waiting on the mail queue (nobody consumes it here)."""
    code = (
        "from django.conf import settings; import redis; "
        "print(redis.Redis.from_url(settings.CELERY_BROKER_URL)"
        ".llen(settings.CELERY_MAIL_QUEUE))"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.strip().splitlines()[-1])


def main():
    var_dir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = environment(var_dir, cache_seconds=0)
    env["NUM_PROXIES"] = "0"
    env["BENCH_BODY_FILE"] = str(var_dir / "unused.json")
    (var_dir / "unused.json").write_bytes(b"{}")
    seed(env)
    results = {}
    server = start_gunicorn(env)
    try:
        for name, path in READS.items():
            fetch(path)
            results[name] = load(path, "")
    finally:
        stop(server)
    limited = {**env, "API_RATE_LIMIT": "1200/m"}
    limited.pop("DJANGO_SETTINGS_MODULE")
    limited["DJANGO_SETTINGS_MODULE"] = "cms.settings.production"
    before = queued_mail(limited)
    server = start_gunicorn(limited)
    try:
        results["subscribe"] = load("/api/v3/newsletter/subscribe/", SUBSCRIBE)
    finally:
        stop(server)
    results["subscribe"]["emails"] = queued_mail(limited) - before
    report(results)


def report(results):
    failures = []
    rows = []
    for name, r in results.items():
        server_errors = sum(n for s, n in r["status"].items() if s.startswith("5"))
        if server_errors or r["errors"]:
            failures.append(f"{name}: {server_errors} 5xx, {r['errors']} socket errors")
        answers = ", ".join(f"{s}: {n}" for s, n in sorted(r["status"].items()))
        rows.append(
            f"| {name} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} "
            f"| {answers} |"
        )
    emails = results["subscribe"]["emails"]
    if emails > PER_IP:
        failures.append(f"subscribe: {emails} confirmations queued, limit {PER_IP}")
    verdict = "passes" if not failures else "**fails**: " + "; ".join(failures)
    cpu = platform.processor() or platform.machine()
    lines = [
        SECTION,
        "",
        f"Measured {datetime.date.today().isoformat()} on {os.cpu_count()} cores "
        f"({cpu}), Python {platform.python_version()}, gunicorn on loopback, "
        f"PostgreSQL and Redis, wrk {CLIENTS} connections x {DURATION} per "
        "endpoint, by `tests/bench/run_load.py`. Reads with the API rate limit "
        "off (one client address makes all the load); subscribe with the "
        "production limits on, five addresses in turn.",
        "",
        "| endpoint | req/s | p50 ms | p99 ms | answers by status |",
        "| --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"Confirmation emails queued by the subscribe load: {emails} (limit "
        f"{PER_IP} per client address an hour). Verdict: {verdict}.",
        "",
    ]
    text = "\n".join(lines)
    sys.stdout.write(text)
    path = REPO / "docs" / "benchmarks.md"
    current = path.read_text()
    start = current.find(SECTION)
    if start != -1:
        end = current.find("\n## ", start + 1)
        current = current[:start] + (current[end + 1 :] if end != -1 else "")
    path.write_text(current.rstrip("\n") + "\n\n" + text)
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
