"""Demonstration countries, topics and organisations (see news.demo)."""

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
