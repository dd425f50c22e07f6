"""The news and events indexes, with a section per country in every locale.

Sections are structure, not content: Wagtail's subtree permissions and each
country's review workflow hang on them, and intake files drafts under them.
Every function here is idempotent.
"""

from django.db import transaction
from wagtail.models import Locale

from home.models import HomePage

from .kinds import INDEX_TITLES, KINDS, default_locale
from .models import Country
from .teams import ensure_country_teams


@transaction.atomic
def ensure_sections():
    """Every country's news and event section, in every locale, published."""
    locales = list(Locale.objects.all())
    for key in KINDS:
        for country in Country.objects.filter(locale=default_locale()):
            source = _source_section(key, country)
            for locale in locales:
                _translate(source, locale, key, country)


def section_for(country, locale, key="news"):
    """The section of ``country`` in ``locale``, made (and published) if missing."""
    _index, section_model = KINDS[key]
    section = (
        section_model.objects.filter(
            locale=locale, country__translation_key=country.translation_key
        )
        .order_by("pk")
        .first()
    )
    if section is not None:
        return section
    source_country = country.get_translation_or_none(default_locale()) or country
    section = _translate(_source_section(key, source_country), locale, key, country)
    # A section made on demand gets its team's permissions and workflow at once.
    ensure_country_teams([source_country])
    return section


def _source_index(key):
    index_model, _section = KINDS[key]
    locale = default_locale()
    index = index_model.objects.filter(locale=locale).first()
    if index is None:
        home = HomePage.objects.get(locale=locale, depth=2)
        index = home.add_child(
            instance=index_model(title=INDEX_TITLES[key]["en"], slug=key)
        )
        index.save_revision().publish()
    return index


def _source_section(key, country):
    _index, section_model = KINDS[key]
    section = section_model.objects.filter(
        locale=default_locale(), country__translation_key=country.translation_key
    ).first()
    if section is None:
        section = _source_index(key).add_child(
            instance=section_model(
                title=country.name, slug=country.iso_code.lower(), country=country
            )
        )
        section.save_revision().publish()
    return section


def _translate(source, locale, key, country):
    translation = source.get_translation_or_none(locale)
    if translation is not None:
        return translation.specific
    index = source.get_parent().specific
    if index.get_translation_or_none(locale) is None:
        translated_index = index.copy_for_translation(locale)
        translated_index.title = INDEX_TITLES[key].get(
            locale.language_code, index.title
        )
        translated_index.save_revision().publish()
    translation = source.copy_for_translation(locale)
    local_country = country.get_translation_or_none(locale) or country
    translation.title = local_country.name
    translation.country = local_country
    translation.save_revision().publish()
    return translation
