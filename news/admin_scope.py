"""Which pages a staff user may see in the admin, and the gate that holds it.

A country team's page permissions sit on its sections in eight locale trees,
so Wagtail's explorable root for the team is the tree root, and Wagtail's page
views only check the permission their action needs: the explorer showed any
page named in its URL (title, status, side panel) to anyone, and the choosers
listed every page. What a user may see is Wagtail's own rule,
``explorable_instances``: the pages under their permissions and the ancestors
that lead there (home pages, indexes). The page choosers also offer live
pages (without unpublished changes), so that an issue can link another
country's published article.

``PageScopeMiddleware`` runs that rule before every admin view that names a
page in its URL (Wagtail's page views, wagtail-localize's, page bulk
actions): a page the user may not see is answered exactly like an unknown id,
with Wagtail's 404, so the answer does not reveal that it exists. The page
types usage report, which has no scope, is for superusers only.
"""

import posixpath

from django.db.models import Q
from django.http import Http404, QueryDict
from wagtail.admin.site_summary import PagesSummaryItem
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry

# URL keyword arguments that carry a page id, in the views gated here.
PAGE_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id")
GATED_NAMESPACES = {"wagtailadmin_pages", "wagtail_localize"}
GATED_NAMES = {"wagtailadmin_explore", "wagtailadmin_explore_results"}
CHOOSER_NAMES = {"wagtailadmin_choose_page_child"}
# Reports over the whole tree with no scope of their own (counts and the
# last edited page of each type, with its title): superusers only.
WHOLE_TREE_REPORTS = {"page_types_usage", "page_types_usage_results"}


EXPLORE_ACTIONS = {"add", "change", "publish", "lock", "unlock", "bulk_delete"}


def _visible(user):
    """Wagtail's ``explorable_instances`` as one filter on paths (None: every
    page): the subtrees of the user's explore permissions, and the ancestors
    of every page they hold a permission on, from the first common one down.
    Wagtail's own queryset unions a subquery per permission, which SQLite
    cannot nest inside a chooser's query."""
    if user.is_superuser:
        return None
    policy = policy_registry.get_by_type(Page)
    permissions = list(policy.get_cached_permissions_for_user(user))
    if not user.is_active or not permissions:
        return Q(pk__in=[])
    step = Page.steplen
    paths = [perm.page.path for perm in permissions]
    common = posixpath.commonprefix([path[:-step] for path in paths])
    common = common[: len(common) - len(common) % step] or paths[0][:step]
    ancestors = {
        path[:end] for path in paths for end in range(len(common), len(path), step)
    }
    return Q(path__in=sorted(ancestors)) | _granted(policy, user, EXPLORE_ACTIONS)


def _granted(policy, user, actions):
    """Wagtail's rule for the pages ``user`` may perform any of ``actions``
    on (a permission covers its page and the pages below; "add" grants
    "change" on the pages the user owns) as one filter on paths, each
    section's path once."""
    codenames = policy._get_permission_codenames(actions)
    add = policy._get_permission_codename("add")
    owned_only = "change" in actions and "add" not in actions
    whole, owned = set(), set()
    for perm in policy.get_cached_permissions_for_user(user):
        codename = perm.permission.codename
        if codename == add and owned_only:
            owned.add(perm.page.path)
        elif codename in codenames:
            whole.add(perm.page.path)
    query = Q(pk__in=[])
    for path in sorted(whole):
        query |= Q(path__startswith=path)
    for path in sorted(owned):
        # Inside a section the user may change anyway, ownership adds nothing.
        if not any(path.startswith(prefix) for prefix in whole):
            query |= Q(path__startswith=path, owner=user)
    return query


class ScopedPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page policy, with ``explorable_instances`` built as
    ``_visible``'s one filter on paths. Wagtail's own unions one queryset per
    permission (a country team holds about 150: six actions on three sections
    in eight locale trees), which took 0.3 s of Python on every explorer page
    before any query ran (issue #19, P7:scale), and its SQL repeated each
    section's path once per action. Same pages (tested against Wagtail's
    methods); registered for ``Page`` in ``NewsConfig.ready``."""

    def instances_user_has_any_permission_for(self, user, actions):
        base = self._base_queryset_for_user(user)
        if base is not None:
            return base
        return self.model._default_manager.filter(_granted(self, user, actions))

    def explorable_instances(self, user):
        base = self._base_queryset_for_user(user)
        if base is not None:
            return base
        return self.model._default_manager.filter(_visible(user))


def visible_pages(user):
    """Pages ``user`` may see in the admin."""
    query = _visible(user)
    return Page.objects.all() if query is None else Page.objects.filter(query)


def choosable_pages(user):
    """Pages a chooser may offer ``user``: the visible ones, and live pages
    without unpublished changes (a chooser shows the draft's title)."""
    query = _visible(user)
    if query is None:
        return Page.objects.all()
    return Page.objects.filter(query | Q(live=True, has_unpublished_changes=False))


def may_see(user, page_id, for_chooser=False):
    if user.is_superuser:
        return True
    pages = choosable_pages(user) if for_chooser else visible_pages(user)
    return pages.filter(pk=page_id).exists()


def gated_page_ids(match, kwargs):
    """The page ids named by the URL of a gated view, else None."""
    name = match.url_name
    if match.namespace in GATED_NAMESPACES or name in GATED_NAMES:
        ids = [kwargs[key] for key in PAGE_KWARGS if key in kwargs]
        if name == "revisions_compare":
            ids.append(kwargs["pk"])
        return ids
    return None


class PageScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        # Outside the admin the user is never looked at (reading it would
        # touch the session and add "Vary: Cookie" to API answers).
        if match is None or not request.path.startswith("/admin/"):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if user.is_superuser:
            return None
        if (
            match.namespace == "wagtailadmin_reports"
            and match.url_name in WHOLE_TREE_REPORTS
        ):
            raise Http404
        if match.url_name in CHOOSER_NAMES:
            if not may_see(user, view_kwargs["parent_page_id"], for_chooser=True):
                raise Http404
            return None
        if match.url_name == "wagtail_bulk_action":
            self._scope_bulk_action(request, view_kwargs)
            return None
        ids = gated_page_ids(match, view_kwargs)
        for page_id in ids or ():
            if not may_see(user, page_id):
                raise Http404
        return None

    @staticmethod
    def _scope_bulk_action(request, kwargs):
        """Page bulk actions list every page they were given, with its title,
        including those the user may not act on: only visible pages get there.
        """
        action_class = bulk_action_registry.get_bulk_action_class(
            kwargs["app_label"], kwargs["model_name"], kwargs["action"]
        )
        if action_class is None or not any(
            issubclass(model, Page) for model in action_class.models
        ):
            return
        ids = request.GET.getlist("id")
        parent_id = request.GET.get("childOf")
        if parent_id and not (
            parent_id.isdigit() and may_see(request.user, int(parent_id))
        ):
            raise Http404
        if "all" in ids:
            action = action_class(request, Page)
            ids = action.get_all_objects_in_listing_query(parent_id)
        visible = set(
            visible_pages(request.user)
            .filter(pk__in=[i for i in ids if str(i).isdigit()])
            .values_list("pk", flat=True)
        )
        query = request.GET.copy()
        query.setlist("id", [str(pk) for pk in sorted(visible)])
        request.GET = QueryDict(query.urlencode())


class VisiblePagesSummaryItem(PagesSummaryItem):
    """The dashboard's page count: a country team's explorable root is the
    tree root, so Wagtail's count would be every country's pages."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        user = self.request.user
        if not user.is_superuser:
            pages = visible_pages(user).filter(depth__gt=1)
            context["total_pages"] = pages.count()
        return context
