"""One rule for campaigns and addresses (newsletters.audience.scoping), as a matrix:
role x action x own/other country. A country's editors follow progress and
figures; its moderators (and superusers) send, pause, resume and cancel and
see recipients' addresses; nobody sees another country's campaign, which
answers like an unknown one; translators see none."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale

from home.translation.teams import TRANSLATOR, ensure_language_teams, group_name
from news.models import Country
from news.structure import ensure_sections
from news.teams import ensure_country_teams, team_name
from newsletters.audience.models import Subscriber, Subscription
from newsletters.delivery.models import Campaign, Delivery
from tests.conftest import shared_in_module
from tests.newsletters.compose import intro, newsletter
from tests.newsletters.conftest import make_lists

UNKNOWN = 987654321
TOKEN = r'"CSRF_TOKEN": "\w+"|name="csrfmiddlewaretoken" value="\w+"'
OK, REFUSED, HIDDEN = "ok", "refused", "hidden"
VIEWS = ("detail", "progress", "report figures")
ACTS = ("pause", "resume", "cancel", "send")
ADDRESSES = ("report addresses", "report CSV", "list export", "subscribers")
ACTIONS = VIEWS + ACTS + ADDRESSES
ROLES = [
    ("XK", "editor"),
    ("XK", "moderator"),
    ("EU", "editor"),
    ("EU", "moderator"),
    ("superuser", ""),
    ("sr", TRANSLATOR),
]


def _build_world(programme):
    """A campaign on the list of Kosovo, of Serbia and of the regional team,
    each with a failed delivery to an address of that country."""
    en = Locale.objects.get(language_code="en")
    region = Country.objects.create(
        iso_code="EU", name="Regional", languages=["en"], locale=en, is_regional=True
    )
    ensure_sections()
    ensure_country_teams([region])
    ensure_language_teams(["sr"])
    countries = {**programme["countries"], "EU": region}
    lists = make_lists(countries)
    campaigns = {}
    for iso in ("XK", "RS", "EU"):
        issue = newsletter({"countries": countries}, iso, "en", [intro("<p>Hi.</p>")])
        campaign = Campaign.objects.create(
            newsletter=issue, status=Campaign.Status.SENDING, recipients=1
        )
        campaign.lists.set([lists[iso]])
        edition = campaign.editions.create(language="en", page_id=issue.pk, data={})
        person = Subscriber.objects.create(email=f"reader-{iso.lower()}@example.org")
        Subscription.objects.create(
            subscriber=person,
            mailing_list=lists[iso],
            status="confirmed",
            confirmed_at=timezone.now(),
        )
        Delivery.objects.create(
            campaign=campaign,
            subscriber=person,
            edition=edition,
            status=Delivery.Status.FAILED,
            reason="550 no such user",
        )
        campaigns[iso] = (campaign, lists[iso], person, issue)
    return campaigns


_world = shared_in_module(_build_world, "_shared_programme")


@pytest.fixture
def world(_world, programme, admin_user):
    return _world


@pytest.fixture
def member(django_user_model, world):
    def make(who, role):
        if who == "superuser":
            return django_user_model.objects.create_superuser(
                "root", "root@example.org", "pw"
            )
        user = django_user_model.objects.create_user(
            username=f"{who}-{role}",
            password="pw",  # noqa: S106
        )
        if role == TRANSLATOR:
            name = group_name(who, role)
        else:
            country = Country.objects.get(iso_code=who, locale__language_code="en")
            name = team_name(country, role)
        user.groups.add(Group.objects.get(name=name))
        return user

    return make


STATE_BEFORE = {
    "pause": Campaign.Status.SENDING,
    "resume": Campaign.Status.PAUSED,
    "cancel": Campaign.Status.SENDING,
}
STATE_AFTER = {
    "pause": Campaign.Status.PAUSED,
    "resume": Campaign.Status.SENDING,
    "cancel": Campaign.Status.CANCELLED,
}


def request(client, action, campaign, mailing_list, person, issue, pk=None):
    """The answer to ``action`` (on ``pk`` in place of the real id, if given)."""
    c = reverse
    campaign_pk = pk or campaign.pk
    if action in STATE_BEFORE:
        Campaign.objects.filter(pk=campaign.pk).update(status=STATE_BEFORE[action])
        url = c("newsletters_campaigns:action", args=[campaign_pk, action])
        return client.post(url)
    urls = {
        "detail": c("newsletters_campaigns:detail", args=[campaign_pk]),
        "progress": c("newsletters_campaigns:progress", args=[campaign_pk]),
        "report figures": c("newsletters_campaigns:report", args=[campaign_pk]),
        "report addresses": c("newsletters_campaigns:report", args=[campaign_pk]),
        "report CSV": c("newsletters_campaigns:report_csv", args=[campaign_pk]),
        "send": c("newsletters_campaigns:new", args=[pk or issue.pk]),
        "list export": c("newsletters_admin:list_export", args=[pk or mailing_list.pk]),
        "subscribers": c("newsletters_admin:subscriber_detail", args=[pk or person.pk]),
    }
    return client.get(urls[action])


def text(answer, pk):
    """The answer's text without its id and its (per-response) CSRF token."""
    body = (
        answer.getvalue().decode("utf-8-sig")
        if answer.streaming
        else answer.content.decode()
    )
    body = re.sub(TOKEN, "", body)
    return body.replace(f"/{pk}/", "/ID/")


def outcome(client, action, campaign, mailing_list, person, issue):
    answer = request(client, action, campaign, mailing_list, person, issue)
    body = text(answer, None)
    if action in STATE_AFTER:
        campaign.refresh_from_db()
        if answer.status_code == 302 and campaign.status == STATE_AFTER[action]:
            return OK
    elif answer.status_code == 200:
        if action in ("report addresses", "report CSV", "list export", "subscribers"):
            return OK if person.email in body else REFUSED
        return OK
    unknown = request(client, action, campaign, mailing_list, person, issue, UNKNOWN)
    real = re.search(r"/(\d+)/", answer.wsgi_request.path)
    if (answer.status_code, text(answer, real and real.group(1))) == (
        unknown.status_code,
        text(unknown, UNKNOWN),
    ):
        return HIDDEN
    assert answer.status_code == 403, (action, answer.status_code)
    assert person.email not in body
    return REFUSED


def expected(who, role, target, action):
    if who == "superuser":
        return OK
    if role == TRANSLATOR or who != target:
        return HIDDEN
    if action in VIEWS or role == "moderator":
        return OK
    return REFUSED


@pytest.mark.parametrize(("who", "role"), ROLES)
def test_campaign_and_address_matrix(client, world, member, who, role):
    client.force_login(member(who, role))
    targets = ["XK", "RS"] if who != "EU" else ["EU", "XK"]
    got, wanted = {}, {}
    for target in targets:
        campaign, mailing_list, person, issue = world[target]
        for action in ACTIONS:
            key = (target, action)
            got[key] = outcome(client, action, campaign, mailing_list, person, issue)
            wanted[key] = expected(who, role, target, action)
    assert got == wanted


@pytest.mark.parametrize(
    ("who", "role", "shown"),
    [
        ("XK", "editor", {"Lists", "Campaigns"}),
        ("XK", "moderator", {"Lists", "Campaigns", "Subscribers"}),
        ("sr", TRANSLATOR, set()),
    ],
)
def test_admin_menu_follows_the_rule(client, world, member, who, role, shown):
    client.force_login(member(who, role))
    page = client.get("/admin/").content.decode()
    menu = {
        label
        for label, url in (
            ("Lists", reverse("newsletters_admin:lists")),
            ("Subscribers", reverse("newsletters_admin:subscribers")),
            ("Campaigns", reverse("newsletters_campaigns:index")),
        )
        if url in page
    }
    assert menu == shown


def test_editor_sees_no_action_buttons_or_addresses(client, world, member):
    campaign, _list, person, _issue = world["XK"]
    client.force_login(member("XK", "editor"))
    detail = client.get(reverse("newsletters_campaigns:detail", args=[campaign.pk]))
    assert "Pause" not in detail.content.decode()
    report = client.get(reverse("newsletters_campaigns:report", args=[campaign.pk]))
    assert report.status_code == 200
    assert person.email not in report.content.decode()
    assert "report.csv" not in report.content.decode()
