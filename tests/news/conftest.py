import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from wagtail.models import Locale

from news.models import Country, CountryTeam, Organisation
from news.structure import ensure_sections
from news.teams import ensure_country_teams, team_name

COUNTRIES = {
    "XK": ("Kosovo", ["sq", "sr", "en"]),
    "RS": ("Serbia", ["sr", "sr-latn", "en"]),
}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the shared cache; each test starts at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def programme(db):
    """Kosovo and Serbia with sections in every locale, teams and workflows."""
    en = Locale.objects.get(language_code="en")
    countries = {
        iso: Country.objects.create(
            iso_code=iso, name=name, languages=languages, locale=en
        )
        for iso, (name, languages) in COUNTRIES.items()
    }
    ensure_sections()
    ensure_country_teams()
    organisations = {
        "KCSF": Organisation.objects.create(
            name="Kosovar Civil Society Foundation",
            kind=Organisation.Kind.RESOURCE_CENTRE,
            country=countries["XK"],
            verified=True,
            locale=en,
        ),
        "CI": Organisation.objects.create(
            name="Civic Initiatives",
            kind=Organisation.Kind.RESOURCE_CENTRE,
            country=countries["RS"],
            verified=True,
            locale=en,
        ),
    }
    return {"countries": countries, "organisations": organisations}


@pytest.fixture
def team_user(django_user_model, programme):
    """Make a user in a country's team: team_user("XK", "moderator")."""

    def make(iso, role, username=None):
        country = programme["countries"][iso]
        user = django_user_model.objects.create_user(
            username=username or f"{iso.lower()}-{role}",
            email=f"{iso.lower()}-{role}@example.org",
            password="pw",  # noqa: S106
        )
        user.groups.add(Group.objects.get(name=team_name(country, role)))
        assert CountryTeam.objects.filter(group__user=user).exists()
        return user

    return make
