from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = "Newsletters"

    def ready(self):
        from anymail.signals import inbound, tracking

        from .bounces import handle_inbound, handle_tracking

        tracking.connect(handle_tracking, dispatch_uid="newsletters.bounces.tracking")
        inbound.connect(handle_inbound, dispatch_uid="newsletters.bounces.inbound")
