"""Unknown and out-of-scope ids answer alike (status and text) in every
audience, import, campaign and composition view; export and erasure of a
subscriber who is also on another country's list reveal nothing of that list
and do not silently end it."""

import json
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from newsletters.audience.addresses import hash_normalised
from newsletters.audience.models import (
    ConsentEvent,
    ImportJob,
    Subscriber,
    Subscription,
    Suppression,
)
from newsletters.audience.subscriptions import Context, record
from tests.newsletters.compose import intro, newsletter

UNKNOWN = 987654321
TOKEN = r'"CSRF_TOKEN": "\w+"|name="csrfmiddlewaretoken" value="\w+"'
ERASE_CTX = Context(source=ConsentEvent.Source.PAGE, source_detail="test")


@pytest.fixture
def world(team_lists, programme):
    people = {}
    for iso in ("XK", "RS"):
        person = Subscriber.objects.create(email=f"reader-{iso.lower()}@example.org")
        Subscription.objects.create(
            subscriber=person, mailing_list=team_lists[iso], status="confirmed"
        )
        people[iso] = person
    imports = {
        iso: ImportJob.objects.create(
            mailing_list=team_lists[iso],
            file_name=f"{iso}.csv",
            encoding="utf-8",
            delimiter=",",
            header=["email"],
            consent_note="Signed up at the fair",
            state=ImportJob.State.MAPPING,
        )
        for iso in ("XK", "RS")
    }
    issues = {
        iso: newsletter(programme, iso, "en", [intro("<p>Hi.</p>")], title=iso)
        for iso in ("XK", "RS")
    }
    return team_lists, people, imports, issues


URLS = {
    "list": ("newsletters_admin:list_detail", "list"),
    "list export": ("newsletters_admin:list_export", "list"),
    "import upload": ("newsletters_admin:import_upload", "list"),
    "import status": ("newsletters_admin:import_status", "import"),
    "import mapping": ("newsletters_admin:import_mapping", "import"),
    "import rejected": ("newsletters_admin:import_report", "import"),
    "subscriber": ("newsletters_admin:subscriber_detail", "subscriber"),
    "subscriber export": ("newsletters_admin:subscriber_export", "subscriber"),
    "subscriber erase": ("newsletters_admin:subscriber_erase", "subscriber"),
    "send test": ("newsletters_composition:send_test", "issue"),
    "send wizard": ("newsletters_campaigns:new", "issue"),
}


def answer_text(response, pk):
    body = re.sub(TOKEN, "", response.content.decode())
    return response.status_code, body.replace(f"/{pk}/", "/ID/")


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_another_countrys_ids_answer_like_unknown_ones(client, team_user, world, role):
    lists, people, imports, issues = world
    client.force_login(team_user("XK", role))
    ids = {
        "list": lists["RS"].pk,
        "import": imports["RS"].pk,
        "subscriber": people["RS"].pk,
        "issue": issues["RS"].pk,
    }
    different = []
    for name, (url_name, kind) in URLS.items():
        hidden = client.get(reverse(url_name, args=[ids[kind]]))
        unknown = client.get(reverse(url_name, args=[UNKNOWN]))
        if answer_text(hidden, ids[kind]) != answer_text(unknown, UNKNOWN):
            different.append((name, hidden.status_code, unknown.status_code))
    assert different == []


def test_page_views_of_another_countrys_newsletter_answer_like_unknown_ones(
    client, team_user, world
):
    _lists, _people, _imports, issues = world
    client.force_login(team_user("XK", "moderator"))
    hidden = client.get(f"/admin/pages/{issues['RS'].pk}/edit/")
    unknown = client.get(f"/admin/pages/{UNKNOWN}/edit/")
    assert hidden.status_code == unknown.status_code == 404
    assert answer_text(hidden, issues["RS"].pk) == answer_text(unknown, UNKNOWN)


@pytest.fixture
def shared(world):
    """reader-xk is on Kosovo's and Serbia's lists, with consent events on both."""
    lists, people, _imports, _issues = world
    person = people["XK"]
    Subscription.objects.create(
        subscriber=person, mailing_list=lists["RS"], status="confirmed"
    )
    for iso in ("XK", "RS"):
        record(ConsentEvent.Kind.CONFIRM, person, ERASE_CTX, lists[iso])
    return lists, person


def test_officers_export_shows_only_their_lists(client, team_user, shared):
    lists, person = shared
    client.force_login(team_user("XK", "moderator"))
    response = client.get(
        reverse("newsletters_admin:subscriber_export", args=[person.pk])
    )
    data = json.loads(response.content)
    assert [sub["list"] for sub in data["subscriptions"]] == ["Kosovo newsletter"]
    assert {event["list"] for event in data["consent_events"]} == {"Kosovo newsletter"}
    assert "Serbia newsletter" not in response.content.decode()
    assert "RS" not in {sub["country"] for sub in data["subscriptions"]}


def test_officers_subscriber_page_shows_only_their_lists(client, team_user, shared):
    _lists, person = shared
    client.force_login(team_user("XK", "moderator"))
    page = client.get(reverse("newsletters_admin:subscriber_detail", args=[person.pk]))
    assert page.status_code == 200
    assert "Serbia newsletter" not in page.content.decode()


def test_officers_erasure_keeps_the_other_countrys_subscription_and_says_so(
    client, team_user, shared
):
    lists, person = shared
    client.force_login(team_user("XK", "moderator"))
    url = reverse("newsletters_admin:subscriber_erase", args=[person.pk])
    confirm = client.get(url).content.decode()
    assert "also subscribed to lists you do not manage" in confirm
    assert "Serbia newsletter" not in confirm
    done = client.post(url)
    assert done.status_code == 302
    said = [str(m) for m in get_messages(done.wsgi_request)]
    assert any("also subscribed to lists you do not manage" in m for m in said)
    assert not any("Serbia newsletter" in m for m in said)
    person.refresh_from_db()
    assert list(person.subscriptions.values_list("mailing_list", flat=True)) == [
        lists["RS"].pk
    ]
    assert not Suppression.objects.filter(
        email_hash=hash_normalised(person.email)
    ).exists()
    assert ConsentEvent.objects.filter(
        kind=ConsentEvent.Kind.ERASURE, mailing_list=lists["XK"]
    ).exists()


def test_erasure_of_someone_only_on_the_officers_lists_is_complete(
    client, team_user, world
):
    _lists, people, _imports, _issues = world
    person = people["XK"]
    client.force_login(team_user("XK", "moderator"))
    url = reverse("newsletters_admin:subscriber_erase", args=[person.pk])
    assert "Erase for good" in client.get(url).content.decode()
    client.post(url)
    assert not Subscriber.objects.filter(pk=person.pk).exists()
    assert Suppression.objects.filter(
        email_hash=hash_normalised("reader-xk@example.org")
    ).exists()


def test_superusers_erasure_is_complete(admin_client, shared):
    _lists, person = shared
    admin_client.post(reverse("newsletters_admin:subscriber_erase", args=[person.pk]))
    assert not Subscriber.objects.filter(pk=person.pk).exists()
