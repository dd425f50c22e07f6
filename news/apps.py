from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = "News, events and organisations"

    def ready(self):
        from home.api_cache import invalidate_on_change

        from . import signals
        from .models import Country, Organisation, Topic

        signals.connect()
        invalidate_on_change(Country, Organisation, Topic)
