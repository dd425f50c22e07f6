"""Permission matrix: role x country x action on lists and subscribers."""

import json

import pytest

from newsletters.audience.models import Subscriber, Subscription
from tests.conftest import assert_permission_denied

ALLOWED = 200
HIDDEN = 403

# action -> (URL template, needs "manage" (moderators) rather than "view")
ACTIONS = {
    "list overview": ("/admin/audience/lists/{list}/", False),
    "subscriber list": ("/admin/audience/subscribers/?list={list}", True),
    "subscriber page": ("/admin/audience/subscribers/{subscriber}/", True),
    "list CSV export": ("/admin/audience/lists/{list}/export.csv", True),
    "CSV import": ("/admin/audience/lists/{list}/import/", True),
    "subscriber JSON export": (
        "/admin/audience/subscribers/{subscriber}/export.json",
        True,
    ),
    "erasure": ("/admin/audience/subscribers/{subscriber}/erase/", True),
}
ROLES = [("XK", "editor"), ("XK", "moderator"), ("RS", "editor"), ("RS", "moderator")]


@pytest.fixture
def world(team_lists):
    """One subscriber on each country's list."""
    people = {}
    for iso in ("XK", "RS"):
        person = Subscriber.objects.create(email=f"reader-{iso.lower()}@example.org")
        Subscription.objects.create(
            subscriber=person, mailing_list=team_lists[iso], status="confirmed"
        )
        people[iso] = person
    return team_lists, people


def expected(role_country, role, target, manage):
    if role_country != target:
        return HIDDEN
    if manage and role != "moderator":
        return HIDDEN
    return ALLOWED


@pytest.mark.django_db
@pytest.mark.parametrize(("role_country", "role"), ROLES)
def test_permission_matrix(client, team_user, world, role_country, role):
    lists, people = world
    client.force_login(team_user(role_country, role))
    results = {}
    wanted = {}
    for target in ("XK", "RS"):
        for action, (template, manage) in ACTIONS.items():
            url = template.format(list=lists[target].pk, subscriber=people[target].pk)
            response = client.get(url)
            status = response.status_code
            if action == "subscriber list" and status == 200:
                # The filter on another country's list finds nobody.
                status = (
                    ALLOWED
                    if people[target].email in response.content.decode()
                    else HIDDEN
                )
            results[(target, action)] = status
            wanted[(target, action)] = expected(role_country, role, target, manage)
    assert results == wanted


@pytest.mark.django_db
def test_lists_page_counts_only_the_officers_lists(client, team_user, world):
    client.force_login(team_user("XK", "moderator"))
    page = client.get("/admin/audience/lists/").content.decode()
    assert "Kosovo newsletter" in page
    assert "Serbia newsletter" not in page
    search = client.get("/admin/audience/subscribers/?q=reader").content.decode()
    assert "reader-xk@example.org" in search
    assert "reader-rs@example.org" not in search


@pytest.mark.django_db
def test_moderator_exports_and_erases_a_subscriber(client, team_user, world):
    lists, people = world
    client.force_login(team_user("XK", "moderator"))
    person = people["XK"]
    data = json.loads(
        client.get(f"/admin/audience/subscribers/{person.pk}/export.json").content
    )
    assert data["email"] == "reader-xk@example.org"
    assert data["subscriptions"][0]["country"] == "XK"
    response = client.post(f"/admin/audience/subscribers/{person.pk}/erase/")
    assert response.status_code == 302
    assert not Subscriber.objects.filter(pk=person.pk).exists()


@pytest.mark.django_db
def test_only_superusers_set_lists_up(client, team_user, world, admin_client):
    lists, _people = world
    client.force_login(team_user("XK", "moderator"))
    edit = f"/admin/snippets/newsletters/mailinglist/edit/{lists['XK'].pk}/"
    assert_permission_denied(client.get(edit))
    assert admin_client.get(edit).status_code == 200
    assert admin_client.get("/admin/audience/suppression/").status_code == 200
    assert client.get("/admin/audience/suppression/").status_code == 403
