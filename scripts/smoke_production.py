"""Driver of `make smoke-production`, run by scripts/smoke_production.sh
(which starts PostgreSQL's database, Redis, SMTP, S3 and nginx, and
migrates). A script, not a test module: pytest does not collect it.

    smoke_production.py nginx-config   print the proxy's configuration
    smoke_production.py run            start two hosts and one beat; check

Each host (A and B) is a gunicorn and a Celery worker started through
scripts/entrypoint.sh, with its own VAR_DIR, MEDIA_ROOT and private folder:
they share only PostgreSQL, Redis and the S3 store, as docs/deploy.md says
hosts do. Every check that misses raises Miss, and the run exits 1 naming it.
"""

import contextlib
import csv
import email
import email.policy
import io
import json
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
from PIL import Image
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
        return log.read_text().count(f"Task {task_name}[")


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
# The checks.

def check_health(browser, hosts):
    for host in (None, "a", "b"):
        answer = browser.request("GET", "/healthz", host)
        where = f"host {host}" if host else "the balanced upstream"
        check(answer.status_code == 200, f"/healthz via {where}: {answer.status_code}")
        body = answer.json()
        names = set(body.get("checks", {}))
        check(
            {"database", "broker", "cache"} <= names,
            f"/healthz names {sorted(names)}, not database, broker and cache",
        )
        failing = [n for n, r in body["checks"].items() if not r.get("ok")]
        check(body["status"] == "ok" and not failing, f"/healthz failing: {failing}")
    # Plain HTTP is redirected to HTTPS except /healthz (load balancers).
    return f"checks {sorted(names)} ok on both hosts"


def log_in(browser):
    browser.request("GET", "/admin/login/", "a")
    answer = browser.request(
        "POST",
        "/admin/login/",
        "a",
        data={
            "csrfmiddlewaretoken": browser.csrf(),
            "username": "admin",
            "password": ADMIN_PASSWORD,
        },
    )
    check(
        answer.status_code == 302 and answer.headers["Location"] == "/admin/",
        f"admin login on host A: {answer.status_code} {answer.text[:300]}",
    )
    dashboard = browser.request("GET", "/admin/", "b")
    check(dashboard.status_code == 200, f"admin on host B: {dashboard.status_code}")
    return "logged in on A; the session holds on B"


def upload_image(browser, hosts):
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (30, 90, 160)).save(buffer, "PNG")
    form = browser.request("GET", "/admin/images/add/", "a")
    check(form.status_code == 200, f"image form on A: {form.status_code}")
    data = {"title": "Smoke photo"}
    collection = re.search(r'name="collection"[^>]*>\s*<option value="(\d+)"', form.text)
    if collection:
        data["collection"] = collection.group(1)
    answer = browser.form_post(
        "/admin/images/add/",
        data,
        "a",
        files={"file": ("smoke-photo.png", buffer.getvalue(), "image/png")},
    )
    check(
        answer.status_code == 302,
        f"image upload on A: {answer.status_code} {answer.text[:500]}",
    )
    image_id = scalar(
        "SELECT id FROM wagtailimages_image WHERE title = 'Smoke photo' "
        "ORDER BY id DESC LIMIT 1"
    )
    originals = keys(env("AWS_STORAGE_BUCKET_NAME"), "original_images/")
    check(
        any("smoke-photo" in key for key in originals),
        f"the uploaded original is not in the media bucket: {originals}",
    )
    stray = [str(p) for h in hosts.values() for p in local_files(h)]
    check(not stray, f"media written to a host's local disk: {stray}")
    return image_id


def import_subscribers(browser, hosts, list_id):
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["email", "name", "language"])
    for n in range(SUBSCRIBERS):
        writer.writerow([f"reader{n:04d}@smoke.example.org", f"Reader {n}", "en"])
    answer = browser.form_post(
        f"/admin/audience/lists/{list_id}/import/",
        {
            "encoding": "auto",
            "consent_note": "Smoke run sign-up sheet",
            "attest": "on",
        },
        "a",
        files={"file": ("smoke.csv", rows.getvalue().encode(), "text/csv")},
    )
    check(
        answer.status_code == 302,
        f"CSV upload on A: {answer.status_code} {answer.text[:500]}",
    )
    mapping = answer.headers["Location"]
    private = keys(env("AWS_PRIVATE_BUCKET_NAME"))
    check(private, "the uploaded CSV is not in the private bucket")
    answer = browser.form_post(
        mapping, {"email": "0", "name": "1", "language": "2"}, "a"
    )
    check(answer.status_code == 302, f"column mapping on A: {answer.status_code}")
    status = answer.headers["Location"]
    result = {}

    def done():
        result.update(browser.request("GET", status + "?format=json", "a").json())
        return result.get("state") not in ("queued", "running", "mapping")

    wait_for(done, "the import did not finish", timeout=120, interval=0.5)
    check(
        result["state"] == "done" and result["imported"] == SUBSCRIBERS,
        f"import: {result}",
    )
    check(
        hosts["b"].tasks_run("newsletters.tasks.import_subscribers") >= 1,
        "host B's worker log names no import task",
    )
    check(hosts["a"].worker is None, "host A's worker was running")
    return f"{result['imported']} imported by host B's worker from the private bucket"


def set_up(host):
    """What an operator and an officer would have made: the home pages, a
    country with its newsletter section, its list, a superuser."""
    host.manage_shell(
        f"""
from django.contrib.auth import get_user_model
from wagtail.models import Locale
from home.setup import ensure_home_pages
from news.models import Country
from news.structure import section_for
from newsletters.audience.models import MailingList
ensure_home_pages()
en = Locale.objects.get(language_code="en")
country = Country.objects.create(
    iso_code="XK", name="Kosovo", languages=["sq", "sr", "en"], locale=en
)
section_for(country, en, key="newsletters")
MailingList.objects.create(
    name="Kosovo newsletter", country=country, languages=["sq", "sr", "en"],
    default_language="sq",
)
get_user_model().objects.create_superuser("admin", "admin@localhost", {ADMIN_PASSWORD!r})
"""
    )


def compose_newsletter(host, image_id, list_id):
    out = host.manage_shell(
        f"""
import json
from wagtail.models import Locale
from news.structure import section_for
from newsletters.audience.models import MailingList
from newsletters.composition.models import NewsletterPage
country = MailingList.objects.get(pk={list_id}).country
section = section_for(country, Locale.objects.get(language_code="en"), key="newsletters")
page = section.add_child(instance=NewsletterPage(
    title={SUBJECT!r}, slug="smoke-issue", subject={SUBJECT!r},
    body=[
        {{"type": "intro", "value": "<p>Smoke run.</p>"}},
        {{"type": "image", "value": {{"image": {image_id}, "alt_text": "A photo"}}}},
    ],
))
page.save_revision().publish()
print(json.dumps({{"page": page.pk}}))
"""
    )
    return json.loads(out.strip().splitlines()[-1])["page"]


def send_campaign(browser, hosts, page_id, list_id):
    started = time.monotonic()
    answer = browser.form_post(
        f"/admin/campaigns/new/{page_id}/", {"lists": str(list_id), "confirm": "1"}, "a"
    )
    check(
        answer.status_code == 302,
        f"starting the campaign on A: {answer.status_code} {answer.text[:500]}",
    )
    campaign_id = scalar("SELECT max(id) FROM newsletters_campaign")

    def status():
        return scalar("SELECT status FROM newsletters_campaign WHERE id = %s", campaign_id)

    # Only host B's worker runs: it freezes the editions (the rendition).
    wait_for(
        lambda: status() not in ("preparing", "scheduled"),
        "the campaign was not prepared",
        timeout=120,
        interval=0.3,
    )
    renditions = keys(env("AWS_STORAGE_BUCKET_NAME"), "images/")
    check(renditions, "no rendition in the media bucket after host B prepared")
    check(
        hosts["b"].tasks_run("newsletters.tasks.send_campaign") >= 1,
        "host B's worker log names no send_campaign task",
    )
    check(hosts["a"].worker is None, "host A's worker was running")
    # Then host A's worker joins in for the chunks.
    hosts["a"].start_worker()
    wait_for(
        lambda: status() in ("sent", "cancelled", "failed"),
        f"campaign {campaign_id} did not finish",
        timeout=240,
        interval=0.5,
    )
    with db() as conn:
        counts = dict(
            conn.execute(
                "SELECT status, count(*) FROM newsletters_delivery "
                "WHERE campaign_id = %s GROUP BY status",
                (campaign_id,),
            ).fetchall()
        )
    check(status() == "sent", f"campaign status {status()}")
    check(counts == {"sent": SUBSCRIBERS}, f"deliveries by status: {counts}")
    wait_for(
        lambda: len(newsletters()) >= SUBSCRIBERS,
        "the SMTP server did not receive every message",
        timeout=30,
    )
    received = newsletters()
    recipients = {m["To"] for m in received}
    check(
        len(received) == SUBSCRIBERS and len(recipients) == SUBSCRIBERS,
        f"SMTP received {len(received)} newsletters for {len(recipients)} recipients",
    )
    chunks = {
        name: host.tasks_run("newsletters.tasks.deliver_chunk") for name, host in hosts.items()
    }
    return campaign_id, received, chunks


def newsletters():
    return [parsed(m) for m in messages() if SUBJECT in str(parsed(m)["Subject"])]


def check_rendition(browser, received):
    html = received[0].get_body(("html",)).get_content()
    urls = re.findall(r'<img[^>]+src="([^"]+)"', html)
    media = [u for u in urls if "/media/images/" in u]
    check(media, f"no rendition in the email; images: {urls}")
    url = media[0].replace("&amp;", "&")
    check(url.startswith(PROXY + "/media/images/"), f"rendition URL {url}")
    answer = requests.get(url, verify=env("SMOKE_CA"), timeout=10)
    check(
        answer.status_code == 200 and answer.headers["Content-Type"].startswith("image/"),
        f"rendition {url}: {answer.status_code} {answer.headers.get('Content-Type')}",
    )
    width = Image.open(io.BytesIO(answer.content)).size[0]
    check(width == 1200, f"rendition is {width} px wide, not 1200")
    original = keys(env("AWS_STORAGE_BUCKET_NAME"), "original_images/")[0]
    proxied = requests.get(f"{PROXY}/media/{original}", verify=env("SMOKE_CA"), timeout=10)
    check(proxied.status_code == 404, f"an original via nginx: {proxied.status_code}")
    bucket = f"{env('AWS_S3_ENDPOINT_URL')}/{env('AWS_STORAGE_BUCKET_NAME')}"
    direct = requests.get(f"{bucket}/{original}", timeout=10)
    check(direct.status_code == 403, f"an original, anonymous, from S3: {direct.status_code}")
    return f"{url.rsplit('/', 1)[-1]} 200 via nginx from S3; originals 404 (S3: 403)"


def check_rate_limits():
    limit = int(env("API_RATE_LIMIT"))
    # A fixed window of 60 s: not across its end.
    if time.time() % 60 > 45:
        time.sleep(61 - time.time() % 60)
    one, other = requests.Session(), requests.Session()
    for session, address in ((one, "127.0.0.2"), (other, "127.0.0.3")):
        session.verify = env("SMOKE_CA")
        session.mount("https://", SourceAddress(address))
    url = PROXY + "/api/v3/news/?limit=1"
    codes = []
    for n in range(limit + 1):
        # Alternate hosts: the budget is one, in Redis, not per process.
        host = "ab"[n % 2]
        codes.append(one.get(url, headers={"X-Smoke-Host": host}, timeout=10, verify=env("SMOKE_CA")))
    statuses = [r.status_code for r in codes]
    check(
        statuses == [200] * limit + [429],
        f"client 127.0.0.2, {limit + 1} requests: {statuses}",
    )
    check("Retry-After" in codes[-1].headers, "429 without Retry-After")
    spoofed = one.get(url, headers={"X-Forwarded-For": "198.51.100.7"}, timeout=10, verify=env("SMOKE_CA"))
    check(spoofed.status_code == 429, f"a forged X-Forwarded-For: {spoofed.status_code}")
    fresh = other.get(url, timeout=10, verify=env("SMOKE_CA"))
    check(fresh.status_code == 200, f"client 127.0.0.3 after the other's 429: {fresh.status_code}")
    again = one.get(url, timeout=10, verify=env("SMOKE_CA"))
    check(again.status_code == 429, f"client 127.0.0.2 again: {again.status_code}")
    return f"{limit} allowed then 429 for one address; the other 200; forged header ignored"


def check_key_rotation(hosts, received):
    unsubscribe = received[0]["List-Unsubscribe"]
    links = re.findall(r"<(https://[^>]+)>", unsubscribe)
    check(links, f"List-Unsubscribe without an https link: {unsubscribe}")
    link = links[0]
    check(link.startswith(PROXY), f"unsubscribe link {link}")
    path = link[len(PROXY):]
    recipient = received[0]["To"].addresses[0].addr_spec
    old, new = env("SECRET_KEY"), env("SMOKE_NEW_SECRET_KEY")
    # Host A: the new key, the old one kept as a fallback (docs/deploy.md).
    # Host B: the new key alone, which proves the link carries the old one.
    for name, extra in (
        ("a", {"SECRET_KEY": new, "SECRET_KEY_FALLBACKS": old}),
        ("b", {"SECRET_KEY": new, "SECRET_KEY_FALLBACKS": ""}),
    ):
        stop(hosts[name].web)
        hosts[name].start_web(extra, wait=False)
    hosts["a"].wait_web()
    hosts["b"].wait_web()
    browser = Browser()
    control = browser.request("POST", path, "b", data={"List-Unsubscribe": "One-Click"})
    check(
        control.status_code == 404,
        f"the old link on a host without the fallback: {control.status_code}",
    )
    answer = browser.request("POST", path, "a", data={"List-Unsubscribe": "One-Click"})
    check(
        answer.status_code == 200,
        f"one-click unsubscribe after the rotation: {answer.status_code} {answer.text[:300]}",
    )
    status = scalar(
        "SELECT s.status FROM newsletters_subscription s "
        "JOIN newsletters_subscriber r ON r.id = s.subscriber_id WHERE r.email = %s",
        recipient,
    )
    check(status == "unsubscribed", f"{recipient} is {status} after unsubscribing")
    return f"{recipient} unsubscribed with a link signed before the rotation"


def check_beat(browser, hosts):
    def heartbeat():
        age = browser.request("GET", "/healthz").json()["worker_heartbeat_age_seconds"]
        return age is not None and age < 30

    wait_for(heartbeat, "no worker heartbeat from beat in /healthz", timeout=30)
    beat_log = (Path(env("SMOKE_DIR")) / "logs" / "beat-a.log").read_text()
    check("holding the beat lock" in beat_log, "beat never held the beat lock")
    return "beat holds the lock; a worker's heartbeat is fresh"


def run():
    timings = []

    def step(title, function, *args):
        started = time.monotonic()
        print(f"--- {title}", flush=True)
        result = function(*args)
        elapsed = time.monotonic() - started
        timings.append((title, elapsed))
        said = f": {result}" if isinstance(result, str) else ""
        print(f"    ok ({elapsed:.1f} s){said}", flush=True)
        return result

    hosts = {"a": Host("a", int(env("SMOKE_WEB_A_PORT"))), "b": Host("b", int(env("SMOKE_WEB_B_PORT")))}
    browser = Browser()
    try:
        step("site structure, a list and the admin account (shell on A)", set_up, hosts["a"])
        list_id = scalar(
            "SELECT l.id FROM newsletters_mailinglist l JOIN news_country c "
            "ON c.id = l.country_id WHERE c.iso_code = 'XK'"
        )

        def start_processes():
            hosts["a"].start_web(wait=False)
            hosts["b"].start_web(wait=False)
            hosts["b"].start_worker(wait=False)
            hosts["a"].start("beat")
            hosts["a"].wait_web()
            hosts["b"].wait_web()
            hosts["b"].wait_worker()

        step("2. web A, web B, worker B, beat", start_processes)
        step("/healthz through nginx", check_health, browser, hosts)
        step("admin login (HTTPS through nginx)", log_in, browser)
        image_id = step("image upload on A (to S3)", upload_image, browser, hosts)
        step("CSV import uploaded on A, run by B", import_subscribers, browser, hosts, list_id)
        page_id = step("newsletter with the image (shell on A)", compose_newsletter, hosts["a"], image_id, list_id)
        campaign_id, received, chunks = step(
            f"campaign to {SUBSCRIBERS}: prepared by B, sent by A and B",
            send_campaign,
            browser,
            hosts,
            page_id,
            list_id,
        )
        print(f"    chunks run by worker: {chunks}", flush=True)
        step("rendition in the email answers", check_rendition, browser, received)
        step("rate limits by X-Forwarded-For", check_rate_limits)
        step("beat and heartbeat", check_beat, browser, hosts)
        step("unsubscribe link across a key rotation", check_key_rotation, hosts, received)
    except Miss as miss:
        print(f"\nsmoke: MISS: {miss}", file=sys.stderr, flush=True)
        return 1
    finally:
        for process in reversed(PROCESSES):
            stop(process)
        print("\nsmoke timings:")
        for title, elapsed in timings:
            print(f"  {elapsed:6.1f} s  {title}")
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "nginx-config":
        print(nginx_config())
    elif command == "run":
        sys.exit(run())
    else:
        raise SystemExit(__doc__)
