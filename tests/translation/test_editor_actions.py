"""Each role's key action is the main button of wagtail-localize's editor:
a translator submits for review, a reviewer approves what is in review, a
superuser publishes; nobody else gets a main button that would fail."""

import html
import json
import re

import pytest
from django.urls import reverse

from news.models import NewsPage

from .conftest import live, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(admin_user, albanian_item, language_teams):
    """The English translation of the Kosovo item, a draft not in review."""
    return translate(albanian_item, ["en"], admin_user)["en"]


def editor(client, page):
    """(canPublish, main button label prefix or None, messages) as shown."""
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    props = json.loads(html.unescape(re.search(r'data-props="([^"]*)"', text)[1]))
    labels = re.search(
        r"<script id=\"translation-review-labels\" type=\"application/json\">"
        r"(.*?)</script>",
        text,
    )
    notices = [str(m) for m in response.context["messages"]]
    return props["perms"]["canPublish"], labels and json.loads(labels[1])[0], notices


def press_main_button(client, page):
    return client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        {"action": "publish"},
        follow=True,
    )


def test_a_translator_submits_for_review_from_the_editor(client, draft, language_user):
    client.force_login(language_user("en", "translators"))
    can_press, label, _ = editor(client, draft)
    assert can_press and label.startswith("Submit for review")

    response = press_main_button(client, draft)
    notices = [str(m) for m in response.context["messages"]]
    assert "Submitted the English translation for review." in notices
    page = NewsPage.objects.get(pk=draft.pk)
    assert page.workflow_in_progress and not page.live
    assert page.get_workflow().name == "Translation review: English"

    # While the reviewers have it, the translator has no main action.
    can_press, label, notices = editor(client, page)
    assert not can_press and label is None
    assert "In review: the English reviewers approve it." in notices
    press_main_button(client, page)
    assert not live(page)


def test_a_reviewer_approves_from_the_editor(client, draft, language_user):
    client.force_login(language_user("en", "translators"))
    press_main_button(client, draft)

    client.force_login(language_user("en", "reviewers"))
    can_press, label, notices = editor(client, draft)
    assert can_press and label.startswith("Approve and publish")
    assert any("approve and publish it" in n for n in notices)
    response = press_main_button(client, draft)
    notices = [str(m) for m in response.context["messages"]]
    assert "Approved and published the English translation." in notices
    page = NewsPage.objects.get(pk=draft.pk)
    assert page.live and not page.workflow_in_progress


def test_another_languages_reviewer_cannot_approve(client, draft, language_user):
    client.force_login(language_user("en", "translators"))
    press_main_button(client, draft)
    client.force_login(language_user("tr", "reviewers"))
    response = client.get(reverse("wagtailadmin_pages:edit", args=[draft.pk]))
    assert response.status_code in (302, 403, 404)
    press_main_button(client, draft)
    assert not live(draft)


def test_a_country_moderator_has_no_main_button_on_a_translation(
    client, draft, team_user
):
    client.force_login(team_user("XK", "moderator"))
    can_press, label, _ = editor(client, draft)
    assert not can_press and label is None
    press_main_button(client, draft)
    page = NewsPage.objects.get(pk=draft.pk)
    assert not page.live and not page.workflow_in_progress


def test_another_countrys_officer_does_not_reach_the_editor(client, draft, team_user):
    client.force_login(team_user("RS", "moderator"))
    assert client.get(
        reverse("wagtailadmin_pages:edit", args=[draft.pk])
    ).status_code in (302, 404)
    press_main_button(client, draft)
    assert not live(draft)


def test_a_superuser_publishes_as_wagtail_localize_does(
    client, admin_user, draft, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    can_press, label, _ = editor(client, draft)
    assert can_press and label is None  # wagtail-localize's own "Publish in"
    with django_capture_on_commit_callbacks(execute=True):
        press_main_button(client, draft)
    assert live(draft)
