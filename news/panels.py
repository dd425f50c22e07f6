"""Dashboard panel: what waits for review in the user's own countries."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField
from django.db.models.functions import Cast
from wagtail.admin.ui.components import Component
from wagtail.models import Page, WorkflowState

from .models import EventPage, NewsPage
from .teams import countries_for_user

QUEUE_LIMIT = 50


def review_queue(user):
    """News and events in review in ``user``'s countries, newest first."""
    keys = countries_for_user(user).values("translation_key")
    # A subquery, not an IN-list of every active workflow's page id: the
    # query stays one size however many pages wait (issue #19, P7).
    page_ids = (
        WorkflowState.objects.active()
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .annotate(page_id=Cast("object_id", IntegerField()))
        .values("page_id")
    )
    items = []
    for model in (NewsPage, EventPage):
        items.extend(
            model.objects.filter(pk__in=page_ids, country__translation_key__in=keys)
            .select_related("locale", "country", "latest_revision")
            .order_by("-latest_revision__created_at")[:QUEUE_LIMIT]
        )
    items.sort(
        key=lambda page: page.latest_revision.created_at if page.latest_revision else 0,
        reverse=True,
    )
    return items[:QUEUE_LIMIT]


class ReviewQueuePanel(Component):
    name = "country_review_queue"
    template_name = "news/review_queue_panel.html"
    order = 90

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["items"] = review_queue(self.user)
        context["countries"] = list(countries_for_user(self.user))
        return context
