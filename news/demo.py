"""Demonstration content: countries, organisations, sections, news and events.

The texts are the project's own, written from public facts about the
programme (its phases, its national Resource Centres, its activity types).
Every step looks its object up by a natural key first, so a second run
creates nothing.
"""

import datetime

from django.utils import timezone
from wagtail.models import Locale
from wagtail.rich_text import RichText

from .models import Country, EventPage, NewsPage, Organisation, Topic
from .structure import ensure_sections, section_for
from .teams import ensure_country_teams

# iso code -> (subscriber languages, regional?, {language: name})
COUNTRIES = {
    "AL": (
        ["sq", "en"],
        False,
        {
            "en": "Albania",
            "sq": "Shqipëria",
            "bs": "Albanija",
            "mk": "Албанија",
            "cnr": "Albanija",
            "sr": "Албанија",
            "sr-latn": "Albanija",
            "tr": "Arnavutluk",
        },
    ),
    "BA": (
        ["bs", "sr", "sr-latn", "en"],
        False,
        {
            "en": "Bosnia and Herzegovina",
            "sq": "Bosnja dhe Hercegovina",
            "bs": "Bosna i Hercegovina",
            "mk": "Босна и Херцеговина",
            "cnr": "Bosna i Hercegovina",
            "sr": "Босна и Херцеговина",
            "sr-latn": "Bosna i Hercegovina",
            "tr": "Bosna-Hersek",
        },
    ),
    "XK": (
        ["sq", "sr", "sr-latn", "en"],
        False,
        {
            "en": "Kosovo",
            "sq": "Kosova",
            "bs": "Kosovo",
            "mk": "Косово",
            "cnr": "Kosovo",
            "sr": "Косово",
            "sr-latn": "Kosovo",
            "tr": "Kosova",
        },
    ),
    "MK": (
        ["mk", "sq", "en"],
        False,
        {
            "en": "North Macedonia",
            "sq": "Maqedonia e Veriut",
            "bs": "Sjeverna Makedonija",
            "mk": "Северна Македонија",
            "cnr": "Sjeverna Makedonija",
            "sr": "Северна Македонија",
            "sr-latn": "Severna Makedonija",
            "tr": "Kuzey Makedonya",
        },
    ),
    "ME": (
        ["cnr", "sr-latn", "sq", "en"],
        False,
        {
            "en": "Montenegro",
            "sq": "Mali i Zi",
            "bs": "Crna Gora",
            "mk": "Црна Гора",
            "cnr": "Crna Gora",
            "sr": "Црна Гора",
            "sr-latn": "Crna Gora",
            "tr": "Karadağ",
        },
    ),
    "RS": (
        ["sr", "sr-latn", "en"],
        False,
        {
            "en": "Serbia",
            "sq": "Serbia",
            "bs": "Srbija",
            "mk": "Србија",
            "cnr": "Srbija",
            "sr": "Србија",
            "sr-latn": "Srbija",
            "tr": "Sırbistan",
        },
    ),
    "TR": (
        ["tr", "en"],
        False,
        {
            "en": "Turkey",
            "sq": "Turqia",
            "bs": "Turska",
            "mk": "Турција",
            "cnr": "Turska",
            "sr": "Турска",
            "sr-latn": "Turska",
            "tr": "Türkiye",
        },
    ),
    "EU": (
        ["en", "sq", "bs", "mk", "cnr", "sr", "sr-latn", "tr"],
        True,
        {
            "en": "Regional",
            "sq": "Rajonale",
            "bs": "Regionalno",
            "mk": "Регионално",
            "cnr": "Regionalno",
            "sr": "Регионално",
            "sr-latn": "Regionalno",
            "tr": "Bölgesel",
        },
    ),
}

TOPICS = {
    "social-entrepreneurship": {
        "en": "Social entrepreneurship",
        "sq": "Sipërmarrja sociale",
        "sr": "Друштвено предузетништво",
        "tr": "Sosyal girişimcilik",
    },
    "quality-assurance": {
        "en": "Quality assurance",
        "sq": "Sigurimi i cilësisë",
        "sr": "Обезбеђење квалитета",
        "tr": "Kalite güvencesi",
    },
    "eu-funding": {
        "en": "EU funding",
        "sq": "Fondet e BE-së",
        "sr": "Фондови ЕУ",
        "tr": "AB fonları",
    },
    "migration": {
        "en": "Migration and refugees",
        "sq": "Migrimi dhe refugjatët",
        "sr": "Миграције и избеглице",
        "tr": "Göç ve mülteciler",
    },
}

# (name, kind, country, website, description in English)
ORGANISATIONS = [
    (
        "Partners Albania for Change and Development",
        "cso",
        "AL",
        "https://partnersalbania.org",
        "Supports civic participation and CSO capacity across Albania.",
    ),
    (
        "Albanian Youth Network",
        "network",
        "AL",
        "",
        "A network of youth groups working on participation in local decisions.",
    ),
    (
        "VESTA and Trainers' Network consortium",
        "resource_centre",
        "BA",
        "",
        "National Resource Centre for Bosnia and Herzegovina since October 2014.",
    ),
    (
        "Tuzla Citizens' Forum",
        "cso",
        "BA",
        "",
        "Local CSO working on transparency of municipal budgets.",
    ),
    (
        "Kosovar Civil Society Foundation (KCSF)",
        "resource_centre",
        "XK",
        "https://www.kcsfoundation.org",
        "National Resource Centre for Kosovo, "
        "with more than fifteen years in civil society development.",
    ),
    (
        "Prizren Cultural Heritage Initiative",
        "cso",
        "XK",
        "",
        "Volunteers documenting and restoring heritage sites.",
    ),
    (
        "Macedonian Center for International Cooperation (MCIC)",
        "resource_centre",
        "MK",
        "https://www.mcms.mk",
        "Resource Centre since October 2014; "
        "development, democratisation and emergency relief.",
    ),
    (
        "Ohrid Environmental Society",
        "cso",
        "MK",
        "",
        "Citizen monitoring of Lake Ohrid water quality.",
    ),
    (
        "Center for Development of NGOs (CRNVO)",
        "resource_centre",
        "ME",
        "https://www.crnvo.me",
        "Montenegro's Resource Centre; organiser of the NGO EXPO.",
    ),
    (
        "Nikšić Women's Association",
        "cso",
        "ME",
        "",
        "Economic empowerment of women in the north of Montenegro.",
    ),
    (
        "Civic Initiatives",
        "resource_centre",
        "RS",
        "https://www.gradjanske.org",
        "Serbia's Resource Centre: help desk, field sessions, trainings, mentoring.",
    ),
    (
        "Novi Sad Volunteer Centre",
        "cso",
        "RS",
        "",
        "Brings volunteers and local organisations together.",
    ),
    (
        "Civil Society Development Centre (STGM)",
        "resource_centre",
        "TR",
        "https://www.stgm.org.tr",
        "Hosts the programme's Turkey office; "
        "capacity building for CSOs across Turkey.",
    ),
    (
        "İzmir Solidarity Association",
        "cso",
        "TR",
        "",
        "Neighbourhood solidarity and refugee support in İzmir.",
    ),
]


def _p(*paragraphs):
    return [("paragraph", RichText(f"<p>{text}</p>")) for text in paragraphs]


# Each item: section country, source language, slug, organisation, topics,
# days ago, and its texts per language (the source first).
NEWS = [
    {
        "country": "XK",
        "slug": "kcsf-one-year-resource-centre",
        "organisation": "Kosovar Civil Society Foundation (KCSF)",
        "topics": ["quality-assurance"],
        "days_ago": 3,
        "texts": {
            "sq": (
                "KCSF shënon një vit si Qendër Burimore për shoqërinë civile",
                "Fondacioni i Shoqërisë Civile të Kosovës ka ndihmuar qindra "
                "organizata në Prishtinë, Prizren dhe Gjilan gjatë vitit të parë.",
                _p(
                    "Që nga tetori i vitit 2014, KCSF ofron këshillim, trajnime "
                    "dhe informacion për organizatat e shoqërisë civile në të "
                    "gjithë Kosovën.",
                    "Përveç ngjarjeve informuese, ekipi ka zhvilluar punëtori për "
                    "sigurimin e cilësisë dhe për komunikimin me qytetarët. Çdo "
                    "muaj, zyra e ndihmës përgjigjet në dhjetëra pyetje.",
                ),
            ),
            "en": (
                "KCSF marks one year as Resource Centre for civil society",
                "The Kosovar Civil Society Foundation has helped hundreds of "
                "organisations in Prishtinë, Prizren and Gjilan in its first year.",
                _p(
                    "Since October 2014, KCSF has offered advice, training and "
                    "information to civil society organisations across Kosovo.",
                    "Besides information events, the team has run workshops on "
                    "quality assurance and on communicating with citizens. Each "
                    "month its help desk answers dozens of questions.",
                ),
            ),
        },
    },
    {
        "country": "RS",
        "slug": "civic-initiatives-challenges-opportunities",
        "organisation": "Civic Initiatives",
        "topics": ["eu-funding"],
        "days_ago": 6,
        "texts": {
            "sr": (
                "Грађанске иницијативе: од изазова до прилика",
                "Ресурсни центар у Београду помаже удружењима грађана кроз "
                "службу за помоћ, обуке и менторство.",
                _p(
                    "Удружење Грађанске иницијативе већ деценијама је место коме "
                    "се организације цивилног друштва обраћају за савет.",
                    "У новој улози ресурсног центра тим је покренуо теренске "
                    "сесије у Нишу, Крагујевцу и Новом Саду и прилагођене обуке "
                    "за мала удружења.",
                ),
            ),
            "sr-latn": (
                "Građanske inicijative: od izazova do prilika",
                "Resursni centar u Beogradu pomaže udruženjima građana kroz "
                "službu za pomoć, obuke i mentorstvo.",
                _p(
                    "Udruženje Građanske inicijative već decenijama je mesto kome "
                    "se organizacije civilnog društva obraćaju za savet.",
                    "U novoj ulozi resursnog centra tim je pokrenuo terenske "
                    "sesije u Nišu, Kragujevcu i Novom Sadu i prilagođene obuke "
                    "za mala udruženja.",
                ),
            ),
            "en": (
                "Civic Initiatives: from challenges to opportunities",
                "The Resource Centre in Belgrade helps citizens' associations "
                "through its help desk, training and mentoring.",
                _p(
                    "For decades Civic Initiatives has been where civil society "
                    "organisations turn for advice.",
                    "In its new role as Resource Centre the team started field "
                    "sessions in Niš, Kragujevac and Novi Sad and tailored "
                    "training for small associations.",
                ),
            ),
        },
    },
    {
        "country": "TR",
        "slug": "stgm-stronger-together",
        "organisation": "Civil Society Development Centre (STGM)",
        "topics": ["social-entrepreneurship"],
        "days_ago": 9,
        "texts": {
            "tr": (
                "STGM ile bir yıllık ortaklık: birlikte daha güçlüyüz",
                "İstanbul, Ankara ve Diyarbakır'daki sivil toplum örgütleri "
                "için kapasite geliştirme çalışmaları sürüyor.",
                _p(
                    "Ekim 2014'ten bu yana programın Türkiye ofisi, Sivil Toplum "
                    "Geliştirme Merkezi'nin binasında çalışıyor.",
                    "Bu yıl ışığında düzenlenen eğitimlere yüzlerce gönüllü "
                    "katıldı; İzmir ve Iğdır'daki derneklerle yeni iş birlikleri "
                    "kuruldu.",
                ),
            ),
            "en": (
                "One year of partnership with STGM: stronger together",
                "Capacity-building work continues for civil society "
                "organisations in Istanbul, Ankara and Diyarbakır.",
                _p(
                    "Since October 2014 the programme's Turkey office has been "
                    "based at the Civil Society Development Centre.",
                    "Hundreds of volunteers joined this year's trainings, and new "
                    "partnerships began with associations in İzmir and Iğdır.",
                ),
            ),
        },
    },
    {
        "country": "EU",
        "slug": "third-phase-begins",
        "organisation": None,
        "topics": ["eu-funding"],
        "days_ago": 12,
        "texts": {
            "en": (
                "The programme's third phase begins",
                "Technical assistance to civil society in the Western Balkans "
                "and Turkey continues with a focus on participatory democracy.",
                _p(
                    "After a first phase from 2009 to 2013 and a second from 2013 "
                    "to 2017, the third phase started in January 2019.",
                    "It works with CSOs, networks and public institutions in "
                    "seven countries through peer-to-peer events, training of "
                    "trainers, monitoring and regional conferences.",
                ),
            ),
            "sq": (
                "Fillon faza e tretë e programit",
                "Asistenca teknike për shoqërinë civile në Ballkanin Perëndimor "
                "dhe Turqi vazhdon me fokus në demokracinë pjesëmarrëse.",
                _p(
                    "Pas fazës së parë nga 2009 deri në 2013 dhe të dytës nga 2013 "
                    "deri në 2017, faza e tretë filloi në janar 2019.",
                    "Ajo punon me OSHC-të, rrjetet dhe institucionet publike në "
                    "shtatë vende përmes ngjarjeve P2P, trajnimit të trajnerëve "
                    "dhe konferencave rajonale.",
                ),
            ),
            "sr": (
                "Почиње трећа фаза програма",
                "Техничка подршка цивилном друштву на Западном Балкану и у "
                "Турској наставља се са фокусом на партиципативну демократију.",
                _p(
                    "После прве фазе од 2009. до 2013. и друге од 2013. до 2017, "
                    "трећа фаза почела је у јануару 2019.",
                ),
            ),
            "tr": (
                "Programın üçüncü dönemi başladı",
                "Batı Balkanlar ve Türkiye'de sivil topluma teknik destek, "
                "katılımcı demokrasiye odaklanarak sürüyor.",
                _p(
                    "2009-2013 ve 2013-2017 dönemlerinin ardından üçüncü dönem "
                    "Ocak 2019'da başladı.",
                ),
            ),
        },
    },
    {
        "country": "BA",
        "slug": "vesta-partnership-merges-experience",
        "organisation": "VESTA and Trainers' Network consortium",
        "topics": ["quality-assurance"],
        "days_ago": 15,
        "texts": {
            "bs": (
                "Partnerstvo koje spaja iskustvo",
                "Konzorcij VESTA i Mreža trenera prva su godina kao resursni "
                "centar za Bosnu i Hercegovinu.",
                _p(
                    "Od oktobra 2014. konzorcij pruža obuke, savjete i podršku "
                    "udruženjima u Tuzli, Sarajevu, Mostaru i Banjoj Luci.",
                ),
            ),
        },
    },
    {
        "country": "MK",
        "slug": "mcic-migration-routes-information-event",
        "organisation": "Macedonian Center for International Cooperation (MCIC)",
        "topics": ["migration"],
        "days_ago": 18,
        "texts": {
            "mk": (
                "Информативен настан: актуелни миграциски рути",
                "МЦМС ги собра граѓанските организации што помагаат на "
                "бегалците долж балканската рута.",
                _p(
                    "Како ресурсен центар од октомври 2014, МЦМС ги поврзува "
                    "организациите што даваат хуманитарна помош во Гевгелија и "
                    "Куманово.",
                ),
            ),
        },
    },
    {
        "country": "ME",
        "slug": "ngo-expo-draws-hundreds",
        "organisation": "Center for Development of NGOs (CRNVO)",
        "topics": ["social-entrepreneurship"],
        "days_ago": 21,
        "texts": {
            "cnr": (
                "NVO sajam privukao stotine posjetilaca",
                "Više od šezdeset organizacija predstavilo je svoj rad na "
                "sajmu u Podgorici.",
                _p(
                    "CRNVO i kancelarija programa u Crnoj Gori organizovali su "
                    "sajam posvećen vidljivosti i društvenom preduzetništvu.",
                ),
            ),
        },
    },
    {
        "country": "AL",
        "slug": "eu-funds-information-day-tirana",
        "organisation": "Partners Albania for Change and Development",
        "topics": ["eu-funding"],
        "days_ago": 24,
        "texts": {
            "sq": (
                "Ditë informimi për fondet e BE-së në Tiranë",
                "Organizatat mësuan si të përgatisin aplikime më të forta për "
                "thirrjet e reja.",
                _p(
                    "Pjesëmarrësit nga Shkodra, Korça dhe Vlora diskutuan për "
                    "partneritetet ndërkufitare dhe për raportimin financiar.",
                ),
            ),
            "en": (
                "EU funds information day in Tirana",
                "Organisations learnt how to prepare stronger applications for "
                "the new calls.",
                _p(
                    "Participants from Shkodër, Korçë and Vlorë discussed "
                    "cross-border partnerships and financial reporting.",
                ),
            ),
        },
    },
]

EVENTS = [
    {
        "country": "MK",
        "slug": "training-of-trainers-skopje",
        "type": "tot",
        "days_ahead": 20,
        "hours": 7,
        "city": "Skopje",
        "venue": "MCIC hall",
        "tz": "Europe/Skopje",
        "organiser": "Macedonian Center for International Cooperation (MCIC)",
        "languages": ["mk", "en"],
        "texts": {
            "en": (
                "Training of trainers: facilitating CSO coalitions",
                "Three days for trainers who support CSO networks.",
            ),
            "mk": (
                "Обука за обучувачи: водење коалиции на граѓански организации",
                "Три дена за обучувачи што ги поддржуваат мрежите.",
            ),
        },
    },
    {
        "country": "TR",
        "slug": "p2p-istanbul-volunteering",
        "type": "p2p",
        "days_ahead": 35,
        "hours": 6,
        "city": "İstanbul",
        "venue": "STGM",
        "tz": "Europe/Istanbul",
        "organiser": "Civil Society Development Centre (STGM)",
        "languages": ["tr", "en"],
        "texts": {
            "tr": (
                "P2P etkinliği: gönüllülük yönetimi",
                "Bölgeden kuruluşlar gönüllülük deneyimlerini paylaşıyor.",
            ),
            "en": (
                "P2P event: managing volunteers",
                "Organisations from the region share how they work with volunteers.",
            ),
        },
    },
    {
        "country": "XK",
        "slug": "information-event-prishtina",
        "type": "information",
        "days_ahead": 10,
        "hours": 3,
        "city": "Prishtinë",
        "venue": "KCSF",
        "tz": "Europe/Belgrade",
        "organiser": "Kosovar Civil Society Foundation (KCSF)",
        "languages": ["sq"],
        "texts": {
            "sq": (
                "Ngjarje informuese: thirrjet e reja për OSHC-të",
                "Çfarë duhet të dinë organizatat para se të aplikojnë.",
            ),
        },
    },
    {
        "country": "RS",
        "slug": "conference-belgrade-civic-space",
        "type": "conference",
        "days_ahead": 50,
        "hours": 8,
        "city": "Београд",
        "venue": "Дом омладине",
        "tz": "Europe/Belgrade",
        "organiser": "Civic Initiatives",
        "languages": ["sr", "en"],
        "texts": {
            "sr": (
                "Конференција: простор за деловање цивилног друштва",
                "Регионална конференција о законодавству и финансирању.",
            ),
        },
    },
    {
        "country": "EU",
        "slug": "online-workshop-monitoring",
        "type": "workshop",
        "days_ahead": 14,
        "hours": 2,
        "online": True,
        "tz": "Europe/Belgrade",
        "organiser": None,
        "languages": ["en"],
        "texts": {
            "en": (
                "Online workshop: monitoring public policies",
                "A practical session on monitoring tools for CSOs.",
            ),
        },
    },
]


def load(log):
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    countries = _ensure_countries(locales)
    topics = _ensure_topics(locales)
    organisations = _ensure_organisations(countries["en"])
    ensure_sections()
    news_sections = _sections(locales, countries, "news")
    event_sections = _sections(locales, countries, "events")
    ensure_country_teams()
    created = _ensure_news(locales, news_sections, organisations, topics)
    created += _ensure_events(locales, event_sections, organisations, countries)
    log(
        f"news: {len(COUNTRIES)} countries, {len(TOPICS)} topics, "
        f"{len(organisations)} organisations, {created} new pages."
    )


def _ensure_countries(locales):
    """{language: {iso: Country}} with every country in every locale."""
    result = {code: {} for code in locales}
    for iso, (languages, regional, names) in COUNTRIES.items():
        source = Country.objects.filter(iso_code=iso, locale=locales["en"]).first()
        if source is None:
            source = Country.objects.create(
                iso_code=iso,
                name=names["en"],
                languages=languages,
                is_regional=regional,
                locale=locales["en"],
            )
        for code, locale in locales.items():
            country = source.get_translation_or_none(locale)
            if country is None:
                country = source.copy_for_translation(locale)
                country.name = names.get(code, names["en"])
                country.save()
            result[code][iso] = country
    return result


def _ensure_topics(locales):
    result = {}
    for slug, names in TOPICS.items():
        source = Topic.objects.filter(slug=slug, locale=locales["en"]).first()
        if source is None:
            source = Topic.objects.create(
                slug=slug, name=names["en"], locale=locales["en"]
            )
        result[slug] = {"en": source}
        for code, name in names.items():
            if code == "en":
                continue
            topic = source.get_translation_or_none(locales[code])
            if topic is None:
                topic = source.copy_for_translation(locales[code])
                topic.name = name
                topic.save()
            result[slug][code] = topic
    return result


def _ensure_organisations(countries):
    result = {}
    for name, kind, iso, website, description in ORGANISATIONS:
        organisation, _created = Organisation.objects.get_or_create(
            name=name,
            locale=countries[iso].locale,
            defaults={
                "kind": kind,
                "country": countries[iso],
                "website": website,
                "description": description,
                "verified": True,
            },
        )
        result[name] = organisation
    return result


def _sections(locales, countries, key):
    """{language: {iso: section}}."""
    return {
        code: {
            iso: section_for(country, locales[code], key)
            for iso, country in countries[code].items()
        }
        for code in locales
    }


def _translate_page(source, locale, **fields):
    """The published translation of ``source`` in ``locale``, made if missing."""
    translation = source.get_translation_or_none(locale)
    if translation is not None:
        return translation.specific
    translation = source.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    return translation


def _ensure_news(locales, sections, organisations, topics):
    created = 0
    today = timezone.localdate()
    for item in NEWS:
        languages = list(item["texts"])
        source_language = languages[0]
        parent = sections[source_language][item["country"]]
        source = NewsPage.objects.filter(
            locale=locales[source_language], slug=item["slug"]
        ).first()
        if source is None:
            title, lead, body = item["texts"][source_language]
            organisation = organisations.get(item["organisation"])
            source = parent.add_child(
                instance=NewsPage(
                    title=title,
                    slug=item["slug"],
                    date=today - datetime.timedelta(days=item["days_ago"]),
                    lead=lead,
                    body=body,
                    organisation=organisation,
                )
            )
            source.topics.set(
                topics[slug].get(source_language, topics[slug]["en"])
                for slug in item["topics"]
            )
            source.save_revision().publish()
            created += 1
        for code in languages[1:]:
            if source.get_translation_or_none(locales[code]) is None:
                title, lead, body = item["texts"][code]
                _translate_page(
                    source, locales[code], title=title, lead=lead, body=body
                )
                created += 1
    return created


def _ensure_events(locales, sections, organisations, countries):
    created = 0
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for item in EVENTS:
        languages = list(item["texts"])
        source_language = languages[0]
        parent = sections[source_language][item["country"]]
        source = EventPage.objects.filter(
            locale=locales[source_language], slug=item["slug"]
        ).first()
        if source is None:
            title, intro = item["texts"][source_language]
            start = now.replace(hour=9) + datetime.timedelta(days=item["days_ahead"])
            online = item.get("online", False)
            source = parent.add_child(
                instance=EventPage(
                    title=title,
                    slug=item["slug"],
                    event_type=item["type"],
                    start=start,
                    end=start + datetime.timedelta(hours=item["hours"]),
                    time_zone=item["tz"],
                    is_online=online,
                    venue=item.get("venue", ""),
                    city=item.get("city", ""),
                    venue_country=None if online else countries["en"][item["country"]],
                    organiser=organisations.get(item["organiser"]),
                    registration_url="https://example.org/register/" + item["slug"],
                    registration_deadline=start - datetime.timedelta(days=3),
                    languages=item["languages"],
                    description=_p(intro),
                )
            )
            source.save_revision().publish()
            created += 1
        for code in languages[1:]:
            if source.get_translation_or_none(locales[code]) is None:
                title, intro = item["texts"][code]
                _translate_page(
                    source, locales[code], title=title, description=_p(intro)
                )
                created += 1
    return created
