"""Demonstration news items and events, with their texts per language
(see news.demo)."""

from wagtail.rich_text import RichText


def paragraphs(*texts):
    """A body of paragraphs, one per text."""
    return [("paragraph", RichText(f"<p>{text}</p>")) for text in texts]


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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
                    "После прве фазе од 2009. до 2013. и друге од 2013. до 2017, "
                    "трећа фаза почела је у јануару 2019.",
                ),
            ),
            "tr": (
                "Programın üçüncü dönemi başladı",
                "Batı Balkanlar ve Türkiye'de sivil topluma teknik destek, "
                "katılımcı demokrasiye odaklanarak sürüyor.",
                paragraphs(
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
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
                paragraphs(
                    "Pjesëmarrësit nga Shkodra, Korça dhe Vlora diskutuan për "
                    "partneritetet ndërkufitare dhe për raportimin financiar.",
                ),
            ),
            "en": (
                "EU funds information day in Tirana",
                "Organisations learnt how to prepare stronger applications for "
                "the new calls.",
                paragraphs(
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
