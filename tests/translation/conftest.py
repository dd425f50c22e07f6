import datetime

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Locale
from wagtail_localize.operations import TranslationCreator

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
