"""Scoping for wagtail-localize's own admin views (see home.translation.guards).

wagtail-localize's URLs are registered by its hooks and check only global
permissions; this middleware runs the project's checks before those views,
by URL name, without changing them.
"""

from django.apps import apps
from django.shortcuts import get_object_or_404
from wagtail.models import Page
from wagtail_localize.models import Translation, TranslationSource

from . import guards

TRANSLATION_VIEWS = {
    "edit_string_translation",
    "edit_override",
    "download_pofile",
    "upload_pofile",
    "machine_translate",
    "preview_translation",
    "stop_translation",
}


class TranslationScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.namespace != "wagtail_localize":
            return None
        if not request.user.is_authenticated:
            return None
        name = match.url_name
        if name in TRANSLATION_VIEWS:
            translation = Translation.objects.filter(
                pk=view_kwargs.get("translation_id")
            ).first()
            if translation is not None:
                guards.check_translation_target(request.user, translation)
        elif name in ("submit_page_translation", "submit_snippet_translation"):
            if request.method == "POST":
                source = self._submission_source(name, view_kwargs)
                locale_ids = [
                    int(value)
                    for value in request.POST.getlist("locales")
                    if value.isdigit()
                ]
                guards.check_submission(request.user, source, locale_ids)
        elif (
            name == "update_translations"
            and request.method == "POST"
            and request.POST.get("publish_translations")
        ):
            source = get_object_or_404(
                TranslationSource, pk=view_kwargs["translation_source_id"]
            )
            guards.check_update_and_publish(request.user, source)
        elif name == "convert_to_alias":
            page = get_object_or_404(Page, pk=view_kwargs["page_id"]).specific
            return guards.refuse_convert_to_alias(request, page)
        return None

    @staticmethod
    def _submission_source(name, kwargs):
        if name == "submit_page_translation":
            return get_object_or_404(Page, pk=kwargs["page_id"]).specific
        model = apps.get_model(kwargs["app_label"], kwargs["model_name"])
        return get_object_or_404(model, pk=kwargs["pk"])
