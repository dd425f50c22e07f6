"""Content languages and the fallback chain, as one setting read everywhere."""

from django.conf import settings

from .conf import app_settings


def content_language_codes():
    return [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]


def fallback_chain(language_code):
    """The locales to try, best first, for a reader of ``language_code``.

    The reader's own language comes first, then LANGUAGE_FALLBACKS in order,
    then the default language; each code at most once. An unknown code gets
    just the default language, never an error: it usually comes from outside.
    """
    known = content_language_codes()
    default = settings.LANGUAGE_CODE
    chain = []
    if language_code in known:
        chain.append(language_code)
        chain.extend(app_settings.LANGUAGE_FALLBACKS.get(language_code, []))
    chain.append(default)
    return list(dict.fromkeys(code for code in chain if code in known))


def best_language(language_code, available, last_resort=None):
    """The language to serve a reader of ``language_code``: the first code of
    its fallback chain that is in ``available`` (any collection of codes, or
    a dict keyed by code), else ``last_resort``.

    The one resolver behind the API, newsletter rendering and campaign
    preparation. Every chain ends in the default language (English); past
    it comes the caller's ``last_resort``, returned as given, unchecked, for
    only the caller knows what it has:

    - campaign preparation passes the newsletter's source language: every
      subscriber gets an edition, and the source's is always rendered;
    - newsletter rendering passes the language of the page the editor chose
      (a featured item, a button's target) if that page is public, else
      none, and the editor is told the item is not published;
    - the API passes none, so it answers nothing past the chain: it promises
      its clients the chain it lists (``fallbacks`` in /locales/), and its
      news listing filters by that chain in SQL, so a detail or a listing
      served past it would disagree with the rest.

    The four resolvers it replaces all walked the chain and ended
    differently: the API with nothing and preparation with the source, as
    here; rendering with whichever public translation the database returned
    first, and the translation helpers with the source, then the
    alphabetically first translation. Those two guesses are gone: a language
    that neither the reader, nor its chain, nor the author chose is no
    answer, and an answer that depends on row order is none either.
    """
    for code in fallback_chain(language_code):
        if code in available:
            return code
    return last_resort


def language_endonyms():
    """{code: the language's name in that language} of the content languages,
    capitalised as a menu item: language pickers show these, so a reader finds
    their language whatever the page's language."""
    from django.utils.translation import get_language_info

    return {
        code: get_language_info(code)["name_local"][:1].upper()
        + get_language_info(code)["name_local"][1:]
        for code in content_language_codes()
    }


def html_lang(language_code):
    """``language_code`` (Django's, lower case: "sr-latn") as BCP 47 for
    ``<html lang>``: the script subtag in title case ("sr-Latn")."""
    primary, _dash, rest = (language_code or "").partition("-")
    if len(rest) == 4 and rest.isalpha():
        return f"{primary}-{rest.title()}"
    return language_code
