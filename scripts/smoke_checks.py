"""The checks of `make smoke-production` (scripts/smoke_production.py runs
them in order): each returns a line for the log or raises Miss."""

import csv
import io
import json
import re
import time
from pathlib import Path

import requests
from PIL import Image
from smoke_lib import (
    ADMIN_PASSWORD,
    PROXY,
    SUBJECT,
    SUBSCRIBERS,
    Browser,
    SourceAddress,
    check,
    db,
    env,
    keys,
    local_files,
    messages,
    parsed,
    scalar,
    stop,
    wait_for,
)

# The checks.

# The object store (media and private files) is checked too: on S3 here.
HEALTH_CHECKS = {"database", "broker", "cache", "media", "private_files"}


def check_health(browser, hosts):
    for host in (None, "a", "b"):
        answer = browser.request("GET", "/healthz", host)
        where = f"host {host}" if host else "the balanced upstream"
        check(answer.status_code == 200, f"/healthz via {where}: {answer.status_code}")
        body = answer.json()
        names = set(body.get("checks", {}))
        check(
            names >= HEALTH_CHECKS,
            f"/healthz names {sorted(names)}, not {sorted(HEALTH_CHECKS)}",
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
    collection = re.search(
        r'name="collection"[^>]*>\s*<option value="(\d+)"', form.text
    )
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
get_user_model().objects.create_superuser(
    "admin", "admin@localhost", {ADMIN_PASSWORD!r}
)
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
en = Locale.objects.get(language_code="en")
section = section_for(country, en, key="newsletters")
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
    answer = browser.form_post(
        f"/admin/campaigns/new/{page_id}/", {"lists": str(list_id), "confirm": "1"}, "a"
    )
    check(
        answer.status_code == 302,
        f"starting the campaign on A: {answer.status_code} {answer.text[:500]}",
    )
    campaign_id = scalar("SELECT max(id) FROM newsletters_campaign")

    def status():
        return scalar(
            "SELECT status FROM newsletters_campaign WHERE id = %s", campaign_id
        )

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
        name: host.tasks_run("newsletters.tasks.deliver_chunk")
        for name, host in hosts.items()
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
        answer.status_code == 200
        and answer.headers["Content-Type"].startswith("image/"),
        f"rendition {url}: {answer.status_code} {answer.headers.get('Content-Type')}",
    )
    width = Image.open(io.BytesIO(answer.content)).size[0]
    check(width == 1200, f"rendition is {width} px wide, not 1200")
    original = keys(env("AWS_STORAGE_BUCKET_NAME"), "original_images/")[0]
    proxied = requests.get(
        f"{PROXY}/media/{original}", verify=env("SMOKE_CA"), timeout=10
    )
    check(proxied.status_code == 404, f"an original via nginx: {proxied.status_code}")
    bucket = f"{env('AWS_S3_ENDPOINT_URL')}/{env('AWS_STORAGE_BUCKET_NAME')}"
    direct = requests.get(f"{bucket}/{original}", timeout=10)
    check(
        direct.status_code == 403,
        f"an original, anonymous, from S3: {direct.status_code}",
    )
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
        codes.append(
            one.get(
                url, headers={"X-Smoke-Host": host}, timeout=10, verify=env("SMOKE_CA")
            )
        )
    statuses = [r.status_code for r in codes]
    check(
        statuses == [200] * limit + [429],
        f"client 127.0.0.2, {limit + 1} requests: {statuses}",
    )
    check("Retry-After" in codes[-1].headers, "429 without Retry-After")
    spoofed = one.get(
        url,
        headers={"X-Forwarded-For": "198.51.100.7"},
        timeout=10,
        verify=env("SMOKE_CA"),
    )
    check(
        spoofed.status_code == 429, f"a forged X-Forwarded-For: {spoofed.status_code}"
    )
    fresh = other.get(url, timeout=10, verify=env("SMOKE_CA"))
    check(
        fresh.status_code == 200,
        f"client 127.0.0.3 after the other's 429: {fresh.status_code}",
    )
    again = one.get(url, timeout=10, verify=env("SMOKE_CA"))
    check(again.status_code == 429, f"client 127.0.0.2 again: {again.status_code}")
    return (
        f"{limit} allowed, then 429 for one address; the other 200; "
        "a forged X-Forwarded-For changes nothing"
    )


def check_key_rotation(hosts, received):
    unsubscribe = received[0]["List-Unsubscribe"]
    links = re.findall(r"<(https://[^>]+)>", unsubscribe)
    check(links, f"List-Unsubscribe without an https link: {unsubscribe}")
    link = links[0]
    check(link.startswith(PROXY), f"unsubscribe link {link}")
    path = link[len(PROXY) :]
    recipient = received[0]["To"].addresses[0].addr_spec
    old, new = env("SECRET_KEY"), env("SMOKE_NEW_SECRET_KEY")
    # Host A: the new key, the old one kept as a fallback (docs/deploy.md).
    # Host B: the new key alone, which proves the link carries the old one.
    started = time.monotonic()
    for host in hosts.values():
        stop(host.web)
    stopped = time.monotonic()
    hosts["a"].start_web({"SECRET_KEY": new, "SECRET_KEY_FALLBACKS": old}, wait=False)
    hosts["b"].start_web({"SECRET_KEY": new, "SECRET_KEY_FALLBACKS": ""}, wait=False)
    hosts["a"].wait_web()
    hosts["b"].wait_web()
    restart = (
        f"web stopped in {stopped - started:.1f} s, "
        f"restarted in {time.monotonic() - stopped:.1f} s"
    )
    browser = Browser()
    control = browser.request("POST", path, "b", data={"List-Unsubscribe": "One-Click"})
    check(
        control.status_code == 404,
        f"the old link on a host without the fallback: {control.status_code}",
    )
    answer = browser.request("POST", path, "a", data={"List-Unsubscribe": "One-Click"})
    check(
        answer.status_code == 200,
        "one-click unsubscribe after the rotation: "
        f"{answer.status_code} {answer.text[:300]}",
    )
    status = scalar(
        "SELECT s.status FROM newsletters_subscription s "
        "JOIN newsletters_subscriber r ON r.id = s.subscriber_id WHERE r.email = %s",
        recipient,
    )
    check(status == "unsubscribed", f"{recipient} is {status} after unsubscribing")
    return f"{recipient} unsubscribed by a link signed before it ({restart})"


def check_beat(browser, hosts):
    def heartbeat():
        age = browser.request("GET", "/healthz").json()["worker_heartbeat_age_seconds"]
        return age is not None and age < 30

    wait_for(heartbeat, "no worker heartbeat from beat in /healthz", timeout=30)
    beat_log = (Path(env("SMOKE_DIR")) / "logs" / "beat-a.log").read_text()
    check("holding the beat lock" in beat_log, "beat never held the beat lock")
    return "beat holds the lock; a worker's heartbeat is fresh"


def check_logs():
    """No process logged a traceback (a task or request that failed quietly)."""
    logs = sorted((Path(env("SMOKE_DIR")) / "logs").glob("*-[ab].log"))
    broken = [log.name for log in logs if "Traceback" in log.read_text()]
    check(not broken, f"tracebacks in {broken}")
    return f"{len(logs)} logs without a traceback"
