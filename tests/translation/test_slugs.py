"""A translation's slug follows its reviewed title until it is first
published (made as the project makes every slug: Unicode kept), then stays."""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail_localize.models import StringSegment, StringTranslation

from news.models import NewsPage

from .conftest import translate, translation_of

pytestmark = pytest.mark.django_db


def set_string(translation, path, text):
    segment = StringSegment.objects.get(source=translation.source, context__path=path)
    StringTranslation.objects.update_or_create(
        translation_of=segment.string,
        locale=translation.target_locale,
        context=segment.context,
        defaults={
            "data": text,
            "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
        },
    )


def approve(client, page):
    """The reviewer approves, as from the dashboard (Wagtail's own view)."""
    state = WorkflowState.objects.active().get(object_id=str(page.pk))
    client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[page.pk, "approve", state.current_task_state.pk],
        ),
        {},
    )


def team(language_user, code):
    return language_user(code, "translators"), language_user(code, "reviewers")


def machine_then_reviewed(client, page, title, people):
    """Machine draft, the translator fixes every string, submits; the
    reviewer approves. Returns the page as published."""
    translator, reviewer = people
    translation = translation_of(page)
    client.force_login(translator)
    client.post(
        reverse("wagtail_localize:machine_translate", args=[translation.pk]),
        {"next": "/admin/"},
    )
    draft_slug = NewsPage.objects.get(pk=page.pk).slug
    for string in StringTranslation.objects.filter(
        locale=translation.target_locale,
        translation_type=StringTranslation.TRANSLATION_TYPE_MACHINE,
    ):
        string.data = string.data.split("] ", 1)[-1]
        string.translation_type = StringTranslation.TRANSLATION_TYPE_MANUAL
        string.save()
    set_string(translation, "title", title)
    client.post(
        reverse("translation_submit_for_review", args=[translation.pk]),
        {"next": "/admin/"},
    )
    client.force_login(reviewer)
    approve(client, page)
    published = NewsPage.objects.get(pk=page.pk)
    assert published.live, "approved"
    return published, draft_slug


@pytest.mark.parametrize(
    "code,title,slug",
    [
        (
            "en",
            "Foundation signs a new partnership",
            "foundation-signs-a-new-partnership",
        ),
        (
            "sr",
            "Фондација потписује ново партнерство",
            "фондација-потписује-ново-партнерство",
        ),
        ("tr", "Vakıf yeni bir ortaklık imzaladı", "vakıf-yeni-bir-ortaklık-imzaladı"),
    ],
)
def test_the_slug_follows_the_reviewed_title(
    client, admin_user, albanian_item, language_user, code, title, slug
):
    page = translate(albanian_item, [code], admin_user)[code]
    published, draft_slug = machine_then_reviewed(
        client, page, title, team(language_user, code)
    )
    assert draft_slug != slug
    assert published.title == title
    assert published.slug == slug
    assert published.url_path.endswith(f"/{slug}/")


def test_once_published_the_slug_stays(
    client, admin_user, albanian_item, language_user
):
    page = translate(albanian_item, ["en"], admin_user)["en"]
    translator, reviewer = team(language_user, "en")
    published, _ = machine_then_reviewed(
        client, page, "Foundation signs a new partnership", (translator, reviewer)
    )
    translation = translation_of(published)
    set_string(translation, "title", "Foundation and Resource Centre sign up")
    client.force_login(translator)
    client.post(
        reverse("translation_submit_for_review", args=[translation.pk]),
        {"next": "/admin/"},
    )
    client.force_login(reviewer)
    client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), {"action": "publish"}
    )
    again = NewsPage.objects.get(pk=page.pk)
    assert again.title == "Foundation and Resource Centre sign up"
    assert again.slug == "foundation-signs-a-new-partnership"
