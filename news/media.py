"""Where images sent in with CSO submissions live, and when the public sees them.

A submitted image is stored with its metadata removed (EXIF: camera, place,
time) under a random file name, in the private collection "CSO submissions"
(view-restricted to logged-in users; news.visibility treats every image in a
restricted collection as private, so no API answer, feed, search result or
newsletter carries it). When a page that uses it is published and public, it
moves to "CSO submissions: published"; when no public page uses it any more
(unpublished, deleted, expired by publish_scheduled), it moves back.

Original files are never handed out: the API gives renditions only. In
development ``serve_media`` serves MEDIA_ROOT and keeps ``original_images/``
and renditions of private images to staff; in production MEDIA_URL must not
expose ``original_images/`` (docs/deploy.md).
"""

import io
import re
import secrets

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db.models import Q
from django.db.models.signals import post_delete, post_migrate, pre_delete
from django.http import Http404
from django.utils import timezone
from django.views.static import serve
from PIL import Image as PILImage
from PIL import ImageOps
from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Page,
    ReferenceIndex,
)
from wagtail.rich_text import RichText
from wagtail.signals import page_published, page_unpublished

from .visibility import private_collection_ids

PRIVATE_COLLECTION = "CSO submissions"
PUBLISHED_COLLECTION = "CSO submissions: published"
SAVE_FORMATS = {
    "JPEG": ("jpg", {"quality": 90}),
    "PNG": ("png", {}),
    "WEBP": (
        "webp",
        {"quality": 90},
    ),
}
_EMBEDDED_IMAGE = re.compile(r'<embed[^>]*embedtype="image"[^>]*\sid="(\d+)"')


def _collection(name):
    # After `flush` (post_migrate on empty tables) there is no root either.
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


def private_collection():
    """The submissions collection, view-restricted (made so if it is not)."""
    collection = _collection(PRIVATE_COLLECTION)
    if not CollectionViewRestriction.objects.filter(collection=collection).exists():
        CollectionViewRestriction.objects.create(
            collection=collection,
            restriction_type=CollectionViewRestriction.LOGIN,
        )
    return collection


def published_collection():
    return _collection(PUBLISHED_COLLECTION)


def store_submission_image(upload, title):
    """An image for a submission: pixels only (orientation applied, metadata
    dropped), a random file name, in the private collection."""
    upload.seek(0)
    with PILImage.open(upload) as original:
        kind = original.format
        picture = ImageOps.exif_transpose(original)
        extension, options = SAVE_FORMATS[kind]
        buffer = io.BytesIO()
        picture.save(buffer, format=kind, **options)
    name = f"{secrets.token_hex(16)}.{extension}"
    return get_image_model().objects.create(
        title=title,
        file=ContentFile(buffer.getvalue(), name=name),
        collection=private_collection(),
    )


def image_ids(page):
    """Primary keys of the images ``page`` shows: image foreign keys, image
    blocks at any depth of its StreamFields, images embedded in rich text."""
    image_model = get_image_model()
    found = set()
    for field in page._meta.concrete_fields:
        if field.is_relation and issubclass(field.related_model, image_model):
            value = getattr(page, field.attname)
            if value:
                found.add(value)
        elif isinstance(field, StreamField):
            _walk(getattr(page, field.attname), found)
    return found


def _walk(value, found):
    if isinstance(value, AbstractImage):
        found.add(value.pk)
    elif isinstance(value, StreamValue):
        for child in value:
            _walk(child.value, found)
    elif isinstance(value, StructValue):
        for child in value.values():
            _walk(child, found)
    elif isinstance(value, ListValue | list | tuple):
        for child in value:
            _walk(child, found)
    elif isinstance(value, RichText):
        found.update(int(pk) for pk in _EMBEDDED_IMAGE.findall(value.source))


def _is_public(page_ids):
    return (
        Page.objects.filter(pk__in=page_ids)
        .live()
        .public()
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=timezone.now()))
    )


def release(page):
    """``page`` was published: the private submission images it shows become
    public if the page is."""
    ids = image_ids(page.specific)
    if not ids or not _is_public([page.pk]).exists():
        return
    moving = get_image_model().objects.filter(
        pk__in=ids, collection__name=PRIVATE_COLLECTION
    )
    for image in moving:
        image.collection = published_collection()
        image.save(update_fields=["collection"])


def withhold(page, ids=None):
    """``page`` is no longer public: its released submission images go back
    to the private collection unless another public page shows them."""
    ids = image_ids(page.specific) if ids is None else ids
    if not ids:
        return
    images = get_image_model().objects.filter(
        pk__in=ids, collection__name=PUBLISHED_COLLECTION
    )
    for image in images:
        if not _is_public(_pages_showing(image) - {page.pk}).exists():
            image.collection = private_collection()
            image.save(update_fields=["collection"])


def _pages_showing(image):
    """Ids of the pages whose live content uses ``image``: image foreign keys
    of every page model, and Wagtail's reference index for blocks."""
    pages = set()
    for model in apps.get_models():
        if not issubclass(model, Page):
            continue
        for field in model._meta.get_fields(include_parents=False):
            if field.many_to_one and field.related_model is type(image):
                pages.update(
                    model.objects.filter(**{field.name: image}).values_list(
                        "pk", flat=True
                    )
                )
    references = ReferenceIndex.get_references_to(image).filter(
        base_content_type=ContentType.objects.get_for_model(Page)
    )
    pages.update(int(pk) for pk in references.values_list("object_id", flat=True))
    return pages


def reconcile():
    """Run after ``migrate``: the private collection is restricted, and its
    images that a public page already shows (stored before this rule, or
    restricted just now) are released. Returns the number released."""
    collection = private_collection()
    released = 0
    for image in get_image_model().objects.filter(collection=collection):
        if _is_public(_pages_showing(image)).exists():
            image.collection = published_collection()
            image.save(update_fields=["collection"])
            released += 1
    return released


# Signal receivers ------------------------------------------------------------


def _published(sender, instance, **kwargs):
    release(instance)


def _unpublished(sender, instance, **kwargs):
    withhold(instance)


def _deleting(sender, instance, **kwargs):
    instance._media_image_ids = image_ids(instance.specific)


def _deleted(sender, instance, **kwargs):
    ids = getattr(instance, "_media_image_ids", None)
    if ids:
        withhold(instance, ids)


def _migrated(sender, using="default", **kwargs):
    if using == "default":
        reconcile()


def connect():
    post_migrate.connect(
        _migrated, sender=apps.get_app_config("news"), dispatch_uid="news.media:migrate"
    )
    page_published.connect(_published, dispatch_uid="news.media:published")
    page_unpublished.connect(_unpublished, dispatch_uid="news.media:unpublished")
    # Per page model: a receiver for every sender would stop Django's fast
    # deletes of every other table.
    for model in apps.get_models():
        if issubclass(model, Page):
            label = model._meta.label
            pre_delete.connect(
                _deleting, sender=model, dispatch_uid=f"news.media:deleting:{label}"
            )
            post_delete.connect(
                _deleted, sender=model, dispatch_uid=f"news.media:deleted:{label}"
            )


# Development media server ----------------------------------------------------


def serve_media(request, path, document_root=None):
    """MEDIA_ROOT in development: original files and renditions of private
    images only to staff (the admin shows them), everything else as is."""
    if not (request.user.is_authenticated and request.user.is_staff):
        image_model = get_image_model()
        if path.startswith("original_images/"):
            raise Http404
        rendition = (
            image_model.get_rendition_model()
            .objects.filter(file=path)
            .select_related("image")
            .first()
        )
        if (
            rendition is not None
            and rendition.image.collection_id in private_collection_ids()
        ):
            raise Http404
    return serve(request, path, document_root=document_root)
