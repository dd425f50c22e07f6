"""Answers for one person (a token from an email or a preview link) are
``Cache-Control: private, no-store`` and never kept by the response cache;
browsers may read ETag and Retry-After across origins."""

import json

import pytest

from newsletters.audience.models import MailingList, Subscriber, Subscription
from newsletters.audience.tokens import manage_token

pytestmark = pytest.mark.django_db

ORIGIN = "https://www.example.org"


@pytest.fixture
def subscriber(programme):
    kosovo = programme["countries"]["XK"]
    mailing_list = MailingList.objects.create(
        name="Kosovo", country=kosovo, languages=["sq", "en"], default_language="sq"
    )
    person = Subscriber.objects.create(email="arta@example.org", language="sq")
    Subscription.objects.create(
        subscriber=person,
        mailing_list=mailing_list,
        status=Subscription.Status.CONFIRMED,
    )
    return person


def test_preferences_read_with_a_token_are_private(client, subscriber, settings):
    settings.API_CACHE_SECONDS = 600
    token = manage_token(subscriber)
    response = client.get("/api/v3/newsletter/preferences/", {"token": token})
    assert response.status_code == 200
    assert response.json()["language"] == "sq"
    assert response["Cache-Control"] == "private, no-store"


def test_a_bad_token_answer_is_private_too(client, programme):
    response = client.get("/api/v3/newsletter/preferences/", {"token": "forged"})
    assert response.status_code == 400
    assert response["Cache-Control"] == "private, no-store"


def test_answers_to_changes_are_private(client, subscriber):
    response = client.put(
        "/api/v3/newsletter/preferences/",
        json.dumps(
            {"token": manage_token(subscriber), "countries": ["XK"], "language": "en"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_token_on_a_cached_route_is_neither_stored_nor_public(
    client, programme, settings
):
    settings.API_CACHE_SECONDS = 600
    url = "/api/v3/locales/?token=someone"
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        # Made afresh by the view each time, never answered from the cache.
        assert response.wsgi_request.resolver_match is not None
    # The same route without a token is stored (the second answer leaves
    # from the cache, before URL resolution) and public.
    client.get("/api/v3/locales/")
    public = client.get("/api/v3/locales/")
    assert public.wsgi_request.resolver_match is None
    assert "public" in public["Cache-Control"]


def test_etag_and_retry_after_are_exposed_to_the_website(client, settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]
    response = client.get("/api/v3/locales/", HTTP_ORIGIN=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    exposed = {
        h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")
    }
    assert {"etag", "retry-after"} <= exposed
