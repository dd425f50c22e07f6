"""Every route to publishing a translation, for every role.

The English translation of a Kosovo (Albanian) news item goes live only
through the English reviewers' approval, or by a superuser: not through the
admin's edit and bulk views, a revision revert, scheduled publishing, a
country's own workflow, wagtail-localize's sync-and-publish, or Wagtail's v3
write API with a token (mounted here by a test-only urlconf: no public URL
mounts it). Aliases, copies and moves: test_review_routes_alias_copy.py.

Each route is tried by each role in turn, each attempt rolled back, and the
test compares who made the translation live (conftest.who).
"""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, WorkflowPage, WorkflowState

from home.translation.teams import group_name
from news.models import NewsPage
from tests.conftest import assert_permission_denied

from .conftest import (
    API,
    ONLY_SUPERUSER,
    REVIEWER_OR_SUPERUSER,
    bearer,
    live,
    locale,
    translation_of,
    who,
)

# Publishing, by every door.


def test_publish_action_publishes_a_translation_for_superusers_only(people, unreviewed):
    def attempt(user):
        unreviewed.get_latest_revision().publish(user=user)
        return live(unreviewed)

    assert who(people, attempt) == ONLY_SUPERUSER


def test_a_workflow_skipping_permission_checks_still_needs_a_reviewer(people, english):
    """What a finishing workflow does: publish without Wagtail's checks."""

    def attempt(user):
        english.get_latest_revision().publish(user=user, skip_permission_checks=True)
        return live(english)

    assert who(people, attempt) == REVIEWER_OR_SUPERUSER


def test_no_publish_button_for_a_translation_without_its_reviewers(people, english):
    can = {
        role
        for role, user in people.items()
        if english.permissions_for_user(user).can_publish()
    }
    assert can == ONLY_SUPERUSER


def test_admin_edit_view_publishes_a_translation_for_superusers_only(
    client, people, unreviewed, django_capture_on_commit_callbacks
):
    """The translation editor's main button (action=publish) approves for a
    reviewer while the translation is in review (editor.py)."""

    def attempt(user):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("wagtailadmin_pages:edit", args=[unreviewed.pk]),
                {"action": "publish"},
            )
        return live(unreviewed)

    expected = (
        REVIEWER_OR_SUPERUSER if unreviewed.workflow_in_progress else ONLY_SUPERUSER
    )
    assert who(people, attempt) == expected


def test_bulk_publish_publishes_a_translation_for_superusers_only(
    client, people, unreviewed, albanian_item
):
    section = albanian_item.get_parent()
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))

    def attempt(user):
        client.force_login(user)
        # The translation itself, and as a draft below its section.
        client.post(f"{url}?id={unreviewed.pk}", {"include_descendants": "on"})
        client.post(
            f"{url}?id={section.get_translation(locale('en')).pk}",
            {"include_descendants": "on"},
        )
        return live(unreviewed)

    assert who(people, attempt) == ONLY_SUPERUSER


def test_revert_with_publish_publishes_a_translation_for_superusers_only(
    people, english
):
    """What the admin's "revert" then "publish" does with an older revision."""
    first = english.get_latest_revision()
    english.title = "Unreviewed machine title"
    english.save_revision()

    def attempt(user):
        reverted = NewsPage.objects.get(pk=english.pk)
        revision = first.as_object().save_revision(user=user, previous_revision=first)
        revision.publish(user=user, previous_revision=first)
        return live(reverted)

    assert who(people, attempt) == ONLY_SUPERUSER


def test_country_workflow_approval_does_not_publish_a_translation(
    client, people, english, team_user
):
    """Without its own review workflow the translation would run its section's
    (the country's moderators approve); that approval must not publish it."""
    WorkflowState.objects.filter(object_id=str(english.pk)).delete()
    WorkflowPage.objects.filter(page=english).delete()
    workflow = english.get_workflow()
    assert workflow.name.startswith("CSO submission review")
    moderator = people["moderator"]
    state = workflow.start(english, people["editor"])
    task_state = state.current_task_state
    client.force_login(moderator)
    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[english.pk, "approve", task_state.pk],
        ),
        {},
    )
    assert_permission_denied(response)
    assert not live(english)


def test_sync_and_publish_is_for_reviewers_and_superusers(
    client, people, unreviewed, albanian_item, django_capture_on_commit_callbacks
):
    """wagtail-localize's "Sync translations" with "publish" skips review:
    the language's reviewers may, as they may approve."""
    albanian_item.lead = "Përditësim i ri."
    albanian_item.save_revision(user=people["moderator"]).publish()
    source = translation_of(unreviewed).source

    def attempt(user):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("wagtail_localize:update_translations", args=[source.pk]),
                {"publish_translations": "on"},
            )
        return live(unreviewed)

    assert who(people, attempt) == REVIEWER_OR_SUPERUSER


# Through Wagtail's v3 write API with a bearer token.


@pytest.mark.urls("tests.translation.wagtail_api_urls")
def test_write_api_publish_publishes_a_translation_for_superusers_only(
    client, people, unreviewed
):
    def attempt(user):
        response = client.post(
            f"{API}/{unreviewed.pk}/actions/publish/", **bearer(user)
        )
        assert response.status_code in (200, 403), response.content
        return live(unreviewed)

    assert who(people, attempt) == ONLY_SUPERUSER


@pytest.mark.urls("tests.translation.wagtail_api_urls")
def test_write_api_edit_and_publish_publishes_for_superusers_only(
    client, people, never_reviewed
):
    """Not in review, so not locked: editors and moderators may save it."""

    def attempt(user):
        response = client.patch(
            f"{API}/{never_reviewed.pk}/",
            {
                "title": "Published through PATCH",
                "meta": {"type": "news.NewsPage", "action": "publish"},
            },
            content_type="application/json",
            **bearer(user),
        )
        assert response.status_code < 500, response.content
        return live(never_reviewed)

    assert who(people, attempt) == ONLY_SUPERUSER


@pytest.mark.urls("tests.translation.wagtail_api_urls")
def test_write_api_revert_then_publish_publishes_for_superusers_only(
    client, people, english
):
    first = english.get_latest_revision()
    english.title = "Unreviewed machine title"
    english.save_revision()

    def attempt(user):
        headers = bearer(user)
        client.post(
            f"{API}/{english.pk}/actions/revert/",
            {"revision_id": first.pk},
            content_type="application/json",
            **headers,
        )
        client.post(f"{API}/{english.pk}/actions/publish/", **headers)
        return live(english)

    assert who(people, attempt) == ONLY_SUPERUSER


@pytest.mark.urls("tests.translation.wagtail_api_urls")
def test_write_api_live_alias_in_another_language_is_for_superusers_only(
    client, people, albanian_item, language_teams
):
    """copy_for_translation with ``alias`` puts the live source up in the
    Turkish tree at once, unreviewed in Turkish."""

    def attempt(user):
        client.post(
            f"{API}/{albanian_item.pk}/actions/copy_for_translation/",
            {"locale": "tr", "alias": True},
            content_type="application/json",
            **bearer(user),
        )
        return Page.objects.filter(
            translation_key=albanian_item.translation_key, locale=locale("tr")
        ).exists()

    assert who(people, attempt) == ONLY_SUPERUSER


# Scheduled publishing.


def approve_with_go_live(reviewer, page, go_live_at):
    """The draft in review carries a go-live time; the reviewer approves."""
    page = NewsPage.objects.get(pk=page.pk)
    page.go_live_at = go_live_at
    page.save_revision(user=reviewer)
    state = WorkflowState.objects.active().get(object_id=str(page.pk))
    state.current_task_state.approve(user=reviewer)
    return NewsPage.objects.get(pk=page.pk).get_latest_revision()


def test_a_revision_scheduled_by_a_reviewer_goes_live(client, people, english):
    reviewer = people["reviewer"]
    soon = timezone.now() + datetime.timedelta(hours=1)
    revision = approve_with_go_live(reviewer, english, soon)
    assert revision.approved_go_live_at is not None
    assert not live(english)
    with time_machine.travel(soon + datetime.timedelta(minutes=1)):
        call_command("publish_scheduled")
    assert live(english)


def test_a_schedule_set_by_someone_no_longer_a_reviewer_does_not_go_live(
    client, people, english, albanian_item, admin_user
):
    """The reviewer scheduled it, then left the English reviewers: at go-live
    time the schedule is dropped; other scheduled pages still go live."""
    reviewer = people["reviewer"]
    soon = timezone.now() + datetime.timedelta(hours=1)
    revision = approve_with_go_live(reviewer, english, soon)
    reviewer.groups.remove(Group.objects.get(name=group_name("en", "reviewers")))
    albanian_item.lead = "Scheduled by its moderator."
    albanian_item.go_live_at = soon
    other = albanian_item.save_revision(user=people["moderator"])
    other.publish(user=people["moderator"])
    # The refused one first: publish_scheduled carries on after it.
    type(revision).objects.filter(pk=other.pk).update(
        approved_go_live_at=soon + datetime.timedelta(seconds=1)
    )
    with time_machine.travel(soon + datetime.timedelta(minutes=1)):
        call_command("publish_scheduled")
    assert not live(english)
    revision.refresh_from_db()
    assert revision.approved_go_live_at is None
    assert NewsPage.objects.get(pk=albanian_item.pk).lead == albanian_item.lead


def test_scheduling_a_translation_is_for_superusers_only(people, english):
    soon = timezone.now() + datetime.timedelta(hours=1)

    def attempt(user):
        page = NewsPage.objects.get(pk=english.pk)
        page.go_live_at = soon
        revision = page.save_revision(user=user)
        revision.publish(user=user)
        revision.refresh_from_db()
        return revision.approved_go_live_at is not None

    assert who(people, attempt) == ONLY_SUPERUSER


# The legitimate path.


def test_reviewers_approval_publishes_the_translation(client, people, english):
    state = WorkflowState.objects.active().get(object_id=str(english.pk))
    client.force_login(people["reviewer"])
    client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[english.pk, "approve", state.current_task_state.pk],
        ),
        {},
    )
    assert live(english)
