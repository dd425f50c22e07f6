"""Pages and snippets as plain dicts for the API, in a fixed number of queries.

A listing costs the same queries for 5 items or 50: rows with their
foreign keys in one query, topics, image renditions and translations in one
query each. URLs come from each page's url_path and locale, with no per-item
site lookup.
"""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db.models import Prefetch
from wagtail.images import get_image_model

from home.locales import best_language, fallback_chain

from ..models import Topic
from ..richtext import public_html
from ..visibility import page_path, private_collection_ids

RENDITIONS = {
    "thumbnail": "fill-400x225",
    "card": "fill-800x450",
    "square": "fill-600x600",
    "large": "max-1600x1600",
}


def absolute(url):
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.BASE_URL + url


def image_queryset():
    return get_image_model().objects.prefetch_renditions(*RENDITIONS.values())


# Set while serialising a draft for its preview link (staff only), which
# may show images that are not public yet.
_PRIVATE_IMAGES = ContextVar("private_images", default=False)


@contextmanager
def showing_private_images():
    token = _PRIVATE_IMAGES.set(True)
    try:
        yield
    finally:
        _PRIVATE_IMAGES.reset(token)


def image_data(image, alt=""):
    """An image with its renditions, or None if the public may not see it
    (news.visibility: a private collection), outside a preview."""
    if image is None:
        return None
    if not _PRIVATE_IMAGES.get() and image.collection_id in private_collection_ids():
        return None
    renditions = {}
    for name, spec in RENDITIONS.items():
        rendition = image.get_rendition(spec)
        renditions[name] = {
            "url": absolute(rendition.url),
            "width": rendition.width,
            "height": rendition.height,
        }
    return {
        "id": image.pk,
        "alt": alt or image.default_alt_text or image.title,
        "width": image.width,
        "height": image.height,
        "renditions": renditions,
    }


def country_data(country):
    if country is None:
        return None
    return {
        "iso_code": country.iso_code,
        "name": country.name,
        "is_regional": country.is_regional,
        "languages": list(country.languages or []),
    }


def organisation_data(organisation):
    if organisation is None or not organisation.verified:
        return None
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "kind": organisation.kind,
        "country": organisation.country.iso_code if organisation.country_id else None,
        "website": organisation.website,
        "description": organisation.description,
        "logo": image_data(organisation.logo) if organisation.logo_id else None,
    }


def translations_by_key(keys, published):
    """{translation_key: [{locale, id, url}]} of the published translations of
    ``keys``, ``published`` being the queryset of what the API may show."""
    if not keys:
        return {}
    rows = (
        published.filter(translation_key__in=keys)
        .values_list("translation_key", "pk", "locale__language_code", "url_path")
        .order_by("locale__language_code")
    )
    result = defaultdict(list)
    for key, pk, code, url_path in rows:
        result[key].append({"locale": code, "id": pk, "url": page_path(url_path, code)})
    return result


def with_related(queryset, *, image_field=None):
    queryset = queryset.select_related("locale", "country")
    if image_field:
        queryset = queryset.prefetch_related(
            Prefetch(image_field, queryset=image_queryset())
        )
    return queryset


def localised_topics(items):
    """[(language code, [(translation key, slug, name, locale code)])] ->
    a list of topic dicts per item, each named in the first language of the
    code's fallback chain that has a translation (else as linked), with the
    locale actually served. One query for all items. Topics are synchronised
    across a page's translations, so a page links the source's topics."""
    chains = {code: fallback_chain(code) for code, _linked in items}
    keys = {topic[0] for _code, linked in items for topic in linked}
    names = defaultdict(dict)
    if keys:
        languages = {language for chain in chains.values() for language in chain}
        for key, name, language in Topic.objects.filter(
            translation_key__in=keys, locale__language_code__in=languages
        ).values_list("translation_key", "name", "locale__language_code"):
            names[key][language] = name
    result = []
    for code, linked in items:
        topics = []
        for key, slug, name, language in linked:
            shown = best_language(code, names[key])
            if shown is not None:
                name, language = names[key][shown], shown
            topics.append({"slug": slug, "name": name, "locale": language})
        result.append(topics)
    return result


def stream_data(value):
    """A StreamField value as typed JSON blocks."""
    blocks = []
    for child in value or []:
        kind, data = child.block_type, child.value
        if kind == "paragraph":
            blocks.append({"type": kind, "html": public_html(data.source)})
        elif kind == "image":
            blocks.append(
                {
                    "type": kind,
                    "image": image_data(data["image"], data.get("alt_text", "")),
                    "caption": data.get("caption", ""),
                    "credit": data.get("credit", ""),
                }
            )
        elif kind == "quote":
            blocks.append(
                {
                    "type": kind,
                    "text": data["text"],
                    "attribution": data.get("attribution", ""),
                }
            )
        elif kind == "embed":
            blocks.append({"type": kind, "url": data.url if data else ""})
        elif kind == "document":
            document = data["document"]
            blocks.append(
                {
                    "type": kind,
                    "title": data.get("title") or (document.title if document else ""),
                    "url": absolute(document.url) if document else "",
                }
            )
        elif kind == "call_to_action":
            blocks.append({"type": kind, "text": data["text"], "url": data["url"]})
    return blocks


def base_page_data(page, translations):
    code = page.locale.language_code
    return {
        "id": page.pk,
        "title": page.title,
        "slug": page.slug,
        "locale": code,
        "url": page_path(page.url_path, code),
        "country": country_data(page.country),
        "translations": translations.get(page.translation_key, []),
        "last_published_at": page.last_published_at,
    }
