"""The newsletters' figures for /metrics (home.metrics): campaigns by
status, and for each campaign under way its deliveries by status (a rate of
the "sent" series is the send throughput); subscriber imports not finished.

Every query is a count over an index: campaigns (status), deliveries
(campaign, status) of the few campaigns under way, imports.
"""

from django.db.models import Count

from home.metrics import Metric

from ..audience.models import ImportJob
from .models import Campaign, Delivery

UNDER_WAY = (
    Campaign.Status.PREPARING,
    Campaign.Status.SENDING,
    Campaign.Status.PAUSED,
)


def collect():
    campaigns = Metric("cms_campaigns", "gauge", "Campaigns in each status.")
    counts = dict(
        Campaign.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    for status in Campaign.Status.values:
        campaigns.add(counts.get(status, 0), status=status)

    deliveries = Metric(
        "cms_campaign_deliveries",
        "gauge",
        "Deliveries of each campaign under way, by status.",
    )
    recipients = Metric(
        "cms_campaign_recipients", "gauge", "Recipients of each campaign under way."
    )
    active = dict(
        Campaign.objects.filter(status__in=UNDER_WAY).values_list("pk", "recipients")
    )
    rows = (
        Delivery.objects.filter(campaign_id__in=list(active))
        .order_by()
        .values("campaign_id", "status")
        .annotate(n=Count("pk"))
    )
    by_campaign = {(row["campaign_id"], row["status"]): row["n"] for row in rows}
    for campaign_id, total in sorted(active.items()):
        recipients.add(total, campaign=campaign_id)
        for status in Delivery.Status.values:
            deliveries.add(
                by_campaign.get((campaign_id, status), 0),
                campaign=campaign_id,
                status=status,
            )

    imports = Metric(
        "cms_import_jobs", "gauge", "Subscriber imports waiting or running."
    )
    waiting = dict(
        ImportJob.objects.exclude(
            state__in=[ImportJob.State.DONE, ImportJob.State.FAILED]
        )
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    for state in (
        ImportJob.State.MAPPING,
        ImportJob.State.QUEUED,
        ImportJob.State.RUNNING,
    ):
        imports.add(waiting.get(state, 0), state=state)
    return [campaigns, deliveries, recipients, imports]
