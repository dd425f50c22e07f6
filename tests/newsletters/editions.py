"""Editions for sending tests, built directly (no MJML), in several scripts."""

import html

from newsletters.composition.rendering import Edition

SAMPLES = {
    "sr": ("Билтен: грађанско друштво", "Здраво %%first_name%%", "пријатељу"),
    "mk": ("Билтен: граѓанско општество", "Здраво %%first_name%%", "пријателе"),
    "tr": ("Bülten: İstanbul'da sivil toplum ılık", "Merhaba %%first_name%%", "dostum"),
    "sq": ("Buletini: shoqëria civile çdo javë", "Përshëndetje %%first_name%%", "mik"),
    "en": ("Newsletter: civil society", "Hello %%first_name%%", "friend"),
}


def make_edition(language="sr", page_id=1, long_paragraph=True, **overrides):
    subject, greeting, fallback = SAMPLES.get(language, SAMPLES["en"])
    paragraph = (greeting.split()[0] + " ıİ ëç ђж ") * (60 if long_paragraph else 1)
    html = (
        "<!doctype html><html><body>"
        f"<p>{greeting},</p><p>{paragraph}</p>"
        '<p><a href="%%unsubscribe_url%%">unsubscribe</a> · '
        '<a href="%%preferences_url%%">preferences</a></p></body></html>\n'
    )
    text = (
        f"{greeting},\n\n{paragraph}\n\nUnsubscribe: %%unsubscribe_url%%\n"
        "Preferences: %%preferences_url%%\n"
    )
    fields = {
        "page_id": page_id,
        "language": language,
        "subject": subject,
        "preheader": "",
        "html": html,
        "text": text,
        "from_name": "Програм ëç",
        "from_email": "news@example.org",
        "reply_to": "",
        "web_url": f"http://testserver/{language}/newsletters/1/",
        "first_name_fallback": fallback,
    }
    fields.update(overrides)
    return Edition(**fields)


def substituted(template, values, escape):
    for name, value in values.items():
        token = "%%" + name + "%%"
        template = template.replace(token, html.escape(value) if escape else value)
    return template
