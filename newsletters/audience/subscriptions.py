"""Subscribing, confirming, changing preferences and leaving: the one path the
HTML pages, the API, the admin and the webhooks all take, each step leaving a
consent event."""

from dataclasses import dataclass, field

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare

from home.http import client_ip, user_agent
from home.ratelimit import hit

from ..conf import app_settings
from .addresses import hash_normalised
from .confirmations import MailVerdict, decide, episode
from .forms import SubscribeForm
from .links import confirm_url, preferences_url
from .models import (
    ConsentEvent,
    MailingList,
    Subscriber,
    Subscription,
    Suppression,
    is_suppressed,
)
from .tokens import (
    InvalidToken,
    UsedToken,
    read_confirm_token,
    read_manage_token,
)

Status = Subscription.Status
ACTIVE = (Status.PENDING, Status.CONFIRMED)


@dataclass(frozen=True)
class Context:
    """Where a consent act came from, stored with its event."""

    source: str
    ip: str | None = None
    user_agent: str = ""
    source_detail: str = ""

    @classmethod
    def of(cls, request, source, detail=""):
        return cls(
            source=source,
            ip=client_ip(request) or None,
            user_agent=user_agent(request),
            source_detail=detail,
        )


def record(kind, subscriber, ctx, mailing_list=None, language=""):
    return ConsentEvent.objects.create(
        kind=kind,
        source=ctx.source,
        source_detail=ctx.source_detail[:255],
        email_hash=hash_normalised(subscriber.email),
        subscriber_id=subscriber.pk,
        mailing_list=mailing_list,
        language=language or subscriber.language,
        ip_address=ctx.ip,
        user_agent=ctx.user_agent[:400],
        consent_text_version=app_settings.NEWSLETTERS_CONSENT_TEXT_VERSION,
    )


def public_lists():
    return MailingList.objects.filter(is_public=True).select_related("country")


# Subscribing -----------------------------------------------------------------


@dataclass
class Outcome:
    status: int  # 202 accepted, 400 invalid, 429 too many
    form: object = None
    errors: dict = field(default_factory=dict)
    retry_after: int = 0
    mail: MailVerdict | None = None  # when an email went or may go (202)


def handle_subscribe(request, data, source):
    """Rate limits, validation, then the request; the answer never tells
    whether the address was known, subscribed or suppressed."""
    limit, window = app_settings.NEWSLETTERS_SUBSCRIBE_RATE_PER_IP
    verdict = hit("newsletter-ip", client_ip(request), limit, window)
    if not verdict.allowed:
        return Outcome(429, retry_after=verdict.retry_after)
    form = SubscribeForm(data)
    if not form.is_valid():
        return Outcome(400, form=form, errors=form.errors.get_json_data())
    if form.is_spam():
        return Outcome(202, form=form)
    email = form.cleaned_data["email"]
    limit, window = app_settings.NEWSLETTERS_SUBSCRIBE_RATE_PER_ADDRESS
    verdict = hit("newsletter-address", email, limit, window)
    if not verdict.allowed:
        return Outcome(429, form=form, retry_after=verdict.retry_after)
    mail = request_subscription(
        email,
        form.cleaned_data["lists"],
        form.cleaned_data["language"],
        Context.of(request, source),
        name=form.cleaned_data.get("name", ""),
    )
    return Outcome(202, form=form, mail=mail)


def request_subscription(email, lists, language, ctx, name="", rate_limited=True):
    """Record a wish to receive ``lists``; mail a confirmation when due.

    ``email`` is normalised. A suppressed address is ignored silently. A
    subscriber who left, bounced or complained starts again as pending: coming
    back takes a new opt-in. Confirmed subscriptions stay as they are.
    When an email goes out is newsletters.audience.confirmations' rule,
    counted per address and list whatever is stored, so the verdict returned
    tells a stranger nothing. ``rate_limited=False`` (from the preferences
    page, reached with a link only the address holds) mails even if an
    email went out recently.
    """
    force = not rate_limited
    if is_suppressed(email):
        # The same verdict as for anyone; nothing is stored or sent.
        subscriber = Subscriber.objects.filter(email=email).first()
        return decide(email, _episodes(subscriber, lists), force=force)
    with transaction.atomic():
        subscriber, created = Subscriber.objects.get_or_create(
            email=email, defaults={"name": name[:200], "language": language}
        )
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if (
            not created
            and not subscriber.subscriptions.filter(status=Status.CONFIRMED).exists()
        ):
            # Nobody reads for them yet: the newest request sets name and language.
            subscriber.language = language
            subscriber.name = name[:200] or subscriber.name
            subscriber.save(update_fields=["language", "name", "updated_at"])
        verdict = decide(email, _episodes(subscriber, lists), force=force)
        _add_lists(subscriber, lists, language, ctx)
        mail = _confirmation_mail(subscriber) if verdict.send else None
    if mail:
        transaction.on_commit(lambda: mail(subscriber.pk, language))
    return verdict


def _episodes(subscriber, lists):
    """(list id, episode) of each of ``lists``, for confirmations.decide."""
    existing = (
        {s.mailing_list_id: s for s in subscriber.subscriptions.all()}
        if subscriber is not None
        else {}
    )
    return [(x.pk, episode(existing.get(x.pk))) for x in lists]


def _add_lists(subscriber, lists, language, ctx):
    existing = {s.mailing_list_id: s for s in subscriber.subscriptions.all()}
    now = timezone.now()
    for mailing_list in lists:
        current = existing.get(mailing_list.pk)
        if current is not None and current.status == Status.CONFIRMED:
            continue
        status = Status.PENDING if mailing_list.double_opt_in else Status.CONFIRMED
        if current is None:
            current = Subscription(subscriber=subscriber, mailing_list=mailing_list)
        current.status = status
        current.confirmed_at = now if status == Status.CONFIRMED else None
        current.save()
        record(ConsentEvent.Kind.SUBSCRIBE, subscriber, ctx, mailing_list, language)


def _confirmation_mail(subscriber):
    """The mail to send: a confirmation link while a subscription waits for
    one, else the notice that the address already receives the lists.

    The link's nonce is kept while it is unused, so a link mailed before
    (within NEWSLETTERS_CONFIRM_MAX_AGE) keeps working beside the new one;
    confirming clears it, which ends them all."""
    if not subscriber.subscriptions.filter(status=Status.PENDING).exists():
        return send_already_subscribed
    if not subscriber.confirm_nonce:
        subscriber.new_confirm_nonce()
        subscriber.save(update_fields=["confirm_nonce", "updated_at"])
    return send_confirmation


def _send(subscriber, language, template, context):
    with translation.override(language):
        subject = render_to_string(f"newsletters/email/{template}_subject.txt", context)
        body = render_to_string(f"newsletters/email/{template}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [subscriber.email])


def send_confirmation(subscriber_id, language):
    """Ask the address to confirm, in ``language``; no news in it."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or not subscriber.confirm_nonce:
        return
    url = confirm_url(subscriber, language)
    _send(subscriber, language, "confirm_subscription", {"confirm_url": url})


def send_already_subscribed(subscriber_id, language):
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return
    url = preferences_url(subscriber, language)
    _send(subscriber, language, "already_subscribed", {"preferences_url": url})


# Confirming -----------------------------------------------------------------


def pending_confirmation(token):
    """The subscriber a confirmation token names, if it still works."""
    subscriber_id, nonce = read_confirm_token(token)
    return _check_nonce(Subscriber.objects.filter(pk=subscriber_id).first(), nonce)


def _check_nonce(subscriber, nonce):
    if subscriber is None:
        raise InvalidToken
    if not subscriber.confirm_nonce or not constant_time_compare(
        subscriber.confirm_nonce, nonce
    ):
        raise UsedToken(subscriber.pk)
    return subscriber


def confirm(token, ctx):
    """Confirm every pending subscription of the token's subscriber, once."""
    with transaction.atomic():
        subscriber_id, nonce = read_confirm_token(token)
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id)
        subscriber = _check_nonce(subscriber.first(), nonce)
        subscriber.confirm_nonce = ""
        subscriber.save(update_fields=["confirm_nonce", "updated_at"])
        if is_suppressed(subscriber.email):
            return subscriber, []
        confirmed = []
        now = timezone.now()
        for sub in subscriber.subscriptions.filter(
            status=Status.PENDING
        ).select_related("mailing_list"):
            sub.status = Status.CONFIRMED
            sub.confirmed_at = now
            sub.save(update_fields=["status", "confirmed_at", "updated_at"])
            record(ConsentEvent.Kind.CONFIRM, subscriber, ctx, sub.mailing_list)
            confirmed.append(sub.mailing_list)
    return subscriber, confirmed


def resend_confirmation(subscriber_id, ctx):
    """Another link for a subscriber whose old one was used while a
    subscription waits (asked for from that old link's page): the resend
    limit of newsletters.audience.confirmations applies. None when nothing
    waits."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return None
    pending = [
        sub.mailing_list
        for sub in subscriber.subscriptions.filter(status=Status.PENDING)
    ]
    if not pending or is_suppressed(subscriber.email):
        return None
    return request_subscription(
        subscriber.email, pending, subscriber.language, ctx, name=subscriber.name
    )


# Managing and leaving --------------------------------------------------------


def subscriber_for_manage_claim(token):
    """(subscriber, ManageClaim) for a preferences/unsubscribe token."""
    claim = read_manage_token(token)
    subscriber = Subscriber.objects.filter(pk=claim.subscriber_id).first()
    if subscriber is None:
        raise InvalidToken
    return subscriber, claim


def subscriber_for_manage_token(token):
    """(subscriber, list ids or None) for a preferences/unsubscribe token."""
    subscriber, claim = subscriber_for_manage_claim(token)
    return subscriber, claim.list_ids


def unsubscribe(subscriber, list_ids, ctx, kind=ConsentEvent.Kind.UNSUBSCRIBE):
    """Leave ``list_ids`` (every list when None). Idempotent."""
    new_status = (
        Status.COMPLAINED
        if kind == ConsentEvent.Kind.COMPLAINT
        else Status.UNSUBSCRIBED
    )
    with transaction.atomic():
        subs = subscriber.subscriptions.select_for_update().filter(status__in=ACTIVE)
        if list_ids is not None:
            subs = subs.filter(mailing_list_id__in=list_ids)
        now = timezone.now()
        left = []
        for sub in subs.select_related("mailing_list"):
            sub.status = new_status
            sub.unsubscribed_at = now
            sub.save(update_fields=["status", "unsubscribed_at", "updated_at"])
            record(kind, subscriber, ctx, sub.mailing_list)
            left.append(sub.mailing_list)
        if list_ids is None and subscriber.confirm_nonce:
            subscriber.confirm_nonce = ""
            subscriber.save(update_fields=["confirm_nonce", "updated_at"])
    return left


def restorable(subscriber, claim):
    """The subscriptions a manage link may bring back: those of its lists
    (every list for a list-less link) left since the link was mailed, so
    that it restores no more than the address received when the link came;
    never one that ended in a bounce or a complaint."""
    subs = subscriber.subscriptions.filter(
        status=Status.UNSUBSCRIBED, unsubscribed_at__gte=claim.issued_at
    )
    if claim.list_ids is not None:
        subs = subs.filter(mailing_list_id__in=claim.list_ids)
    return subs


def resubscribe(token, ctx):
    """Undo an unsubscribe with the link that did it (or any manage link
    mailed before it): the lists come back confirmed at once, for the link
    came to the address while it received them. Returns (subscriber, lists
    back); raises InvalidToken like the other manage links."""
    claim = read_manage_token(token)
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update()
            .filter(pk=claim.subscriber_id)
            .first()
        )
        if subscriber is None:
            raise InvalidToken
        if is_suppressed(subscriber.email):
            return subscriber, []
        back = []
        now = timezone.now()
        for sub in restorable(subscriber, claim).select_related("mailing_list"):
            sub.status = Status.CONFIRMED
            sub.confirmed_at = now
            sub.save(update_fields=["status", "confirmed_at", "updated_at"])
            record(ConsentEvent.Kind.SUBSCRIBE, subscriber, ctx, sub.mailing_list)
            record(ConsentEvent.Kind.CONFIRM, subscriber, ctx, sub.mailing_list)
            back.append(sub.mailing_list)
    return subscriber, back


def active_public_lists(subscriber):
    return [
        sub.mailing_list
        for sub in subscriber.subscriptions.filter(
            status__in=ACTIVE, mailing_list__is_public=True
        ).select_related("mailing_list__country")
    ]


@dataclass
class PreferencesChange:
    language_changed: bool = False
    left: list = field(default_factory=list)
    added: list = field(default_factory=list)
    mail: MailVerdict | None = None  # the confirmation of the lists added


def update_preferences(subscriber, lists, language, ctx):
    """Follow exactly ``lists`` of the public lists, read ``language``.

    Leaving a list and changing the language apply at once; a list added here
    waits for a confirmation mailed to the address, as on the first subscribe.
    """
    change = PreferencesChange()
    wanted = {mailing_list.pk: mailing_list for mailing_list in lists}
    current = {mailing_list.pk for mailing_list in active_public_lists(subscriber)}
    with transaction.atomic():
        change.language_changed = change_language(subscriber, language, ctx)
        gone = sorted(current - set(wanted))
        if gone:
            change.left = unsubscribe(subscriber, gone, ctx)
        change.added = [wanted[pk] for pk in wanted if pk not in current]
    if change.added:
        change.mail = request_subscription(
            subscriber.email, change.added, language, ctx, rate_limited=False
        )
    return change


def change_language(subscriber, language, ctx):
    """Read newsletters (and the subscriber's pages) in ``language`` from
    now on; whether it changed."""
    if language == subscriber.language:
        return False
    subscriber.language = language
    subscriber.save(update_fields=["language", "updated_at"])
    record(ConsentEvent.Kind.PREFERENCES, subscriber, ctx, language=language)
    return True


# Suppression -----------------------------------------------------------------


# What a suppression makes of the address's active subscriptions.
_ENDED_AS = {
    Suppression.Reason.HARD_BOUNCE: Status.BOUNCED,
    Suppression.Reason.SOFT_BOUNCES: Status.BOUNCED,
    Suppression.Reason.COMPLAINT: Status.COMPLAINED,
}


def suppress(email, reason, note=""):
    """Never mail ``email`` (normalised) again: the address's hash is kept in
    the suppression list (so a later import or sign-up cannot bring it back
    unnoticed), and every active subscription of it ends, as bounced,
    complained or unsubscribed after ``reason``."""
    digest = hash_normalised(email)
    with transaction.atomic():
        Suppression.objects.get_or_create(
            email_hash=digest, defaults={"reason": reason, "note": note[:255]}
        )
        Subscription.objects.filter(subscriber__email=email, status__in=ACTIVE).update(
            status=_ENDED_AS.get(reason, Status.UNSUBSCRIBED),
            unsubscribed_at=timezone.now(),
            updated_at=timezone.now(),
        )


# Data subject requests -------------------------------------------------------


def export_data(subscriber, lists=None):
    """Everything stored about ``subscriber``, for a data access request.

    With ``lists`` (a country officer's export, see newsletters.audience.scoping): only
    the subscriptions and consent events of those lists, and the events that
    concern no list, so an export never reveals another country's lists."""
    digest = hash_normalised(subscriber.email)
    subscriptions = subscriber.subscriptions.select_related("mailing_list__country")
    events = ConsentEvent.objects.filter(email_hash=digest)
    if lists is not None:
        subscriptions = subscriptions.filter(mailing_list__in=lists)
        events = events.filter(Q(mailing_list__in=lists) | Q(mailing_list__isnull=True))
    return {
        "email": subscriber.email,
        "name": subscriber.name,
        "language": subscriber.language,
        "created_at": subscriber.created_at.isoformat(),
        "soft_bounces": subscriber.soft_bounces,
        "subscriptions": [
            {
                "list": sub.mailing_list.name,
                "country": sub.mailing_list.country.iso_code,
                "status": sub.status,
                "created_at": sub.created_at.isoformat(),
                "confirmed_at": sub.confirmed_at and sub.confirmed_at.isoformat(),
                "unsubscribed_at": sub.unsubscribed_at
                and sub.unsubscribed_at.isoformat(),
            }
            for sub in subscriptions
        ],
        "consent_events": [
            {
                "time": event.created_at.isoformat(),
                "kind": event.kind,
                "source": event.source,
                "source_detail": event.source_detail,
                "list": event.mailing_list.name if event.mailing_list else None,
                "language": event.language,
                "ip_address": event.ip_address,
                "user_agent": event.user_agent,
                "consent_text_version": event.consent_text_version,
            }
            for event in events.select_related("mailing_list").order_by(
                "created_at", "pk"
            )
        ],
    }


def erase(subscriber, ctx, lists=None):
    """Delete the subscriber's personal data; keep the address's hash
    suppressed so it is never mailed again, and the consent log (keyed by
    that hash, with no address, IP address or user agent) as proof of what
    was consented and when (docs/consent-log.md).

    With ``lists`` (a country officer's erasure, see newsletters.audience.scoping),
    only those lists' part goes when the person is also on other lists: those
    belong to another country's team, and erasing the address would silently
    end that team's subscription too. Then the subscriptions on ``lists`` are
    deleted, each with an erasure event, and the address stays (unsuppressed)
    for the other lists; the return value, False, tells the caller to say so.
    Returns True when the subscriber is erased completely."""
    with transaction.atomic():
        if lists is not None:
            theirs = subscriber.subscriptions.exclude(mailing_list__in=lists)
            if theirs.exists():
                mine = subscriber.subscriptions.filter(mailing_list__in=lists)
                for sub in mine.select_related("mailing_list"):
                    record(ConsentEvent.Kind.ERASURE, subscriber, ctx, sub.mailing_list)
                mine.delete()
                return False
        record(ConsentEvent.Kind.ERASURE, subscriber, ctx)
        # The events stay as proof of what was consented, when and how; what
        # identifies the person beyond the address's hash goes with them.
        ConsentEvent.objects.filter(
            email_hash=hash_normalised(subscriber.email)
        ).redact_personal()
        suppress(subscriber.email, Suppression.Reason.ERASED)
        subscriber.delete()
        return True
