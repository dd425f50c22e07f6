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
        from .api_cache import connect_page_signals

        connect_page_signals()
        post_migrate.connect(
            _ensure_structure, sender=self, dispatch_uid="home.ensure_structure"
        )
