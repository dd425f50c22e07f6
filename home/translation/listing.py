"""wagtail-localize's listing buttons, at a query count flat in the rows
(issue #19).

Its "Translate this page" / "Sync translated pages" buttons (and the
snippets' "Translate" / "Sync translated snippets") ask two queries per
row of a listing: is there a locale without a translation, and is the row
the source of enabled translations. Here the listing's queryset answers
both for every row at once (``annotate_pages``, ``annotate_snippets``: two
subqueries of the listing's one query) and the buttons read the answers;
a row without them (a listing that did not annotate, e.g. the page
search) asks as wagtail-localize does. Labels, URLs, priorities and the
permission are wagtail-localize's.
"""

from urllib.parse import urlencode

from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button
from wagtail.models import Locale, Page, TranslatableMixin
from wagtail_localize import wagtail_hooks as localize_hooks
from wagtail_localize.models import TranslationSource

# wagtail-localize's own msgids, translated by its catalogue (as they were
# before): not literals in gettext calls, so the project's catalogue does
# not extract them a second time.
TRANSLATE_PAGE = "Translate this page"
SYNC_PAGES = "Sync translated pages"
TRANSLATE = "Translate"
TRANSLATE_TITLE = "Translate '%(title)s'"
SYNC_SNIPPETS = "Sync translated snippets"
SYNC_TITLE = "Sync translations of '%(title)s'"

UNTRANSLATED = "_localize_has_locale_to_translate_to"
SYNC_SOURCE = "_localize_sync_source_id"
PERMISSION = "wagtail_localize.submit_translation"


def _sync_source(model):
    """The id of the row's translation source with enabled translations."""
    return Subquery(
        TranslationSource.objects.filter(
            object_id=OuterRef("translation_key"),
            object__content_type=ContentType.objects.get_for_model(
                model.get_translation_model()
            ),
            locale_id=OuterRef("locale_id"),
            translations__enabled=True,
        ).values("pk")[:1]
    )


def annotate_pages(pages):
    """The buttons' two answers on every page of ``pages``."""
    translated = Page.objects.filter(
        translation_key=OuterRef(OuterRef("translation_key")),
        alias_of__isnull=True,
    ).values("locale_id")
    return pages.annotate(
        **{
            UNTRANSLATED: Exists(Locale.objects.exclude(id__in=translated)),
            SYNC_SOURCE: _sync_source(Page),
        }
    )


def annotate_snippets(snippets):
    model = snippets.model
    translated = model._default_manager.filter(
        translation_key=OuterRef(OuterRef("translation_key"))
    ).values("locale_id")
    return snippets.annotate(
        **{
            UNTRANSLATED: Exists(Locale.objects.exclude(id__in=translated)),
            SYNC_SOURCE: _sync_source(model),
        }
    )


def _sync_url(source_id, next_url):
    url = reverse("wagtail_localize:update_translations", args=[source_id])
    if next_url is not None:
        url += "?" + urlencode({"next": next_url})
    return url


def page_listing_more_buttons(page, user, view_name=None, next_url=None):
    if not hasattr(page, UNTRANSLATED):
        yield from localize_hooks.page_listing_more_buttons(
            page, user, view_name=view_name, next_url=next_url
        )
        return
    if page.is_root() or not user.has_perm(PERMISSION):
        return
    if getattr(page, UNTRANSLATED):
        # note: if this is an alias page, the original is translated
        url = reverse(
            "wagtail_localize:submit_page_translation",
            args=[page.alias_of_id or page.id],
        )
        yield Button(
            _(TRANSLATE_PAGE),
            url,
            priority=60,
            icon_name="wagtail-localize-language",
        )
    source_id = getattr(page, SYNC_SOURCE)
    if source_id is not None:
        yield Button(
            _(SYNC_PAGES),
            _sync_url(source_id, next_url),
            priority=60,
            icon_name="resubmit",
        )


def snippet_listing_buttons(snippet, user, next_url=None):
    if not hasattr(snippet, UNTRANSLATED):
        yield from localize_hooks.register_snippet_listing_buttons(
            snippet, user, next_url=next_url
        )
        return
    model = type(snippet)
    if not issubclass(model, TranslatableMixin) or not user.has_perm(PERMISSION):
        return
    if getattr(snippet, UNTRANSLATED):
        url = reverse(
            "wagtail_localize:submit_snippet_translation",
            args=[model._meta.app_label, model._meta.model_name, quote(snippet.pk)],
        )
        yield Button(
            _(TRANSLATE),
            url,
            attrs={"aria-label": _(TRANSLATE_TITLE) % {"title": str(snippet)}},
            icon_name="wagtail-localize-language",
            priority=100,
        )
    source_id = getattr(snippet, SYNC_SOURCE)
    if source_id is not None:
        yield Button(
            _(SYNC_SNIPPETS),
            _sync_url(source_id, next_url),
            attrs={"aria-label": _(SYNC_TITLE) % {"title": str(snippet)}},
            icon_name="resubmit",
            priority=106,
        )


def _replace(hook_name, theirs, ours):
    """Put ``ours`` where wagtail-localize registered ``theirs``. (Wagtail
    has no call to unregister a hook; its registry is a list per name.)"""
    registered = hooks._hooks.get(hook_name, [])
    for index, (fn, order) in enumerate(registered):
        if fn is theirs:
            registered[index] = (ours, order)
            return
    raise LookupError(f"wagtail-localize's {hook_name} hook is not registered")


def install():
    _replace(
        "register_page_listing_more_buttons",
        localize_hooks.page_listing_more_buttons,
        page_listing_more_buttons,
    )
    _replace(
        "register_snippet_listing_buttons",
        localize_hooks.register_snippet_listing_buttons,
        snippet_listing_buttons,
    )
