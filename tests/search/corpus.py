"""The search corpus: a purpose-written item in every content language
(news, organisations, newsletters), built once per test module."""

import datetime

from wagtail.models import Locale

from news.models import Country, NewsPage, Organisation
from news.structure import section_for
from newsletters.composition.models import NewsletterPage

# (key, country, locale, title, lead)
NEWS = [
    ("bg-volunteers", "RS", "sr",
     "Удружење грађана у Београду покреће волонтерски програм",
     "Млади волонтери помажу старијим суграђанима у Земуну и на Новом Београду."),
    ("nis-training", "RS", "sr-latn",
     "Udruženje građana iz Niša organizuje obuku za pisanje projekata",
     "Obuka traje tri dana i namenjena je malim organizacijama."),
    ("ist-meeting", "TR", "tr",
     "İSTANBUL'da sivil toplum buluşması",
     "İstanbul ve İzmir'deki dernekler gönüllülük üzerine deneyim paylaştı."),
    ("igdir-volunteers", "TR", "tr",
     "Iğdır'da gençler için gönüllülük atölyesi",
     "Doğu Anadolu'daki ilk atölyeye kırk genç katıldı."),
    ("kosovo-fund", "XK", "sq",
     "Shoqëria civile në Kosovë mbledh fonde për çdo fshat",
     "Organizatat nga Prizreni dhe Gjakova bashkëpunojnë për herë të parë."),
    ("tuzla-env", "BA", "bs",
     "Društvo za zaštitu okoliša iz Tuzle sadi hiljadu stabala",
     "Akcija je okupila škole i mjesne zajednice."),
    ("ohrid-citizens", "MK", "mk",
     "Здружение на граѓани од Охрид ја чисти крајбрежјето",
     "Волонтерите собраа отпад долж Охридското Езеро."),
    ("podgorica-ngos", "ME", "cnr",
     "Nevladine organizacije u Podgorici traže veću transparentnost",
     "Okrugli sto o budžetu glavnog grada održan je u četvrtak."),
    ("tot-regional", "EU", "en",
     "Training of trainers for resource centres across the region",
     "Twenty trainers from seven countries met for a week of practice."),
    ("belgrade-en", "RS", "en",
     "Belgrade volunteers share their experience",
     "A short report in English about a programme in Serbia."),
]  # fmt: skip

ORGANISATIONS = [
    ("Kosovar Civil Society Foundation", "XK",
     "Resource Centre in Prishtinë for organisations across Kosovo."),
    ("Fondacija za razvoj zajednice Tuzla", "BA",
     "Podrška udruženjima u sjeveroistočnoj Bosni."),
]  # fmt: skip

# (key, country, locale, title, subject, intro)
NEWSLETTERS = [
    ("nl-rs-oct", "RS", "sr", "Билтен за октобар",
     "Билтен: грађанске иницијативе у Крагујевцу",
     "Ове недеље пишемо о локалним фондовима и учешћу грађана."),
    ("nl-tr-kasim", "TR", "tr", "Kasım bülteni",
     "Kasım bülteni: Diyarbakır'da katılımcı bütçe",
     "Yerel yönetimlerle işbirliği ve gönüllü ağları üzerine haberler."),
    ("nl-xk-nentor", "XK", "sq", "Buletini i nëntorit",
     "Buletini: çështjet mjedisore në Ferizaj",
     "Organizatat e shoqërisë civile raportojnë për ujërat e zeza."),
]  # fmt: skip

COUNTRY_NAMES = {
    "RS": "Serbia", "XK": "Kosovo", "TR": "Turkey", "BA": "Bosnia and Herzegovina",
    "MK": "North Macedonia", "ME": "Montenegro", "EU": "Regional",
}  # fmt: skip


def build_corpus():
    en = Locale.objects.get(language_code="en")
    countries = {
        iso: Country.objects.create(
            iso_code=iso, name=name, locale=en, is_regional=iso == "EU"
        )
        for iso, name in COUNTRY_NAMES.items()
    }
    keys = {}
    for key, iso, code, title, lead in NEWS:
        section = section_for(countries[iso], Locale.objects.get(language_code=code))
        page = section.add_child(
            instance=NewsPage(
                title=title, slug=key, date=datetime.date(2026, 10, 1), lead=lead
            )
        )
        page.save_revision().publish()
        keys[("news", page.pk)] = key
    for name, iso, description in ORGANISATIONS:
        organisation = Organisation.objects.create(
            name=name,
            kind="cso",
            country=countries[iso],
            description=description,
            verified=True,
            locale=en,
        )
        keys[("organisation", organisation.pk)] = f"org:{name}"
    for key, iso, code, title, subject, intro in NEWSLETTERS:
        section = section_for(
            countries[iso], Locale.objects.get(language_code=code), "newsletters"
        )
        page = section.add_child(
            instance=NewsletterPage(
                title=title,
                slug=key,
                subject=subject,
                body=[("intro", f"<p>{intro}</p>")],
            )
        )
        page.save_revision().publish()
        keys[("newsletter", page.pk)] = key
    return {"countries": countries, "keys": keys}
