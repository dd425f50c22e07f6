"""Newsletter issues run a review workflow of their own, named for what it
reviews (news.kinds registers one per kind; news.teams sets them up)."""

import pytest
from wagtail.models import WorkflowState

from .compose import intro, news, newsletter

pytestmark = pytest.mark.django_db


def test_a_newsletter_is_submitted_to_newsletter_review_not_cso_review(
    client, team_user, programme
):
    client.force_login(team_user("XK", "editor"))
    issue = newsletter(programme, "XK", "sq", [intro("<p>Çdo javë</p>")], publish=False)
    assert issue.get_workflow().name == "Newsletter review: Kosovo"

    form = client.get(f"/admin/pages/{issue.pk}/edit/").content.decode()
    assert "Submit to Newsletter review: Kosovo" in form
    assert "CSO submission review" not in form

    item = news(programme, "XK", "sq", "Lajm")
    assert item.get_workflow().name == "CSO submission review: Kosovo"
    assert not WorkflowState.objects.exists()
