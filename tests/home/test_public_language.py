"""Public pages are in the language of their URL: strings, country and list
names, language names (each in its own language) and defaults (issue 15
item 7)."""

import re
from html import unescape

from wagtail.models import Locale

from home.locales import language_endonyms
from news.models import Country
from newsletters.audience.models import Subscriber
from tests.newsletters.conftest import HUMAN, make_lists
from tests.newsletters.test_flows import link_in

ENDONYMS = {
    "en": "English",
    "sq": "Shqip",
    "bs": "Bosanski",
    "mk": "Македонски",
    "cnr": "Crnogorski",
    "sr": "Српски",
    "sr-latn": "Srpski (latinica)",
    "tr": "Türkçe",
}
ENGLISH = [
    "Send news to the programme",
    "Your name",
    "Your email",
    "Language of your text",
    "Send for review",
    "Thank you",
    "Subscribe to the newsletter",
    "Subscribe",
    "Countries",
    "Kosovo newsletter",
]


def translate_country(country, language_code, name):
    locale = Locale.objects.get(language_code=language_code)
    return Country.objects.create(
        iso_code=country.iso_code,
        name=name,
        languages=country.languages,
        locale=locale,
        translation_key=country.translation_key,
        is_regional=country.is_regional,
    )


def visible_text(response):
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "\n", html))


def options(response, name):
    """(value, label, selected) of the options of select ``name``."""
    html = response.content.decode()
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return [
        (value, unescape(label).strip(), "selected" in attrs)
        for value, attrs, label in re.findall(
            r'<option value="([^"]*)"([^>]*)>(.*?)</option>', select.group(1), re.S
        )
    ]


def assert_no_english(response):
    lines = {line.strip() for line in visible_text(response).splitlines()}
    leftovers = [s for s in ENGLISH if s in lines or f"{s}:" in lines]
    assert not leftovers, leftovers


def test_language_endonyms_are_each_in_their_own_language():
    assert language_endonyms() == ENDONYMS


def test_albanian_submission_page_and_thank_you_are_albanian(client, programme):
    translate_country(programme["countries"]["XK"], "sq", "Kosova")
    response = client.get("/sq/submit-news/")
    assert response.status_code == 200
    assert_no_english(response)
    text = visible_text(response)
    assert "Dërgoni lajme në program" in text
    assert "Dërgo për shqyrtim" in text
    countries = {value: label for value, label, _ in options(response, "country")}
    assert countries["XK"] == "Kosova"
    languages = options(response, "language")
    assert {value: label for value, label, _ in languages} == {
        code: ENDONYMS[code] for code, _label, _s in languages
    }
    assert [value for value, _l, selected in languages if selected] == ["sq"]

    response = client.post(
        "/sq/submit-news/",
        {
            "submitter_name": "Arbër Gashi",
            "submitter_email": "arber@example.org",
            "country": "XK",
            "language": "sq",
            "new_organisation_name": "Shoqata e të rinjve",
            "title": "Punëtori në Gjilan",
            "text": "Çdo vit organizojmë një punëtori.",
            "consent": "on",
        },
        **HUMAN,
    )
    assert response.status_code == 200, visible_text(response)
    assert_no_english(response)
    assert "Faleminderit" in visible_text(response)


def test_serbian_subscribe_page_is_serbian_with_serbian_defaults(
    client, programme, mailoutbox, django_capture_on_commit_callbacks
):
    lists = make_lists(programme["countries"])
    translate_country(programme["countries"]["XK"], "sr", "Косово")
    response = client.get("/sr/newsletter/subscribe/")
    assert response.status_code == 200
    assert_no_english(response)
    text = visible_text(response)
    assert "Пријавите се на билтен" in text
    assert "Косово" in text
    languages = options(response, "language")
    assert {value: label for value, label, _ in languages} == {
        code: ENDONYMS[code] for code, _label, _s in languages
    }
    assert [value for value, _l, selected in languages if selected] == ["sr"]

    # The lists a subscriber sees are named in the page's language.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/sr/newsletter/subscribe/",
            {
                "email": "milica@example.org",
                "countries": ["XK"],
                "language": "sr",
                "consent": "on",
                "website": "",
            },
            **HUMAN,
        )
    assert response.status_code == 200
    assert_no_english(response)
    assert Subscriber.objects.get().language == "sr"
    response = client.get(link_in(mailoutbox[0]))
    assert response.status_code == 200
    assert_no_english(response)
    assert "Билтен: Косово" in visible_text(response)
    assert lists["XK"].localised_name("en") == "Kosovo newsletter"
