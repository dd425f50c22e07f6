"""Absolute links in mail, and the headers the sending engine puts on every
newsletter (RFC 2369 List-Unsubscribe, RFC 8058 one-click)."""

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation

from .tokens import ManageSigner, ReturnPaths, confirm_token, manage_token

_SENTINEL = "__token__"
_templates = {}


def _template(name, language):
    """(before, after) the token in ``name``'s absolute URL in ``language``.

    Reversing under ``translation.override`` costs more than building the rest
    of a recipient's message, so each URL is reversed once per language (and
    URL configuration) and the token put in between. Tokens are URL-safe
    base64 and ``:``, which ``reverse`` leaves as they are.
    """
    key = (
        name,
        language,
        settings.BASE_URL,
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
    )
    found = _templates.get(key)
    if found is None:
        with translation.override(language):
            url = settings.BASE_URL + reverse(name, kwargs={"token": _SENTINEL})
        before, _, after = url.partition(_SENTINEL)
        if len(_templates) > 256:
            _templates.clear()
        found = _templates[key] = (before, after)
    return found


def _absolute(name, language, token):
    before, after = _template(name, language)
    return before + token + after


def confirm_url(subscriber, language=None):
    return _absolute(
        "newsletter_confirm", language or subscriber.language, confirm_token(subscriber)
    )


def preferences_url(subscriber, language=None):
    return _absolute(
        "newsletter_preferences",
        language or subscriber.language,
        manage_token(subscriber),
    )


def unsubscribe_url(subscriber, lists=None, language=None):
    """One-click unsubscribe from ``lists`` (all lists when None)."""
    return _absolute(
        "newsletter_unsubscribe",
        language or subscriber.language,
        manage_token(subscriber, lists),
    )


class NewsletterLinks:
    """A newsletter's per-recipient links and headers, for one edition and the
    campaign's ``lists``: build once per edition and chunk, call per recipient.

    The links are in the recipient's own language, not the edition's: an
    Albanian issue sent to a Serbian reader (no Serbian translation) links
    to Serbian pages. ``language`` (the edition's) serves a recipient whose
    language is unknown.

    One signed token serves both links. It names the subscriber and the lists;
    the unsubscribe link (and API) leave only those lists, and the preferences
    page and API never read the lists, so the same token there grants exactly
    what a list-less preferences token does (both expire after
    NEWSLETTERS_MANAGE_MAX_AGE). Signing once instead of twice halves the HMAC
    work per recipient.
    """

    def __init__(self, language, lists=None):
        self.language = language
        self._by_language = {}
        self.sign = ManageSigner(lists)
        self.return_path = ReturnPaths()

    def _templates(self, language):
        found = self._by_language.get(language)
        if found is None:
            code = language if language in _site_languages() else self.language
            found = self._by_language[language] = (
                _template("newsletter_unsubscribe", code),
                _template("newsletter_preferences", code),
            )
        return found

    def __call__(self, subscriber_id, language=None):
        """(unsubscribe URL, preferences URL, headers) of one subscriber, in
        ``language`` (theirs)."""
        token = self.sign(subscriber_id)
        unsubscribe, preferences = self._templates(language or self.language)
        unsubscribe = unsubscribe[0] + token + unsubscribe[1]
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        return_path = self.return_path(subscriber_id)
        if return_path:
            headers["Return-Path"] = return_path
        return (
            unsubscribe,
            preferences[0] + token + preferences[1],
            headers,
        )


def _site_languages():
    return {code for code, _name in settings.LANGUAGES}
