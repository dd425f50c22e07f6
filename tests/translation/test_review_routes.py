"""Every route to making a translation live, for every role.

The English translation of a Kosovo (Albanian) news item goes live only
through the English reviewers' approval, or by a superuser: not through
wagtail-localize's "convert to alias", Wagtail's "convert alias", the
admin's edit, bulk, copy and move views, a revision revert, scheduled
publishing, a country's own workflow, or Wagtail's v3 write API with a
token (mounted here by a test-only urlconf: no public URL mounts it).

Each route is tried by each role in turn, each attempt rolled back, and the
test compares who made the translation (or a copy of it) live.
"""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.actions.copy_page import CopyPageAction
from wagtail.actions.move_page import MovePageAction
from wagtail.models import APIToken, Page, WorkflowPage, WorkflowState
from wagtail_localize.models import Translation

from home.translation.review import submit_for_review
from home.translation.teams import group_name
from news.models import NewsPage
from news.structure import section_for

from .conftest import locale, translate

ROLES = (
    "translator",
    "reviewer",
    "other_reviewer",
    "editor",
    "moderator",
    "other_moderator",
    "superuser",
)
ONLY_SUPERUSER = {"superuser"}
REVIEWER_OR_SUPERUSER = {"reviewer", "superuser"}
API = "/wagtail-api/v3/pages"


@pytest.fixture
def people(language_user, team_user, admin_user):
    return {
        "translator": language_user("en", "translators"),
        "reviewer": language_user("en", "reviewers"),
        "other_reviewer": language_user("tr", "reviewers"),
        "editor": team_user("XK", "editor"),
        "moderator": team_user("XK", "moderator"),
        "other_moderator": team_user("RS", "moderator"),
        "superuser": admin_user,
    }


@pytest.fixture
def english(admin_user, albanian_item, language_teams):
    """The English translation, machine-made and in review (not yet live)."""
    page = translate(albanian_item, ["en"], admin_user)["en"]
    submit_for_review(translation_of(page), admin_user)
    page = NewsPage.objects.get(pk=page.pk)
    assert not page.live
    return page


@pytest.fixture
def never_reviewed(admin_user, albanian_item, language_teams):
    """The English translation, machine-made, never submitted for review."""
    return translate(albanian_item, ["en"], admin_user)["en"]


@pytest.fixture(params=["in_review", "never_reviewed"])
def unreviewed(request, admin_user, albanian_item, language_teams):
    """The English translation in review, or never submitted."""
    page = translate(albanian_item, ["en"], admin_user)["en"]
    if request.param == "in_review":
        submit_for_review(translation_of(page), admin_user)
    return NewsPage.objects.get(pk=page.pk)


def translation_of(page):
    return Translation.objects.get(
        target_locale=page.locale, source__object_id=page.translation_key
    )


def live(page):
    return NewsPage.objects.filter(pk=page.pk, live=True).exists()


def who(people, attempt):
    """The roles for which ``attempt(user)`` returns True, each rolled back."""
    allowed = set()
    for role, user in people.items():
        try:
            with transaction.atomic():
                if attempt(user):
                    allowed.add(role)
                transaction.set_rollback(True)
        except PermissionDenied:
            pass
    return allowed


def bearer(user):
    _token, plaintext = APIToken.create_token(user=user, name="tool")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


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
    def attempt(user):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("wagtailadmin_pages:edit", args=[unreviewed.pk]),
                {"action": "publish"},
            )
        return live(unreviewed)

    assert who(people, attempt) == ONLY_SUPERUSER


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
    assert response.status_code in (302, 403)
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


# wagtail-localize's convert to alias, Wagtail's convert alias.


@pytest.mark.parametrize("state", ["in_review", "never_reviewed"])
def test_convert_to_alias_is_for_reviewers_and_superusers(
    client, people, admin_user, albanian_item, language_teams, state
):
    page = translate(albanian_item, ["en"], admin_user)["en"]
    if state == "in_review":
        submit_for_review(translation_of(page), admin_user)
    url = reverse("wagtail_localize:convert_to_alias", args=[page.pk])

    def attempt(user):
        client.force_login(user)
        client.post(url)
        converted = Page.objects.get(pk=page.pk)
        return converted.alias_of_id is not None or converted.live

    assert who(people, attempt) == REVIEWER_OR_SUPERUSER


def test_convert_to_alias_refusal_says_who_may(client, people, english):
    client.force_login(people["translator"])
    response = client.post(
        reverse("wagtail_localize:convert_to_alias", args=[english.pk]),
        follow=True,
    )
    assert "Only reviewers of English can replace this translation" in (
        response.content.decode()
    )
    assert Page.objects.get(pk=english.pk).alias_of_id is None


@pytest.fixture
def english_alias(client, admin_user, english):
    """The translation, converted by a superuser into a live alias of its
    Albanian source (wagtail-localize deletes its Translation record)."""
    client.force_login(admin_user)
    client.post(reverse("wagtail_localize:convert_to_alias", args=[english.pk]))
    client.logout()
    page = NewsPage.objects.get(pk=english.pk)
    assert page.alias_of_id is not None and page.live
    assert not Translation.objects.filter(
        source__object_id=page.translation_key, target_locale=page.locale
    ).exists()
    return page


def test_convert_alias_of_a_translation_is_for_reviewers_and_superusers(
    client, people, english_alias
):
    def attempt(user):
        client.force_login(user)
        client.post(
            reverse("wagtailadmin_pages:convert_alias", args=[english_alias.pk])
        )
        return Page.objects.get(pk=english_alias.pk).alias_of_id is None

    assert who(people, attempt) == REVIEWER_OR_SUPERUSER


@pytest.mark.urls("tests.translation.wagtail_api_urls")
def test_write_api_convert_alias_is_for_reviewers_and_superusers(
    client, people, english_alias
):
    def attempt(user):
        client.post(f"{API}/{english_alias.pk}/actions/convert_alias/", **bearer(user))
        return Page.objects.get(pk=english_alias.pk).alias_of_id is None

    assert who(people, attempt) == REVIEWER_OR_SUPERUSER


def test_a_converted_alias_publishes_only_through_review(
    client, people, admin_user, english_alias
):
    """After convert alias the page is ordinary, with no Translation record:
    a new draft still goes live only through English review."""
    client.force_login(admin_user)
    client.post(reverse("wagtailadmin_pages:convert_alias", args=[english_alias.pk]))
    page = NewsPage.objects.get(pk=english_alias.pk)
    assert page.alias_of_id is None
    page.title = "Never reviewed in English"
    revision = page.save_revision(user=people["translator"])

    def attempt(user):
        revision.publish(user=user)
        return NewsPage.objects.get(pk=page.pk).title == page.title and live(page)

    assert who(people, attempt) == ONLY_SUPERUSER


def test_an_alias_of_a_draft_translation_converts_for_reviewers_and_superusers(
    client, people, admin_user, never_reviewed
):
    """The admin's copy view makes an alias of the (not live) translation in
    its own section; converted, it would be an ordinary page with a new
    translation key that the country's moderators could publish."""
    client.force_login(people["moderator"])
    client.post(
        reverse("wagtailadmin_pages:copy", args=[never_reviewed.pk]),
        {
            "new_title": never_reviewed.title,
            "new_slug": "alias-of-translation",
            "new_parent_page": never_reviewed.get_parent().pk,
            "alias": "on",
        },
    )
    alias = NewsPage.objects.get(slug="alias-of-translation")
    assert alias.alias_of_id == never_reviewed.pk and not alias.live

    def attempt(user):
        client.force_login(user)
        client.post(reverse("wagtailadmin_pages:convert_alias", args=[alias.pk]))
        return Page.objects.get(pk=alias.pk).alias_of_id is None

    assert who(people, attempt) == REVIEWER_OR_SUPERUSER


# Copy and move.


def test_copying_a_translation_is_for_superusers_only(people, english):
    """A copy gets a new translation key: it would leave review."""
    section = english.get_parent()

    def attempt(user):
        copied = False
        for keep_live in (False, True):
            try:
                CopyPageAction(
                    english,
                    to=section,
                    update_attrs={"slug": f"copy-{keep_live}".lower()},
                    keep_live=keep_live,
                    user=user,
                ).execute()
            except PermissionDenied:
                continue
            copied = True
        return copied

    assert who(people, attempt) == ONLY_SUPERUSER


def test_admin_copy_view_copies_a_translation_for_superusers_only(
    client, people, english
):
    section = english.get_parent()

    def attempt(user):
        client.force_login(user)
        client.post(
            reverse("wagtailadmin_pages:copy", args=[english.pk]),
            {
                "new_title": "Copied translation",
                "new_slug": "copied-translation",
                "new_parent_page": section.pk,
                "publish_copies": "on",
            },
        )
        return NewsPage.objects.filter(slug="copied-translation").exists()

    assert who(people, attempt) == ONLY_SUPERUSER


@pytest.mark.urls("tests.translation.wagtail_api_urls")
def test_write_api_copy_copies_a_translation_for_superusers_only(
    client, people, english
):
    def attempt(user):
        client.post(
            f"{API}/{english.pk}/actions/copy/",
            {"slug": "api-copy", "keep_live": True},
            content_type="application/json",
            **bearer(user),
        )
        return NewsPage.objects.filter(slug="api-copy").exists()

    assert who(people, attempt) == ONLY_SUPERUSER


def test_a_translation_moved_to_another_country_still_needs_its_reviewers(
    people, admin_user, english, programme
):
    """Moved into Serbia's English section, the translation is in reach of
    Serbia's moderators' publish permission, and still not theirs to publish."""
    serbia = section_for(programme["countries"]["RS"], locale("en"))
    MovePageAction(english, serbia, pos="last-child", user=admin_user).execute()
    english = NewsPage.objects.get(pk=english.pk)
    assert english.get_parent().pk == serbia.pk

    def attempt(user):
        english.get_latest_revision().publish(user=user)
        return live(english)

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


def test_admin_copy_refusal_says_who_may(client, people, english):
    client.force_login(people["moderator"])
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[english.pk]),
        {
            "new_title": "Copied translation",
            "new_slug": "copied-translation",
            "new_parent_page": english.get_parent().pk,
        },
        follow=True,
    )
    assert "Only reviewers of English can copy this translation." in (
        response.content.decode()
    )
    assert not NewsPage.objects.filter(slug="copied-translation").exists()


def test_admin_convert_alias_refusal_says_who_may(client, people, english_alias):
    client.force_login(people["translator"])
    response = client.post(
        reverse("wagtailadmin_pages:convert_alias", args=[english_alias.pk]),
        follow=True,
    )
    assert "Only reviewers of English can publish this translation." in (
        response.content.decode()
    )
    assert Page.objects.get(pk=english_alias.pk).alias_of_id is not None
