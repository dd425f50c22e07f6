"""Snippet listings with a foreign-key column cost the same queries for 10
rows as for 50 (issue #19, P7: select_related, no N+1), and so do the
translatable ones with wagtail-localize's per-row buttons (batched by
home.translation.listing)."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from news.models import Country, FeedState, Organisation, Submission, Topic
from newsletters.audience.models import MailingList
from newsletters.composition.models import SenderIdentity

COUNTRIES = ("XK", "RS")
SHOWN = {
    Organisation: "Organisation",
    Submission: "Submitter",
    FeedState: "Organisation",
    MailingList: "Country",
    SenderIdentity: "Sender",
    Topic: "Topic",
}


def organisation(programme, i):
    country = programme["countries"][COUNTRIES[i % 2]]
    return Organisation.objects.create(
        name=f"Organisation {i}",
        kind=Organisation.Kind.values[0],
        country=country,
        locale=Locale.get_default(),
        feed_url=f"https://org{i}.example.org/feed",
    )


def make_rows(model, programme, start, count):
    for i in range(start, start + count):
        country = programme["countries"][COUNTRIES[i % 2]]
        if model is Organisation:
            organisation(programme, i)
        elif model is Topic:
            Topic.objects.create(
                name=f"Topic {i}", slug=f"topic-{i}", locale=Locale.get_default()
            )
        elif model is FeedState:
            FeedState.objects.create(organisation=organisation(programme, i))
        elif model is Submission:
            Submission.objects.create(
                submitter_name=f"Submitter {i}",
                submitter_email=f"s{i}@example.org",
                organisation=organisation(programme, i),
                country=country,
                language="en",
                source="page",
            )
        elif model is MailingList:
            # One list per country.
            country = Country.objects.create(
                name=f"Country {i}",
                iso_code=f"{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}",
                locale=Locale.get_default(),
            )
            MailingList.objects.create(
                name=f"List {i}", country=country, default_language="en"
            )
        elif model is SenderIdentity:
            SenderIdentity.objects.create(
                country=country,
                from_name=f"Sender {i}",
                from_email=f"sender{i}@example.org",
                postal_address="Street 1",
            )


def listing_queries(client, model):
    url = f"/admin/snippets/{model._meta.app_label}/{model._meta.model_name}/"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries], response.content.decode()


def grown(admin_client, model, programme):
    make_rows(model, programme, 1000, 10)
    listing_queries(admin_client, model)  # warm caches (content types, site)
    small, _ = listing_queries(admin_client, model)
    make_rows(model, programme, 2000, 40)
    large, page = listing_queries(admin_client, model)
    print(f"{model.__name__}: {len(small)} queries for 10 rows, {len(large)} for 50")  # noqa: T201
    assert f"{SHOWN[model]} 20" in page  # a row made last is listed
    return small, large, list(Counter(large) - Counter(small))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model",
    [Submission, FeedState, MailingList, SenderIdentity, Organisation, Topic],
)
def test_listing_10_or_50_rows_costs_the_same_queries(model, programme, admin_client):
    small, large, repeated = grown(admin_client, model, programme)
    assert len(large) == len(small), "\n".join(q[:700] for q in repeated[:4])


@pytest.mark.django_db
def test_organisation_listing_reads_no_country_per_row(programme, admin_client):
    """The country column is joined."""
    _small, _large, repeated = grown(admin_client, Organisation, programme)
    per_row_fk = [
        sql
        for sql in repeated
        if sql.split(" WHERE ", 1)[0].endswith(('FROM "news_country"',))
    ]
    assert not per_row_fk, per_row_fk[:2]
