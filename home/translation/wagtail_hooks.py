"""Admin hooks of the translation process.

The status board and the submit-for-review action; the checks that keep
unreviewed translations from going live and language teams within their
languages (guards); and the notice to editors whose source page has
translations that are now out of date.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import Page, WorkflowPage
from wagtail_localize.models import TranslationSource

from . import guards, listing
from .editor import handle_main_button, tell_review_state
from .panels import TranslationWorkPanel, translation_work
from .placeholders import placeholder_refusal
from .scope import is_translation, localize_translation
from .status import is_source, live_translations, outdated_translations
from .teams import assign_review_workflow
from .views import (
    TranslationStatusView,
    approve_translation,
    submit_translation_for_review,
)


@hooks.register("register_admin_urls")
def translation_urls():
    return [
        path(
            "translation-status/",
            TranslationStatusView.as_view(),
            name="translation_status",
        ),
        path(
            "translation/<int:translation_id>/submit-for-review/",
            submit_translation_for_review,
            name="translation_submit_for_review",
        ),
        path(
            "translation/<int:translation_id>/approve/",
            approve_translation,
            name="translation_approve",
        ),
    ]


listing.install()


@hooks.register("construct_explorer_page_queryset")
def explorer_rows_answer_the_translation_buttons(parent_page, pages, request):
    return listing.annotate_pages(pages)


@hooks.register("construct_homepage_panels")
def add_translation_work_panel(request, panels):
    work = translation_work(request.user)
    if work is not None:
        panels.append(TranslationWorkPanel(work))


@hooks.register("register_reports_menu_item")
def translation_status_menu_item():
    return MenuItem(
        gettext_lazy("Translation status"),
        reverse("translation_status"),
        icon_name="globe",
        order=700,
    )


@hooks.register("before_edit_page", order=-10)
def translations_go_through_their_reviewers(request, page):
    """Runs before wagtail-localize's editor takes over the edit view, whose
    main button (``action=publish``) is the user's key action (editor.py)."""
    translation = localize_translation(page)
    if translation is not None and not WorkflowPage.objects.filter(page=page).exists():
        assign_review_workflow(page)
    if (
        translation is not None
        and translation.enabled
        and request.method == "POST"
        and request.POST.get("action") == "publish"
    ):
        return handle_main_button(request, translation, page.specific)
    if translation is not None and translation.enabled and request.method == "GET":
        tell_review_state(request, translation, page)
    if guards.is_publish_request(request):
        return guards.refuse_unreviewed_publish(request, page)
    return None


@hooks.register("before_publish_page")
def translation_publish_needs_reviewer(request, page):
    return guards.refuse_unreviewed_publish(request, page)


@hooks.register("before_convert_alias_page")
def converted_alias_needs_reviewer(request, page):
    """A converted alias of a translation is out of step with its review."""
    if request.method == "POST":
        return guards.refuse_unreviewed_publish(request, page)
    return None


@hooks.register("before_copy_page")
def translation_copy_needs_reviewer(request, page):
    return guards.refuse_unreviewed_copy(request, page)


@hooks.register("before_bulk_action")
def bulk_publish_needs_reviewers(request, action_type, objects, action_class):
    if action_type != "publish":
        return None
    for obj in objects:
        if isinstance(obj, Page):
            response = guards.refuse_unreviewed_publish(request, obj)
            revision = obj.specific.get_latest_revision()
            if response is None and revision and is_translation(obj):
                refusal = placeholder_refusal(revision)
                if refusal is not None:
                    messages.error(request, refusal)
                    response = True
            if response is not None:
                return redirect(request.POST.get("next") or "wagtailadmin_home")
    return None


@hooks.register("before_edit_snippet", order=-10)
def snippets_within_language_scope(request, instance):
    guards.check_snippet_edit(request.user, instance)
    if guards.is_publish_request(request):
        return guards.refuse_unreviewed_publish(request, instance)
    return None


@hooks.register("after_edit_page")
def tell_editor_about_outdated_translations(request, page):
    if not is_source(page):
        return None
    outdated = outdated_translations(page)
    if outdated:
        messages.warning(
            request,
            format_html(
                "{} {}{}",
                _("These translations are now out of date:"),
                format_html_join(
                    ", ", "{}", ((p.locale.get_display_name(),) for p in outdated)
                ),
                _sync_link(page),
            ),
        )
    elif page.has_unpublished_changes and (live := live_translations(page)):
        messages.info(
            request,
            format_html(
                "{} {}",
                _("Once you publish, these live translations will be out of date:"),
                format_html_join(
                    ", ", "{}", ((p.locale.get_display_name(),) for p in live)
                ),
            ),
        )
    return None


def _sync_link(page):
    source = TranslationSource.objects.filter(
        object_id=page.translation_key, locale_id=page.locale_id
    ).first()
    if source is None:
        return ""
    return format_html(
        ' <a href="{}">{}</a>',
        reverse("wagtail_localize:update_translations", args=[source.pk]),
        _("Sync translations from this page"),
    )
