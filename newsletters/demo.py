"""Demonstration data: one public list per country and one regional; a Kosovo
issue composed in Albanian with its Serbian and English translations, and a
regional issue in English. Idempotent."""

from django.conf import settings
from wagtail.models import Locale

from news.models import Country, NewsPage
from news.structure import section_for

from .audience.models import MailingList
from .composition.models import NewsletterPage, SenderIdentity


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
    log(f"Newsletters: {_ensure_newsletters()} created.")


KOSOVO_SLUG = "kosovo-november"
REGIONAL_SLUG = "regional-november"

# language: (title, subject, preheader, intro, digest heading, note)
KOSOVO = {
    "sq": (
        "Buletini i Kosovës: nëntor",
        "Shoqëria civile në Kosovë: çfarë ka të re në nëntor",
        "Një vit Qendër Burimore dhe lajme nga rajoni",
        "<p>Të dashur partnerë, në këtë numër: viti i parë i KCSF-së si "
        "Qendër Burimore dhe lajmet më të reja nga organizatat e rajonit.</p>",
        "Lajme nga rajoni",
        "Zyra e programit në Prishtinë është e hapur çdo ditë pune, 9:00–17:00.",
    ),
    "sr": (
        "Билтен за Косово: новембар",
        "Цивилно друштво на Косову: шта је ново у новембру",
        "Година дана Ресурсног центра и вести из региона",
        "<p>Драги партнери, у овом броју: прва година KCSF-а као Ресурсног "
        "центра и најновије вести организација из региона.</p>",
        "Вести из региона",
        "Канцеларија програма у Приштини ради сваког радног дана, 9:00–17:00.",
    ),
    "en": (
        "Kosovo newsletter: November",
        "Civil society in Kosovo: what is new in November",
        "A year as Resource Centre, and news from the region",
        "<p>Dear partners, in this issue: KCSF's first year as Resource "
        "Centre and the latest news from organisations across the region.</p>",
        "News from the region",
        "The programme office in Prishtinë is open every working day, 9:00–17:00.",
    ),
}


def _kosovo_body(texts, featured, regional):
    _title, _subject, _pre, intro, heading, note = texts
    body = [{"type": "intro", "value": intro}]
    if featured is not None:
        body.append(
            {
                "type": "featured_news",
                "value": {"page": featured.pk, "show_image": True},
            }
        )
    body += [
        {
            "type": "news_digest",
            "value": {"heading": heading, "country": regional.pk, "max_items": 5},
        },
        {"type": "divider", "value": None},
        {"type": "note", "value": {"text": note}},
    ]
    return body


def _ensure_newsletters():
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    en = locales[settings.LANGUAGE_CODE]
    kosovo = Country.objects.filter(iso_code="XK", locale=en).first()
    regional = Country.objects.filter(iso_code="EU", locale=en).first()
    if kosovo is None or regional is None or "sq" not in locales:
        return 0
    created = 0
    sender, _new = SenderIdentity.objects.get_or_create(
        country=kosovo,
        from_email="kosovo@newsletter.localhost",
        defaults={
            "from_name": "Civil Society Programme · Kosovo",
            "postal_address": "Programme office\nPrishtinë, Kosovo",
        },
    )
    featured = NewsPage.objects.filter(
        slug="kcsf-one-year-resource-centre", locale=locales["sq"]
    ).first()

    source = NewsletterPage.objects.filter(
        slug=KOSOVO_SLUG, locale=locales["sq"]
    ).first()
    if source is None:
        title, subject, preheader, *_rest = KOSOVO["sq"]
        source = section_for(kosovo, locales["sq"], "newsletters").add_child(
            instance=NewsletterPage(
                title=title,
                slug=KOSOVO_SLUG,
                subject=subject,
                preheader=preheader,
                sender=sender,
                body=_kosovo_body(KOSOVO["sq"], featured, regional),
            )
        )
        source.save_revision().publish()
        created += 1
    for code in ("sr", "en"):
        if code in locales and source.get_translation_or_none(locales[code]) is None:
            section_for(kosovo, locales[code], "newsletters")
            translation = source.copy_for_translation(locales[code])
            title, subject, preheader, *_rest = KOSOVO[code]
            translation.title = title
            translation.subject = subject
            translation.preheader = preheader
            translation.body = _kosovo_body(KOSOVO[code], featured, regional)
            translation.save_revision().publish()
            created += 1

    if not NewsletterPage.objects.filter(slug=REGIONAL_SLUG, locale=en).exists():
        page = section_for(regional, en, "newsletters").add_child(
            instance=NewsletterPage(
                title="Regional newsletter: November",
                slug=REGIONAL_SLUG,
                subject="Civil society across the region: November",
                preheader="News and events from seven countries",
                body=[
                    {
                        "type": "intro",
                        "value": "<p>News and events from civil society in "
                        "Albania, Bosnia and Herzegovina, Kosovo, North "
                        "Macedonia, Montenegro, Serbia and Turkey.</p>",
                    },
                    {
                        "type": "news_digest",
                        "value": {"heading": "Latest news", "max_items": 10},
                    },
                    {
                        "type": "upcoming_events",
                        "value": {"heading": "Coming up", "days": 60, "max_items": 5},
                    },
                    {
                        "type": "button",
                        "value": {
                            "text": "Subscribe a colleague",
                            "url": f"{settings.BASE_URL}/en/newsletter/subscribe/",
                        },
                    },
                ],
            )
        )
        page.save_revision().publish()
        created += 1
    return created
