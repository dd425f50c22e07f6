"""Wagtail's background tasks run on a Celery worker, not in the officer's
request (issue 19, P7; issue 15, item 9): the search and reference indexing
of a published page happen on the worker after the transaction commits,
while the API lists the page at once (the read model is written in the
publishing transaction itself)."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import ReferenceIndex

from tests.conftest import wait_until
from tests.news.editing import submission

CELERY_TASKS = {"default": {"BACKEND": "home.task_backend.CeleryBackend"}}


def references_to(organisation, page):
    return ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(type(organisation)),
        to_object_id=str(organisation.pk),
        object_id=str(page.pk),
    )


def test_indexing_runs_on_the_worker_and_the_api_lists_the_page_at_once(
    django_db_serialized_rollback,
    transactional_db,
    settings,
    client,
    programme,
    celery_worker_process,
    admin_user,
):
    settings.TASKS = CELERY_TASKS
    organisation = programme["organisations"]["KCSF"]
    page = submission(programme, code="sq", title="Qendra e re në Prizren")
    with transaction.atomic():
        page.organisation = organisation
        revision = page.save_revision(user=admin_user)
        revision.publish(user=admin_user)
        # Queued for after the commit, not run inside the request.
        assert not references_to(organisation, page).exists()

    listing = client.get("/api/v3/news/?locale=sq&limit=100").json()
    assert page.pk in [item["id"] for item in listing["items"]]

    assert wait_until(
        lambda: references_to(organisation, page).exists(), timeout=150
    ), "the worker never indexed the page's references"
