"""Public subscription pages.

The subscribe page is in the language of the URL prefix. The pages a
subscriber reaches from a link in mail (confirm, preferences, unsubscribe,
and what they answer) are in the subscriber's own language, whatever the
link's prefix says (an Albanian issue's links open a Serbian reader's pages
in Serbian); their language switch changes that language for good
(newsletters.audience.reader).

A GET never changes anything: link scanners open links in mail, so
confirming, unsubscribing and coming back take a POST from the page's
button. The unsubscribe URL also takes the RFC 8058 one-click POST from mail
clients, without login, cookie or CSRF token.
"""

from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from .forms import PreferencesForm, SubscribeForm
from .links import preferences_url
from .models import ConsentEvent, Subscriber
from .reader import clock, mail_answer, page, reading, switch_language
from .subscriptions import (
    ACTIVE,
    Context,
    active_public_lists,
    confirm,
    handle_subscribe,
    pending_confirmation,
    resend_confirmation,
    restorable,
    resubscribe,
    subscriber_for_manage_claim,
    unsubscribe,
    update_preferences,
)
from .tokens import ExpiredToken, InvalidToken, UsedToken

Source = ConsentEvent.Source
ONE_CLICK_FIELD = "List-Unsubscribe"
ONE_CLICK_VALUE = "One-Click"
RESUBSCRIBE = "resubscribe with the link that unsubscribed"


def _message(request, title, text, status=200, link=None, subscriber=None, csrf=True):
    return page(
        request,
        "newsletters/message.html",
        {"title": title, "text": text, "link": link},
        subscriber=subscriber,
        status=status,
        csrf=csrf,
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


def _subscribe_link():
    return (reverse("newsletter_subscribe"), _("Subscribe to the newsletter"))


@never_cache
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe_page(request):
    if request.method != "POST":
        return page(request, "newsletters/subscribe.html", {"form": SubscribeForm()})
    outcome = handle_subscribe(request, request.POST, Source.PAGE)
    if outcome.status == 202:
        return mail_answer(request, outcome.mail)
    response = page(
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
    ctx = Context.of(request, Source.PAGE)
    try:
        subscriber = pending_confirmation(token)
        if request.method != "POST":
            return _confirm_form(request, subscriber)
        if "switch_language" in request.POST:
            return switch_language(request, subscriber, "newsletter_confirm", token)
        subscriber, _confirmed = confirm(token, ctx)
    except UsedToken as error:
        return _used_link(request, error.subscriber_id, token, ctx)
    except InvalidToken as error:
        return _bad_link(request, error)
    with reading(subscriber):
        return _message(
            request,
            _("Subscription confirmed"),
            _("Thank you. You can change your countries and language at any time."),
            link=(preferences_url(subscriber), _("Your preferences")),
            subscriber=subscriber,
        )


def _confirm_form(request, subscriber, status=200):
    return page(
        request,
        "newsletters/confirm.html",
        {"lists": _pending_lists(subscriber)},
        subscriber=subscriber,
        status=status,
    )


def _used_link(request, subscriber_id, token, ctx):
    """A confirmation link used before: say so, and while a subscription
    (of a later request) waits, offer to email a new link; it goes to the
    address, never to whoever holds this one."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return _bad_link(request, InvalidToken())
    if request.method == "POST" and "switch_language" in request.POST:
        return switch_language(request, subscriber, "newsletter_confirm", token)
    if request.method == "POST" and "resend" in request.POST:
        verdict = resend_confirmation(subscriber.pk, ctx)
        if verdict is not None:
            return mail_answer(request, verdict, subscriber)
    return page(
        request,
        "newsletters/confirm.html",
        {
            "used": True,
            "lists": _pending_lists(subscriber),
            "subscribe_url": _subscribe_link()[0],
        },
        subscriber=subscriber,
        status=404,
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
        subscriber, claim = subscriber_for_manage_claim(token)
    except InvalidToken as error:
        return _bad_link(request, error)
    if request.method == "POST" and "switch_language" in request.POST:
        return switch_language(request, subscriber, "newsletter_preferences", token)
    # The form's country names are read in the language active when it is
    # made: the reader's.
    with reading(subscriber):
        return _preferences_flow(request, subscriber, claim, token)


def _preferences_flow(request, subscriber, claim, token):
    ctx = Context.of(request, Source.PAGE)
    if request.method == "POST" and "unsubscribe_all" in request.POST:
        unsubscribe(subscriber, None, ctx)
        return _left(request, subscriber, claim, token, everything=True, csrf=True)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            change = update_preferences(
                subscriber,
                form.cleaned_data["lists"],
                form.cleaned_data["language"],
                ctx,
            )
            with reading(subscriber):  # the language just chosen
                return _preferences(request, subscriber, saved=_saved_text(change))
        return _preferences(request, subscriber, form=form, status=400)
    return _preferences(request, subscriber)


def _saved_text(change):
    saved = _("Your preferences are saved.")
    if change.added and change.mail and change.mail.send:
        saved += " " + _(
            "We have sent you an email to confirm the countries you added."
        )
    elif change.added:
        saved += " " + _(
            "We have sent this address all the emails we send in a day; save "
            "again after %(time)s to get the confirmation of the countries you "
            "added."
        ) % {"time": clock(change.mail.next_at)}
    return saved


def _preferences(request, subscriber, form=None, saved="", status=200):
    form = form or PreferencesForm(
        initial={
            "countries": [x.country.iso_code for x in active_public_lists(subscriber)],
            "language": subscriber.language,
        }
    )
    return page(
        request,
        "newsletters/preferences.html",
        {"form": form, "saved": saved},
        subscriber=subscriber,
        status=status,
    )


def _left(request, subscriber, claim, token, everything=False, csrf=False):
    """The page after leaving: what happened, and a way straight back with
    the same link while it can bring something back."""
    return page(
        request,
        "newsletters/unsubscribe.html",
        {
            "done": True,
            "everything": everything,
            "can_resubscribe": restorable(subscriber, claim).exists(),
            "resubscribe_action": reverse("newsletter_unsubscribe", args=[token]),
        },
        subscriber=subscriber,
        csrf=csrf,
    )


@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_page(request, token):
    """GET: a page with a button. POST ``List-Unsubscribe=One-Click`` (from that
    button or a mail client, RFC 8058): unsubscribe, answer 200, no redirect.
    POST ``resubscribe``: undo it with the same link.

    No CSRF check: the token in the URL is what authorises, and a page
    elsewhere cannot know it."""
    try:
        subscriber, claim = subscriber_for_manage_claim(token)
    except InvalidToken as error:
        return _bad_link(request, error)
    if request.method != "POST":
        if _still_on(subscriber, claim):
            return page(
                request,
                "newsletters/unsubscribe.html",
                {},
                subscriber=subscriber,
                csrf=False,
            )
        return _left(request, subscriber, claim, token)
    if "switch_language" in request.POST:
        return switch_language(request, subscriber, "newsletter_unsubscribe", token)
    if "resubscribe" in request.POST:
        return _resubscribe(request, token)
    if request.POST.get(ONE_CLICK_FIELD) != ONE_CLICK_VALUE:
        return HttpResponseBadRequest(
            "Expected List-Unsubscribe=One-Click.", content_type="text/plain"
        )
    unsubscribe(subscriber, claim.list_ids, Context.of(request, Source.ONE_CLICK))
    return _left(request, subscriber, claim, token)


def _still_on(subscriber, claim):
    subs = subscriber.subscriptions.filter(status__in=ACTIVE)
    if claim.list_ids is not None:
        subs = subs.filter(mailing_list_id__in=claim.list_ids)
    return subs.exists()


def _resubscribe(request, token):
    try:
        subscriber, back = resubscribe(
            token, Context.of(request, Source.PAGE, RESUBSCRIBE)
        )
    except InvalidToken as error:
        return _bad_link(request, error)
    with reading(subscriber):
        return _resubscribed(request, subscriber, back)


def _resubscribed(request, subscriber, back):
    if not back:
        return _message(
            request,
            _("Nothing to restore"),
            _(
                "This link cannot bring back a subscription any more. Subscribe "
                "again on the subscription page."
            ),
            status=409,
            link=_subscribe_link(),
            subscriber=subscriber,
            csrf=False,
        )
    return _message(
        request,
        _("Welcome back"),
        _("You are subscribed again to: %(lists)s.")
        % {"lists": ", ".join(x.localised_name() for x in back)},
        link=(preferences_url(subscriber), _("Your preferences")),
        subscriber=subscriber,
        csrf=False,
    )
