"""The campaign admin: wizard counts per language, start, progress, report,
CSV, and country scoping (another country's campaign is not available)."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from newsletters.audience.models import Subscriber, Subscription
from newsletters.delivery.models import Campaign, Delivery
from tests.newsletters.compose import intro, newsletter, translate

C = Subscription.Status.CONFIRMED


def subscribe(address, language, mailing_list):
    subscriber = Subscriber.objects.create(email=address, language=language)
    Subscription.objects.create(
        subscriber=subscriber,
        mailing_list=mailing_list,
        status=C,
        confirmed_at=timezone.now(),
    )
    return subscriber


@pytest.fixture
def kosovo_issue(programme):
    return newsletter(programme, "XK", "en", [intro("<p>Kosovo.</p>")])


def test_officer_counts_languages_then_starts_a_campaign(
    client, team_user, team_lists, kosovo_issue
):
    xk = team_lists["XK"]
    subscribe("a@example.org", "sq", xk)
    subscribe("b@example.org", "sr", xk)
    subscribe("c@example.org", "en", xk)
    client.force_login(team_user("XK", "moderator"))
    url = reverse("newsletters_campaigns:new", args=[kosovo_issue.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Kosovo newsletter (3 confirmed)" in page.content.decode()
    assert "Serbia newsletter" not in page.content.decode()

    counted = client.post(url, {"lists": [xk.pk], "count": "1"})
    assert counted.status_code == 200
    assert counted.context["by_language"] == {"en": 3}
    assert Campaign.objects.count() == 0

    started = client.post(url, {"lists": [xk.pk], "confirm": "1"})
    campaign = Campaign.objects.get()
    assert started.status_code == 302
    assert started["Location"] == reverse(
        "newsletters_campaigns:detail", args=[campaign.pk]
    )
    assert campaign.status == Campaign.Status.PREPARING
    assert list(campaign.lists.all()) == [xk]


def test_officer_cannot_send_to_another_countrys_list(
    client, team_user, team_lists, kosovo_issue
):
    client.force_login(team_user("XK", "moderator"))
    url = reverse("newsletters_campaigns:new", args=[kosovo_issue.pk])
    answer = client.post(url, {"lists": [team_lists["RS"].pk], "confirm": "1"})
    assert answer.status_code == 200 and "lists" in answer.context["form"].errors
    assert not Campaign.objects.exists()


def test_send_at_in_the_past_is_a_form_error(
    client, team_user, team_lists, kosovo_issue
):
    client.force_login(team_user("XK", "moderator"))
    url = reverse("newsletters_campaigns:new", args=[kosovo_issue.pk])
    answer = client.post(
        url,
        {"lists": [team_lists["XK"].pk], "confirm": "1", "send_at": "2001-01-01T10:00"},
    )
    assert answer.status_code == 200 and "send_at" in answer.context["form"].errors


@pytest.fixture
def sent_campaign(team_lists, kosovo_issue):
    campaign = Campaign.objects.create(
        newsletter=kosovo_issue, status=Campaign.Status.SENDING, recipients=3
    )
    campaign.lists.set([team_lists["XK"]])
    edition = campaign.editions.create(language="sr", page_id=kosovo_issue.pk, data={})
    rows = [
        ("ђорђе@example.org", Delivery.Status.SENT, ""),
        ("=cmd@example.org", Delivery.Status.FAILED, "550 5.1.1 No such user"),
        ("later@example.org", Delivery.Status.PENDING, ""),
    ]
    for address, status, reason in rows:
        subscriber = subscribe(address, "sr", team_lists["XK"])
        Delivery.objects.create(
            campaign=campaign,
            subscriber=subscriber,
            edition=edition,
            status=status,
            reason=reason,
            sent_at=timezone.now() if status == Delivery.Status.SENT else None,
        )
    return campaign


def test_progress_report_and_csv(client, team_user, sent_campaign):
    client.force_login(team_user("XK", "moderator"))
    pk = sent_campaign.pk
    progress = client.get(reverse("newsletters_campaigns:progress", args=[pk])).json()
    assert progress["sent"] == 1 and progress["failed"] == 1
    assert progress["pending"] == 1 and progress["status"] == "sending"
    assert progress["rate_per_second"] > 0 and progress["eta"]
    report = client.get(reverse("newsletters_campaigns:report", args=[pk]))
    assert "550 5.1.1 No such user" in report.content.decode()
    exported = client.get(reverse("newsletters_campaigns:report_csv", args=[pk]))
    # Streamed line by line (issue #19 P7), not built in memory first.
    assert exported.streaming
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in exported["Content-Disposition"]
    body = b"".join(exported.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0] == [
        "email",
        "language",
        "status",
        "attempts",
        "sent_at",
        "smtp_code",
        "reason",
    ]
    assert len(rows) == 1 + sent_campaign.deliveries.count()
    assert rows[1][:3] == ["ђорђе@example.org", "sr", "sent"]
    assert rows[2][0] == "'=cmd@example.org"


def test_pause_and_resume_from_the_admin(client, team_user, sent_campaign):
    client.force_login(team_user("XK", "moderator"))
    pause = reverse("newsletters_campaigns:action", args=[sent_campaign.pk, "pause"])
    assert client.get(pause).status_code == 405
    client.post(pause)
    sent_campaign.refresh_from_db()
    assert sent_campaign.status == Campaign.Status.PAUSED


@pytest.mark.parametrize(
    "name,args",
    [
        ("detail", []),
        ("progress", []),
        ("report", []),
        ("report_csv", []),
    ],
)
def test_another_countrys_officer_gets_403(
    client, team_user, sent_campaign, name, args
):
    client.force_login(team_user("RS", "moderator"))
    url = reverse(f"newsletters_campaigns:{name}", args=[sent_campaign.pk, *args])
    answer = client.get(url)
    assert answer.status_code == 403
    assert "ђорђе" not in answer.content.decode()


def test_another_countrys_officer_cannot_act_or_open_the_wizard(
    client, team_user, sent_campaign, kosovo_issue
):
    client.force_login(team_user("RS", "moderator"))
    cancel = reverse("newsletters_campaigns:action", args=[sent_campaign.pk, "cancel"])
    assert client.post(cancel).status_code == 403
    sent_campaign.refresh_from_db()
    assert sent_campaign.status == Campaign.Status.SENDING
    wizard = reverse("newsletters_campaigns:new", args=[kosovo_issue.pk])
    assert client.get(wizard).status_code == 403
    index = client.get(reverse("newsletters_campaigns:index"))
    assert index.status_code == 200 and "Issue" not in index.content.decode()


@pytest.fixture
def albanian_issue(programme, admin_user):
    """A Kosovo issue written in Albanian, translated to Serbian (Cyrillic)
    only."""
    page = newsletter(programme, "XK", "sq", [intro("<p>Shoqëria civile.</p>")])
    serbian = translate(page, ["sr"], admin_user)["sr"]
    serbian.body = [intro("<p>Цивилно друштво.</p>")]
    serbian.save_revision().publish()
    return page


def wizard_counts(client, team_user, team_lists, page, user=None):
    client.force_login(user or team_user("XK", "moderator"))
    url = reverse("newsletters_campaigns:new", args=[page.pk])
    return client.post(url, {"lists": [team_lists["XK"].pk], "count": "1"})


def test_wizard_names_languages_and_warns_who_gets_another_language(
    client, team_user, team_lists, albanian_issue
):
    xk = team_lists["XK"]
    for n in range(8):
        subscribe(f"sq{n}@example.al", "sq", xk)
    subscribe("jovana@example.rs", "sr", xk)
    for n in range(3):
        subscribe(f"latin{n}@example.rs", "sr-latn", xk)
    subscribe("john@example.org", "en", xk)
    subscribe("ilkay@example.org.tr", "tr", xk)
    counted = wizard_counts(client, team_user, team_lists, albanian_issue)
    html = counted.content.decode()
    table = html[html.index("campaign-languages") :]
    table = table[: table.index("</table>")]
    cells = re.findall(r"<td[^>]*>([^<]+)</td><td>(\d+)</td>", table)
    assert cells == [("Albanian", "10"), ("Serbian (Cyrillic)", "4")]
    assert ">sq<" not in table
    warnings = re.findall(
        r"<li>([^<]+)</li>", html[html.index("campaign-language-warnings") :]
    )
    assert warnings[:2] == [
        "English and Turkish subscribers (2) will receive Albanian: no "
        "translation in their language.",
        "Serbian (Latin) subscribers (3) will receive Serbian (Cyrillic): no "
        "translation in their language.",
    ]


def test_wizard_warns_when_serbian_readers_get_the_albanian_original(
    client, team_user, team_lists, programme
):
    page = newsletter(programme, "XK", "sq", [intro("<p>Vetëm shqip.</p>")])
    xk = team_lists["XK"]
    subscribe("arber@example.al", "sq", xk)
    subscribe("jovana@example.rs", "sr", xk)
    subscribe("latin@example.rs", "sr-latn", xk)
    subscribe("john@example.org", "en", xk)
    counted = wizard_counts(client, team_user, team_lists, page)
    assert counted.context["by_language"] == {"sq": 4}
    assert counted.context["language_warnings"] == [
        "English, Serbian (Cyrillic) and Serbian (Latin) subscribers (3) will "
        "receive Albanian: no translation in their language."
    ]


def test_wizard_speaks_the_officers_language(
    client, team_user, team_lists, albanian_issue
):
    subscribe("latin@example.rs", "sr-latn", team_lists["XK"])
    subscribe("arber@example.al", "sq", team_lists["XK"])
    officer = team_user("XK", "moderator")
    profile = UserProfile.get_for_user(officer)
    profile.preferred_language = "cnr"
    profile.save()
    counted = wizard_counts(client, team_user, team_lists, albanian_issue, officer)
    assert [name for _code, name, _n in counted.context["languages"]] == [
        "Albanski",
        "Srpski (ćirilica)",
    ]
