from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = "News, events and organisations"

    def ready(self):
        # Imported here, not at the top: models (and what imports them) can be
        # imported only once the app registry is ready.
        from wagtail.images import get_image_model
        from wagtail.models import CollectionViewRestriction, Page
        from wagtail.permissions import register_permission_policy

        from home.api_cache import invalidate_on_change

        from . import signals
        from .admin_scope import ScopedPagePermissionPolicy
        from .models import Country, Organisation, Topic

        signals.connect()
        register_permission_policy(Page, ScopedPagePermissionPolicy(Page))
        # An image moved between collections, or a collection restricted,
        # changes which images the public may see (news.visibility).
        invalidate_on_change(
            Country, Organisation, Topic, get_image_model(), CollectionViewRestriction
        )
