"""The journeys' editor and explorer pages cost the same queries for 10 items
as for 100 (issue #19): the section explorer, a news page's and a
newsletter's edit view, the translation status board, the campaign list and
the organisations listing, for a country moderator and for a superuser.

"Items" are what a page lists or offers: the section's child pages, the
organisations, topics and sibling pages a news form offers, the lists and
sender identities of a newsletter's country, the board's sources, the
campaigns. Some of the first ten are translated, so that the per-row
"Translate" and "Sync translated pages" buttons both show."""

import datetime
import re
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from news.models import NewsPage, Organisation, Topic
from news.structure import section_for
from newsletters.audience.models import MailingList
from newsletters.composition.models import NewsletterPage, SenderIdentity
from newsletters.delivery.models import Campaign
from tests.newsletters.compose import intro, translate

SLACK = 3  # queries a page may add between 10 and 100 items
USERS = ("moderator", "superuser")


def en():
    return Locale.objects.get(language_code="en")


def grow(programme, start, count):
    """``count`` more of every kind of item, in Kosovo (English). Pages are
    drafts (the first ten have a revision, every other one of them live);
    campaigns share the first ten issues."""
    country = programme["countries"]["XK"]
    section = section_for(country, en())
    letters = section_for(country, en(), key="newsletters")
    numbers = range(start, start + count)
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Organisation {i}",
            kind=Organisation.Kind.values[0],
            country=country,
            locale=en(),
        )
        for i in numbers
    )
    Topic.objects.bulk_create(
        Topic(name=f"Topic {i}", slug=f"topic-{i}", locale=en()) for i in numbers
    )
    lists = MailingList.objects.bulk_create(
        MailingList(
            name=f"List {i}",
            country=country,
            default_language="en",
            is_public=i == 0,
        )
        for i in numbers
    )
    SenderIdentity.objects.bulk_create(
        SenderIdentity(
            country=country,
            from_name=f"Sender {i}",
            from_email=f"sender{i}@example.org",
            postal_address="Street 1",
        )
        for i in numbers
    )
    for i, organisation in zip(numbers, organisations, strict=True):
        page = section.add_child(
            instance=NewsPage(
                title=f"News {i}",
                slug=f"news-{i}",
                date=datetime.date(2026, 11, 1),
                lead="Lead",
                organisation=organisation,
                live=False,
            )
        )
        if i < 10:
            revision = page.save_revision()
            if i % 2 == 0:
                revision.publish()
            issue = letters.add_child(
                instance=NewsletterPage(
                    title=f"Issue {i}",
                    slug=f"issue-{i}",
                    subject=f"Issue {i}",
                    body=[intro(f"<p>Issue {i}.</p>")],
                    live=False,
                )
            )
            issue.save_revision()
    issues = list(NewsletterPage.objects.child_of(letters).order_by("pk")[:10])
    campaigns = Campaign.objects.bulk_create(
        Campaign(newsletter=issues[i % len(issues)], recipients=i) for i in numbers
    )
    Campaign.lists.through.objects.bulk_create(
        Campaign.lists.through(campaign=campaign, mailinglist=mailing_list)
        for campaign, mailing_list in zip(campaigns, lists, strict=True)
    )
    return section, letters


@pytest.fixture
def client_of(team_user, django_user_model):
    def sign_in(who):
        client = Client()
        if who == "superuser":
            user = django_user_model.objects.create_superuser(
                "root", "root@example.org", "pw"
            )
        else:
            user = team_user("XK", who)
        client.force_login(user)
        return client

    return sign_in


def pages(section, letters):
    news = NewsPage.objects.child_of(section).order_by("pk").first()
    issue = NewsletterPage.objects.child_of(letters).order_by("pk").first()
    return {
        "explorer": f"/admin/pages/{section.pk}/",
        "news edit": f"/admin/pages/{news.pk}/edit/",
        "newsletter edit": f"/admin/pages/{issue.pk}/edit/",
        "translation status": "/admin/translation-status/",
        "campaigns": "/admin/campaigns/",
        "organisations": "/admin/snippets/news/organisation/",
    }


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [q["sql"] for q in queries.captured_queries]


def shape(sql):
    """A statement without its values: the same query for another row."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def repeated(small, large):
    """The statements run more often with more items, most repeated first."""
    more = Counter(map(shape, large)) - Counter(map(shape, small))
    return [(n, sql[:600]) for sql, n in more.most_common(3)]


@pytest.mark.django_db
def test_admin_pages_cost_the_same_queries_for_10_and_100_items(
    programme, client_of, admin_user, settings
):
    # Not under test, and most of the time of adding a page.
    settings.WAGTAILSEARCH_BACKENDS = {
        name: {**conf, "AUTO_UPDATE": False}
        for name, conf in settings.WAGTAILSEARCH_BACKENDS.items()
    }
    section, letters = grow(programme, 0, 10)
    for page in NewsPage.objects.child_of(section).order_by("pk")[:2]:
        translate(page, ["sq"], admin_user)
    urls = pages(section, letters)
    clients = {who: client_of(who) for who in USERS}
    for client in clients.values():
        for url in urls.values():
            queries_of(client, url)  # warm caches (content types, site)
    small = {
        (who, name): queries_of(client, url)
        for who, client in clients.items()
        for name, url in urls.items()
    }
    grow(programme, 10, 90)
    large = {key: queries_of(clients[key[0]], urls[key[1]]) for key in small}

    counts = {key: (len(small[key]), len(large[key])) for key in small}
    print(counts)  # noqa: T201
    grown = {
        key: repeated(small[key], large[key])
        for key, (few, many) in counts.items()
        if many > few + SLACK
    }
    assert not grown, (counts, grown)
