"""Permission matrix: role x country x locale x action, allowed or denied.

A country's editors create and edit in that country's sections in every
locale and submit for review; its moderators also publish, delete and
approve. Nobody touches another country's pages.
"""

import datetime

import pytest
from wagtail.models import Locale

from news.models import NewsPage
from news.structure import section_for

ACTIONS = ("create", "edit", "publish", "delete", "approve")
ALLOWED = {
    ("editor", True): {"create", "edit"},
    ("moderator", True): set(ACTIONS),
    ("editor", False): set(),
    ("moderator", False): set(),
}


@pytest.fixture
def pages(programme, admin_user):
    """A live page in each country's news section, in English and Albanian,
    each submitted to its country's review workflow."""
    result = {}
    for iso, country in programme["countries"].items():
        for code in ("en", "sq"):
            section = section_for(country, Locale.objects.get(language_code=code))
            page = section.add_child(
                instance=NewsPage(
                    title=f"{iso} {code}",
                    slug=f"item-{iso.lower()}-{code}",
                    date=datetime.date(2026, 11, 2),
                    lead="Lead",
                    owner=admin_user,
                )
            )
            page.save_revision(user=admin_user).publish()
            page.save_revision(user=admin_user)
            page.get_workflow().start(page, admin_user)
            result[(iso, code)] = (section, NewsPage.objects.get(pk=page.pk))
    return result


def allowed_actions(user, section, page):
    page_perms = page.permissions_for_user(user)
    task = page.current_workflow_task
    actions = {
        "create": section.permissions_for_user(user).can_add_subpage(),
        "edit": page_perms.can_edit(),
        "publish": page_perms.can_publish(),
        "delete": page_perms.can_delete(),
        "approve": "approve"
        in {name for name, *_ in task.specific.get_actions(page, user)},
    }
    return {name for name, ok in actions.items() if ok}


@pytest.mark.parametrize("role", ["editor", "moderator"])
@pytest.mark.parametrize("team_country", ["XK", "RS"])
def test_permission_matrix(team_user, pages, role, team_country):
    user = team_user(team_country, role)
    for (page_country, code), (section, page) in pages.items():
        expected = ALLOWED[(role, page_country == team_country)]
        assert allowed_actions(user, section, page) == expected, (
            f"{team_country} {role} on {page_country} page in {code}"
        )


def test_admin_views_enforce_the_country(client, team_user, pages):
    editor = team_user("XK", "editor")
    client.force_login(editor)
    _section, own = pages[("XK", "sq")]
    _section, other = pages[("RS", "sq")]
    assert client.get(f"/admin/pages/{own.pk}/edit/").status_code == 200
    # Another country's pages answer like unknown ones (news.admin_scope).
    assert client.get(f"/admin/pages/{other.pk}/edit/").status_code == 404
    other_section = pages[("RS", "en")][0]
    response = client.get(f"/admin/pages/add/news/newspage/{other_section.pk}/")
    assert response.status_code == 404
    title_before = other.title
    client.post(f"/admin/pages/{other.pk}/edit/", {"title": "taken over"})
    assert NewsPage.objects.get(pk=other.pk).title == title_before
