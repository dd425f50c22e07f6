"""Admin views: the translation status board and submitting for review."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Locale, Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail_localize.models import Translation

from .review import NothingToReview, submit_for_review
from .status import STATES, status_page_models, status_rows

ROWS_PER_PAGE = 50
STATE_LABELS = {
    "missing": gettext_lazy("Missing"),
    "in_progress": gettext_lazy("In progress"),
    "outdated": gettext_lazy("Out of date"),
    "live": gettext_lazy("Live"),
    "source": gettext_lazy("Source"),
}


def _country_model():
    for model in status_page_models():
        try:
            return model._meta.get_field("country").related_model
        except LookupError:
            continue
    return None


class TranslationStatusView(WagtailAdminTemplateMixin, TemplateView):
    """Every page of the configured types against every locale, at a glance.

    Filters: ``country`` (ISO code), ``language`` (a locale's columns only)
    and ``state`` (rows with a cell in that state, in the chosen language if
    any). A user sees pages that are live or that they may edit.
    """

    template_name = "translation/status.html"
    page_title = gettext_lazy("Translation status")
    header_icon = "globe"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        locales = list(Locale.objects.order_by("pk"))
        language = params.get("language", "")
        state = params.get("state", "")
        country = params.get("country", "").upper()
        shown_locales = [
            loc for loc in locales if not language or loc.language_code == language
        ]

        pages = self._visible_pages()
        if country:
            pages = pages.filter(translation_key__in=self._keys_in_country(country))
        rows = status_rows(pages.order_by("-latest_revision_created_at"), locales)
        if state in STATES:
            rows = [
                row
                for row in rows
                if any(
                    cell.state == state
                    for cell in row.cells
                    if cell.locale in shown_locales
                )
            ]
        paginator = Paginator(rows, ROWS_PER_PAGE)
        page_obj = paginator.get_page(params.get("p"))
        translations = self._translations(page_obj.object_list)
        for row in page_obj.object_list:
            row.shown = [c for c in row.cells if c.locale in shown_locales]
            for cell in row.shown:
                cell.label = STATE_LABELS[cell.state]
                cell.translation = translations.get(
                    (row.source.translation_key, cell.locale.pk)
                )
        country_model = _country_model()
        context.update(
            rows=page_obj.object_list,
            page_obj=page_obj,
            locales=shown_locales,
            all_locales=locales,
            states=[(s, STATE_LABELS[s]) for s in STATES],
            selected={"language": language, "state": state, "country": country},
            countries=(
                country_model.objects.filter(
                    locale__language_code=self.request.LANGUAGE_CODE
                )
                or country_model.objects.filter(locale=Locale.get_default())
                if country_model
                else []
            ),
            next_url=self.request.get_full_path(),
        )
        return context

    def _visible_pages(self):
        models = status_page_models()
        user = self.request.user
        editable = PagePermissionPolicy().instances_user_has_permission_for(
            user, "change"
        )
        live_keys = Page.objects.filter(live=True).values("translation_key")
        editable_keys = editable.values("translation_key")
        return Page.objects.type(*models).filter(
            Q(translation_key__in=live_keys) | Q(translation_key__in=editable_keys)
        )

    def _keys_in_country(self, iso_code):
        keys = set()
        for model in status_page_models():
            try:
                model._meta.get_field("country")
            except LookupError:
                continue
            keys.update(
                model.objects.filter(country__iso_code=iso_code)
                .order_by()
                .values_list("translation_key", flat=True)
            )
        return keys

    @staticmethod
    def _translations(rows):
        """{(translation key, target locale id): Translation} for ``rows``."""
        keys = [row.source.translation_key for row in rows]
        return {
            (t.source.object_id, t.target_locale_id): t
            for t in Translation.objects.filter(source__object_id__in=keys)
            .exclude(source__locale_id=models.F("target_locale_id"))
            .select_related("source")
        }


@require_POST
def submit_translation_for_review(request, translation_id):
    translation = get_object_or_404(Translation, pk=translation_id)
    try:
        submit_for_review(translation, request.user)
    except NothingToReview as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Submitted the %(language)s translation for review.")
            % {"language": translation.target_locale.get_display_name()},
        )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}
    ):
        next_url = "translation_status"
    return redirect(next_url)
