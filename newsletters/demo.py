"""Demonstration lists: one public list per country and one regional, idempotent."""

from django.conf import settings

from news.models import Country

from .models import MailingList


def load(log):
    created = 0
    for country in Country.objects.filter(locale__language_code=settings.LANGUAGE_CODE):
        if MailingList.objects.filter(country=country, is_public=True).exists():
            continue
        languages = country.languages or [settings.LANGUAGE_CODE]
        MailingList.objects.create(
            name=f"{country.name} newsletter",
            country=country,
            languages=languages,
            default_language=languages[0],
        )
        created += 1
    log(f"Mailing lists: {created} created.")
