"""The same flows through the API, and the rate limits."""

import json
import re

import pytest

from newsletters import demo
from newsletters.audience.links import manage_token, unsubscribe_url
from newsletters.audience.models import (
    ConsentEvent,
    MailingList,
    Subscriber,
    Subscription,
)

from .conftest import HUMAN

API = "/api/v3/newsletter"


def post(client, path, data, **extra):
    return client.post(
        f"{API}{path}", json.dumps(data), content_type="application/json", **extra
    )


def body(**overrides):
    data = {
        "email": "jovana@example.rs",
        "countries": ["RS"],
        "language": "sr",
        "name": "Јована Ђорђевић",
        "consent": True,
    }
    data.update(overrides)
    return data


def token_in(message):
    return re.search(r"/confirm/([^/\s]+)/", message.body).group(1)


@pytest.mark.django_db
def test_api_subscribe_confirm_preferences_unsubscribe(
    client, lists, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "/subscribe/", body(), **HUMAN)
    assert response.status_code == 202
    assert response.json()["status"] == "accepted"
    assert outbox[0].subject == "Потврдите пријаву на билтен"
    assert "Неко, вероватно ви" in outbox[0].body

    confirmed = post(client, "/confirm/", {"token": token_in(outbox[0])})
    assert confirmed.status_code == 200
    assert confirmed.json() == {"status": "confirmed", "countries": ["RS"]}

    subscriber = Subscriber.objects.get()
    token = manage_token(subscriber)
    read = client.get(f"{API}/preferences/", {"token": token})
    assert read.json() == {"countries": ["RS"], "language": "sr"}
    changed = client.put(
        f"{API}/preferences/",
        json.dumps({"token": token, "countries": ["RS"], "language": "sr-latn"}),
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert changed.json() == {"countries": ["RS"], "language": "sr-latn"}

    left = post(client, "/unsubscribe/", {"token": token})
    assert left.status_code == 200
    assert subscriber.subscriptions.get().status == Subscription.Status.UNSUBSCRIBED
    assert list(ConsentEvent.objects.order_by("pk").values_list("kind", "source")) == [
        ("subscribe", "api"),
        ("confirm", "api"),
        ("preferences", "api"),
        ("unsubscribe", "api"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "nope"}, "email"),
        ({"countries": ["ZZ"]}, "countries"),
        ({"language": "de"}, "language"),
        ({"consent": False}, "consent"),
    ],
)
def test_api_bad_subscription_is_400_with_field_errors(
    client, lists, outbox, overrides, field
):
    response = post(client, "/subscribe/", body(**overrides))
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_api_malformed_body_is_a_4xx_not_a_500(client, lists):
    response = client.post(
        f"{API}/subscribe/", b"\xff\xfe{", content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    response = post(client, "/subscribe/", {"email": 5})
    assert 400 <= response.status_code < 500


@pytest.mark.django_db
def test_api_bad_tokens(client, lists, django_capture_on_commit_callbacks):
    for response in (
        post(client, "/confirm/", {"token": "forged:token"}),
        post(client, "/unsubscribe/", {"token": "x"}),
        client.get(f"{API}/preferences/", {"token": "abc"}),
    ):
        assert response.status_code == 400
        assert "token" in response.json()["errors"]


@pytest.mark.django_db
def test_api_lists_shows_public_lists_only(client, lists):
    lists["RS"].is_public = False
    lists["RS"].save()
    response = client.get(f"{API}/lists/")
    assert sorted(x["country"] for x in response.json()) == ["EU", "XK"]


@pytest.mark.django_db
def test_flows_are_in_the_openapi_schema(client):
    paths = client.get("/api/v3/openapi.json").json()["paths"]
    for path in (
        "/api/v3/newsletter/subscribe/",
        "/api/v3/newsletter/confirm/",
        "/api/v3/newsletter/preferences/",
        "/api/v3/newsletter/unsubscribe/",
        "/api/v3/newsletter/lists/",
    ):
        assert path in paths


@pytest.mark.django_db
def test_a_hundred_requests_for_one_address_send_exactly_one_email(
    client, lists, outbox, django_capture_on_commit_callbacks
):
    statuses = []
    for n in range(100):
        with django_capture_on_commit_callbacks(execute=True):
            response = post(
                client,
                "/subscribe/",
                body(email="Target@Example.rs"),
                REMOTE_ADDR=f"198.51.100.{n % 250}",
            )
        statuses.append(response.status_code)
    assert len(outbox) == 1
    assert set(statuses) == {202, 429}
    assert statuses[:10] == [202] * 10
    assert Subscriber.objects.count() == 1


@pytest.mark.django_db
def test_one_client_is_limited_per_ip(client, lists, settings):
    settings.NEWSLETTERS_SUBSCRIBE_RATE_PER_IP = (3, 3600)
    codes = [
        post(client, "/subscribe/", body(email=f"p{n}@example.rs")).status_code
        for n in range(5)
    ]
    assert codes == [202, 202, 202, 429, 429]
    limited = post(client, "/subscribe/", body(email="p9@example.rs"))
    assert int(limited["Retry-After"]) > 0
    other = post(
        client, "/subscribe/", body(email="q@example.rs"), REMOTE_ADDR="192.0.2.9"
    )
    assert other.status_code == 202


@pytest.mark.django_db
def test_unsubscribe_url_is_in_the_readers_language(lists):
    subscriber = Subscriber.objects.create(email="a@example.org", language="tr")
    assert "/tr/newsletter/unsubscribe/" in unsubscribe_url(subscriber)


@pytest.mark.django_db
def test_demo_data_gives_every_country_one_public_list(lists):
    lists["RS"].delete()
    demo.load(lambda message: None)
    demo.load(lambda message: None)
    assert MailingList.objects.filter(country__iso_code="RS").count() == 1
    assert MailingList.objects.count() == 3
