"""The news listing's fast path: rows as values, not model instances, and
the JSON written directly (the schema is still declared on the endpoint and
checked by the schema tests).

Seven small queries whatever the page size: ids of the page, the rows,
countries, organisations, topics, images with their renditions, and the
translations. No page object is built and no per-item lookup is made.
"""

import json
from collections import defaultdict

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from wagtail.images import get_image_model

from ..models import Country, NewsPage, Organisation
from ..visibility import page_path
from .serialise import RENDITIONS, absolute, translations_by_key

ROW_FIELDS = (
    "pk", "title", "slug", "url_path", "translation_key", "last_published_at",
    "date", "lead", "hero_image_id", "organisation_id", "country_id",
    "locale__language_code",
)  # fmt: skip


def news_page_json(queryset, published, offset, limit):
    """(total, JSON bytes of the items) for one page of ``queryset``."""
    total = queryset.count()
    ids = list(
        queryset.order_by("-date", "-pk").values_list("pk", flat=True)[
            offset : offset + limit
        ]
    )
    rows = {
        row["pk"]: row
        for row in NewsPage.objects.filter(pk__in=ids).values(*ROW_FIELDS)
    }
    ordered = [rows[pk] for pk in ids if pk in rows]
    countries = _countries({row["country_id"] for row in ordered})
    organisations = _organisations({row["organisation_id"] for row in ordered} - {None})
    image_ids = {row["hero_image_id"] for row in ordered} - {None}
    image_ids |= {org["logo_id"] for org in organisations.values()} - {None}
    images = _images(image_ids)
    topics = _topics(ids)
    translations = translations_by_key(
        {row["translation_key"] for row in ordered}, published
    )
    items = []
    for row in ordered:
        code = row["locale__language_code"]
        organisation = organisations.get(row["organisation_id"])
        items.append(
            {
                "id": row["pk"],
                "title": row["title"],
                "slug": row["slug"],
                "locale": code,
                "url": page_path(row["url_path"], code),
                "country": countries.get(row["country_id"]),
                "translations": translations.get(row["translation_key"], []),
                "last_published_at": row["last_published_at"],
                "date": row["date"],
                "lead": row["lead"],
                "hero_image": images.get(row["hero_image_id"]),
                "organisation": organisation
                and {
                    **{k: v for k, v in organisation.items() if k != "logo_id"},
                    "logo": images.get(organisation["logo_id"]),
                },
                "topics": [{**t, "locale": code} for t in topics.get(row["pk"], [])],
            }
        )
    return total, items


def encode(data):
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).encode()


def _countries(ids):
    return {
        row["pk"]: {
            "iso_code": row["iso_code"],
            "name": row["name"],
            "is_regional": row["is_regional"],
            "languages": row["languages"] or [],
        }
        for row in Country.objects.filter(pk__in=ids).values(
            "pk", "iso_code", "name", "is_regional", "languages"
        )
    }


def _organisations(ids):
    rows = Organisation.objects.filter(pk__in=ids, verified=True).values(
        "pk", "name", "kind", "country__iso_code", "website", "description", "logo_id"
    )
    return {
        row["pk"]: {
            "id": row["pk"],
            "name": row["name"],
            "kind": row["kind"],
            "country": row["country__iso_code"],
            "website": row["website"],
            "description": row["description"],
            "logo_id": row["logo_id"],
        }
        for row in rows
    }


def _topics(page_ids):
    through = NewsPage.topics.through
    result = defaultdict(list)
    for row in through.objects.filter(newspage_id__in=page_ids).values(
        "newspage_id", "topic__slug", "topic__name"
    ):
        result[row["newspage_id"]].append(
            {"slug": row["topic__slug"], "name": row["topic__name"]}
        )
    return result


def _images(ids):
    """{image id: image data with renditions}, renditions read in one query;
    one missing (never generated) is generated once through Wagtail."""
    if not ids:
        return {}
    image_model = get_image_model()
    images = {
        row["pk"]: row
        for row in image_model.objects.filter(pk__in=ids).values(
            "pk", "title", "width", "height", "description"
        )
    }
    rendition_model = image_model.get_rendition_model()
    found = defaultdict(dict)
    for row in rendition_model.objects.filter(
        image_id__in=ids, filter_spec__in=RENDITIONS.values()
    ).values("image_id", "filter_spec", "file", "width", "height"):
        found[row["image_id"]][row["filter_spec"]] = {
            "url": absolute(default_storage.url(row["file"])),
            "width": row["width"],
            "height": row["height"],
        }
    result = {}
    for pk, image in images.items():
        renditions = {}
        for name, spec in RENDITIONS.items():
            if spec not in found[pk]:
                rendition = image_model.objects.get(pk=pk).get_rendition(spec)
                found[pk][spec] = {
                    "url": absolute(rendition.url),
                    "width": rendition.width,
                    "height": rendition.height,
                }
            renditions[name] = found[pk][spec]
        result[pk] = {
            "id": pk,
            "alt": image["description"] or image["title"],
            "width": image["width"],
            "height": image["height"],
            "renditions": renditions,
        }
    return result
