"""Rotating SECRET_KEY (the old one kept in SECRET_KEY_FALLBACKS) leaves the
links already in people's mailboxes working: unsubscribe links must work for
months, and bounces come back to VERP addresses of mail sent last week."""

import pytest
from django.test import override_settings

from newsletters.audience.links import confirm_url, unsubscribe_url
from newsletters.audience.models import Subscriber, Subscription
from newsletters.audience.tokens import (
    InvalidToken,
    ReturnPaths,
    read_confirm_token,
    subscriber_id_from_return_path,
)

OLD = "old-key-0123456789-old-key-0123456789-old-key-0123456789"
NEW = "new-key-9876543210-new-key-9876543210-new-key-9876543210"
UNKNOWN = "unknown-key-5555555555-unknown-key-5555555555-unknown"


@pytest.fixture
def subscriber(lists):
    subscriber = Subscriber.objects.create(email="ana@example.org", language="en")
    Subscription.objects.create(
        subscriber=subscriber,
        mailing_list=lists["XK"],
        status=Subscription.Status.CONFIRMED,
    )
    return subscriber


def _path(url):
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


@pytest.mark.django_db
def test_links_and_return_paths_signed_before_a_rotation_still_work(
    client, subscriber, settings
):
    settings.NEWSLETTERS_RETURN_PATH = "bounces@mail.example.org"
    with override_settings(SECRET_KEY=OLD, SECRET_KEY_FALLBACKS=[]):
        old_unsubscribe = unsubscribe_url(subscriber)
        old_confirm = confirm_url(subscriber)
        old_verp = ReturnPaths()(subscriber.pk)
    with override_settings(SECRET_KEY=UNKNOWN, SECRET_KEY_FALLBACKS=[]):
        forged_unsubscribe = unsubscribe_url(subscriber)
        forged_verp = ReturnPaths()(subscriber.pk)

    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD]):
        assert subscriber_id_from_return_path(old_verp) == subscriber.pk
        assert subscriber_id_from_return_path(forged_verp) is None
        # New addresses are signed with the new key.
        assert ReturnPaths()(subscriber.pk) != old_verp
        assert read_confirm_token(old_confirm.rstrip("/").rsplit("/", 1)[-1])[0] == (
            subscriber.pk
        )
        assert client.get(_path(forged_unsubscribe)).status_code == 404
        answer = client.post(_path(old_unsubscribe), {"List-Unsubscribe": "One-Click"})
        assert answer.status_code == 200
    assert subscriber.subscriptions.get().status == Subscription.Status.UNSUBSCRIBED

    # Once the old key is dropped from the fallbacks, its links stop working.
    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[]):
        assert subscriber_id_from_return_path(old_verp) is None
        with pytest.raises(InvalidToken):
            read_confirm_token(old_confirm.rstrip("/").rsplit("/", 1)[-1])


def test_secret_key_fallbacks_come_from_the_environment():
    from tests.home.test_settings import PRODUCTION_ENV, run_manage

    result = run_manage(
        "cms.settings.production",
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings as s; print(s.SECRET_KEY_FALLBACKS)",
        extra_env={**PRODUCTION_ENV, "SECRET_KEY_FALLBACKS": f"{OLD}, {UNKNOWN},"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr([OLD, UNKNOWN])
