"""Translators and reviewers see on the dashboard what waits for them in
their languages; country officers keep their review queue; someone in
neither team sees neither."""

import pytest
from django.urls import reverse

from home.translation.review import submit_for_review

from .conftest import translate, translation_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(admin_user, albanian_item, language_teams):
    """A Serbian translation in review and an English one being written."""
    pages = translate(albanian_item, ["sr", "en"], admin_user)
    submit_for_review(translation_of(pages["sr"]), admin_user)
    return pages


def dashboard(client, user):
    client.force_login(user)
    return client.get(reverse("wagtailadmin_home")).content.decode()


def edit_link(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def test_a_reviewer_sees_what_waits_for_review_in_their_language(
    client, work, language_user
):
    html = dashboard(client, language_user("sr", "reviewers"))
    assert "Your translation work" in html
    assert "Translations to review (1)" in html
    assert edit_link(work["sr"]) in html
    assert edit_link(work["en"]) not in html
    assert "not in a country team" not in html


def test_a_translator_sees_translations_to_edit(client, work, language_user):
    html = dashboard(client, language_user("en", "translators"))
    assert "Translations to edit (1)" in html
    assert edit_link(work["en"]) in html
    assert edit_link(work["sr"]) not in html
    assert "Waiting for review in your countries" not in html


def test_another_languages_team_sees_none_of_it(client, work, language_user):
    html = dashboard(client, language_user("tr", "translators"))
    assert "Nothing waits for you in your languages." in html
    assert edit_link(work["sr"]) not in html and edit_link(work["en"]) not in html


def test_country_officers_keep_their_queue_without_the_translation_panel(
    client, work, team_user
):
    html = dashboard(client, team_user("XK", "moderator"))
    assert "Waiting for review in your countries" in html
    assert "Your translation work" not in html
