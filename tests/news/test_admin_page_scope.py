"""Country scope in Wagtail's page views: another country's pages are not
seen (explorer, edit, history, preview, revisions, workflow history, search,
reports, choosers, bulk actions, dashboard), and a page out of scope answers
exactly like an unknown id."""

import datetime
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Locale, Page, get_page_models
from wagtail.models.pages import PagePermissionTester
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry

from home.page_permissions import PermissionTesterOnce
from home.translation.teams import TRANSLATOR, ensure_language_teams, group_name
from news.admin_scope import ScopedPagePermissionPolicy, visible_pages
from news.models import Country, NewsPage
from news.structure import ensure_sections, section_for
from news.teams import ensure_country_teams, team_name
from tests.conftest import shared_in_module

SECRET = "Unpublished Kosovo submission"
UNKNOWN = 987654321

# Views that name one page; {page} and {revision} are filled in.
PAGE_VIEWS = [
    "/admin/pages/{page}/",
    "/admin/pages/{page}/results/",
    "/admin/pages/{page}/edit/",
    "/admin/pages/{page}/edit/preview/",
    "/admin/pages/{page}/history/",
    "/admin/pages/{page}/revisions/",
    "/admin/pages/{page}/revisions/{revision}/view/",
    "/admin/pages/{page}/revisions/compare/earliest...latest/",
    "/admin/pages/{page}/workflow_history/",
    "/admin/pages/{page}/view_draft/",
    "/admin/pages/{page}/usage/",
    "/admin/pages/{page}/copy/",
    "/admin/pages/{page}/move/",
    "/admin/pages/{page}/delete/",
    "/admin/pages/{page}/unpublish/",
    "/admin/pages/{page}/lock/",
    "/admin/pages/{page}/privacy/",
    "/admin/pages/{page}/add_subpage/",
    "/admin/pages/add/news/newspage/{page}/",
    "/admin/localize/page/{page}/convert_to_alias/",
    "/admin/localize/submit/page/{page}/",
]
LISTINGS = [
    "/admin/",
    "/admin/pages/",
    "/admin/pages/search/?q=Unpublished",
    "/admin/pages/{index}/?q=Unpublished&search_all=1",
    "/admin/reports/locked/",
    "/admin/reports/aging-pages/",
    "/admin/reports/site-history/",
    "/admin/reports/workflow/",
    "/admin/reports/workflow_tasks/",
    "/admin/reports/page-types-usage/",
    "/admin/pages/usage/news/newspage/",
    "/admin/choose-page/",
    "/admin/choose-page/{section}/",
    "/admin/choose-page/search/?q=Unpublished",
    "/admin/bulk/wagtailcore/page/delete/?id=all",
    "/admin/bulk/wagtailcore/page/delete/?id=all&childOf={section}&q=Unpublished",
    "/admin/bulk/wagtailcore/page/publish/?id={page}",
    "/admin/api/main/pages/?search=Unpublished",
]


def _build_world(programme):
    """A Kosovo draft (never published, in review) under Kosovo's English
    news section, a published Kosovo article, and a regional team."""
    admin_user = get_user_model().objects.create_superuser(
        "admin", "admin@example.com", "password"
    )  # the user pytest-django's admin_user fixture then finds
    en = Locale.objects.get(language_code="en")
    region = Country.objects.create(
        iso_code="EU", name="Regional", languages=["en"], locale=en, is_regional=True
    )
    ensure_sections()
    ensure_country_teams([region])
    ensure_language_teams(["sr"])
    section = section_for(programme["countries"]["XK"], en)
    draft = section.add_child(
        instance=NewsPage(
            title=SECRET,
            slug="secret",
            date=datetime.date(2026, 11, 2),
            lead="Lead",
            owner=admin_user,
            live=False,
        )
    )
    draft.save_revision(user=admin_user)
    draft.get_workflow().start(draft, admin_user)
    published = section.add_child(
        instance=NewsPage(
            title="Published Kosovo article",
            slug="published",
            date=datetime.date(2026, 11, 1),
            lead="Lead",
            owner=admin_user,
        )
    )
    published.save_revision(user=admin_user).publish()
    draft.refresh_from_db()
    draft.save_revision(user=admin_user)  # the last edited news page
    return {
        "draft": draft,
        "published": published,
        "section": section,
        "index": section.get_parent(),
    }


_world = shared_in_module(_build_world, "_shared_programme")


@pytest.fixture
def world(_world, programme):
    return _world


@pytest.fixture
def member(django_user_model, programme):
    """A user in one group: member("RS", "moderator"), member("sr", TRANSLATOR)."""

    def make(who, role):
        if who == "EU":
            name = team_name(Country.objects.get(iso_code="EU"), role)
        elif role == TRANSLATOR:
            name = group_name(who, role)
        else:
            name = team_name(programme["countries"][who], role)
        user = django_user_model.objects.create_user(
            username=f"{who}-{role}",
            password="pw",  # noqa: S106
        )
        user.groups.add(Group.objects.get(name=name))
        return user

    return make


OUTSIDERS = [
    ("RS", "editor"),
    ("RS", "moderator"),
    ("EU", "editor"),
    ("EU", "moderator"),
    ("sr", TRANSLATOR),
]


def fill(template, world, page):
    return template.format(
        page=page,
        revision=world["draft"].latest_revision_id,
        section=world["section"].pk,
        index=world["index"].pk,
    )


@pytest.mark.parametrize(("who", "role"), OUTSIDERS)
def test_another_countrys_page_answers_like_an_unknown_one(
    client, world, member, who, role
):
    client.force_login(member(who, role))
    draft = world["draft"].pk
    differences = []
    for template in PAGE_VIEWS:
        hidden = client.get(fill(template, world, draft))
        unknown = client.get(fill(template, world, UNKNOWN))
        body = hidden.content.decode().replace(str(draft), "ID")
        if SECRET in body or (hidden.status_code, body) != (
            unknown.status_code,
            unknown.content.decode().replace(str(UNKNOWN), "ID"),
        ):
            differences.append((template, hidden.status_code, unknown.status_code))
    assert differences == []


@pytest.mark.parametrize(("who", "role"), OUTSIDERS)
def test_no_listing_shows_another_countrys_draft(client, world, member, who, role):
    client.force_login(member(who, role))
    leaks = []
    for template in LISTINGS:
        response = client.get(fill(template, world, world["draft"].pk))
        if response.status_code >= 500 or SECRET in response.content.decode():
            leaks.append((template, response.status_code))
    assert leaks == []


def test_the_country_team_sees_its_own_draft_everywhere(client, world, member):
    """The same views show the draft to its own moderators: the gate hides
    what is out of scope, not everything."""
    client.force_login(member("XK", "moderator"))
    draft = world["draft"].pk
    for template in PAGE_VIEWS[:10]:
        response = client.get(fill(template, world, draft))
        assert response.status_code in (200, 302), template
    for template in ("/admin/pages/{page}/", "/admin/choose-page/{section}/"):
        assert SECRET in client.get(fill(template, world, draft)).content.decode()


def test_explorer_of_a_shared_index_lists_only_the_teams_section(client, world, member):
    client.force_login(member("RS", "moderator"))
    listing = client.get(f"/admin/pages/{world['index'].pk}/").content.decode()
    assert "Serbia" in listing
    assert "Kosovo" not in listing and "Regional" not in listing


def test_choosers_offer_another_countrys_published_pages_only(client, world, member):
    client.force_login(member("RS", "editor"))
    chooser = client.get(f"/admin/choose-page/{world['section'].pk}/")
    assert chooser.status_code == 200
    assert "Published Kosovo article" in chooser.content.decode()
    assert SECRET not in chooser.content.decode()


@pytest.mark.parametrize(
    ("who", "role"), [("XK", "editor"), ("XK", "moderator"), *OUTSIDERS]
)
def test_visible_pages_are_wagtails_explorable_pages(world, member, who, role):
    user = member(who, role)
    wagtails = PagePermissionPolicy(Page).explorable_instances(user)
    ours = policy_registry.get_by_type(NewsPage).explorable_instances(user)
    expected = set(wagtails.values_list("pk", flat=True))
    assert set(visible_pages(user).values_list("pk", flat=True)) == expected
    assert set(ours.values_list("pk", flat=True)) == expected


ACTION_SETS = [
    {"change"},
    {"add"},
    {"publish"},
    {"lock", "unlock"},
    {"change", "publish"},
    {"add", "change", "publish", "lock", "unlock", "bulk_delete"},
]


@pytest.mark.parametrize(
    ("who", "role"), [("XK", "editor"), ("XK", "moderator"), *OUTSIDERS]
)
def test_the_page_policy_grants_what_wagtails_grants(world, member, who, role):
    """The registered policy (one filter on paths) and Wagtail's (a union
    per permission) give the same pages for every action set, including
    "change" through "add" on a page the user owns."""
    user = member(who, role)
    owned = world["section"].add_child(
        instance=NewsPage(
            title="Owned by the member",
            slug="owned",
            date=datetime.date(2026, 11, 3),
            lead="Lead",
            owner=user,
            live=False,
        )
    )
    assert Page.objects.filter(owner=user).exists()
    ours = policy_registry.get_by_type(NewsPage)
    assert isinstance(ours, ScopedPagePermissionPolicy)
    wagtails = PagePermissionPolicy(Page)
    for actions in ACTION_SETS:
        expected = wagtails.instances_user_has_any_permission_for(user, actions)
        got = ours.instances_user_has_any_permission_for(user, actions)
        assert set(got.values_list("pk", flat=True)) == set(
            expected.values_list("pk", flat=True)
        ), actions
    change = ours.instances_user_has_permission_for(user, "change")
    may_change = wagtails.user_has_permission_for_instance(user, "change", owned)
    assert change.filter(pk=owned.pk).exists() == may_change


def test_the_page_policy_names_each_section_once(world, member):
    """A country team holds its permissions on sections in eight locale
    trees: the explorer's scope is one clause per section, not one per
    permission (0.3 s of Python on every explorer page at the team's ~150
    permissions, issue #19)."""
    user = member("XK", "moderator")
    policy = policy_registry.get_by_type(NewsPage)
    permissions = list(policy.get_cached_permissions_for_user(user))
    sections = {perm.page.path for perm in permissions}
    assert len(permissions) > 2 * len(sections)
    for query in (
        policy.explorable_instances(user),
        policy.instances_user_has_permission_for(user, "change"),
    ):
        assert str(query.query).count(" LIKE ") <= len(sections)


def test_dashboard_counts_only_the_teams_pages(client, world, member):
    user = member("RS", "moderator")
    client.force_login(user)
    count = visible_pages(user).filter(depth__gt=1).count()
    assert Page.objects.filter(depth__gt=1).count() > count
    summary = " ".join(client.get("/admin/").content.decode().split())
    assert f"{count} Pages <span" in summary


def test_choosers_do_not_show_another_countrys_unpublished_title(
    client, world, member, admin_user
):
    published = world["published"]
    published.title = "Unpublished new title"
    published.save_revision(user=admin_user)
    client.force_login(member("RS", "editor"))
    for url in (
        f"/admin/choose-page/{world['section'].pk}/",
        "/admin/choose-page/search/?q=Published",
        "/admin/choose-page/search/?q=Unpublished",
    ):
        assert "Unpublished new title" not in client.get(url).content.decode(), url


def test_reports_menu_leaves_out_the_whole_tree_report(client, world, member):
    client.force_login(member("RS", "moderator"))
    assert "page-types-usage" not in client.get("/admin/").content.decode()


def test_a_page_builds_its_permission_tester_once_per_user(world, member):
    """The explorer asks every row's permissions about ten times (one per
    button); the tester is built once per page object and user, answers as
    a new one would, and is rebuilt when the page's path changes (a move)."""
    user, other = member("XK", "moderator"), member("RS", "moderator")
    page = NewsPage.objects.get(pk=world["draft"].pk)
    with mock.patch(
        "wagtail.models.pages.PagePermissionTester", wraps=PagePermissionTester
    ) as built:
        first = page.permissions_for_user(user)
        assert page.permissions_for_user(user) is first
        theirs = page.permissions_for_user(other)
        assert built.call_count == 2
    checks = ("can_edit", "can_publish", "can_delete", "can_lock", "can_copy")
    for check in checks:
        assert (
            getattr(first, check)()
            == getattr(PagePermissionTester(user, page), check)()
        )
        assert (
            getattr(theirs, check)()
            == getattr(PagePermissionTester(other, page), check)()
        )
    assert first.can_edit() and not theirs.can_edit()
    page.path = Page.objects.get(pk=world["index"].pk).path + "0009"
    assert page.permissions_for_user(user) is not first


def test_every_page_model_of_the_project_builds_its_tester_once():
    ours = [
        model
        for model in get_page_models()
        if model._meta.app_label in {"home", "news", "newsletters"}
    ]
    assert len(ours) >= 8
    assert all(issubclass(model, PermissionTesterOnce) for model in ours), [
        model for model in ours if not issubclass(model, PermissionTesterOnce)
    ]
