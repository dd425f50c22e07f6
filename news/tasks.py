"""Feed polling: beat runs ``poll_feeds``, which fans out one task per feed.

One task per organisation keeps a slow or hostile feed from holding up the
others; each task expires after a polling interval so a backlog never piles
up behind a stopped worker.
"""

from celery import shared_task
from django.db import transaction

from .conf import app_settings
from .feeds import polling


@shared_task(name="news.tasks.poll_feeds", ignore_result=True)
def poll_feeds():
    """Enqueue ``poll_feed`` for every organisation with a feed, once each."""
    expires = app_settings.NEWS_FEED_POLL_MINUTES * 60
    organisation_ids = polling.feed_organisation_ids()
    for organisation_id in organisation_ids:
        transaction.on_commit(
            lambda pk=organisation_id: poll_feed.apply_async(args=[pk], expires=expires)
        )
    return len(organisation_ids)


@shared_task(name="news.tasks.poll_feed")
def poll_feed(organisation_id):
    """Poll one organisation's feed. Never raises: failures are recorded on its
    FeedState (see ``news.feeds.polling.poll_organisation``)."""
    result = polling.poll_organisation(organisation_id)
    return {
        "organisation": result.organisation_id,
        "status": result.status,
        "imported": result.imported,
        "error": result.error,
    }
