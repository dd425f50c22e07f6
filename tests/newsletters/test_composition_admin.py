"""The editor's side of composition: validation on save and preview, preview
modes, test sends through the campaign transport, senders per country."""

import re

import pytest
from django.conf import settings
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from newsletters.composition.models import NewsletterPage, SenderIdentity
from newsletters.delivery.sending import MAX_TEST_ADDRESSES
from tests.conftest import assert_permission_denied
from tests.reliability.conftest import free_port
from tests.reliability.smtpd import SMTPServer

from .compose import intro, news, newsletter, translate

pytestmark = pytest.mark.django_db


def form_data(page, body, **fields):
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "subject": fields.pop("subject", page.subject),
            "preheader": fields.pop("preheader", ""),
            "sender": fields.pop("sender", ""),
            "body": streamfield(body),
            "comments": inline_formset([]),
            **fields,
        }
    )


EMPTY_DIGEST = (
    "news_digest",
    {"heading": "Lajme", "country": "", "topic": "", "since": "", "max_items": "5"},
)


@pytest.fixture
def officer(client, team_user):
    user = team_user("XK", "moderator")
    client.force_login(user)
    return user


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def test_saving_an_issue_whose_digest_finds_nothing_shows_the_reason(
    client, officer, programme
):
    page = newsletter(programme, "XK", "sq", [intro("<p>Para</p>")], publish=False)
    response = client.post(edit_url(page), form_data(page, [EMPTY_DIGEST]))
    assert response.status_code == 200
    assert "finds no published news" in response.content.decode()
    assert not page.revisions.exists()  # nothing saved


def test_saving_a_valid_issue_keeps_the_draft(client, officer, programme):
    page = newsletter(programme, "XK", "sq", [intro("<p>Para</p>")], publish=False)
    body = [("intro", rich_text("<p>Mirë se vini, çdo javë</p>"))]
    response = client.post(edit_url(page), form_data(page, body))
    assert response.status_code == 302
    page.refresh_from_db()
    draft = page.get_latest_revision_as_object()
    assert "Mirë se vini, çdo javë" in draft.body[0].value.source


def test_preview_refuses_invalid_content_and_shows_desktop_and_mobile_email(
    client, officer, programme
):
    page = newsletter(programme, "XK", "sq", [intro("<p>Para</p>")], publish=False)
    preview = f"/admin/pages/{page.pk}/edit/preview/"

    response = client.post(preview, form_data(page, [EMPTY_DIGEST]))
    assert response.json()["is_valid"] is False

    news(programme, "XK", "sq", "Lajmi i javës: çfarë ndodhi")
    digest = ("news_digest", {**EMPTY_DIGEST[1], "since": "2000-01-01"})
    response = client.post(preview, form_data(page, [digest]))
    assert response.json()["is_valid"] is True, response.json()

    desktop = client.get(preview, {"mode": "email"})
    html = desktop.content.decode()
    assert desktop.status_code == 200
    assert html.startswith("<!doctype html>")
    assert "Lajmi i javës: çfarë ndodhi" in html
    assert "Përshëndetje Ana," in html
    assert "%%" not in html

    mobile = client.get(preview, {"mode": "email_mobile"}).content.decode()
    assert re.search(r'<iframe[^>]* width="375"', mobile)
    assert "Lajmi i javës: çfarë ndodhi" in mobile  # inside srcdoc

    web = client.get(preview, {"mode": "web"}).content.decode()
    assert "Përshëndetje mik," in web


def test_sender_choices_are_the_issues_country_only(client, officer, programme):
    kosovo = SenderIdentity.objects.create(
        country=programme["countries"]["XK"],
        from_name="Kosovo desk",
        from_email="xk@programme.example",
        postal_address="Prishtinë",
    )
    serbia = SenderIdentity.objects.create(
        country=programme["countries"]["RS"],
        from_name="Serbia desk",
        from_email="rs@programme.example",
        postal_address="Beograd",
    )
    page = newsletter(programme, "XK", "sq", [intro("<p>Para</p>")], publish=False)
    form = client.get(edit_url(page)).content.decode()
    assert "Kosovo desk" in form
    assert "Serbia desk" not in form

    body = [("intro", rich_text("<p>Para</p>"))]
    response = client.post(edit_url(page), form_data(page, body, sender=serbia.pk))
    assert response.status_code == 200
    assert not page.revisions.exists()
    response = client.post(edit_url(page), form_data(page, body, sender=kosovo.pk))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.get_latest_revision_as_object().sender_id == kosovo.pk


@pytest.fixture
def smtp_server(settings):
    port = free_port(8200, 8300)
    with SMTPServer(port) as recorder:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.NEWSLETTER_BACKEND = {"CLASS": "", "OPTIONS": {}}
        yield recorder


def send_test_url(page):
    return f"/admin/composition/pages/{page.pk}/send-test/"


def test_test_send_arrives_by_smtp_with_both_parts_and_the_draft(
    client, officer, programme, smtp_server
):
    item = news(programme, "XK", "sq", "Organizatat në Gjakovë çelin zyrë")
    page = newsletter(
        programme,
        "XK",
        "sq",
        [intro("<p>Përshëndetje nga Prishtina</p>")],
        subject="Buletini: ç'ka të re në Kosovë",
    )
    page.body = [
        intro("<p>Drafti i ri: ëç</p>"),
        {"type": "featured_news", "value": {"page": item.pk, "show_image": False}},
    ]
    page.save_revision()

    response = client.post(
        send_test_url(page), {"addresses": "one@example.org, two@example.org"}
    )
    assert response.status_code == 200
    assert "Sent to one@example.org" in response.content.decode()
    received = smtp_server.to("two@example.org")
    assert len(received) == 1
    message = received[0].parsed()
    assert message["Subject"] == "Buletini: ç'ka të re në Kosovë"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        assert "Drafti i ri: ëç" in part
        assert "Organizatat në Gjakovë çelin zyrë" in part
        assert "%%" not in part
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)
    news_path = "/sq/" + item.url_path.split("/", 2)[2]
    assert any(h.endswith(news_path) for h in hrefs)


def test_test_sends_are_rate_limited_per_user(
    client, officer, programme, smtp_server, settings
):
    settings.NEWSLETTERS_TEST_SENDS_PER_HOUR = 3
    page = newsletter(programme, "XK", "en", [intro("<p>Hi</p>")])
    url = send_test_url(page)
    assert (
        client.post(url, {"addresses": "a@example.org b@example.org"}).status_code
        == 200
    )
    response = client.post(url, {"addresses": "c@example.org d@example.org"})
    assert response.status_code == 429
    assert "Try again in" in response.content.decode()
    assert smtp_server.count() == 2


def test_a_test_send_takes_as_many_addresses_as_the_form_says(
    client, officer, programme, smtp_server
):
    page = newsletter(programme, "XK", "en", [intro("<p>Hi</p>")])
    url = send_test_url(page)
    page_text = client.get(url).content.decode()
    assert f"Up to {MAX_TEST_ADDRESSES} addresses" in page_text
    too_many = [f"r{n}@example.org" for n in range(MAX_TEST_ADDRESSES + 1)]
    response = client.post(url, {"addresses": " ".join(too_many)})
    assert f"At most {MAX_TEST_ADDRESSES} addresses." in response.content.decode()
    assert smtp_server.count() == 0
    response = client.post(url, {"addresses": " ".join(too_many[:-1])})
    assert response.status_code == 200
    assert smtp_server.count() == MAX_TEST_ADDRESSES


def test_test_send_of_invalid_content_or_bad_addresses_is_a_message(
    client, officer, programme, smtp_server
):
    page = newsletter(programme, "XK", "en", [intro("<p>Hi</p>")])
    response = client.post(send_test_url(page), {"addresses": "not-an-address"})
    assert response.status_code == 200
    assert "is not an email address" in response.content.decode()

    page.body = [{"type": "news_digest", "value": {"max_items": 5}}]
    page.save_revision()
    response = client.post(send_test_url(page), {"addresses": "a@example.org"})
    assert response.status_code == 400
    assert "finds no published news" in response.content.decode()
    assert smtp_server.count() == 0


def test_another_countrys_officer_cannot_send_tests(client, team_user, programme):
    page = newsletter(programme, "XK", "en", [intro("<p>Hi</p>")])
    client.force_login(team_user("RS", "moderator"))
    response = client.post(send_test_url(page), {"addresses": "a@example.org"})
    assert response.status_code == 403
    assert client.get(send_test_url(page)).status_code == 403
    assert client.get("/admin/composition/pages/999999/send-test/").status_code == 403


def test_send_test_is_in_the_editors_action_menu(client, officer, programme):
    page = newsletter(programme, "XK", "en", [intro("<p>Hi</p>")])
    assert send_test_url(page) in client.get(edit_url(page)).content.decode()


def test_sender_identities_are_kept_by_superusers(client, officer, admin_client):
    url = "/admin/snippets/newsletters/senderidentity/"
    assert admin_client.get(url).status_code == 200
    assert_permission_denied(client.get(url))


def test_kosovo_issue_in_albanian_translated_previewed_and_test_sent(
    client, officer, admin_user, programme, smtp_server
):
    """The issue's "done when": composed in Albanian, translated to Serbian
    and English, previewed on desktop and phone, test-sent with both parts,
    every character and a working web-version link."""
    item = news(programme, "XK", "sq", "Organizatat në Gjakovë çelin zyrë")
    translate(item, ["sr", "en"], admin_user)
    body = [
        intro("<p>Të dashur partnerë: çështje të reja</p>"),
        {"type": "featured_news", "value": {"page": item.pk, "show_image": False}},
    ]
    source = newsletter(programme, "XK", "sq", body, subject="Buletini i nëntorit")
    texts = {
        "sr": ("Билтен за новембар", "Драги партнери: нова питања"),
        "en": ("November newsletter", "Dear partners: new questions"),
    }
    pages = {"sq": source}
    for code, page in translate(source, ["sr", "en"], admin_user).items():
        subject, greeting = texts[code]
        page.title = page.subject = subject
        page.body = [intro(f"<p>{greeting}</p>"), body[1]]
        page.save_revision().publish()
        pages[code] = page
    expected = {
        "sq": ("Buletini i nëntorit", "Të dashur partnerë: çështje të reja", "sq"),
        "sr": (*texts["sr"], "sr"),
        "en": (*texts["en"], "en"),
    }
    for code, page in pages.items():
        subject, greeting, lang = expected[code]
        draft = f"/admin/pages/{page.pk}/view_draft/"
        desktop = client.get(draft, {"mode": "email"}).content.decode()
        assert f'<html lang="{lang}"' in desktop
        assert f"<title>{subject}</title>" in desktop
        assert greeting in desktop
        mobile = client.get(draft, {"mode": "email_mobile"}).content.decode()
        assert 'width="375"' in mobile and greeting in mobile

    response = client.post(send_test_url(pages["sr"]), {"addresses": "me@example.org"})
    assert response.status_code == 200
    message = smtp_server.to("me@example.org")[0].parsed()
    assert message["Subject"] == "Билтен за новембар"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        assert "Драги партнери: нова питања" in part
        assert "Здраво, пријатељу," in part
        assert "Европске уније" in part  # the disclaimer, in Serbian
    web = re.search(r"Веб верзија: (\S+)", text).group(1)
    assert web.startswith(settings.BASE_URL + "/sr/")
    page = client.get(web.removeprefix(settings.BASE_URL))
    assert page.status_code == 200
    assert "Драги партнери: нова питања" in page.content.decode()


def test_creating_an_issue_validates_it_in_its_section(client, officer, programme):
    from news.structure import section_for

    from .compose import locale

    section = section_for(programme["countries"]["XK"], locale("sq"), "newsletters")
    url = f"/admin/pages/add/newsletters/newsletterpage/{section.pk}/"
    data = nested_form_data(
        {
            "title": "Numri i ri",
            "slug": "numri-i-ri",
            "subject": "Numri i ri: ç'ka të re",
            "preheader": "",
            "sender": "",
            "body": streamfield([EMPTY_DIGEST]),
            "comments": inline_formset([]),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "finds no published news" in response.content.decode()

    news(programme, "XK", "sq", "Lajm i freskët")
    response = client.post(url, data)
    assert response.status_code == 302
    page = NewsletterPage.objects.get(slug="numri-i-ri", locale=section.locale)
    assert page.is_child_of(section)
    assert page.country.translation_key == programme["countries"]["XK"].translation_key


def test_autosave_keeps_a_draft_that_names_a_placeholder_and_saving_explains(
    client, officer, programme
):
    """Typing %%first_name%% in the text paused autosave with a bare 400
    (issue 15, item 12): the autosave now keeps the draft, and an explicit
    save or publish says why the text cannot go out as it is."""
    page = newsletter(programme, "XK", "sq", [intro("<p>Para</p>")], publish=False)
    body = [("intro", rich_text("<p>Përshëndetje %%first_name%%</p>"))]
    response = client.post(
        edit_url(page), form_data(page, body), headers={"accept": "application/json"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["success"] is True
    page.refresh_from_db()
    draft = page.get_latest_revision_as_object()
    assert "%%first_name%%" in draft.body[0].value.source

    response = client.post(edit_url(page), form_data(page, body))
    assert response.status_code == 200
    assert "may not contain %%first_name%%" in response.content.decode()
