"""Translator permission matrix: language x role x action x page/snippet.

Translators of a language edit and submit that language's translations;
its reviewers also approve, which publishes. Nobody publishes a translation
directly, and nobody touches another language's pages or snippets.
"""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail_localize.models import Translation
from wagtail_localize.operations import TranslationCreator

from home.translation.review import submit_for_review
from home.translation.scope import may_edit_snippet
from news.models import Organisation

from .conftest import locale, translate

LANGUAGES = ("tr", "sr")
PAGE_ALLOWED = {
    ("translators", True): {"edit", "submit"},
    ("reviewers", True): {"edit", "submit", "approve", "publish"},
    ("translators", False): set(),
    ("reviewers", False): set(),
}
SNIPPET_ALLOWED = {
    ("translators", True): {"edit"},
    ("reviewers", True): {"edit", "publish"},
    ("translators", False): set(),
    ("reviewers", False): set(),
}


@pytest.fixture
def translations(admin_user, albanian_item, programme, language_teams):
    pages = translate(albanian_item, LANGUAGES, admin_user)
    organisation = programme["organisations"]["KCSF"]
    organisation.description = "Supports civic initiatives across Kosovo."
    organisation.save()
    TranslationCreator(admin_user, [locale(c) for c in LANGUAGES]).create_translations(
        organisation
    )
    for page in pages.values():
        submit_for_review(
            Translation.objects.get(
                target_locale=page.locale, source__object_id=page.translation_key
            ),
            admin_user,
        )
    snippets = {
        code: Organisation.objects.get(
            translation_key=organisation.translation_key, locale=locale(code)
        )
        for code in LANGUAGES
    }
    return pages, snippets


def page_actions(client, user, page):
    perms = page.permissions_for_user(user)
    state = WorkflowState.objects.active().get(object_id=str(page.pk))
    task = state.current_task_state.task.specific
    translation = Translation.objects.get(
        target_locale=page.locale, source__object_id=page.translation_key
    )
    client.force_login(user)
    submit = client.post(
        reverse("translation_submit_for_review", args=[translation.pk]),
        {"next": "/admin/reports/"},
    )
    approve = "approve" in {name for name, *_ in task.get_actions(page, user)}
    return {
        name
        for name, ok in {
            "edit": perms.can_edit(),
            "submit": submit.status_code == 302 and submit.url == "/admin/reports/",
            "approve": approve,
            # A reviewer's approval is what publishes; no one publishes directly.
            "publish": approve and not perms.can_publish(),
        }.items()
        if ok
    }


def snippet_actions(client, user, snippet):
    client.force_login(user)
    url = reverse("wagtailsnippets_news_organisation:edit", args=[snippet.pk])
    edit = client.get(url).status_code == 200
    before = Organisation.objects.get(pk=snippet.pk).description
    translation = Translation.objects.get(
        target_locale=snippet.locale, source__object_id=snippet.translation_key
    )
    client.post(reverse("wagtail_localize:machine_translate", args=[translation.pk]))
    client.post(url, {"action": "publish"})
    after = Organisation.objects.get(pk=snippet.pk).description
    return {
        name
        for name, ok in {
            "edit": edit and may_edit_snippet(user, snippet),
            "publish": after != before,
        }.items()
        if ok
    }


@pytest.mark.parametrize("role", ["translators", "reviewers"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_translator_permission_matrix(
    client, language_user, translations, role, language
):
    pages, snippets = translations
    user = language_user(language, role)
    for code in LANGUAGES:
        own = code == language
        assert page_actions(client, user, pages[code]) == PAGE_ALLOWED[(role, own)], (
            f"{language} {role} on {code} page"
        )
    for code in LANGUAGES:
        own = code == language
        assert (
            snippet_actions(client, user, snippets[code])
            == SNIPPET_ALLOWED[(role, own)]
        ), f"{language} {role} on {code} snippet"
