from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_structure(sender, using="default", **kwargs):
    from .setup import ensure_home_pages

    if using == "default":
        ensure_home_pages()


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Home and site settings"

    def ready(self):
        from wagtail.models import PageViewRestriction, Site

        from .api_cache import connect_page_signals, invalidate_on_change

        connect_page_signals()
        # A page made private, or a site re-rooted, must leave cached
        # responses at once.
        invalidate_on_change(PageViewRestriction, Site)
        post_migrate.connect(
            _ensure_structure, sender=self, dispatch_uid="home.ensure_structure"
        )
