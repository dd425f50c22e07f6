"""The news read model: one row (news.models.NewsListingRow) per news page
the public may see, with its listing item already written as JSON, so that
a page of the listing is a few indexed queries and a join of stored text
(benchmark P4).

A row exists exactly for the pages of ``news.visibility.published(NewsPage)``
except for expiry, which depends on the clock: the listing checks ``live`` and
``expire_at`` on the page row at query time. Translations are not stored in
the item either (a sibling's publication would otherwise have to rewrite this
row); the listing reads them from the read model itself.

Rows follow the same events that bump the API content version: publish,
unpublish, move (the moved subtree), deletion (cascade), a view restriction
added or removed (the restricted subtree), a site change (everything), and
saves of what an item embeds (country, organisation, topic, image). For
existing content, ``manage.py rebuild_news_readmodel``; ``migrate`` builds it
when the table is empty and news pages exist.
"""

import logging

from django.apps import apps
from django.db import connections
from django.db.models import Q
from django.db.models.signals import (
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .api.listing import summaries, to_text
from .models import Country, NewsListingRow, NewsPage, Organisation, Topic
from .visibility import page_path, site_root_paths

logger = logging.getLogger(__name__)

CHUNK = 500
# Set on a news page instance by the save that wrote its row, until its next
# save begins (one refresh per publish, not two).
WRITTEN_ON_SAVE = "_readmodel_written_on_save"
SPLIT = ', "translations": [], '
# A save touching only these fields leaves the live item unchanged.
ITEM_FIELDS = {
    "title", "slug", "url_path", "live", "expire_at", "date", "lead",
    "hero_image", "hero_image_id", "organisation", "organisation_id", "country",
    "country_id", "last_published_at", "locale", "locale_id", "translation_key",
    "path", "topics",
}  # fmt: skip


def _visible():
    """News pages the public may see, expiry aside: the predicate of
    ``news.visibility.published`` without its clock-dependent part."""

    queryset = NewsPage.objects.live().public()
    roots = site_root_paths()
    if not roots:
        return queryset.none()
    inside = Q()
    for url_path in roots:
        inside |= Q(url_path__startswith=url_path)
    return queryset.filter(inside)


def refresh(page_ids):
    """Bring the rows of ``page_ids`` (news page ids; others are ignored) in
    line with the live content: written if visible, deleted if not."""

    page_ids = set(page_ids)
    if not page_ids:
        return
    ids = sorted(page_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        visible = list(_visible().filter(pk__in=chunk).values_list("pk", flat=True))
        NewsListingRow.objects.filter(page_id__in=chunk).delete()
        if not visible:
            continue
        keys = dict(
            NewsPage.objects.filter(pk__in=visible).values_list(
                "pk", "country__translation_key"
            )
        )
        rows = []
        for item, row in summaries(visible):
            head, tail = to_text(item).split(SPLIT, 1)
            rows.append(
                NewsListingRow(
                    page_id=item["id"],
                    language_code=item["locale"],
                    translation_key=row["translation_key"],
                    country_key=keys[item["id"]],
                    organisation_id=row["organisation_id"],
                    date=row["date"],
                    url=item["url"],
                    head=head + ', "translations": ',
                    tail=", " + tail,
                )
            )
        NewsListingRow.objects.bulk_create(rows)


def refresh_subtree(page):
    """Every news page at or below ``page`` (read from the database: a moved
    page's in-memory path is stale)."""

    path = Page.objects.filter(pk=page.pk).values_list("path", flat=True).first()
    if path is None:
        return
    refresh(NewsPage.objects.filter(path__startswith=path).values_list("pk", flat=True))


def rebuild():
    """The whole read model from the live content; returns the row count."""

    ids = set(NewsPage.objects.values_list("pk", flat=True))
    NewsListingRow.objects.exclude(page_id__in=ids).delete()
    refresh(ids)
    return NewsListingRow.objects.count()


# Signal receivers ------------------------------------------------------------


def _page_changed(sender, instance, **kwargs):
    refresh_subtree(instance)


def _page_published(sender, instance, **kwargs):
    """A news page: its row. Another page (home, index, section) matters to
    the rows below it only through its URL, so the subtree is rewritten only
    when their stored URLs no longer start with it (publishing the home page
    must not rewrite every item)."""

    if isinstance(instance, NewsPage):
        # Publishing saves the page and then sends page_published: the row
        # written on that save is already the published one.
        if not instance.__dict__.pop(WRITTEN_ON_SAVE, False):
            refresh([instance.pk])
        return
    page = Page.objects.filter(pk=instance.pk).values("path", "url_path").first()
    if page is None:
        return
    below = NewsListingRow.objects.filter(
        page__path__startswith=page["path"], page__depth__gt=instance.depth
    )
    for code in below.values_list("language_code", flat=True).distinct():
        prefix = page_path(page["url_path"], code)
        if below.filter(language_code=code).exclude(url__startswith=prefix).exists():
            refresh_subtree(instance)
            return


def _news_saving(sender, instance, **kwargs):
    instance.__dict__.pop(WRITTEN_ON_SAVE, None)


def _news_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not ITEM_FIELDS & set(update_fields):
        return
    refresh([instance.pk])
    instance.__dict__[WRITTEN_ON_SAVE] = True


def _restriction_changed(sender, instance, **kwargs):
    refresh_subtree(instance.page)


def _site_changed(sender, **kwargs):
    rebuild()


def _pages_using(model, pk):
    """Ids of the news pages whose item embeds the ``model`` row ``pk``."""

    pages = NewsPage.objects.all()
    if model is Country:
        pages = pages.filter(Q(country_id=pk) | Q(organisation__country_id=pk))
    elif model is Organisation:
        pages = pages.filter(organisation_id=pk)
    elif model is Topic:
        # Items name their topics in their own language: any translation counts.
        keys = Topic.objects.filter(pk=pk).values("translation_key")
        pages = pages.filter(topics__translation_key__in=keys)
    else:
        pages = pages.filter(Q(hero_image_id=pk) | Q(organisation__logo_id=pk))
    return set(pages.values_list("pk", flat=True))


def _embedded_saved(sender, instance, **kwargs):
    refresh(_pages_using(sender, instance.pk))


def _embedded_deleting(sender, instance, **kwargs):
    """Remember the pages now: after the delete their links are gone."""
    instance._readmodel_pages = _pages_using(sender, instance.pk)


def _embedded_deleted(sender, instance, **kwargs):
    refresh(getattr(instance, "_readmodel_pages", ()))


def _rendition_deleted(sender, instance, **kwargs):
    refresh(_pages_using(get_image_model(), instance.image_id))


def _build_if_empty(sender, using="default", **kwargs):

    if using != "default":
        return
    if (
        NewsListingRow._meta.db_table
        not in connections[using].introspection.table_names()
    ):
        return  # migrated backwards past the read model
    if NewsListingRow.objects.exists():
        return
    if NewsPage.objects.filter(live=True).exists():
        logger.info("news read model: %d rows built", rebuild())


def connect():
    """Called from news.signals.connect(), after the country-on-move receiver
    (a moved page's country must be updated before its row is written)."""

    uid = "news.readmodel"
    page_published.connect(_page_published, dispatch_uid=f"{uid}:published")
    page_unpublished.connect(_page_published, dispatch_uid=f"{uid}:unpublished")
    post_page_move.connect(_page_changed, dispatch_uid=f"{uid}:moved")
    pre_save.connect(_news_saving, sender=NewsPage, dispatch_uid=f"{uid}:saving")
    post_save.connect(_news_saved, sender=NewsPage, dispatch_uid=f"{uid}:news")
    for signal in (post_save, post_delete):
        signal.connect(
            _restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"{uid}:restriction:{signal is post_save}",
        )
        signal.connect(
            _site_changed, sender=Site, dispatch_uid=f"{uid}:site:{signal is post_save}"
        )
    image_model = get_image_model()
    for model in (Country, Organisation, Topic, image_model):
        label = model._meta.label
        post_save.connect(
            _embedded_saved, sender=model, dispatch_uid=f"{uid}:{label}:saved"
        )
        pre_delete.connect(
            _embedded_deleting, sender=model, dispatch_uid=f"{uid}:{label}:deleting"
        )
        post_delete.connect(
            _embedded_deleted, sender=model, dispatch_uid=f"{uid}:{label}:deleted"
        )
    post_delete.connect(
        _rendition_deleted,
        sender=image_model.get_rendition_model(),
        dispatch_uid=f"{uid}:rendition",
    )
    post_migrate.connect(
        _build_if_empty,
        sender=apps.get_app_config("news"),
        dispatch_uid=f"{uid}:migrate",
    )
