"""Dashboard panel: what waits for a translator or reviewer in their
languages (translations to edit, translations to review), with links.

Shown to members of language teams (home.translation.teams); country
officers have their own review queue (news.panels) and superusers Wagtail's
"Awaiting your review". Only translations of the status board's page types
count.
"""

from django.db.models import Q
from wagtail.admin.ui.components import Component
from wagtail.models import Locale, Page, WorkflowState
from wagtail_localize.models import Translation

from .scope import reviewer_locale_ids, translator_locale_ids
from .status import status_page_models

PANEL_LIMIT = 20


def _translations_in(locale_ids):
    """Pages in ``locale_ids`` that wagtail-localize made as translations."""
    keys = Translation.objects.filter(
        target_locale_id__in=locale_ids, enabled=True
    ).values("source__object_id")
    return (
        Page.objects.type(*status_page_models())
        .filter(locale_id__in=locale_ids, translation_key__in=keys)
        .select_related("locale")
    )


def _in_review_ids():
    return [
        int(pk)
        for pk in WorkflowState.objects.active().values_list("object_id", flat=True)
    ]


def translation_work(user):
    """{"to_review": [...], "to_edit": [...], "languages": [...]} for a
    language team member; None for anyone else (superusers included)."""
    if not user.is_authenticated or user.is_superuser:
        return None
    translating = translator_locale_ids(user)
    reviewing = reviewer_locale_ids(user)
    if not translating and not reviewing:
        return None
    in_review = _in_review_ids()
    to_review = list(
        _translations_in(reviewing)
        .filter(pk__in=in_review)
        .order_by("-latest_revision_created_at")[:PANEL_LIMIT]
    )
    # Not live, or live with newer unpublished changes, and not with the
    # reviewers: the translator's to do.
    to_edit = list(
        _translations_in(translating)
        .filter(Q(live=False) | Q(has_unpublished_changes=True))
        .exclude(pk__in=in_review)
        .order_by("-latest_revision_created_at")[:PANEL_LIMIT]
    )
    languages = Locale.objects.filter(pk__in=translating | reviewing).order_by("pk")
    return {"to_review": to_review, "to_edit": to_edit, "languages": languages}


class TranslationWorkPanel(Component):
    name = "translation_work"
    template_name = "translation/work_panel.html"
    order = 80

    def __init__(self, work):
        self.work = work

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context.update(self.work)
        return context
