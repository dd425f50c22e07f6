"""Content from outside (CSO submissions, feeds) becomes a draft under review.

Everything here treats its input as hostile: HTML is cleaned with nh3 to the
few tags a news body uses, titles and leads become plain text, and nothing is
published: each draft enters its country's review workflow.
"""

import html
import re

import nh3
from django.utils import timezone
from django.utils.text import slugify
from wagtail.coreutils import find_available_slug
from wagtail.rich_text import RichText

from .models import NewsPage
from .structure import section_for

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a", "h2", "h3",
    "blockquote",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
TITLE_MAX = 255
LEAD_MAX = 600
BODY_MAX = 100_000
_SPACE = re.compile(r"\s+")
_BLOCK_TAGS = re.compile(r"<(p|h2|h3|ul|ol|blockquote)[\s>]", re.IGNORECASE)


def sanitise_html(value):
    """The allowed subset of ``value``: no scripts, handlers or javascript: links."""
    cleaned = nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return cleaned.strip()


def plain_text(value, max_length=None):
    """Text with every tag removed, entities decoded and white space folded."""
    text = html.unescape(nh3.clean(value or "", tags=set()))
    text = _SPACE.sub(" ", text).strip()
    if max_length and len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text


def text_to_html(text):
    """Plain text with blank-line paragraphs, as safe HTML paragraphs."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return "".join(
        "<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs
    )


def body_from_html(value):
    """StreamField body of one paragraph block of cleaned HTML (or nothing)."""
    cleaned = sanitise_html(value[:BODY_MAX] if value else "")
    if not plain_text(cleaned):
        return []
    if not _BLOCK_TAGS.search(cleaned):
        cleaned = f"<p>{cleaned}</p>"
    return [("paragraph", RichText(cleaned))]


def create_draft_news(
    *,
    country,
    locale,
    title,
    lead,
    body_html,
    provenance,
    organisation=None,
    source_url="",
    date=None,
    image=None,
):
    """File a draft NewsPage in the country's section for ``locale`` and put it
    into that section's review workflow. Returns the page (never live)."""
    section = section_for(country, locale, "news")
    title = plain_text(title, TITLE_MAX) or "Untitled"
    base_slug = slugify(title, allow_unicode=True)[:80].strip("-") or "news"
    page = NewsPage(
        title=title,
        slug=find_available_slug(section, base_slug),
        date=date or timezone.localdate(),
        lead=plain_text(lead, LEAD_MAX),
        body=body_from_html(body_html),
        organisation=organisation,
        provenance=provenance,
        source_url=source_url[:1000],
        hero_image=image,
        live=False,
    )
    section.add_child(instance=page)
    page.save_revision(log_action=True)
    workflow = page.get_workflow()
    if workflow is not None:
        workflow.start(page, user=None)
    return page
