"""Images sent in with CSO submissions stay private until a page showing them
is published: no API answer, rendition URL or media path gives them away,
and the stored file carries no metadata from the submitter's camera."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.http import Http404
from django.test import RequestFactory
from PIL import Image
from wagtail.images import get_image_model
from wagtail.models import CollectionViewRestriction

from home.tasks import publish_scheduled
from news import media
from news.models import NewsPage, Organisation
from tests.news.test_api import news
from tests.news.test_submissions import PAGE, form_data, upload

GPS_TAG = 0x8825
CAMERA_TAG = 0x0110  # Model


def jpeg_with_exif():
    picture = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[CAMERA_TAG] = "Secret phone model"
    exif[GPS_TAG] = {2: (42.0, 39.0, 51.0)}  # latitude of Prizren
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


@pytest.fixture
def submitted(client, programme):
    data = form_data(
        image=upload("activist-home-address.jpg", jpeg_with_exif(), "image/jpeg"),
        image_rights="on",
    )
    response = client.post(PAGE, data)
    assert response.status_code == 200
    page = NewsPage.objects.get()
    return page, page.get_latest_revision_as_object().hero_image


def image_urls(body):
    found = []

    def walk(value):
        if isinstance(value, dict):
            if "renditions" in value:
                found.append(value["id"])
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk(body)
    return found


def test_a_submitted_image_is_private_unnamed_and_without_metadata(submitted):
    _page, image = submitted
    assert image.collection.name == media.PRIVATE_COLLECTION
    assert CollectionViewRestriction.objects.filter(
        collection=image.collection
    ).exists()
    assert "activist" not in image.file.name
    with image.file.open("rb") as stored, Image.open(stored) as picture:
        exif = picture.getexif()
        assert CAMERA_TAG not in exif and GPS_TAG not in exif
        assert b"Secret phone model" not in stored.read()


def test_no_public_path_shows_a_private_image(client, submitted, programme):
    _page, image = submitted
    # An officer sets it as an organisation's logo: still not public.
    organisation = Organisation.objects.get(name="Kosovar Civil Society Foundation")
    organisation.logo = image
    organisation.save()
    body = client.get(f"/api/v3/organisations/{organisation.pk}/").json()
    assert body["logo"] is None
    listing = client.get("/api/v3/organisations/").json()
    assert image.pk not in image_urls(listing)


def test_publishing_releases_the_image_and_unpublishing_withholds_it(client, submitted):
    page, image = submitted
    page.get_latest_revision().publish()
    image.refresh_from_db()
    assert image.collection.name == media.PUBLISHED_COLLECTION
    detail = client.get(f"/api/v3/news/{page.pk}/").json()
    assert detail["hero_image"]["id"] == image.pk
    listing = client.get("/api/v3/news/?locale=sq").json()
    assert listing["items"][0]["hero_image"]["id"] == image.pk

    page.refresh_from_db()
    page.unpublish()
    image.refresh_from_db()
    assert image.collection.name == media.PRIVATE_COLLECTION


def test_expiry_through_publish_scheduled_withholds_the_image(client, submitted):
    import datetime

    from django.utils import timezone

    page, image = submitted
    page.get_latest_revision().publish()
    NewsPage.objects.filter(pk=page.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    publish_scheduled()
    image.refresh_from_db()
    assert image.collection.name == media.PRIVATE_COLLECTION


def _serve(path, user):
    request = RequestFactory().get(f"/media/{path}")
    request.user = user
    from django.conf import settings

    return media.serve_media(request, path, document_root=settings.MEDIA_ROOT)


def test_original_files_and_private_renditions_are_not_served_to_the_public(
    submitted, admin_user
):
    page, image = submitted
    rendition = image.get_rendition("fill-400x225")
    for path in (image.file.name, rendition.file.name):
        with pytest.raises(Http404):
            _serve(path, AnonymousUser())
        assert _serve(path, admin_user).status_code == 200
    page.get_latest_revision().publish()
    assert _serve(rendition.file.name, AnonymousUser()).status_code == 200
    with pytest.raises(Http404):
        _serve(image.file.name, AnonymousUser())


def test_deleting_the_published_page_withholds_the_image(submitted):
    page, image = submitted
    page.get_latest_revision().publish()
    image.refresh_from_db()
    assert image.collection.name == media.PUBLISHED_COLLECTION
    NewsPage.objects.get(pk=page.pk).delete()
    image.refresh_from_db()
    assert image.collection.name == media.PRIVATE_COLLECTION


def test_migrate_restricts_and_releases_images_stored_before_the_rule(programme):
    """An installation whose submission images sat in an open collection:
    after migrate, those of public pages stay public, the rest are private."""
    collection = media.private_collection()
    CollectionViewRestriction.objects.filter(collection=collection).delete()

    def stored(title):
        return get_image_model().objects.create(
            title=title,
            file=ContentFile(jpeg_with_exif(), name=f"{title}.jpg"),
            collection=collection,
        )

    shown_image, hidden_image = stored("shown"), stored("hidden")
    news(programme, "XK", "en", "shown", "Shown", hero_image=shown_image)
    news(
        programme, "XK", "en", "draft", "Draft", publish=False, hero_image=hidden_image
    )
    shown_image.refresh_from_db()
    assert shown_image.collection.name == media.PUBLISHED_COLLECTION  # on publish
    shown_image.collection = collection  # as an old installation left it
    shown_image.save()

    assert media.reconcile() == 1
    shown_image.refresh_from_db()
    hidden_image.refresh_from_db()
    assert shown_image.collection.name == media.PUBLISHED_COLLECTION
    assert hidden_image.collection.name == media.PRIVATE_COLLECTION
    assert CollectionViewRestriction.objects.filter(collection=collection).exists()
