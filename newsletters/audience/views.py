"""Public subscription pages, in the language of the URL prefix.

A GET never changes anything: link scanners open links in mail, so
confirming and unsubscribing take a POST from the page's button. The
unsubscribe URL also takes the RFC 8058 one-click POST from mail clients,
without login, cookie or CSRF token.
"""

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from .forms import PreferencesForm, SubscribeForm
from .links import preferences_url
from .models import ConsentEvent
from .subscriptions import (
    Context,
    active_public_lists,
    confirm,
    handle_subscribe,
    pending_confirmation,
    subscriber_for_manage_token,
    unsubscribe,
    update_preferences,
)
from .tokens import ExpiredToken, InvalidToken

Source = ConsentEvent.Source
ONE_CLICK_FIELD = "List-Unsubscribe"
ONE_CLICK_VALUE = "One-Click"


def _message(request, title, text, status=200, link=None):
    return render(
        request,
        "newsletters/message.html",
        {"title": title, "text": text, "link": link},
        status=status,
    )


def _bad_link(request, error):
    if isinstance(error, ExpiredToken):
        return _message(
            request,
            _("This link has expired"),
            _("Please subscribe again to get a new confirmation email."),
            status=410,
        )
    return _message(
        request,
        _("This link does not work"),
        _("It may have been used already, or it was copied incompletely."),
        status=404,
    )


@never_cache
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe_page(request):
    if request.method != "POST":
        return render(request, "newsletters/subscribe.html", {"form": SubscribeForm()})
    outcome = handle_subscribe(request, request.POST, Source.PAGE)
    if outcome.status == 202:
        return _message(
            request,
            _("Check your inbox"),
            _(
                "If this address can receive our newsletter, we have sent it an "
                "email. Open the link in it to confirm your subscription."
            ),
        )
    response = render(
        request,
        "newsletters/subscribe.html",
        {"form": outcome.form or SubscribeForm(request.POST), "status": outcome.status},
        status=outcome.status,
    )
    if outcome.retry_after:
        response["Retry-After"] = str(outcome.retry_after)
    return response


@never_cache
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_page(request, token):
    try:
        if request.method != "POST":
            subscriber = pending_confirmation(token)
            return render(
                request,
                "newsletters/confirm.html",
                {"lists": _pending_lists(subscriber)},
            )
        subscriber, _confirmed = confirm(token, Context.of(request, Source.PAGE))
    except InvalidToken as error:
        return _bad_link(request, error)
    return _message(
        request,
        _("Subscription confirmed"),
        _("Thank you. You can change your countries and language at any time."),
        link=(preferences_url(subscriber), _("Your preferences")),
    )


def _pending_lists(subscriber):
    return [
        sub.mailing_list
        for sub in subscriber.subscriptions.filter(status="pending").select_related(
            "mailing_list"
        )
    ]


@never_cache
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def preferences_page(request, token):
    try:
        subscriber, _lists = subscriber_for_manage_token(token)
    except InvalidToken as error:
        return _bad_link(request, error)
    ctx = Context.of(request, Source.PAGE)
    if request.method == "POST" and "unsubscribe_all" in request.POST:
        unsubscribe(subscriber, None, ctx)
        return _message(
            request,
            _("You are unsubscribed"),
            _("You will receive no more newsletters from us."),
        )
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            change = update_preferences(
                subscriber,
                form.cleaned_data["lists"],
                form.cleaned_data["language"],
                ctx,
            )
            saved = _("Your preferences are saved.")
            if change.added:
                saved += " " + _(
                    "We have sent you an email to confirm the countries you added."
                )
            form = _preferences_form(subscriber)
            return render(
                request,
                "newsletters/preferences.html",
                {"form": form, "saved": saved},
            )
        return render(
            request, "newsletters/preferences.html", {"form": form}, status=400
        )
    return render(
        request,
        "newsletters/preferences.html",
        {"form": _preferences_form(subscriber)},
    )


def _preferences_form(subscriber):
    return PreferencesForm(
        initial={
            "countries": [x.country.iso_code for x in active_public_lists(subscriber)],
            "language": subscriber.language,
        }
    )


@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_page(request, token):
    """GET: a page with a button. POST ``List-Unsubscribe=One-Click`` (from that
    button or a mail client, RFC 8058): unsubscribe, answer 200, no redirect."""
    try:
        subscriber, list_ids = subscriber_for_manage_token(token)
    except InvalidToken as error:
        return _bad_link(request, error)
    if request.method != "POST":
        return render(request, "newsletters/unsubscribe.html", {})
    if request.POST.get(ONE_CLICK_FIELD) != ONE_CLICK_VALUE:
        return HttpResponseBadRequest(
            "Expected List-Unsubscribe=One-Click.", content_type="text/plain"
        )
    unsubscribe(subscriber, list_ids, Context.of(request, Source.ONE_CLICK))
    return _message(
        request,
        _("You are unsubscribed"),
        _("You will receive no more of these newsletters."),
    )
