"""Approve and autosave, one after the other, as the browser sends them
(cms.page_edits). The end state is always either published and live, or a
clear error; never approved but still a draft. The same race with real
concurrent requests on PostgreSQL is in test_review_and_autosave_race.py."""

import pytest
from django.contrib.messages import get_messages
from wagtail.models import WorkflowState

from news.models import NewsPage

from .editing import autosave, edit_url, form_data, submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(client, team_user):
    user = team_user("XK", "moderator")
    client.force_login(user)
    return user


def workflow_status(page):
    return WorkflowState.objects.filter(object_id=str(page.pk)).get().status


def assert_published(page, lead):
    page = NewsPage.objects.get(pk=page.pk)
    assert page.live
    assert not page.has_unpublished_changes
    assert page.lead == lead
    assert page.live_revision.as_object().lead == lead
    assert page.latest_revision_id == page.live_revision_id
    assert workflow_status(page) == WorkflowState.STATUS_APPROVED


def test_an_autosave_carrying_the_approve_button_only_saves(
    client, moderator, programme
):
    """The click adds the workflow inputs to the form; an autosave due at that
    moment serialises them: it saves the draft and approves nothing (the
    form's own submission approves)."""
    page = submission(programme)
    loaded = page.latest_revision
    lead = "Qendra hapet në Prizren."
    data = form_data(page, lead=lead, loaded_revision=loaded, approve=True)

    response = autosave(client, page, data)
    assert response.status_code == 200
    assert response.json()["success"] is True
    assert workflow_status(page) == WorkflowState.STATUS_IN_PROGRESS
    assert not NewsPage.objects.get(pk=page.pk).live

    response = client.post(edit_url(page), data)
    assert response.status_code == 302
    assert_published(page, lead)


def test_a_late_autosave_of_the_pre_approve_revision_is_refused(
    client, moderator, programme
):
    """Autosave, approve (which publishes what was autosaved), then the
    autosave that was still due: it must not overwrite the published revision
    nor leave the page with a draft; the editor is told, in its JSON."""
    page = submission(programme)
    loaded = page.latest_revision
    lead = "Qendra hapet në Prizren."
    saved = autosave(client, page, form_data(page, lead=lead, loaded_revision=loaded))
    autosaved = page.revisions.get(pk=saved.json()["revision_id"])

    response = client.post(
        edit_url(page),
        form_data(page, lead=lead, loaded_revision=loaded, approve=True),
    )
    assert response.status_code == 302
    assert_published(page, lead)

    late = autosave(
        client,
        page,
        form_data(
            page,
            lead="Qendra hapet në Prizren, të hënën.",
            loaded_revision=loaded,
            overwrite_revision=autosaved,
            approve=True,
        ),
    )
    assert late.status_code == 409
    assert late.json()["success"] is False
    assert late.json()["error_code"] == "invalid_revision"
    assert "Reload the page" in late.json()["error_message"]
    assert_published(page, lead)


def test_a_second_approval_after_the_review_ended_changes_nothing(
    client, moderator, programme
):
    """Two tabs, or two moderators: the second "Approve" finds the review
    over. It says so, and saves no draft over the published page."""
    page = submission(programme)
    loaded = page.latest_revision
    first = form_data(page, lead="E para.", loaded_revision=loaded, approve=True)
    assert client.post(edit_url(page), first).status_code == 302

    second = form_data(page, lead="E dyta.", loaded_revision=loaded, approve=True)
    response = client.post(edit_url(page), second)
    assert response.status_code == 302
    assert response["Location"] == edit_url(page)
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "no longer available" in text
    assert_published(page, "E para.")
