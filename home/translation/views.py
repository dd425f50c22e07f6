"""Admin views: the translation status board, submitting and approving."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
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
from wagtail.models import GroupPagePermission, Locale, Page
from wagtail.permissions import policy_registry
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.models import Translation

from .guards import check_submission
from .review import (
    NothingToReview,
    PlaceholdersLeft,
    approve,
    may_approve,
    may_submit,
    submit_for_review,
)
from .scope import LOCALE_ROOT_DEPTH, reviewer_locale_ids, translator_locale_ids
from .status import (
    IN_PROGRESS,
    MISSING,
    OUTDATED,
    STATES,
    status_page_models,
    status_rows,
)

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

    Scoped to the user's work: a country team sees its countries' pages
    (those it may edit, Wagtail's subtree permissions); a language team
    sees the pages it may translate (live, or in its locale) in its own
    languages' columns; superusers see everything. Filters: ``country`` (ISO
    code), ``language`` (a locale's column only) and ``state`` (rows with a
    cell in that state, in the chosen language if any). Each cell offers
    what its state and the user allow (``_actions``).
    """

    template_name = "translation/status.html"
    page_title = gettext_lazy("Translation status")
    header_icon = "globe"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": "", "label": self.page_title, "sublabel": self.scope_label},
        ]

    def get_page_subtitle(self):
        return self.scope_label

    def dispatch(self, request, *args, **kwargs):
        self.scope_locales, self.rows_of_country_team = _scope(request.user)
        self.all_locales = list(Locale.objects.order_by("pk"))
        self.scope_label = _scope_label(
            request.user, self.scope_locales, self.all_locales
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        locales = [
            loc
            for loc in self.all_locales
            if self.scope_locales is None or loc.pk in self.scope_locales
        ]
        language = params.get("language", "")
        state = params.get("state", "")
        country = params.get("country", "").upper()
        shown_locales = [
            loc for loc in locales if not language or loc.language_code == language
        ]

        visible = self._visible_pages()
        pages = visible
        if country:
            pages = pages.filter(translation_key__in=self._keys_in_country(country))
        if state in STATES:
            # A cell's state is computed from several pages: filtering on it
            # needs the rows (only when asked for).
            rows = status_rows(
                pages.order_by("-latest_revision_created_at"), self.all_locales
            )
            rows = [
                row
                for row in rows
                if any(
                    cell.state == state
                    for cell in row.cells
                    if cell.locale in shown_locales
                )
            ]
            page_obj = Paginator(rows, ROWS_PER_PAGE).get_page(params.get("p"))
        else:
            # Paginate the translation keys in the database and build only
            # this page's rows (issue #19, P7).
            keys = (
                pages.order_by()
                .values("translation_key")
                .annotate(latest=models.Max("latest_revision_created_at"))
                .order_by(models.F("latest").desc(nulls_first=True))
                .values_list("translation_key", flat=True)
            )
            page_obj = Paginator(keys, ROWS_PER_PAGE).get_page(params.get("p"))
            page_keys = list(page_obj.object_list)
            built = {
                row.source.translation_key: row
                for row in status_rows(
                    pages.filter(translation_key__in=page_keys), self.all_locales
                )
            }
            page_obj.object_list = [built[k] for k in page_keys if k in built]
        translations = self._translations(page_obj.object_list)
        machine = get_machine_translator()
        for row in page_obj.object_list:
            row.shown = [c for c in row.cells if c.locale in shown_locales]
            row.requestable = _requestable_locale_ids(
                self.request.user,
                row.source,
                [c.locale for c in row.shown if c.state == MISSING],
            )
            for cell in row.shown:
                cell.label = STATE_LABELS[cell.state]
                cell.translation = translations.get(
                    (row.source.translation_key, cell.locale.pk)
                )
                cell.actions = self._actions(row, cell, machine)
        context.update(
            rows=page_obj.object_list,
            page_obj=page_obj,
            locales=shown_locales,
            all_locales=locales,
            states=[(s, STATE_LABELS[s]) for s in STATES],
            selected={"language": language, "state": state, "country": country},
            countries=self._countries(visible),
            next_url=self.request.get_full_path(),
        )
        return context

    def _actions(self, row, cell, machine):
        """The actions ``cell`` offers this user, in its state."""
        user = self.request.user
        if cell.state == MISSING:
            return {"translate"} if cell.locale.pk in row.requestable else set()
        page, translation = cell.page, cell.translation
        if page is None or translation is None or cell.state == "source":
            return set()
        if cell.in_review:
            return {"approve"} if may_approve(user, page.specific) else set()
        if cell.state not in (IN_PROGRESS, OUTDATED) or not may_submit(user, page):
            return set()
        actions = {"submit", "po_file"}
        if machine and machine.can_translate(
            translation.source.locale, translation.target_locale
        ):
            actions.add("machine")
        if cell.state == OUTDATED:
            actions.add("sync")
        return actions

    def _visible_pages(self):
        models = status_page_models()
        user = self.request.user
        editable = policy_registry.get_by_type(Page).instances_user_has_permission_for(
            user, "change"
        )
        editable_keys = editable.values("translation_key")
        pages = Page.objects.type(*models)
        if self.rows_of_country_team:
            return pages.filter(translation_key__in=editable_keys)
        live_keys = Page.objects.filter(live=True).values("translation_key")
        return pages.filter(
            Q(translation_key__in=live_keys) | Q(translation_key__in=editable_keys)
        )

    def _country_fields(self):
        for model in status_page_models():
            try:
                model._meta.get_field("country")
            except LookupError:
                continue
            yield model

    def _keys_in_country(self, iso_code):
        keys = set()
        for model in self._country_fields():
            keys.update(
                model.objects.filter(country__iso_code=iso_code)
                .order_by()
                .values_list("translation_key", flat=True)
            )
        return keys

    def _countries(self, visible):
        """The countries of the pages this user sees, in the admin's language
        (else the default locale's names)."""
        country_model = _country_model()
        if country_model is None:
            return []
        codes = set()
        for model in self._country_fields():
            codes.update(
                model.objects.filter(
                    translation_key__in=visible.values("translation_key")
                )
                .order_by()
                .values_list("country__iso_code", flat=True)
                .distinct()
            )
        in_scope = country_model.objects.filter(iso_code__in=codes).order_by("name")
        return in_scope.filter(
            locale__language_code=self.request.LANGUAGE_CODE
        ) or in_scope.filter(locale=Locale.get_default())

    @staticmethod
    def _translations(rows):
        """{(translation key, target locale id): Translation} for ``rows``."""
        keys = [row.source.translation_key for row in rows]
        return {
            (t.source.object_id, t.target_locale_id): t
            for t in Translation.objects.filter(source__object_id__in=keys)
            .exclude(source__locale_id=models.F("target_locale_id"))
            .select_related("source", "source__locale", "target_locale")
        }


def _scope(user):
    """(locale ids of the columns or None for all, rows only of the pages
    the user may edit?) for the status board."""
    if user.is_superuser:
        return None, False
    languages = translator_locale_ids(user) | reviewer_locale_ids(user)
    country_team = GroupPagePermission.objects.filter(
        group__user=user, page__depth__gt=LOCALE_ROOT_DEPTH
    ).exists()
    if languages and not country_team:
        return languages, False
    return None, True


def _scope_label(user, locale_ids, locales):
    if user.is_superuser:
        return _("All countries and languages")
    if locale_ids is not None:
        return ", ".join(
            str(loc.get_display_name()) for loc in locales if loc.pk in locale_ids
        )
    return _("Your countries")


def _may_request(user, source, locale_ids):
    """May ``user`` request translations of ``source`` into ``locale_ids``?
    The rule the submit view applies (guards.check_submission), which for a
    page asks only its Page fields (no query for the specific page)."""
    try:
        check_submission(user, source, locale_ids)
    except PermissionDenied:
        return False
    return True


def _requestable_locale_ids(user, source, locales):
    """The ids of ``locales`` that ``user`` may request for ``source``: one
    check for the whole row when it allows them all (whoever may edit the
    source), else one per locale. A permission check builds Wagtail's page
    permission tester over the team's ~150 permissions (0.25 ms); per cell
    it was a quarter of the board's time (issue #19, P7:scale)."""
    ids = [locale.pk for locale in locales]
    if not ids or _may_request(user, source, ids):
        return set(ids)
    return {pk for pk in ids if _may_request(user, source, [pk])}


def _next_url(request):
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}
    ):
        next_url = "translation_status"
    return next_url


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
    return redirect(_next_url(request))


@require_POST
def approve_translation(request, translation_id):
    """The status board's Approve: the same approval as the editor's."""
    translation = get_object_or_404(Translation, pk=translation_id)
    try:
        approve(translation, request.user)
    except (NothingToReview, PlaceholdersLeft) as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Approved and published the %(language)s translation.")
            % {"language": translation.target_locale.get_display_name()},
        )
    return redirect(_next_url(request))
