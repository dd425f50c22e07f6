"""Scoping for wagtail-localize's own admin views (see home.translation.guards).

wagtail-localize's URLs are registered by its hooks and check only global
permissions; this middleware runs the project's checks before those views,
by URL name, without changing them. It also answers Wagtail's workflow
"approve" of a translation that still holds machine placeholders with the
reason, before the approval is recorded (Wagtail would otherwise show only
"no permission" when the publish action refuses it).
"""

from django.apps import apps
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from wagtail.admin.modal_workflow import render_modal_workflow
from wagtail.models import Page
from wagtail_localize.models import Translation, TranslationSource

from . import guards
from .placeholders import placeholder_refusal
from .scope import is_translation

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
        # The URL first: reading request.user touches the session, which
        # would add "Vary: Cookie" to every public and API answer.
        if match is None:
            return None
        if match.view_name == "wagtailadmin_pages:workflow_action":
            if not request.user.is_authenticated:
                return None
            return self._approval_with_placeholders(request, view_kwargs)
        if match.namespace != "wagtail_localize":
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
    def _approval_with_placeholders(request, kwargs):
        if request.method != "POST" or kwargs.get("action_name") != "approve":
            return None
        page = Page.objects.filter(pk=kwargs.get("page_id")).first()
        revision = page.specific.get_latest_revision() if page else None
        if revision is None or not is_translation(page):
            return None
        refusal = placeholder_refusal(revision)
        if refusal is None:
            return None
        messages.error(request, refusal)
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            return render_modal_workflow(
                request,
                "",
                None,
                {},
                json_data={"step": "success", "redirect": edit_url},
            )
        return redirect(edit_url)

    @staticmethod
    def _submission_source(name, kwargs):
        if name == "submit_page_translation":
            return get_object_or_404(Page, pk=kwargs["page_id"]).specific
        model = apps.get_model(kwargs["app_label"], kwargs["model_name"])
        return get_object_or_404(model, pk=kwargs["pk"])
