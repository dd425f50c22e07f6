from anymail.signals import inbound, tracking
from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = "Newsletters"

    def ready(self):
        # Imported here, not at the top: these modules import models, which
        # Django loads only after every app's AppConfig exists.
        from home.metrics import register as register_metrics
        from news.kinds import register_kind

        # The rooms' Celery tasks, registered in every process (web, tests,
        # worker): the life cycle enqueues them by name (delivery.enqueue).
        from .audience import tasks as audience_tasks  # noqa: F401
        from .audience.bounces import handle_inbound, handle_tracking
        from .composition.models import NewsletterIndexPage, NewsletterSectionPage
        from .delivery import tasks as delivery_tasks  # noqa: F401
        from .delivery.metrics import collect as delivery_metrics

        register_metrics(delivery_metrics)
        tracking.connect(handle_tracking, dispatch_uid="newsletters.bounces.tracking")
        inbound.connect(handle_inbound, dispatch_uid="newsletters.bounces.inbound")
        register_kind(
            "newsletters",
            NewsletterIndexPage,
            NewsletterSectionPage,
            {
                "en": "Newsletters", "sq": "Buletinet", "bs": "Bilteni",
                "mk": "Билтени", "cnr": "Bilteni", "sr": "Билтени",
                "sr-latn": "Bilteni", "tr": "Bültenler",
            },
            workflow_name="Newsletter review: {country}",
        )  # fmt: skip
