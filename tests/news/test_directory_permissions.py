"""A country team edits its own countries' directory entries, and only those
(issue 15, item 11): every admin path to an Organisation, for both roles.

Kosovo's team owns KCSF (a Resource Centre in Kosovo); Civic Initiatives is
Serbia's. Before, only superusers and language teams could edit any entry.
"""

import pytest
from django.urls import reverse
from wagtail.models import Locale

from news.models import Country, Organisation
from tests.conftest import assert_permission_denied

pytestmark = pytest.mark.django_db

EDIT = "wagtailsnippets_news_organisation:edit"
DELETE = "wagtailsnippets_news_organisation:delete"
COPY = "wagtailsnippets_news_organisation:copy"
ADD = "wagtailsnippets_news_organisation:add"
INDEX = "wagtailsnippets_news_organisation:list"


def form_data(organisation, **changes):
    data = {
        "name": organisation.name,
        "kind": organisation.kind,
        "country": organisation.country_id,
        "description": organisation.description,
        "website": organisation.website,
        "contact_email": organisation.contact_email,
        "feed_url": organisation.feed_url,
        "verified": "on" if organisation.verified else "",
        "logo": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


@pytest.fixture
def entries(programme):
    return programme["organisations"]["KCSF"], programme["organisations"]["CI"]


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_a_team_edits_its_own_countrys_entry(client, team_user, entries, role):
    own, _other = entries
    client.force_login(team_user("XK", role))
    url = reverse(EDIT, args=[own.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(own, description="Grants and training"))
    assert response.status_code == 302, response.content.decode()[:2000]
    own.refresh_from_db()
    assert own.description == "Grants and training"


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_not_another_countrys_entry(client, team_user, entries, role):
    _own, other = entries
    client.force_login(team_user("XK", role))
    url = reverse(EDIT, args=[other.pk])
    assert_permission_denied(client.get(url))
    assert_permission_denied(client.post(url, form_data(other, description="Mine")))
    assert_permission_denied(client.get(reverse(COPY, args=[other.pk])))
    assert_permission_denied(client.post(reverse(DELETE, args=[other.pk])))
    other.refresh_from_db()
    assert other.description == ""


def test_the_listing_shows_a_team_its_countries_entries(client, team_user, entries):
    own, other = entries
    client.force_login(team_user("RS", "editor"))
    page = client.get(reverse(INDEX))
    assert page.status_code == 200
    html = page.content.decode()
    assert other.name in html
    assert own.name not in html


def test_the_create_form_offers_only_the_teams_countries(client, team_user, entries):
    own, _other = entries
    client.force_login(team_user("XK", "editor"))
    form = client.get(reverse(ADD))
    assert form.status_code == 200
    choices = form.context["form"].fields["country"].queryset
    assert {country.iso_code for country in choices} == {"XK"}

    serbia = Country.objects.get(iso_code="RS", locale__language_code="en")
    response = client.post(
        reverse(ADD),
        form_data(own, name="Another country's CSO", country=serbia.pk),
    )
    assert response.status_code == 200  # the form again, with an error
    assert not Organisation.objects.filter(name="Another country's CSO").exists()

    response = client.post(reverse(ADD), form_data(own, name="Kosovo youth network"))
    assert response.status_code == 302
    created = Organisation.objects.get(name="Kosovo youth network")
    assert created.country.iso_code == "XK"


def test_moderators_delete_their_countrys_entries_editors_do_not(
    client, team_user, entries
):
    own, _other = entries
    client.force_login(team_user("XK", "editor"))
    assert_permission_denied(client.post(reverse(DELETE, args=[own.pk])))
    assert Organisation.objects.filter(pk=own.pk).exists()
    client.force_login(team_user("XK", "moderator"))
    response = client.post(reverse(DELETE, args=[own.pk]))
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=own.pk).exists()


def test_bulk_delete_refuses_another_countrys_entry(client, team_user, entries):
    own, other = entries
    client.force_login(team_user("XK", "moderator"))
    url = (
        reverse(
            "wagtail_bulk_action",
            args=["news", "organisation", "delete"],
        )
        + f"?id={own.pk}&id={other.pk}"
    )
    client.post(url)
    assert Organisation.objects.filter(pk=other.pk).exists()


def test_translations_of_another_countrys_entry_cannot_be_requested(
    client, team_user, entries
):
    own, other = entries
    client.force_login(team_user("XK", "editor"))
    serbian = Locale.objects.get(language_code="sr")

    def submit(entry):
        url = reverse(
            "wagtail_localize:submit_snippet_translation",
            args=["news", "organisation", entry.pk],
        )
        return client.post(url, {"locales": [serbian.pk]})

    submit(other)
    assert not Organisation.objects.filter(
        translation_key=other.translation_key, locale=serbian
    ).exists()
    submit(own)
    assert Organisation.objects.filter(
        translation_key=own.translation_key, locale=serbian
    ).exists()
