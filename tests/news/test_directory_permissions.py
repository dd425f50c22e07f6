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


def _translated(entry, superuser_client, locale):
    """A Serbian translation of ``entry`` made the way an officer would: a
    request through wagtail-localize (by a superuser here)."""
    url = reverse(
        "wagtail_localize:submit_snippet_translation",
        args=["news", "organisation", entry.pk],
    )
    response = superuser_client.post(url, {"locales": [locale.pk]})
    assert response.status_code == 302, response.content.decode()[:1000]
    return Organisation.objects.get(
        translation_key=entry.translation_key, locale=locale
    )


def test_the_translation_editor_of_another_countrys_entry_is_closed(
    client, admin_client, team_user, entries
):
    """The translation editor is the snippet's edit view for a translation
    (wagtail-localize takes it over), and its string, machine and PO file
    endpoints work on the Translation: none of them lets Kosovo's team into
    the Serbian translation of Serbia's entry; its own entry's stays open."""
    from wagtail_localize.models import Translation

    own, other = entries
    serbian = Locale.objects.get(language_code="sr")
    own_sr = _translated(own, admin_client, serbian)
    other_sr = _translated(other, admin_client, serbian)
    client.force_login(team_user("XK", "editor"))

    response = client.get(reverse(EDIT, args=[own_sr.pk]))
    assert response.status_code == 200
    assert b"js-translation-editor" in response.content

    assert_permission_denied(client.get(reverse(EDIT, args=[other_sr.pk])))
    translation = Translation.objects.get(
        source__object_id=other.translation_key, target_locale=serbian
    )
    for name, method in (
        ("machine_translate", "post"),
        ("download_pofile", "get"),
        ("upload_pofile", "post"),
        ("stop_translation", "post"),
    ):
        url = reverse(f"wagtail_localize:{name}", args=[translation.pk])
        response = getattr(client, method)(url)
        assert response.status_code in (302, 403), (name, response.status_code)
        if response.status_code == 302:
            assert_permission_denied(response)
    translation.refresh_from_db()
    assert translation.enabled
    other_sr.refresh_from_db()
    assert other_sr.name == other.name
