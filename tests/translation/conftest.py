import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from wagtail.models import APIToken, Locale
from wagtail_localize.models import Translation
from wagtail_localize.operations import TranslationCreator

from home.translation.review import submit_for_review
from home.translation.teams import ensure_language_teams, group_name
from news.models import NewsPage
from news.structure import section_for


@pytest.fixture
def language_teams(programme):
    return ensure_language_teams()


@pytest.fixture
def language_user(django_user_model, language_teams):
    """Make a member of a language team: language_user("en", "reviewers")."""

    def make(code, role):
        user = django_user_model.objects.create_user(
            username=f"{code}-{role}", password="pw"
        )
        user.groups.add(Group.objects.get(name=group_name(code, role)))
        return user

    return make


def locale(code):
    return Locale.objects.get(language_code=code)


@pytest.fixture
def albanian_item(programme, admin_user):
    """A live news item written in Albanian in Kosovo's section."""
    section = section_for(programme["countries"]["XK"], locale("sq"))
    page = section.add_child(
        instance=NewsPage(
            title="Fondacioni nënshkruan partneritet të ri",
            slug="partneritet",
            date=datetime.date(2026, 11, 2),
            lead="Qendra Burimore do të mbështesë organizatat lokale.",
            organisation=programme["organisations"]["KCSF"],
            owner=admin_user,
        )
    )
    page.save_revision(user=admin_user).publish()
    return NewsPage.objects.get(pk=page.pk)


def translate(page, codes, user):
    """Start translations of ``page`` into ``codes`` (drafts) as ``user``."""
    creator = TranslationCreator(user, [locale(code) for code in codes])
    creator.create_translations(page)
    return {code: page.get_translation(locale(code)).specific for code in codes}


# The review routes (test_review_routes_*.py): who, of every role, gets a
# translation live by each route.

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
