"""Demonstration content: countries, organisations, sections, news and events.

The texts are the project's own, written from public facts about the
programme (its phases, its national Resource Centres, its activity types).
Every step looks its object up by a natural key first, so a second run
creates nothing.

The data: news.demo.places (countries, topics, organisations) and
news.demo.pages (news items and events); ``load`` is what
``manage.py load_demo_data`` runs.
"""

import datetime

from django.utils import timezone
from wagtail.models import Locale

from ..models import Country, EventPage, NewsPage, Organisation, Topic
from ..structure import ensure_sections, section_for
from ..teams import ensure_country_teams
from .pages import EVENTS, NEWS, paragraphs
from .places import COUNTRIES, ORGANISATIONS, TOPICS


def load(log):
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    countries = _ensure_countries(locales)
    topics = _ensure_topics(locales)
    organisations = _ensure_organisations(countries["en"])
    ensure_sections()
    news_sections = _sections(locales, countries, "news")
    event_sections = _sections(locales, countries, "events")
    ensure_country_teams()
    created = _ensure_news(locales, news_sections, organisations, topics)
    created += _ensure_events(locales, event_sections, organisations, countries)
    log(
        f"news: {len(COUNTRIES)} countries, {len(TOPICS)} topics, "
        f"{len(organisations)} organisations, {created} new pages."
    )


def _ensure_countries(locales):
    """{language: {iso: Country}} with every country in every locale."""
    result = {code: {} for code in locales}
    for iso, (languages, regional, names) in COUNTRIES.items():
        source = Country.objects.filter(iso_code=iso, locale=locales["en"]).first()
        if source is None:
            source = Country.objects.create(
                iso_code=iso,
                name=names["en"],
                languages=languages,
                is_regional=regional,
                locale=locales["en"],
            )
        for code, locale in locales.items():
            country = source.get_translation_or_none(locale)
            if country is None:
                country = source.copy_for_translation(locale)
                country.name = names.get(code, names["en"])
                country.save()
            result[code][iso] = country
    return result


def _ensure_topics(locales):
    result = {}
    for slug, names in TOPICS.items():
        source = Topic.objects.filter(slug=slug, locale=locales["en"]).first()
        if source is None:
            source = Topic.objects.create(
                slug=slug, name=names["en"], locale=locales["en"]
            )
        result[slug] = {"en": source}
        for code, name in names.items():
            if code == "en":
                continue
            topic = source.get_translation_or_none(locales[code])
            if topic is None:
                topic = source.copy_for_translation(locales[code])
                topic.name = name
                topic.save()
            result[slug][code] = topic
    return result


def _ensure_organisations(countries):
    result = {}
    for name, kind, iso, website, description in ORGANISATIONS:
        organisation, _created = Organisation.objects.get_or_create(
            name=name,
            locale=countries[iso].locale,
            defaults={
                "kind": kind,
                "country": countries[iso],
                "website": website,
                "description": description,
                "verified": True,
            },
        )
        result[name] = organisation
    return result


def _sections(locales, countries, key):
    """{language: {iso: section}}."""
    return {
        code: {
            iso: section_for(country, locales[code], key)
            for iso, country in countries[code].items()
        }
        for code in locales
    }


def _translate_page(source, locale, **fields):
    """The published translation of ``source`` in ``locale``, made if missing."""
    translation = source.get_translation_or_none(locale)
    if translation is not None:
        return translation.specific
    translation = source.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    return translation


def _ensure_news(locales, sections, organisations, topics):
    created = 0
    today = timezone.localdate()
    for item in NEWS:
        languages = list(item["texts"])
        source_language = languages[0]
        parent = sections[source_language][item["country"]]
        source = NewsPage.objects.filter(
            locale=locales[source_language], slug=item["slug"]
        ).first()
        if source is None:
            title, lead, body = item["texts"][source_language]
            organisation = organisations.get(item["organisation"])
            source = parent.add_child(
                instance=NewsPage(
                    title=title,
                    slug=item["slug"],
                    date=today - datetime.timedelta(days=item["days_ago"]),
                    lead=lead,
                    body=body,
                    organisation=organisation,
                )
            )
            source.topics.set(
                topics[slug].get(source_language, topics[slug]["en"])
                for slug in item["topics"]
            )
            source.save_revision().publish()
            created += 1
        for code in languages[1:]:
            if source.get_translation_or_none(locales[code]) is None:
                title, lead, body = item["texts"][code]
                _translate_page(
                    source, locales[code], title=title, lead=lead, body=body
                )
                created += 1
    return created


def _ensure_events(locales, sections, organisations, countries):
    created = 0
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for item in EVENTS:
        languages = list(item["texts"])
        source_language = languages[0]
        parent = sections[source_language][item["country"]]
        source = EventPage.objects.filter(
            locale=locales[source_language], slug=item["slug"]
        ).first()
        if source is None:
            title, intro = item["texts"][source_language]
            start = now.replace(hour=9) + datetime.timedelta(days=item["days_ahead"])
            online = item.get("online", False)
            source = parent.add_child(
                instance=EventPage(
                    title=title,
                    slug=item["slug"],
                    event_type=item["type"],
                    start=start,
                    end=start + datetime.timedelta(hours=item["hours"]),
                    time_zone=item["tz"],
                    is_online=online,
                    venue=item.get("venue", ""),
                    city=item.get("city", ""),
                    venue_country=None if online else countries["en"][item["country"]],
                    organiser=organisations.get(item["organiser"]),
                    registration_url="https://example.org/register/" + item["slug"],
                    registration_deadline=start - datetime.timedelta(days=3),
                    languages=item["languages"],
                    description=paragraphs(intro),
                )
            )
            source.save_revision().publish()
            created += 1
        for code in languages[1:]:
            if source.get_translation_or_none(locales[code]) is None:
                title, intro = item["texts"][code]
                _translate_page(
                    source, locales[code], title=title, description=paragraphs(intro)
                )
                created += 1
    return created
