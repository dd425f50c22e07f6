"""The subscriber's side of the public pages: their language, the switch
that changes it, and the truthful answer to a subscribe request.

A subscriber reaches these pages from links in mail, whose language prefix
is the mail's (an Albanian issue sent to a Serbian reader who has no
Serbian edition), so the prefix says nothing about the reader: the pages
are in the language stored with the subscriber, the one their newsletters
are chosen by. The switch on each page changes that stored language, so
the pages and the newsletters follow the reader's choice from then on.
"""

from contextlib import contextmanager, nullcontext

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from home.locales import content_language_codes, language_endonyms

from .models import ConsentEvent
from .subscriptions import ACTIVE, Context, change_language


def page_language(subscriber):
    """The language of ``subscriber``'s pages: theirs, if the site has it."""
    site = {code for code, _name in settings.LANGUAGES}
    if subscriber is not None and subscriber.language in site:
        return subscriber.language
    return translation.get_language() or settings.LANGUAGE_CODE


@contextmanager
def reading(subscriber):
    """Translate (messages, dates, templates) as ``subscriber`` reads."""
    with translation.override(page_language(subscriber)):
        yield


def switch_choices(subscriber):
    """(code, name in that language) of the languages ``subscriber`` may
    switch to: those their lists are sent in (every content language when
    they are on none), theirs always among them."""
    offered = set()
    for sub in subscriber.subscriptions.filter(status__in=ACTIVE).select_related(
        "mailing_list"
    ):
        offered.update(sub.mailing_list.languages)
    site = {code for code, _name in settings.LANGUAGES}
    endonyms = language_endonyms()
    return [
        (code, endonyms[code])
        for code in content_language_codes()
        if code in site
        and (not offered or code in offered or code == subscriber.language)
    ]


def page(request, template, context, subscriber=None, status=200, csrf=True):
    """Render a public page; a subscriber's in their language, with the
    language switch. ``csrf=False`` for the unsubscribe URL's pages: no
    CSRF cookie there (the token in the URL authorises; RFC 8058 answers
    set none)."""
    if subscriber is None:
        return render(request, template, {**context, "csrf": csrf}, status=status)
    with reading(subscriber):
        language = translation.get_language()
        context = {
            **context,
            "csrf": csrf,
            "switch": {"choices": switch_choices(subscriber), "current": language},
        }
        response = render(request, template, context, status=status)
    response["Content-Language"] = language
    return response


def switch_language(request, subscriber, url_name, token):
    """Store the language chosen on a subscriber's page, then show the page
    again in it (303, so that reloading does not post again)."""
    code = request.POST.get("switch_language", "")
    if code not in dict(switch_choices(subscriber)):
        with reading(subscriber):
            return page(
                request,
                "newsletters/message.html",
                {
                    "title": _("This language is not available"),
                    "text": _("Your newsletters are not sent in this language."),
                },
                subscriber=subscriber,
                status=400,
            )
    change_language(
        subscriber,
        code,
        Context.of(request, ConsentEvent.Source.PAGE, "language switch"),
    )
    with translation.override(code):
        return HttpResponseRedirect(reverse(url_name, args=[token]), status=303)


def clock(moment):
    """A time for the reader: the local time of day, with the date when it
    is not today, and the zone."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        text = formats.time_format(local)
    else:
        text = formats.date_format(local, "SHORT_DATETIME_FORMAT")
    return f"{text} ({local.tzname()})"


def mail_answer(request, verdict, subscriber=None):
    """The page after a request for a confirmation email (the subscribe form,
    or a used link asking for a new one): whether one went now or when the
    last went, and when to ask again. It depends only on the requests made
    for the address (newsletters.audience.confirmations), so it tells a
    stranger nothing about the address."""
    with reading(subscriber) if subscriber else nullcontext():
        title, text = mail_answer_text(verdict)
        return page(
            request,
            "newsletters/message.html",
            {"title": title, "text": text},
            subscriber=subscriber,
        )


def mail_answer_text(verdict):
    """(title, text) of ``verdict`` (None: the request was dropped as spam,
    answered as if an email went) in the active language."""
    if verdict is None or verdict.send:
        text = _(
            "If this address can receive our newsletter, we have sent it an "
            "email. Open the link in it to confirm your subscription."
        )
        if verdict is not None:
            text += " " + _(
                "Nothing after a few minutes? Look in your spam folder; you can "
                "ask for another email after %(time)s."
            ) % {"time": clock(verdict.next_at)}
        return _("Check your inbox"), text
    if verdict.sent_at is None:
        text = _(
            "If this address can receive our newsletter, it has had all the "
            "emails we send an address in a day. Look for them, also in your "
            "spam folder. You can ask for another email after %(next)s."
        ) % {"next": clock(verdict.next_at)}
    else:
        text = _(
            "If this address can receive our newsletter, we sent it an email "
            "at %(sent)s. Open the link in it to confirm your subscription; "
            "if you cannot find it, look in your spam folder. You can ask for "
            "another email after %(next)s."
        ) % {"sent": clock(verdict.sent_at), "next": clock(verdict.next_at)}
    return _("We have already sent you an email"), text
