from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = "News, events and organisations"

    def ready(self):
        from . import signals

        signals.connect()
