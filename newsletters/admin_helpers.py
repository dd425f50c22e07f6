"""What the rooms' admin views share: the page frame, the one answer to
anything out of scope, and CSV cells safe to open in a spreadsheet."""

import functools

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _


def render_page(request, template, title, context=None, status=200, icon="mail"):
    """``templates/newsletters/admin/<template>.html`` in the admin's frame."""
    return render(
        request,
        f"newsletters/admin/{template}.html",
        {"page_title": title, "header_title": title, "header_icon": icon}
        | (context or {}),
        status=status,
    )


def scoped(view):
    """Out-of-scope or unknown lists, subscribers, imports and campaigns answer
    the same 403 page with the same text (newsletters.audience.scoping raises
    Http404 for both); an action beyond the user's role in their own scope
    answers 403 saying so. Wagtail would turn PermissionDenied into a redirect
    to the dashboard; an explicit 403 is what the officer should see.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (Http404, PermissionDenied) as error:
            return render_page(
                request,
                "forbidden",
                _("Not available"),
                {"reason": str(error)},
                status=403,
            )

    return wrapper


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Keep spreadsheets from running a cell of an exported CSV as a formula."""
    value = str(value or "")
    return "'" + value if value.startswith(FORMULA_STARTS) else value
