"""The state of every translation of a page, per locale.

missing     no page in that locale
in_progress a translation exists but is not live (draft or in review)
outdated    live, but its source was published again since
live        live and up to date
source      the locale the page (or this translation) was written in

"Out of date" compares publication times: a live translation is behind when
the page it was translated from has been published after it. It holds for
translations made with wagtail-localize and for copies made by hand.
"""

from dataclasses import dataclass, field

from django.apps import apps
from wagtail.models import Locale, Page, WorkflowState
from wagtail_localize.models import Translation, TranslationSource

from .conf import app_settings

MISSING, IN_PROGRESS, OUTDATED, LIVE, SOURCE = (
    "missing",
    "in_progress",
    "outdated",
    "live",
    "source",
)
STATES = (MISSING, IN_PROGRESS, OUTDATED, LIVE, SOURCE)


@dataclass
class Cell:
    locale: Locale
    state: str
    page: Page | None = None
    in_review: bool = False
    source_locale: Locale | None = None


@dataclass
class Row:
    source: Page
    cells: list = field(default_factory=list)

    def cell(self, language_code):
        return next(c for c in self.cells if c.locale.language_code == language_code)


def status_page_models():
    return [
        apps.get_model(label) for label in app_settings.TRANSLATION_STATUS_PAGE_MODELS
    ]


def _source_locale_ids(keys):
    """{translation_key: locale id of its first wagtail-localize source}."""
    first = {}
    for key, locale_id in (
        TranslationSource.objects.filter(object_id__in=keys)
        .order_by("created_at")
        .values_list("object_id", "locale_id")
    ):
        first.setdefault(key, locale_id)
    return first


def _translated_from(keys):
    """{(translation_key, target locale id): source locale id}."""
    return {
        (key, target): source
        for key, target, source in Translation.objects.filter(
            source__object_id__in=keys
        ).values_list("source__object_id", "target_locale_id", "source__locale_id")
    }


def _in_review_page_ids(page_ids):
    return {
        int(pk)
        for pk in WorkflowState.objects.active()
        .filter(object_id__in=[str(pk) for pk in page_ids])
        .values_list("object_id", flat=True)
    }


def cell_state(page, source_page):
    if page is None:
        return MISSING
    if not page.live:
        return IN_PROGRESS
    if (
        source_page is not None
        and source_page.last_published_at
        and page.last_published_at
        and source_page.last_published_at > page.last_published_at
    ):
        return OUTDATED
    return LIVE


def status_rows(source_pages, locales=None):
    """A Row per page in ``source_pages`` (one per translation key).

    ``source_pages`` may hold any page of a translation key; the row is built
    around the key's source (its first wagtail-localize source, else the
    oldest page).
    """
    locales = list(locales or Locale.objects.order_by("pk"))
    keys = list(dict.fromkeys(p.translation_key for p in source_pages))
    pages = (
        Page.objects.filter(translation_key__in=keys)
        .select_related("locale")
        .order_by("pk")
    )
    by_key = {}
    for page in pages:
        by_key.setdefault(page.translation_key, {})[page.locale_id] = page
    first_source = _source_locale_ids(keys)
    translated_from = _translated_from(keys)
    in_review = _in_review_page_ids([p.pk for p in pages])

    rows = []
    for key in keys:
        in_locales = by_key.get(key, {})
        if not in_locales:
            continue
        source_locale_id = (
            first_source.get(key) or next(iter(in_locales.values())).locale_id
        )
        source = in_locales.get(source_locale_id) or next(iter(in_locales.values()))
        row = Row(source=source)
        for locale in locales:
            page = in_locales.get(locale.pk)
            if locale.pk == source.locale_id:
                row.cells.append(
                    Cell(locale, SOURCE, page, page.pk in in_review, locale)
                )
                continue
            from_id = translated_from.get((key, locale.pk), source.locale_id)
            from_page = in_locales.get(from_id, source)
            row.cells.append(
                Cell(
                    locale,
                    cell_state(page, from_page),
                    page,
                    page is not None and page.pk in in_review,
                    from_page.locale,
                )
            )
        rows.append(row)
    return rows


def translations_of(page):
    """Pages translated from ``page``: by wagtail-localize from this locale,
    or, for a key wagtail-localize does not manage, every other locale when
    ``page`` is the oldest page of its key."""
    others = Page.objects.filter(translation_key=page.translation_key).exclude(
        locale_id=page.locale_id
    )
    targets = Translation.objects.filter(
        source__object_id=page.translation_key, source__locale_id=page.locale_id
    ).values("target_locale_id")
    if TranslationSource.objects.filter(object_id=page.translation_key).exists():
        return others.filter(locale_id__in=targets)
    oldest = (
        Page.objects.filter(translation_key=page.translation_key)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return others if oldest == page.pk else others.none()


def live_translations(page):
    return list(translations_of(page).filter(live=True).select_related("locale"))


def outdated_translations(page):
    """Live translations of ``page`` published before its last publication."""
    if not page.last_published_at:
        return []
    return list(
        translations_of(page)
        .filter(live=True, last_published_at__lt=page.last_published_at)
        .select_related("locale")
    )


def is_source(page):
    """True when other locales hold translations made from ``page``."""
    return translations_of(page).exists()
