"""The structure every installation has: a locale per content language and a
published home page per locale, the default site rooted at the English one.

Run after every migrate (see apps.py), idempotent.
"""

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from .locales import content_language_codes

HOME_TITLES = {
    "en": "Civil Society Programme",
    "sq": "Programi për Shoqërinë Civile",
    "bs": "Program za civilno društvo",
    "mk": "Програма за граѓанско општество",
    "cnr": "Program za civilno društvo",
    "sr": "Програм за цивилно друштво",
    "sr-latn": "Program za civilno društvo",
    "tr": "Sivil Toplum Programı",
}


def ensure_locales():
    return {
        code: Locale.objects.get_or_create(language_code=code)[0]
        for code in content_language_codes()
    }


@transaction.atomic
def ensure_home_pages():
    """Return {language_code: HomePage}, creating and publishing what is missing."""
    from .models import HomePage

    locales = ensure_locales()
    default = locales[settings.LANGUAGE_CODE]
    # `flush` empties the tree, Wagtail's root too, then sends post_migrate.
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=default)
    )
    source = HomePage.objects.filter(locale=default, depth=2).first()
    if source is None:
        _remove_wagtail_welcome_page(root)
        source = root.add_child(
            instance=HomePage(
                title=HOME_TITLES.get(
                    default.language_code, settings.WAGTAIL_SITE_NAME
                ),
                slug="home",
                locale=default,
            )
        )
        source.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=source,
            is_default_site=True,
            site_name=settings.WAGTAIL_SITE_NAME,
        )
    # An existing default Site is the operator's (root page, host name, port,
    # name): this runs after every `migrate` and leaves it as it is.

    homes = {default.language_code: source}
    for code, locale in locales.items():
        if code == default.language_code:
            continue
        home = HomePage.objects.filter(
            locale=locale, translation_key=source.translation_key
        ).first()
        if home is None:
            home = source.copy_for_translation(locale)
            home.title = HOME_TITLES.get(code, source.title)
            home.slug = f"home-{code}"
            home.save_revision().publish()
        homes[code] = home
    return homes


def _remove_wagtail_welcome_page(root):
    """Wagtail's first migration leaves a placeholder page; it has no place here."""
    placeholder = root.get_children().filter(
        depth=2, content_type__model="page", content_type__app_label="wagtailcore"
    )
    for page in placeholder:
        if not page.get_children().exists():
            Site.objects.filter(root_page=page).delete()
            page.delete()
