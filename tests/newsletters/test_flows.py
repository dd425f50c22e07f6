"""A visitor subscribes, confirms, changes preferences and leaves, on the pages."""

import datetime
import re

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone

from newsletters.audience.links import NewsletterLinks, preferences_url, unsubscribe_url
from newsletters.audience.models import ConsentEvent, Subscriber, Subscription
from newsletters.audience.subscriptions import suppress

from .conftest import HUMAN

SUBSCRIBE = "/sq/newsletter/subscribe/"


def form(**overrides):
    data = {
        "email": "  Arber.Krasniqi@Example.ORG ",
        "name": "Arbër Krasniqi",
        "countries": ["XK"],
        "language": "sq",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def link_in(message):
    match = re.search(r"http://testserver(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def subscribe(client, capture, **overrides):
    with capture(execute=True):
        return client.post(SUBSCRIBE, form(**overrides), **HUMAN)


def kinds(subscriber):
    return list(
        ConsentEvent.objects.filter(subscriber_id=subscriber.pk)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


@pytest.mark.django_db
def test_visitor_subscribes_confirms_changes_language_and_unsubscribes_in_one_click(
    client, lists, outbox, django_capture_on_commit_callbacks
):
    page = client.get(SUBSCRIBE)
    assert "Abonohuni në buletin" in page.content.decode()

    response = subscribe(client, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Kontrolloni postën tuaj" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "arber.krasniqi@example.org"
    assert subscriber.name == "Arbër Krasniqi"
    assert subscriber.subscriptions.get().status == Subscription.Status.PENDING

    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == [subscriber.email]
    assert message.subject == "Konfirmoni abonimin në buletin"
    assert "Për ta konfirmuar, hapni këtë lidhje" in message.body
    confirm_path = link_in(message)
    assert confirm_path.startswith("/sq/newsletter/confirm/")

    # A link scanner's GET shows the button and confirms nothing.
    landing = client.get(confirm_path)
    assert landing.status_code == 200
    assert "Po, më dërgoni buletinin" in landing.content.decode()
    assert subscriber.subscriptions.get().status == Subscription.Status.PENDING

    confirmed = client.post(confirm_path, **HUMAN)
    assert confirmed.status_code == 200
    assert "Abonimi u konfirmua" in confirmed.content.decode()
    assert subscriber.subscriptions.get().status == Subscription.Status.CONFIRMED

    preferences_path = re.search(
        r'href="http://testserver(/sq/newsletter/preferences/[^"]+)"',
        confirmed.content.decode(),
    ).group(1)
    changed = client.post(
        preferences_path, {"countries": ["XK"], "language": "en", "save": "1"}, **HUMAN
    )
    assert changed.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.language == "en"

    url = unsubscribe_url(subscriber, [lists["XK"]])
    one_click = Client(enforce_csrf_checks=True)
    left = one_click.post(
        url.removeprefix("http://testserver"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert left.status_code == 200
    assert not left.cookies
    assert subscriber.subscriptions.get().status == Subscription.Status.UNSUBSCRIBED

    assert kinds(subscriber) == ["subscribe", "confirm", "preferences", "unsubscribe"]
    events = ConsentEvent.objects.filter(subscriber_id=subscriber.pk)
    first = events.get(kind="subscribe")
    assert first.ip_address == "203.0.113.7"
    assert first.user_agent == "Mozilla/5.0 (test browser)"
    assert first.source == "page"
    assert first.language == "sq"
    assert first.consent_text_version == "1"
    assert events.get(kind="unsubscribe").source == "one_click"


@pytest.mark.django_db
def test_address_is_stored_in_one_spelling(
    client, lists, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks, email=" Ana@Shembull.AL ")
    subscribe(client, django_capture_on_commit_callbacks, email="ana@SHEMBULL.al")
    subscribe(client, django_capture_on_commit_callbacks, email="marko@ćevapi.ba")
    subscribe(
        client, django_capture_on_commit_callbacks, email="marko@xn--evapi-fxa.ba"
    )
    subscribe(client, django_capture_on_commit_callbacks, email="MARKO@ĆEVAPI.BA")
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "ana@shembull.al",
        "marko@xn--evapi-fxa.ba",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": "a@b@c.org"}, "email"),
        ({"email": ""}, "email"),
        ({"countries": ["ZZ"]}, "countries"),
        ({"countries": []}, "countries"),
        ({"language": "xx"}, "language"),
        ({"language": "tr"}, "language"),  # Kosovo's list is not sent in Turkish
        ({"consent": ""}, "consent"),
    ],
)
def test_bad_subscription_gets_400_with_field_error_and_stores_nothing(
    client, lists, outbox, overrides, field, django_capture_on_commit_callbacks
):
    response = subscribe(client, django_capture_on_commit_callbacks, **overrides)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Subscriber.objects.exists()
    assert not ConsentEvent.objects.exists()
    assert outbox == []


@pytest.mark.django_db
def test_honeypot_gets_the_same_answer_and_nothing_happens(
    client, lists, outbox, django_capture_on_commit_callbacks
):
    response = subscribe(client, django_capture_on_commit_callbacks, website="spam")
    assert response.status_code == 200
    assert "Kontrolloni postën tuaj" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert outbox == []


@pytest.mark.django_db
def test_answer_is_the_same_for_new_confirmed_and_suppressed_addresses(
    client, lists, django_capture_on_commit_callbacks
):
    """The first request and the repeated one alike: what a stranger reads
    depends on the requests made for the address, never on its state."""
    known = Subscriber.objects.create(email="known@example.org", language="sq")
    known.subscriptions.create(
        mailing_list=lists["XK"], status=Subscription.Status.CONFIRMED
    )
    suppress("gone@example.org", "hard_bounce")
    answers = {}
    with time_machine.travel(
        datetime.datetime(2026, 3, 2, 9, 32, tzinfo=datetime.UTC), tick=False
    ):
        for email in ("new@example.org", "known@example.org", "gone@example.org"):
            answers[email] = [
                subscribe(client, django_capture_on_commit_callbacks, email=email)
                for _ in range(2)
            ]
    first = {r[0].content for r in answers.values()}
    again = {r[1].content for r in answers.values()}
    assert len(first) == len(again) == 1
    assert first != again
    statuses = {r.status_code for pair in answers.values() for r in pair}
    assert statuses == {200}
    assert not Subscriber.objects.filter(email="gone@example.org").exists()


@pytest.mark.django_db
def test_confirmation_link_works_once(
    client, lists, outbox, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks)
    path = link_in(outbox[0])
    assert client.post(path).status_code == 200
    again = client.post(path)
    assert again.status_code == 404
    assert "Kjo lidhje nuk funksionon" in again.content.decode()
    assert ConsentEvent.objects.filter(kind="confirm").count() == 1


@pytest.mark.django_db
def test_tampered_confirmation_link_is_404_and_confirms_nothing(
    client, lists, outbox, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks)
    path = link_in(outbox[0])
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    assert client.get(tampered).status_code == 404
    assert client.post(tampered).status_code == 404
    assert client.post("/sq/newsletter/confirm/garbage/").status_code == 404
    assert Subscription.objects.get().status == Subscription.Status.PENDING


@pytest.mark.django_db
def test_expired_confirmation_link_is_410_and_confirms_nothing(
    client, lists, outbox, settings, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks)
    path = link_in(outbox[0])
    settings.NEWSLETTERS_CONFIRM_MAX_AGE = 1
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=10)):
        response = client.post(path)
    assert response.status_code == 410
    assert "Kjo lidhje ka skaduar" in response.content.decode()
    assert Subscription.objects.get().status == Subscription.Status.PENDING


@pytest.mark.django_db
def test_unsubscribe_get_shows_a_page_and_changes_nothing(
    client, lists, django_capture_on_commit_callbacks
):
    subscriber = confirmed_subscriber(client, django_capture_on_commit_callbacks)
    url = unsubscribe_url(subscriber).removeprefix("http://testserver")
    page = client.get(url)
    assert page.status_code == 200
    assert "Çabonohu" in page.content.decode()
    assert subscriber.subscriptions.get().status == Subscription.Status.CONFIRMED
    assert not ConsentEvent.objects.filter(kind="unsubscribe").exists()


@pytest.mark.django_db
def test_one_click_post_needs_the_rfc_8058_body(
    client, lists, django_capture_on_commit_callbacks
):
    subscriber = confirmed_subscriber(client, django_capture_on_commit_callbacks)
    url = unsubscribe_url(subscriber).removeprefix("http://testserver")
    response = client.post(url, {"List-Unsubscribe": "Something-Else"})
    assert response.status_code == 400
    assert subscriber.subscriptions.get().status == Subscription.Status.CONFIRMED


@pytest.mark.django_db
def test_altered_unsubscribe_token_is_404_and_changes_nothing(
    client, lists, django_capture_on_commit_callbacks
):
    subscriber = confirmed_subscriber(client, django_capture_on_commit_callbacks)
    url = unsubscribe_url(subscriber).removeprefix("http://testserver")
    token = url.split("/")[-2]
    forged = signing.dumps({"s": subscriber.pk, "l": None}, salt="other-salt")
    for bad in (token[:-2] + "xx", forged, "x"):
        response = client.post(
            f"/sq/newsletter/unsubscribe/{bad}/",
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 404
    assert subscriber.subscriptions.get().status == Subscription.Status.CONFIRMED
    assert not ConsentEvent.objects.filter(kind="unsubscribe").exists()


@pytest.mark.django_db
def test_one_click_unsubscribes_only_from_the_lists_of_the_newsletter(
    client, lists, django_capture_on_commit_callbacks
):
    subscriber = confirmed_subscriber(
        client, django_capture_on_commit_callbacks, countries=["XK", "EU"]
    )
    _unsubscribe, _preferences, headers = NewsletterLinks(
        subscriber.language, [lists["EU"]]
    )(subscriber.pk)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("http://testserver/sq/newsletter/unsubscribe/")
    response = Client().post(
        url.removeprefix("http://testserver"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    statuses = dict(
        subscriber.subscriptions.values_list(
            "mailing_list__country__iso_code", "status"
        )
    )
    assert statuses == {"XK": "confirmed", "EU": "unsubscribed"}


@pytest.mark.django_db
def test_coming_back_after_leaving_needs_a_new_opt_in(
    client, lists, outbox, django_capture_on_commit_callbacks
):
    subscriber = confirmed_subscriber(client, django_capture_on_commit_callbacks)
    Client().post(
        unsubscribe_url(subscriber).removeprefix("http://testserver"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    outbox.clear()
    from tests.conftest import clear_rate_limits

    clear_rate_limits()  # a later day: the confirmation email limit has passed
    subscribe(client, django_capture_on_commit_callbacks)
    assert subscriber.subscriptions.get().status == Subscription.Status.PENDING
    assert len(outbox) == 1
    assert outbox[0].subject == "Konfirmoni abonimin në buletin"


@pytest.mark.django_db
def test_preferences_add_a_country_only_after_confirmation_and_leave_all(
    client, lists, outbox, django_capture_on_commit_callbacks
):
    subscriber = confirmed_subscriber(client, django_capture_on_commit_callbacks)
    outbox.clear()
    path = preferences_url(subscriber).removeprefix("http://testserver")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"countries": ["XK", "EU"], "language": "sq"})
    assert response.status_code == 200
    statuses = dict(
        subscriber.subscriptions.values_list(
            "mailing_list__country__iso_code", "status"
        )
    )
    assert statuses == {"XK": "confirmed", "EU": "pending"}
    assert len(outbox) == 1 and outbox[0].subject == "Konfirmoni abonimin në buletin"

    bad = client.post(path, {"countries": ["XK"], "language": "xx"})
    assert bad.status_code == 400
    assert subscriber.subscriptions.filter(status="confirmed").count() == 1

    left = client.post(path, {"unsubscribe_all": "1"})
    assert left.status_code == 200
    assert set(subscriber.subscriptions.values_list("status", flat=True)) == {
        "unsubscribed"
    }


@pytest.mark.django_db
def test_suppressed_address_is_never_confirmed(
    client, lists, outbox, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks)
    suppress(Subscriber.objects.get().email, "complaint")
    # Suppression ended the pending subscription; its old link confirms nothing.
    assert Subscription.objects.get().status == Subscription.Status.COMPLAINED
    client.post(link_in(outbox[0]))
    assert Subscription.objects.get().status == Subscription.Status.COMPLAINED


def confirmed_subscriber(client, capture, **overrides):
    subscribe(client, capture, **overrides)
    subscriber = Subscriber.objects.get()
    subscriber.subscriptions.update(status=Subscription.Status.CONFIRMED)
    return subscriber
