"""Public API of subscriptions: the same flows as the pages, for the website.

Every answer to a subscribe request is the same whether or not the address is
known, subscribed or suppressed. Tokens come from links in the emails.
"""

from datetime import datetime

from ninja import Router, Schema, Status
from pydantic import Field

from home.api_errors import Problem, problem

from .forms import PreferencesForm
from .models import ConsentEvent
from .subscriptions import (
    Context,
    active_public_lists,
    confirm,
    handle_subscribe,
    public_lists,
    resubscribe,
    subscriber_for_manage_token,
    unsubscribe,
    update_preferences,
)
from .tokens import ExpiredToken, InvalidToken

router = Router(tags=["newsletter"])
Source = ConsentEvent.Source


class ListOut(Schema):
    country: str = Field(description="ISO code; Kosovo is XK, the regional list EU")
    name: str
    languages: list[str]
    default_language: str


class SubscribeIn(Schema):
    email: str = Field(max_length=320)
    countries: list[str] = Field(description="ISO codes of the lists, e.g. ['XK']")
    language: str = Field(description="Content language code, e.g. sq", max_length=8)
    name: str = Field("", max_length=200)
    consent: bool = Field(description="Agreement to receive the newsletter; true")
    website: str = Field("", description="Leave empty (spam trap)")


class Accepted(Schema):
    status: str = "accepted"
    detail: str = (
        "If this address can receive the newsletter, a confirmation email is on "
        "its way."
    )
    emailed: bool = Field(
        True,
        description=(
            "Whether this request sent an email (if the address can receive "
            "one); false when one went recently: then emailed_at says when"
        ),
    )
    emailed_at: datetime | None = Field(
        None, description="When the last email went to the address, if known"
    )
    next_email_after: datetime | None = Field(
        None, description="When asking again may send another email"
    )


class TokenIn(Schema):
    token: str = Field(max_length=500)


class Confirmed(Schema):
    status: str = "confirmed"
    countries: list[str]


class PreferencesOut(Schema):
    countries: list[str]
    language: str


class PreferencesIn(Schema):
    token: str = Field(max_length=500)
    countries: list[str]
    language: str = Field(max_length=8)


class Unsubscribed(Schema):
    status: str = "unsubscribed"


class Resubscribed(Schema):
    status: str = "subscribed"
    countries: list[str]


def _bad_token(error):
    """410 for a genuine but expired token, else 400 naming the field. (Not
    404: Django's LocaleMiddleware turns a 404 outside the language-prefixed
    URLs into a redirect.)"""
    if isinstance(error, ExpiredToken):
        return problem(410, "This link has expired")
    return problem(
        400,
        "This link does not work",
        {"token": [{"message": "Unknown, altered or used token.", "code": "invalid"}]},
    )


@router.get("/lists/", response=list[ListOut], summary="Lists open to subscribers")
def lists(request):
    return [
        ListOut(
            country=x.country.iso_code,
            name=x.name,
            languages=x.languages,
            default_language=x.default_language,
        )
        for x in public_lists()
    ]


@router.post(
    "/subscribe/",
    response={202: Accepted, 400: Problem, 429: Problem},
    summary="Subscribe an address to countries' newsletters",
    description=(
        "Records the request and emails a confirmation link in the chosen "
        "language (double opt-in). The answer is the same whether or not the "
        "address is already known. Rate limited per client and per address."
    ),
)
def subscribe(request, payload: SubscribeIn):
    data = payload.dict()
    data["consent"] = "on" if data["consent"] else ""
    outcome = handle_subscribe(request, data, Source.API)
    if outcome.status == 202:
        return Status(202, _accepted(outcome.mail))
    if outcome.status == 429:
        return problem(429, "Too many requests", retry_after=outcome.retry_after)
    return problem(400, "Invalid subscription", outcome.errors)


def _accepted(verdict):
    """The same for every address: it depends only on the requests made for
    it (newsletters.audience.confirmations)."""
    if verdict is None:
        return Accepted()
    if verdict.send:
        return Accepted(emailed_at=verdict.sent_at, next_email_after=verdict.next_at)
    return Accepted(
        detail=(
            "If this address can receive the newsletter, an email went to it "
            "recently (emailed_at); ask again after next_email_after for another."
        ),
        emailed=False,
        emailed_at=verdict.sent_at,
        next_email_after=verdict.next_at,
    )


@router.post(
    "/confirm/",
    response={200: Confirmed, 400: Problem, 410: Problem},
    summary="Confirm a subscription with the token from the email",
)
def confirm_subscription(request, payload: TokenIn):
    try:
        _subscriber, confirmed = confirm(payload.token, Context.of(request, Source.API))
    except InvalidToken as error:
        return _bad_token(error)
    return Status(200, Confirmed(countries=[x.country.iso_code for x in confirmed]))


@router.get(
    "/preferences/",
    response={200: PreferencesOut, 400: Problem, 410: Problem},
    summary="A subscriber's countries and language",
)
def read_preferences(request, token: str):
    try:
        subscriber, _lists = subscriber_for_manage_token(token)
    except InvalidToken as error:
        return _bad_token(error)
    return Status(200, _preferences(subscriber))


def _preferences(subscriber):
    return PreferencesOut(
        countries=[x.country.iso_code for x in active_public_lists(subscriber)],
        language=subscriber.language,
    )


@router.put(
    "/preferences/",
    response={200: PreferencesOut, 400: Problem, 410: Problem},
    summary="Change countries and language",
    description=(
        "Countries left and the language apply at once; countries added wait "
        "for a confirmation emailed to the address. No countries leaves every "
        "public list."
    ),
)
def change_preferences(request, payload: PreferencesIn):
    try:
        subscriber, _lists = subscriber_for_manage_token(payload.token)
    except InvalidToken as error:
        return _bad_token(error)
    form = PreferencesForm(
        {"countries": payload.countries, "language": payload.language}
    )
    if not form.is_valid():
        return problem(400, "Invalid preferences", form.errors.get_json_data())
    update_preferences(
        subscriber,
        form.cleaned_data["lists"],
        form.cleaned_data["language"],
        Context.of(request, Source.API),
    )
    subscriber.refresh_from_db()
    return Status(200, _preferences(subscriber))


@router.post(
    "/resubscribe/",
    response={200: Resubscribed, 400: Problem, 409: Problem, 410: Problem},
    summary="Undo an unsubscribe with the token of its link",
    description=(
        "Brings back, confirmed, the lists of the token (every list for a "
        "preferences token) that the address left since the token was "
        "mailed; 409 when there is none (subscribe again instead)."
    ),
)
def resubscribe_api(request, payload: TokenIn):
    try:
        _subscriber, back = resubscribe(
            payload.token, Context.of(request, Source.API, "resubscribe")
        )
    except InvalidToken as error:
        return _bad_token(error)
    if not back:
        return problem(409, "Nothing to restore with this token")
    return Status(200, Resubscribed(countries=[x.country.iso_code for x in back]))


@router.post(
    "/unsubscribe/",
    response={200: Unsubscribed, 400: Problem, 410: Problem},
    summary="Unsubscribe with the token from a newsletter's link",
)
def unsubscribe_api(request, payload: TokenIn):
    try:
        subscriber, list_ids = subscriber_for_manage_token(payload.token)
    except InvalidToken as error:
        return _bad_token(error)
    unsubscribe(subscriber, list_ids, Context.of(request, Source.API))
    return Status(200, Unsubscribed())
