from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.admin.site_summary import PagesSummaryItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from home.translation.listing import annotate_snippets

from .admin_scope import VisiblePagesSummaryItem, choosable_pages
from .directory import OrganisationForm, check_instance, organisation_policy
from .feed_admin import FeedStateViewSet, SystemRecordPermissionPolicy
from .models import Country, Organisation, Submission, Topic
from .panels import ReviewQueuePanel


class CountryViewSet(SnippetViewSet):
    model = Country
    icon = "globe"
    list_display = ["name", "iso_code", "is_regional"]
    list_filter = ["is_regional"]

    def get_queryset(self, request):
        return annotate_snippets(Country.objects.all())


register_permission_policy(Organisation, organisation_policy)


class OrganisationViewSet(SnippetViewSet):
    """A country team sees and changes its own countries' entries
    (news.directory); the form offers only those countries."""

    model = Organisation
    icon = "group"
    list_display = ["name", "kind", "country", "verified"]
    list_filter = ["kind", "verified"]
    search_fields = ["name"]
    edit_handler = ObjectList(Organisation.panels, base_form_class=OrganisationForm)

    def get_queryset(self, request):
        rows = organisation_policy.instances_user_has_any_permission_for(
            request.user, ["change", "delete"]
        )
        return annotate_snippets(rows.select_related("country", "locale"))


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name", "slug"]

    def get_queryset(self, request):
        return annotate_snippets(Topic.objects.all())


register_permission_policy(Submission, SystemRecordPermissionPolicy(Submission))


class SubmissionViewSet(SnippetViewSet):
    """Who sent which item, with what consent: read by moderators, never edited."""

    model = Submission
    icon = "mail"
    menu_label = _("CSO submissions")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "submitter_name",
        "organisation",
        "country",
        "language",
        "created_at",
    ]
    list_filter = ["language", "source"]

    def get_queryset(self, request):
        # The listing shows both foreign keys: one query, not one per row.
        return Submission.objects.select_related("organisation", "country")


class DirectoryViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Directory")
    menu_icon = "group"
    menu_order = 200
    items = (
        OrganisationViewSet,
        CountryViewSet,
        TopicViewSet,
        SubmissionViewSet,
        FeedStateViewSet,
    )


register_snippet(DirectoryViewSetGroup)


@hooks.register("before_edit_snippet")
def edit_own_countries_entries(request, instance):
    check_instance(request.user, "change", [instance])


@hooks.register("before_delete_snippet")
def delete_own_countries_entries(request, instances):
    check_instance(request.user, "delete", instances)


@hooks.register("construct_homepage_panels")
def add_review_queue_panel(request, panels):
    panels.append(ReviewQueuePanel(request.user))


@hooks.register("construct_page_chooser_queryset")
def choosers_offer_visible_and_live_pages(pages, request):
    """Another country's drafts stay out of every page chooser (news.admin_scope)."""
    if request.user.is_superuser:
        return pages
    return pages.filter(pk__in=choosable_pages(request.user).values("pk"))


@hooks.register("construct_homepage_summary_items", order=100)
def count_only_visible_pages(request, items):
    items[:] = [
        VisiblePagesSummaryItem(request) if type(item) is PagesSummaryItem else item
        for item in items
    ]


@hooks.register("construct_reports_menu")
def whole_tree_reports_for_superusers(request, items):
    if not request.user.is_superuser:
        items[:] = [item for item in items if item.name != "page-types-usage"]
