import pytest
from django.core import mail
from wagtail.models import Locale

from news.models import Country
from newsletters.audience.models import MailingList

HUMAN = {"HTTP_USER_AGENT": "Mozilla/5.0 (test browser)", "REMOTE_ADDR": "203.0.113.7"}
LISTS = {
    "XK": ("Kosovo", "Kosovo newsletter", ["sq", "sr", "en"], "sq"),
    "RS": ("Serbia", "Serbia newsletter", ["sr", "sr-latn", "en"], "sr"),
    "EU": ("Regional", "Regional newsletter", ["en", "sq", "sr-latn", "tr"], "en"),
}


def make_lists(countries):
    """Public lists of Kosovo, Serbia and the region, on ``countries`` where
    given (the programme fixture's, with teams), else on new country rows."""
    en = Locale.objects.get(language_code="en")
    lists = {}
    for iso, (country_name, name, languages, default) in LISTS.items():
        country = countries.get(iso) or Country.objects.create(
            iso_code=iso,
            name=country_name,
            languages=languages,
            locale=en,
            is_regional=iso == "EU",
        )
        lists[iso] = MailingList.objects.create(
            name=name, country=country, languages=languages, default_language=default
        )
    return lists


@pytest.fixture
def lists(db):
    """Lists without the page structure and teams (quick)."""
    return make_lists({})


@pytest.fixture
def team_lists(programme):
    """Lists of the programme's countries, whose teams exist."""
    return make_lists(programme["countries"])


@pytest.fixture
def outbox():
    mail.outbox = []
    return mail.outbox
