"""The dashboard shows each officer what waits for review in their countries."""

import datetime

from django.utils import timezone
from wagtail.models import Locale

from news.intake import create_draft_news
from news.models import NewsPage


def draft(programme, iso, code, title):
    return create_draft_news(
        country=programme["countries"][iso],
        locale=Locale.objects.get(language_code=code),
        title=title,
        lead="Lead",
        body_html="<p>Body</p>",
        provenance=NewsPage.Provenance.FEED,
    )


def test_dashboard_lists_only_the_users_countries(client, programme, team_user):
    draft(programme, "XK", "sq", "Lajm nga Prizreni")
    draft(programme, "XK", "en", "News from Prizren")
    draft(programme, "RS", "sr", "Вест из Ниша")
    client.force_login(team_user("XK", "editor"))
    page = client.get("/admin/").content.decode()
    assert "Waiting for review in your countries (2)" in page
    assert "Lajm nga Prizreni" in page and "News from Prizren" in page
    assert "Вест из Ниша" not in page


def test_user_outside_any_team_sees_no_queue(client, programme, django_user_model):
    """Nothing confusing ("You are not in a country team") for someone whose
    work is elsewhere (a language team's panel, or none)."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("guest", password="pw")  # noqa: S106
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    draft(programme, "XK", "sq", "Lajm nga Prizreni")
    client.force_login(user)
    page = client.get("/admin/").content.decode()
    assert "not in a country team" not in page
    assert "Waiting for review in your countries" not in page
    assert "Lajm nga Prizreni" not in page


def test_the_queue_is_a_dashboard_panel_like_wagtails(client, programme, team_user):
    """Wagtail's own dashboard panels' markup (the panel tag, class
    w-panel--dashboard), so its heading keeps the page's margin."""
    draft(programme, "XK", "sq", "Lajm nga Prizreni")
    client.force_login(team_user("XK", "editor"))
    html = client.get("/admin/").content.decode()
    section = html[html.index('id="country-review-queue-section"') - 200 :]
    assert "w-panel--dashboard" in section[: section.index(">", 200)]


def test_moderator_approves_a_submission_and_it_goes_live(client, programme, team_user):
    page = draft(programme, "XK", "sq", "Lajm nga Prizreni")
    task_state = page.current_workflow_task_state
    url = f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/"

    client.force_login(team_user("RS", "moderator"))
    client.post(url, {"comment": ""})
    assert not NewsPage.objects.get(pk=page.pk).live

    client.force_login(team_user("XK", "moderator"))
    response = client.post(url, {"comment": "Mirë"})
    assert response.status_code in (200, 302)
    page = NewsPage.objects.get(pk=page.pk)
    assert page.live
    assert page.url == f"/sq/news/xk/{page.slug}/"
    assert client.get(page.url).status_code == 200


def test_the_queue_says_how_long_ago_each_item_was_sent(client, programme, team_user):
    page = draft(programme, "XK", "sq", "Lajm nga Prizreni")
    page.latest_revision.__class__.objects.filter(pk=page.latest_revision.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=3, minutes=5)
    )
    client.force_login(team_user("XK", "editor"))
    html = client.get("/admin/").content.decode()
    assert "3\xa0hours ago" in html
    assert "3\xa0hours, 5\xa0minutes" not in html
