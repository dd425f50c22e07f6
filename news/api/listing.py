"""The news listing: served from the read model (news.readmodel), whose
rows hold each item's JSON written by ``summaries`` when the page is
published; the schema is still declared on the endpoint and checked by the
schema tests.

``summaries`` builds items from values, not model instances, in six small
queries whatever the number of pages, with no per-item lookup.

On PostgreSQL the listing's queries become prepared statements after a few
runs on a connection: the database binds parameters server-side
(``server_side_binding`` in cms.settings.base, which says why for every query).
"""

import json
from collections import defaultdict
from json.encoder import encode_basestring as _string

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from home.api_errors import BadParameter
from home.locales import fallback_chain

from ..models import Country, NewsListingRow, NewsPage, Organisation, Topic
from ..visibility import page_path, public_images
from .serialise import RENDITIONS, absolute, localised_topics

ROW_FIELDS = (
    "pk", "title", "slug", "url_path", "translation_key", "last_published_at",
    "date", "lead", "hero_image_id", "organisation_id", "country_id",
    "locale__language_code",
)  # fmt: skip


def news_listing(filters):
    """The listing's JSON bytes for ``filters`` (content.NewsFilters), read
    from the read model: without fallback, one query whatever the page size
    (count, locale check, the page's stored items and their translations);
    expiry and ``live`` are checked on the page rows."""
    where, params = _where(filters)
    if filters.fallback:
        total, page = _fallback_page(filters, where, params)
        translations = _translations({key for _head, _tail, key in page})
        page = [(head, tail, translations.get(key, [])) for head, tail, key in page]
    else:
        total, page = _locale_page(filters, where, params)
    items = ", ".join(
        head + "[" + ", ".join(links) + "]" + tail for head, tail, links in page
    )
    return (
        f'{{"total": {total}, "limit": {filters.limit}, '
        f'"offset": {filters.offset}, "items": [{items}]}}'
    ).encode()


def _link(code, pk, url):
    """One translation as JSON text, exactly as ``json.dumps`` writes
    {"locale", "id", "url"} (same string escaping, no ASCII escaping)."""
    return f'{{"locale": {_string(code)}, "id": {pk}, "url": {_string(url)}}}'


def _tables():
    return f"{NewsListingRow._meta.db_table} r"


def _shown(alias="r"):
    """Rows whose page is still live and not expired: the clock-dependent
    part of visibility, checked on the page rows themselves. The few pages
    that could fail it are found through a partial index (migration 0003),
    so counting stays an index-only scan of the read model."""
    return (
        f"{alias}.page_id NOT IN (SELECT id FROM {Page._meta.db_table} WHERE "  # noqa: S608 - table names and placeholders only
        "(expire_at IS NOT NULL OR NOT live) AND (NOT live OR expire_at <= %s))"
    )


def _where(filters):
    """SQL conditions and parameters shared by the count and the page: what
    the public may see now, and the filters other than the locale."""
    ops = connection.ops
    where = [_shown()]
    params = [ops.adapt_datetimefield_value(timezone.now())]
    if filters.country:
        iso = filters.country.strip().upper()[:2]
        countries = Country.objects.filter(iso_code=iso)
        if not countries.exists():
            raise BadParameter("country", f"Unknown country {filters.country!r}.")
        where.append(
            f"r.country_key IN (SELECT translation_key FROM "  # noqa: S608 - table names and placeholders only
            f"{Country._meta.db_table} WHERE iso_code = %s)"
        )
        params.append(iso)
    if filters.topic:
        # Any topic with that slug, in any locale, as the model path did.
        through = NewsPage.topics.through._meta.db_table
        where.append(
            f"r.page_id IN (SELECT t.newspage_id FROM {through} t JOIN "  # noqa: S608 - table names and placeholders only
            f"{Topic._meta.db_table} tp ON tp.id = t.topic_id WHERE tp.slug = %s)"
        )
        params.append(filters.topic)
    if filters.organisation:
        where.append("r.organisation_id = %s")
        params.append(filters.organisation)
    if filters.date_from:
        where.append("r.date >= %s")
        params.append(ops.adapt_datefield_value(filters.date_from))
    if filters.date_to:
        where.append("r.date <= %s")
        params.append(ops.adapt_datefield_value(filters.date_to))
    return where, params


def _unknown_locale(code):
    return BadParameter("locale", f"Unknown locale {code!r}.")


def _locale_page(filters, where, params):
    """(total, [(head, tail, translations)]) in one round trip: a one-row
    relation with the count and the locale check, joined to the page's
    rows, each joined to its visible translations (itself among them)."""
    conditions = " AND ".join(["r.language_code = %s", *where])
    params = [filters.locale, *params]
    table = _tables()
    sql = (
        "SELECT m.total, m.known, x.page_id, x.head, x.tail, "  # noqa: S608 - table names and placeholders only
        "t.page_id, t.language_code, t.url FROM ("
        f"SELECT (SELECT COUNT(*) FROM {table} WHERE {conditions}) AS total, "
        f"EXISTS(SELECT 1 FROM {Locale._meta.db_table} WHERE language_code = %s)"
        " AS known) m LEFT JOIN ("
        f"SELECT r.page_id, r.date, r.head, r.tail, r.translation_key FROM {table} "
        f"WHERE {conditions} ORDER BY r.date DESC, r.page_id DESC LIMIT %s OFFSET %s"
        f") x ON 1 = 1 LEFT JOIN {table.removesuffix(' r')} t ON "
        f"t.translation_key = x.translation_key AND {_shown('t')} "
        "ORDER BY x.date DESC, x.page_id DESC, t.language_code"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [*params, filters.locale, *params, filters.limit, filters.offset, now],
        )
        rows = cursor.fetchall()
    total, known = rows[0][0], rows[0][1]
    if not known:
        raise _unknown_locale(filters.locale)
    page = {}
    for _total, _known, pk, head, tail, other, code, url in rows:
        if pk is None:
            continue
        if pk not in page:
            page[pk] = (head, tail, [])
        page[pk][2].append(_link(code, other, url))
    return total, list(page.values())


def _fallback_page(filters, where, params):
    """The best available translation of each item along the locale's
    fallback chain, then one page of those."""
    if not Locale.objects.filter(language_code=filters.locale).exists():
        raise _unknown_locale(filters.locale)
    chain = fallback_chain(filters.locale)
    rank = {code: position for position, code in enumerate(chain)}
    marks = ", ".join(["%s"] * len(chain))
    conditions = " AND ".join([f"r.language_code IN ({marks})", *where])
    best = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.page_id, r.translation_key, r.language_code, r.date "  # noqa: S608 - table names and placeholders only
            f"FROM {_tables()} WHERE {conditions}",
            [*chain, *params],
        )
        for pk, key, code, date in cursor.fetchall():
            if key not in best or rank[code] < best[key][0]:
                best[key] = (rank[code], str(date), pk)
        chosen = sorted(((date, pk) for _rank, date, pk in best.values()), reverse=True)
        window = chosen[filters.offset : filters.offset + filters.limit]
        ids = [pk for _date, pk in window]
        if not ids:
            return len(chosen), []
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(
            f"SELECT r.page_id, r.head, r.tail, r.translation_key FROM "  # noqa: S608 - table names and placeholders only
            f"{_tables()} WHERE r.page_id IN ({marks})",
            ids,
        )
        rows = {pk: (head, tail, key) for pk, head, tail, key in cursor.fetchall()}
    return len(chosen), [rows[pk] for pk in ids if pk in rows]


def _translations(keys):
    """{translation_key: [{locale, id, url}]}: the visible translations, in
    the order the model path gave (by language code)."""
    if not keys:
        return {}
    marks = ", ".join(["%s"] * len(keys))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    result = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.translation_key, r.page_id, r.language_code, r.url "  # noqa: S608 - table names and placeholders only
            f"FROM {_tables()} WHERE r.translation_key IN ({marks}) "
            f"AND {_shown()} ORDER BY r.language_code",
            [*keys, now],
        )
        for key, pk, code, url in cursor.fetchall():
            result[key].append(_link(code, pk, url))
    return result


def summaries(ids):
    """[(item, row)] for the news pages ``ids`` in that order, the items with
    an empty translations list (filled by the caller). Six queries whatever
    the number of ids."""
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
    linked = _topics(ids)
    topics = localised_topics(
        [(row["locale__language_code"], linked.get(row["pk"], [])) for row in ordered]
    )
    result = []
    for row, item_topics in zip(ordered, topics, strict=True):
        code = row["locale__language_code"]
        organisation = organisations.get(row["organisation_id"])
        item = {
            "id": row["pk"],
            "title": row["title"],
            "slug": row["slug"],
            "locale": code,
            "url": page_path(row["url_path"], code),
            "country": countries.get(row["country_id"]),
            "translations": [],
            "last_published_at": row["last_published_at"],
            "date": row["date"],
            "lead": row["lead"],
            "hero_image": images.get(row["hero_image_id"]),
            "organisation": organisation
            and {
                **{k: v for k, v in organisation.items() if k != "logo_id"},
                "logo": images.get(organisation["logo_id"]),
            },
            "topics": item_topics,
        }
        result.append((item, row))
    return result


def to_text(data):
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)


def encode(data):
    return to_text(data).encode()


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
    for row in through.objects.filter(newspage_id__in=page_ids).values_list(
        "newspage_id",
        "topic__translation_key",
        "topic__slug",
        "topic__name",
        "topic__locale__language_code",
    ):
        result[row[0]].append(row[1:])
    return result


def _images(ids):
    """{image id: image data with renditions} of the images the public may
    see, renditions read in one query; one missing (never generated) is
    generated once through Wagtail."""
    if not ids:
        return {}
    image_model = get_image_model()
    images = {
        row["pk"]: row
        for row in public_images(image_model.objects.filter(pk__in=ids)).values(
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
