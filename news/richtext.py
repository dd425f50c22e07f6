"""Stored rich text as readers get it, outside Wagtail's own templates.

Wagtail's ``expand_db_html`` links to any page by id, live or not, with a
path relative to whichever site holds it; readers of the API and of
newsletters must get links only to what the public may see
(news.visibility), absolute on the website's base URL.
"""

import re
from functools import lru_cache

from django.conf import settings
from django.utils.html import escape
from wagtail.documents import get_document_model
from wagtail.models import Page
from wagtail.rich_text import features
from wagtail.rich_text.rewriters import EmbedRewriter, LinkRewriter, MultiRuleRewriter

from .visibility import page_path, private_collection_ids, published


def _absolute(url):
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.BASE_URL + url


def public_html(source):
    """Stored rich text as HTML for readers (API, newsletters): links to
    pages the public may see and to documents outside private collections,
    as absolute URLs of the website (BASE_URL); links to any other page
    (draft, private, expired, another site's, deleted) or document become
    their plain text."""
    return _UNLINKED.sub(r"\1", _api_rewriter()(source or ""))


_UNLINKED = re.compile(r"<a>(.*?)</a>", re.DOTALL)


def _ids(attrs_list):
    ids = []
    for attrs in attrs_list:
        value = attrs.get("id", "")
        ids.append(int(value) if value.isdigit() and len(value) < 19 else None)
    return ids


def _page_links(attrs_list):
    ids = _ids(attrs_list)
    urls = {
        pk: settings.BASE_URL + page_path(url_path, code)
        for pk, url_path, code in published(Page)
        .filter(pk__in={pk for pk in ids if pk})
        .values_list("pk", "url_path", "locale__language_code")
    }
    return [f'<a href="{escape(urls[pk])}">' if pk in urls else "<a>" for pk in ids]


def _document_links(attrs_list):
    ids = _ids(attrs_list)
    documents = {
        document.pk: document
        for document in get_document_model()
        .objects.filter(pk__in={pk for pk in ids if pk})
        .exclude(collection_id__in=private_collection_ids())
    }
    return [
        f'<a href="{escape(_absolute(documents[pk].url))}">'
        if pk in documents
        else "<a>"
        for pk in ids
    ]


@lru_cache(maxsize=1)
def _api_rewriter():
    link_rules = {
        linktype: handler.expand_db_attributes_many
        for linktype, handler in features.get_link_types().items()
    }
    link_rules.update(page=_page_links, document=_document_links)
    embed_rules = {
        embedtype: handler.expand_db_attributes_many
        for embedtype, handler in features.get_embed_types().items()
    }
    return MultiRuleRewriter(
        [LinkRewriter(bulk_rules=link_rules), EmbedRewriter(bulk_rules=embed_rules)]
    )
