"""A translation's slug follows its title until it is first published.

wagtail-localize treats the slug as one more string to translate: a machine
draft gives it the placeholder's slug ("mt-sqen-partneritet"), and its own
ASCII ``slugify`` drops Cyrillic letters, and nobody edits it while they fix
the title. So until the translation first goes live its slug is made from its
title, the way the project makes every slug from a title (news.intake:
``slugify(title, allow_unicode=True)``, so Cyrillic stays Cyrillic and ë, ç,
ı stay themselves); then it stays, so that published addresses do not move.
The slug's string in wagtail-localize is set to the same value, so that a
later sync from the source keeps it.
"""

from django.utils.text import slugify
from wagtail.coreutils import find_available_slug
from wagtail.models import Page
from wagtail_localize.models import StringSegment, StringTranslation

from .scope import localize_translation
from .status import status_page_models

SLUG_LENGTH = 80


def slug_from_title(title):
    return slugify(title or "", allow_unicode=True)[:SLUG_LENGTH].strip("-")


def never_published(page):
    return not Page.objects.filter(
        pk=page.pk, first_published_at__isnull=False
    ).exists()


def follow_title(page):
    """The slug ``page`` should have now: from its title while it is an
    unpublished translation made by wagtail-localize of a news item, event
    or newsletter (the status board's types: never a locale's home, index
    or country section, whose slugs the structure fixes), else its own.
    None when nothing changes."""
    if (
        page.pk is None
        or not isinstance(page, tuple(status_page_models()))
        or localize_translation(page) is None
        or not never_published(page)
    ):
        return None
    base = slug_from_title(page.title)
    if not base:
        return None
    slug = find_available_slug(page.get_parent(), base, ignore_page_id=page.pk)
    return None if slug == page.slug else slug


def keep_in_localize(page, slug):
    """Store ``slug`` as the translation of the slug's string, so that
    wagtail-localize's next save of the translation keeps it."""
    translation = localize_translation(page)
    if translation is None:
        return
    segment = (
        StringSegment.objects.filter(source=translation.source, context__path="slug")
        .select_related("string", "context")
        .first()
    )
    if segment is None:
        return
    StringTranslation.objects.update_or_create(
        translation_of=segment.string,
        locale=page.locale,
        context=segment.context,
        defaults={
            "data": slug,
            "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
            "tool_name": "",
            "has_error": False,
        },
    )


def apply_to_revision(revision, page):
    """Before ``revision`` of ``page`` goes live: its slug from its title."""
    slug = follow_title(page)
    if slug is None:
        return
    page.slug = slug
    revision.content["slug"] = slug
    revision.save(update_fields=["content"])
    keep_in_localize(page, slug)


def apply_to_page(page):
    """After a translation is saved as a draft (submitted for review)."""
    slug = follow_title(page)
    if slug is None:
        return page
    page.slug = slug
    page.save(update_fields=["slug", "url_path"], clean=False)
    revision = page.get_latest_revision()
    if revision is not None:
        revision.content["slug"] = slug
        revision.save(update_fields=["content"])
    keep_in_localize(page, slug)
    return page
