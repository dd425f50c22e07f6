"""Content languages and the fallback chain, as one setting read everywhere."""

from django.conf import settings


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
        chain.extend(settings.LANGUAGE_FALLBACKS.get(language_code, []))
    chain.append(default)
    return list(dict.fromkeys(code for code in chain if code in known))
