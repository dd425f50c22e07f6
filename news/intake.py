"""Content from outside (CSO submissions, feeds) becomes a draft under review.

Everything here treats its input as hostile: HTML is cleaned with nh3 to the
few tags a news body uses, titles and leads become plain text, and nothing is
published: each draft enters its country's review workflow.
"""

import html
import re

import nh3
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.coreutils import find_available_slug
from wagtail.models import Locale
from wagtail.rich_text import RichText

from .blocks import RICH_TEXT_FEATURES
from .media import store_submission_image
from .models import NewsPage, Organisation, Submission
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
WORD_JOINER = "\u2060"
# What the HTML tokenizer reads as markup after "<", and a character
# reference as html.unescape (and the HTML standard) finds one.
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")


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
    """Text with every tag removed, entities decoded once and white space folded.

    ``&lt;img onerror=...&gt;`` stays words on the screen: it decodes to
    ``<img onerror=...>`` made inert (see ``inert``), so no later HTML parser,
    template that forgets to escape, or second pass through this function
    turns it into a tag or decodes it again. ``plain_text(plain_text(x))`` is
    ``plain_text(x)``.
    """
    text = inert(html.unescape(nh3.clean(value or "", tags=set())))
    text = _SPACE.sub(" ", text).strip()
    if max_length and len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text


def inert(text):
    """``text`` with every ``<`` that would open a tag and every ``&`` that would
    start a character reference followed by a word joiner (U+2060).

    The text reads the same (the joiner is invisible and has no width), but an
    HTML parser sees a plain ``<`` or ``&``: decoded text can never become
    markup or be decoded a second time.
    """
    text = _TAG_OPEN.sub("<" + WORD_JOINER, text)
    return _CHARREF.sub(_inert_charref, text)


def _inert_charref(match):
    reference = match.group()
    if html.unescape(reference) == reference:
        return reference
    return "&" + WORD_JOINER + reference[1:]


def text_to_html(text):
    """Plain text with blank-line paragraphs, as safe HTML paragraphs.

    Any markup in it is removed (not escaped), so a pasted link or script
    leaves nothing behind but its words.
    """
    paragraphs = []
    for block in re.split(r"\n\s*\n", text or ""):
        lines = [plain_text(line) for line in block.splitlines()]
        lines = [html.escape(line, quote=False) for line in lines if line]
        if lines:
            paragraphs.append("<p>" + "<br/>".join(lines) + "</p>")
    return "".join(paragraphs)


def body_from_html(value):
    """StreamField body of one paragraph block of cleaned HTML (or nothing),
    in the form the rich-text editor writes (see ``editor_html``)."""
    cleaned = sanitise_html(value[:BODY_MAX] if value else "")
    if not plain_text(cleaned):
        return []
    if not _BLOCK_TAGS.search(cleaned):
        cleaned = f"<p>{cleaned}</p>"
    return [("paragraph", RichText(editor_html(cleaned)))]


def editor_html(cleaned):
    """Sanitised HTML as Wagtail's rich-text editor stores it.

    The editor reads stored HTML into contentstate and fails on what its
    converter does not write (nh3's ``<br>`` for one: the edit view answers
    500); passed through the same converter once, the body is what the editor
    round-trips, with only the body's features (a blockquote becomes a
    paragraph, link attributes other than href go). nh3 escapes every ``<``
    in text, so each ``<br>`` in its output is the element.
    """
    cleaned = cleaned.replace("<br>", "<br/>")
    return _EDITOR.to_database_format(_EDITOR.from_database_format(cleaned))


_EDITOR = ContentstateConverter(RICH_TEXT_FEATURES)


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


@transaction.atomic
def submit(data, *, ip_address="", user_agent="", source="page"):
    """Turn a validated SubmissionForm's data into a draft under review.

    Creates the organisation (unverified) when the CSO is new, stores the
    image privately (news.media), records who submitted what with
    which consent, and, once committed, acknowledges the submitter.
    """
    country = data["country"]
    locale = Locale.objects.get(language_code=data["language"])
    organisation = data.get("organisation")
    if organisation is None:
        name = plain_text(data["new_organisation_name"], 255)
        organisation = _same_name(name, country) or Organisation.objects.create(
            name=name,
            kind=Organisation.Kind.CSO,
            country=country,
            contact_email=data["submitter_email"],
            verified=False,
            locale=country.locale,
        )
    image = None
    if data.get("image"):
        image = store_submission_image(data["image"], plain_text(data["title"], 255))
    page = create_draft_news(
        country=country,
        locale=locale,
        title=data["title"],
        lead=_lead_from_text(data["text"]),
        body_html=text_to_html(data["text"]),
        provenance=NewsPage.Provenance.SUBMISSION,
        organisation=organisation,
        image=image,
    )
    submission = Submission.objects.create(
        page=page,
        submitter_name=plain_text(data["submitter_name"], 200),
        submitter_email=data["submitter_email"],
        organisation=organisation,
        country=country,
        language=locale.language_code,
        consent_to_publish=True,
        image_rights_confirmed=bool(image and data.get("image_rights")),
        ip_address=ip_address or None,
        user_agent=user_agent,
        source=source,
    )
    transaction.on_commit(lambda: acknowledge(submission.pk))
    return submission


def _same_name(name, country):
    """An organisation of ``country`` with this name, compared case-insensitively
    in any script (the database's own folding is ASCII-only on SQLite)."""
    wanted = name.casefold()
    candidates = Organisation.objects.filter(
        country__translation_key=country.translation_key
    ).only("pk", "name")
    return next((org for org in candidates if org.name.casefold() == wanted), None)


def _lead_from_text(text):
    first = next((p for p in re.split(r"\n\s*\n", text or "") if p.strip()), "")
    return plain_text(first, 300)


# Top-level names that never receive mail (RFC 2606, RFC 6761, RFC 7686).
_NO_MAIL_TLDS = {"invalid", "test", "localhost", "local", "example", "onion"}


def plausible_address(address):
    """Worth an acknowledgement: a mailbox at a domain name that can receive
    mail (no IP literal, no reserved or single-label name)."""
    local, _, domain = (address or "").rpartition("@")
    domain = domain.strip().lower().rstrip(".")
    labels = domain.split(".")
    if not local or "[" in domain or len(labels) < 2 or not all(labels):
        return False
    return labels[-1] not in _NO_MAIL_TLDS and not labels[-1].isdigit()


def acknowledge(submission_id):
    """Tell the submitter, in their language, that a person will review it.

    The form takes any address, so the message must be worthless to someone
    who types a stranger's: it carries nothing the submitter chose but their
    name (no title, no text), goes only to a plausible address, and the
    per-address limit caps how often (NEWS_SUBMISSION_RATE_PER_EMAIL).
    """
    submission = Submission.objects.select_related("page", "country").get(
        pk=submission_id
    )
    if not plausible_address(submission.submitter_email):
        return
    with translation.override(submission.language):
        context = {"submission": submission}
        subject = render_to_string(
            "news/email/submission_received_subject.txt", context
        ).strip()
        body = render_to_string("news/email/submission_received.txt", context)
    send_mail(
        " ".join(subject.split()),
        body,
        None,
        [submission.submitter_email],
        fail_silently=False,
    )
