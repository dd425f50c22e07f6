from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = "Newsletters"

    def ready(self):
        from anymail.signals import inbound, tracking

        from .bounces import handle_inbound, handle_tracking

        tracking.connect(handle_tracking, dispatch_uid="newsletters.bounces.tracking")
        inbound.connect(handle_inbound, dispatch_uid="newsletters.bounces.inbound")

        from news.kinds import register_kind

        from .models import NewsletterIndexPage, NewsletterSectionPage

        register_kind(
            "newsletters",
            NewsletterIndexPage,
            NewsletterSectionPage,
            {
                "en": "Newsletters", "sq": "Buletinet", "bs": "Bilteni",
                "mk": "Билтени", "cnr": "Bilteni", "sr": "Билтени",
                "sr-latn": "Bilteni", "tr": "Bültenler",
            },
        )  # fmt: skip
