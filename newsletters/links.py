"""Absolute links in mail, and the headers the sending engine puts on every
newsletter (RFC 2369 List-Unsubscribe, RFC 8058 one-click)."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from .tokens import confirm_token, manage_token, return_path_for


def _absolute(name, language, token):
    with translation.override(language):
        return settings.BASE_URL + reverse(name, kwargs={"token": token})


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


def list_unsubscribe_headers(subscriber, lists=None, language=None):
    """Headers for one newsletter to ``subscriber`` sent to ``lists``.

    A POST of ``List-Unsubscribe=One-Click`` to the URL unsubscribes from those
    lists without login or cookie; a GET shows a page that changes nothing.
    Return-Path carries the VERP address when NEWSLETTERS_RETURN_PATH is set.
    """
    url = unsubscribe_url(subscriber, lists, language)
    headers = {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return_path = return_path_for(subscriber)
    if return_path:
        headers["Return-Path"] = return_path
    return headers
