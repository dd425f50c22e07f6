import io

import pytest
from django.apps import apps
from django.core.management import call_command

from home.management.commands.load_demo_data import Command
from news.models import Country, EventPage, NewsPage, Organisation

pytestmark = pytest.mark.django_db


def count_everything():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def test_load_demo_data_twice_leaves_the_same_objects(monkeypatch, capsys):
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    call_command("load_demo_data")
    first_output = capsys.readouterr().out
    first = count_everything()
    call_command("load_demo_data")
    second_output = capsys.readouterr().out
    assert count_everything() == first
    assert "with password:" in first_output
    assert "with password:" not in second_output

    assert Country.objects.filter(locale__language_code="en").count() == 8
    assert (
        Country.objects.get(iso_code="XK", locale__language_code="en").name == "Kosovo"
    )
    assert (
        Country.objects.get(iso_code="XK", locale__language_code="sr").name == "Косово"
    )
    for country in Country.objects.filter(
        locale__language_code="en", is_regional=False
    ):
        kinds = set(
            Organisation.objects.filter(country__iso_code=country.iso_code).values_list(
                "kind", flat=True
            )
        )
        assert len(kinds) >= 2, country
    live_news = NewsPage.objects.live()
    for code in ("en", "sq", "sr", "tr"):
        assert live_news.filter(locale__language_code=code).exists(), code
        assert EventPage.objects.live().filter(locale__language_code=code).exists() or (
            code == "sq"
        )
    assert EventPage.objects.live().filter(locale__language_code="sq").exists()
    kcsf = NewsPage.objects.get(
        slug="kcsf-one-year-resource-centre", locale__language_code="sq"
    )
    assert kcsf.country.iso_code == "XK"
    assert "ë" in kcsf.title


def test_admin_password_from_environment(monkeypatch, django_user_model):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "a-chosen-password")
    command = Command(stdout=io.StringIO())
    command._ensure_admin()
    assert "a-chosen-password" not in command.stdout.getvalue()
    admin = django_user_model.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password("a-chosen-password")
