"""/metrics: Prometheus figures behind a bearer token (docs/deploy.md,
"Monitoring"): dependencies, heartbeat, queue depths, campaigns under way
and their deliveries, imports waiting."""

import re
import secrets

import pytest
from celery import current_app

from newsletters.audience.models import ImportJob, Subscriber
from newsletters.delivery.models import Campaign, CampaignEdition, Delivery
from tests.conftest import skip_unless_ci
from tests.newsletters.compose import intro, newsletter

pytestmark = pytest.mark.django_db
TOKEN = "metrics-test-token"  # noqa: S105
SAMPLE = re.compile(r"^(\w+)(\{[^}]*\})? (\S+)$")


def scrape(client, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/metrics", headers=headers)


def samples(response):
    """{(name, frozenset(labels)): value} of a text exposition."""
    found = {}
    for line in response.content.decode().splitlines():
        if line.startswith("#") or not line:
            continue
        match = SAMPLE.match(line)
        assert match, line
        name, labels, value = match.groups()
        pairs = re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', labels or "")
        found[(name, frozenset(pairs))] = float(value)
    return found


def test_off_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert scrape(client).status_code == 404


@pytest.mark.parametrize("token", [None, "wrong", TOKEN + "x"])
def test_a_wrong_or_missing_token_is_refused(client, settings, token):
    settings.METRICS_TOKEN = TOKEN
    response = scrape(client, token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"cms_" not in response.content


def test_dependencies_campaigns_and_imports(client, settings, programme, team_lists):
    settings.METRICS_TOKEN = TOKEN
    page = newsletter(programme, "XK", "en", [intro("<p>Civil society.</p>")])
    sending = Campaign.objects.create(
        newsletter=page, status=Campaign.Status.SENDING, recipients=3
    )
    Campaign.objects.create(newsletter=page, status=Campaign.Status.SENT)
    edition = CampaignEdition.objects.create(
        campaign=sending, language="en", page_id=page.pk, data={}
    )
    for address, status in (
        ("a@example.org", Delivery.Status.SENT),
        ("b@example.org", Delivery.Status.SENT),
        ("ç@example.org", Delivery.Status.PENDING),
    ):
        subscriber = Subscriber.objects.create(email=address, language="en")
        Delivery.objects.create(
            campaign=sending, subscriber=subscriber, edition=edition, status=status
        )
    ImportJob.objects.create(
        mailing_list=team_lists["XK"], state=ImportJob.State.QUEUED
    )

    response = scrape(client)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert (
        "no-cache" in response["Cache-Control"]
        or "max-age=0" in response["Cache-Control"]
    )
    found = samples(response)
    for dependency in ("database", "broker", "cache"):
        assert (
            found[("cms_dependency_up", frozenset({("dependency", dependency)}))] == 1
        )
    assert found[("cms_campaigns", frozenset({("status", "sending")}))] == 1
    assert found[("cms_campaigns", frozenset({("status", "sent")}))] == 1
    assert found[("cms_campaigns", frozenset({("status", "draft")}))] == 0
    key = str(sending.pk)
    assert found[("cms_campaign_recipients", frozenset({("campaign", key)}))] == 3
    for status, count in (("sent", 2), ("pending", 1), ("failed", 0)):
        labels = frozenset({("campaign", key), ("status", status)})
        assert found[("cms_campaign_deliveries", labels)] == count
    # A finished campaign's rows are not counted (they would cost a scan).
    assert not any(
        name == "cms_campaign_recipients" and ("campaign", key) not in labels
        for name, labels in found
    )
    assert found[("cms_import_jobs", frozenset({("state", "queued")}))] == 1
    assert ("cms_worker_heartbeat_age_seconds", frozenset()) in found


def test_queue_depth_counts_waiting_messages(client, settings):
    """Messages put on a queue of its own (never the real queues' messages,
    which the test must not touch) are counted, then taken off again."""
    if not str(current_app.conf.broker_url).startswith("redis"):
        skip_unless_ci("queue depths are read from a Redis broker")
    settings.METRICS_TOKEN = TOKEN
    queue = f"metrics-test-{secrets.token_hex(4)}"
    settings.CELERY_MAIL_QUEUE = queue
    try:
        for _ in range(2):
            current_app.send_task("home.tasks.heartbeat", queue=queue)
        found = samples(scrape(client))
        assert found[("cms_queue_messages", frozenset({("queue", queue)}))] == 2
        assert ("cms_queue_messages", frozenset({("queue", "sending")})) in found
    finally:
        with current_app.connection_for_write() as connection:
            connection.default_channel.client.delete(queue)
