"""Every route around review by alias, copy or move, for every role.

A translation leaves its review if it is replaced by an alias of its source
(wagtail-localize's "convert to alias"), if an alias of it becomes an
ordinary page (Wagtail's "convert alias", in the admin or the v3 write API),
or if it is copied (a copy gets a new translation key); moved to another
country, it still needs its language's reviewers. Each route is tried by
each role in turn, each attempt rolled back (conftest.who); refusals say who
may. Publishing routes: test_review_routes_publish.py.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.actions.copy_page import CopyPageAction
from wagtail.actions.move_page import MovePageAction
from wagtail.models import Page
from wagtail_localize.models import Translation

from home.translation.review import submit_for_review
from news.models import NewsPage
from news.structure import section_for

from .conftest import (
    API,
    ONLY_SUPERUSER,
    REVIEWER_OR_SUPERUSER,
    bearer,
    live,
    locale,
    translate,
    translation_of,
    who,
)

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


# Refusals say who may.


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
