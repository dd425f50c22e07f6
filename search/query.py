"""One query over news, events, organisations and newsletters, in one locale.

The query is folded (home.textfold) exactly as the indexed text was, then run
through Wagtail's search backend on the folded fields of each type; results
are merged by score. Only published, public pages and verified organisations
are ever searched.
"""

import datetime
import html
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from wagtail.models import Locale
from wagtail.search.backends import get_search_backend
from wagtail.search.query import And, Or, PlainText

from home.api_errors import BadParameter
from home.textfold import fold, stem
from news.models import Country, EventPage, NewsPage, Organisation
from news.visibility import page_path, published

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
CANDIDATES = 100
SNIPPET_WORDS = 30


class SearchError(BadParameter):
    """A search parameter a client sent is not acceptable; ``field`` names it
    (the API answers 400 through its BadParameter handler)."""


@dataclass
class SearchType:
    model: type
    date_field: str | None

    def base_queryset(self, locale):
        if self.model is Organisation:
            # Organisations are rarely translated: search every locale's rows
            # and keep one per organisation (see _one_per_organisation).
            return Organisation.objects.filter(verified=True)
        return published(self.model).filter(locale=locale)


TYPES = {
    "news": SearchType(NewsPage, "date"),
    "event": SearchType(EventPage, "start"),
    "organisation": SearchType(Organisation, None),
    # By app registry, not import: search depends on news and home only.
    "newsletter": SearchType(
        apps.get_model("newsletters", "NewsletterPage"), "first_published_at"
    ),
}
DATE_FIELDS = {kind.model: kind.date_field for kind in TYPES.values()}


@dataclass
class Hit:
    type: str
    id: int
    title: str
    url: str
    locale: str
    country: str | None
    date: str | None
    snippet: str
    score: float


@dataclass
class Results:
    query: str
    locale: str
    total: int
    hits: list
    facets: dict = field(default_factory=dict)


def parse_query(text):
    text = (text or "").strip()
    if not text:
        raise SearchError("q", "Give a search query.")
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchError(
            "q", f"The query is longer than {MAX_QUERY_LENGTH} characters."
        )
    folded = fold(text)
    terms = folded.split()[:MAX_TERMS]
    if not terms:
        raise SearchError("q", "The query has no words to search for.")
    return " ".join(terms)


def search_query(terms):
    """Every term must match, as itself or through its stem."""
    parts = []
    for term in terms.split():
        if stem(term) != term:
            parts.append(Or([PlainText(term), PlainText(stem(term))]))
        else:
            parts.append(PlainText(term))
    return parts[0] if len(parts) == 1 else And(parts)


def resolve_locale(code):
    code = code or settings.LANGUAGE_CODE
    locale = Locale.objects.filter(language_code=code).first()
    if locale is None:
        raise SearchError("locale", f"Unknown locale {code!r}.")
    return locale


def resolve_types(names):
    if not names:
        return list(TYPES)
    unknown = sorted(set(names) - set(TYPES))
    if unknown:
        raise SearchError(
            "type", f"Unknown type(s): {', '.join(unknown)}; use {', '.join(TYPES)}."
        )
    return [name for name in TYPES if name in names]


def resolve_country(iso_code):
    if not iso_code:
        return None
    rows = Country.objects.filter(iso_code=iso_code.strip().upper()[:2])
    if not rows.exists():
        raise SearchError("country", f"Unknown country {iso_code!r}.")
    return list(rows.values_list("pk", flat=True))


def _filtered(kind, queryset, country_ids, date_from, date_to):
    if country_ids is not None:
        queryset = queryset.filter(country__in=country_ids)
    if kind.date_field and (date_from or date_to):
        if date_from:
            queryset = queryset.filter(
                **{f"{kind.date_field}__gte": _bound(kind, date_from, start=True)}
            )
        if date_to:
            queryset = queryset.filter(
                **{f"{kind.date_field}__lte": _bound(kind, date_to, start=False)}
            )
    elif not kind.date_field and (date_from or date_to):
        queryset = queryset.none()
    return queryset


def _bound(kind, day, start):
    if kind.date_field == "date":
        return day
    moment = datetime.datetime.combine(
        day, datetime.time.min if start else datetime.time.max
    )
    return timezone.make_aware(moment)


def search(
    q,
    *,
    locale=None,
    types=None,
    country=None,
    date_from=None,
    date_to=None,
    limit=20,
    offset=0,
):
    """Search; raises SearchError naming the parameter at fault."""
    terms = parse_query(q)
    locale_obj = resolve_locale(locale)
    type_names = resolve_types(types)
    country_ids = resolve_country(country)
    if date_from and date_to and date_from > date_to:
        raise SearchError("date_from", "date_from is after date_to.")

    scored = []
    type_counts = {}
    country_counts = {}
    for name in type_names:
        kind = TYPES[name]
        queryset = _filtered(
            kind, kind.base_queryset(locale_obj), country_ids, date_from, date_to
        )
        # All indexed fields: the folded ones carry every spelling, and the
        # SQLite backend cannot restrict a search to some fields.
        results = get_search_backend().search(search_query(terms), queryset)
        type_counts[name] = results.count()
        if not type_counts[name]:
            continue
        for country_id, count in results.facet("country_id").items():
            country_counts[country_id] = country_counts.get(country_id, 0) + count
        top = results.annotate_score("_score")[: max(offset + limit, CANDIDATES)]
        scored.extend(
            (name, obj, rank_score(obj, terms, position, locale_obj))
            for position, obj in enumerate(top)
        )

    scored = _one_per_organisation(scored, locale_obj)
    scored.sort(key=lambda triple: triple[2], reverse=True)
    page = scored[offset : offset + limit]
    isos = dict(Country.objects.values_list("pk", "iso_code"))
    hits = [_hit(name, obj, isos, terms, score) for name, obj, score in page]
    countries = {}
    for country_id, count in country_counts.items():
        iso = isos.get(country_id)
        if iso:
            countries[iso] = countries.get(iso, 0) + count
    return Results(
        query=q,
        locale=locale_obj.language_code,
        total=sum(type_counts.values()),
        hits=hits,
        facets={"type": type_counts, "country": countries},
    )


def _one_per_organisation(scored, locale):
    """Drop an organisation's other-locale rows when one is in ``locale``."""
    best = {}
    for _name, obj, _score in scored:
        if isinstance(obj, Organisation):
            current = best.get(obj.translation_key)
            if current is None or obj.locale_id == locale.pk:
                best[obj.translation_key] = obj
    return [
        (name, obj, score)
        for name, obj, score in scored
        if not isinstance(obj, Organisation) or best[obj.translation_key] is obj
    ]


def autocomplete(prefix, *, locale=None, limit=8):
    """Titles starting with what the reader has typed so far."""
    terms = parse_query(prefix)
    locale_obj = resolve_locale(locale)
    suggestions = []
    isos = None
    for name, kind in TYPES.items():
        results = get_search_backend().autocomplete(
            terms, kind.base_queryset(locale_obj)
        )
        for obj in results[:limit]:
            isos = isos or dict(Country.objects.values_list("pk", "iso_code"))
            suggestions.append(_hit(name, obj, isos, terms))
    suggestions.sort(key=lambda hit: (len(hit.title), hit.title))
    return suggestions[:limit]


def rank_score(obj, terms, position, locale):
    """The order readers see, the same on every backend.

    The backend finds the candidates and orders each type; its raw scores
    are not comparable across types or backends (SQLite's bm25 is negative,
    PostgreSQL's ts_rank positive). The merge weighs what a reader expects:
    a query word in the title over one in the text, the word itself over
    another form of it, then the backend's own order within the type.
    """
    title = set(obj.folded_title().split())
    text = set(obj.folded_text().split())
    score = 0.0
    for term in terms.split():
        if term in title:
            score += 10
        elif stem(term) in title:
            score += 5
        if term in text:
            score += 3
        elif stem(term) in text:
            score += 1
    if obj.locale_id == locale.pk:
        score += 2
    return score + 1 / (2 + position)


def _hit(name, obj, isos, terms, score=0.0):
    if isinstance(obj, Organisation):
        title, text, url, date = obj.name, obj.description, obj.website, None
    else:
        title, text = obj.title, obj.search_text()
        url = page_path(obj.url_path, obj.locale.language_code)
        date = getattr(obj, DATE_FIELDS[type(obj)])
    return Hit(
        type=name,
        id=obj.pk,
        title=title,
        url=url,
        locale=obj.locale.language_code,
        country=isos.get(obj.country_id),
        date=date.isoformat() if date else None,
        snippet=_snippet(title, text, terms),
        score=round(score, 4),
    )


def _snippet(title, text, terms):
    """From the text when a query word is in it, else from the title."""
    snippet = highlight(text or "", terms)
    return snippet if "<mark>" in snippet else highlight(title, terms)


_WORD = re.compile(r"\w+", re.UNICODE)


def highlight(text, terms):
    """A window of ``text`` around the first match, HTML-escaped, with the
    words that match a query term (in any script or spelling) in <mark>."""
    words = list(_WORD.finditer(text or ""))
    wanted = terms.split()

    def matches(word):
        folded = fold(word)
        return any(folded.startswith(term) for term in wanted)

    first = next((i for i, m in enumerate(words) if matches(m.group())), 0)
    start_word = max(first - 8, 0)
    window = words[start_word : start_word + SNIPPET_WORDS]
    if not window:
        return ""
    begin, end = window[0].start(), window[-1].end()
    out, cursor = [], begin
    for match in window:
        out.append(html.escape(text[cursor : match.start()]))
        word = html.escape(match.group())
        out.append(f"<mark>{word}</mark>" if matches(match.group()) else word)
        cursor = match.end()
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text) else ""
    return prefix + "".join(out) + suffix
