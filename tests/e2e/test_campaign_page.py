"""The campaign page follows its campaign: when sending ends, the actions
that no longer apply (Pause, Cancel campaign) go away without a manual
reload (they stayed after "sent" before)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from newsletters.delivery.models import Campaign
from tests.conftest import wait_until
from tests.newsletters.compose import intro, newsletter
from tests.newsletters.conftest import make_lists

BUTTONS = (
    "[...document.querySelectorAll('.campaign-actions button')]"
    ".map(b => b.textContent.trim())"
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_actions_go_when_the_campaign_is_sent(live_server, programme, chromium):
    lists = make_lists(programme["countries"])
    issue = newsletter(programme, "XK", "en", [intro("<p>Hi.</p>")])
    campaign = Campaign.objects.create(
        newsletter=issue, status=Campaign.Status.SENDING, recipients=1
    )
    campaign.lists.set([lists["XK"]])
    client = Client()
    client.force_login(
        get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    )
    chromium.use_session(live_server.url, client)
    url = live_server.url + reverse("newsletters_campaigns:detail", args=[campaign.pk])
    session = chromium.open(url, 1280)
    assert chromium.evaluate(session, BUTTONS) == ["Pause", "Cancel campaign"]

    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENT)

    # Loaded again (not in the middle of the reload), saying "Sent", with no
    # action left but the report link.
    page = (
        "[document.readyState,"
        " document.querySelector('[data-field=status_label]')?.textContent,"
        f" {BUTTONS}]"
    )
    expected = ["complete", "Sent", []]
    assert wait_until(lambda: chromium.evaluate(session, page) == expected, 20), (
        chromium.evaluate(session, page)
    )
