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
        from .translation.actions import install as guard_review

        # Translations go live only through their language's review, on
        # every path to Wagtail's page actions (home.translation.actions).
        guard_review()
        connect_page_signals()
        # A page made private, or a site re-rooted, must leave cached
        # responses at once.
        invalidate_on_change(PageViewRestriction, Site)
        post_migrate.connect(
            _ensure_structure, sender=self, dispatch_uid="home.ensure_structure"
        )
