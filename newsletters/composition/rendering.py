"""A newsletter page rendered into an Edition: what one locale's subscribers get.

MJML is compiled once per edition; the per-recipient values stay as the
tokens of newsletters.composition.placeholders so that the sending engine splices them
into the encoded message (newsletters.delivery.message). Digests and events are
resolved from what the public may see (news.visibility.published) at the
moment of rendering, which for a campaign is the moment it is frozen.

Everything an editor can get wrong (an empty digest, an image without alt
text, content MJML rejects) raises NewsletterRenderError with messages in the
editor's words, which the admin shows as validation errors.
"""

import datetime
import re
from dataclasses import asdict, dataclass, fields
from zoneinfo import ZoneInfo

import nh3
from bs4 import BeautifulSoup, NavigableString
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from mjml import mjml2html
from wagtail.models import Page

from home.api_cache import content_version
from home.locales import best_language, html_lang
from home.models import ProgrammeSettings
from news.models import EventPage, NewsPage
from news.richtext import public_html
from news.visibility import page_path, published

from ..delivery.models import Campaign, CampaignEdition
from . import placeholders

EMAIL_WIDTH = 600
GUTTER = 24
CONTENT_WIDTH = EMAIL_WIDTH - 2 * GUTTER
COLUMN_WIDTH = EMAIL_WIDTH // 2 - 2 * GUTTER
# Twice the displayed width, for high-density screens; the img tag carries the
# displayed size.
IMAGE_SPEC = "width-1200"
DIGEST_DEFAULT_DAYS = 30
RICH_TEXT_TAGS = {"p", "br", "h2", "h3", "b", "strong", "i", "em", "ol", "ul", "li"}
RICH_TEXT_TAGS |= {"a"}
TEMPLATE_DIR = "newsletters/email/"
WEB_LINK_CLASS = "view-online"


@dataclass(frozen=True)
class Edition:
    page_id: int
    language: str
    subject: str
    preheader: str
    html: str
    text: str
    from_name: str
    from_email: str
    reply_to: str
    web_url: str
    first_name_fallback: str


class NewsletterRenderError(Exception):
    """Content that cannot make a newsletter; ``messages`` are for the editor."""

    def __init__(self, messages):
        self.messages = [str(m) for m in messages]
        super().__init__("; ".join(self.messages))


def edition_to_dict(edition):
    return asdict(edition)


def edition_from_dict(data):
    names = {f.name for f in fields(Edition)}
    return Edition(**{k: v for k, v in data.items() if k in names})


def absolute(url):
    if url and url.startswith("/") and not url.startswith("//"):
        return settings.BASE_URL + url
    return url


def public_url(page):
    """Absolute URL of a page, from its url_path (no site lookup)."""
    return settings.BASE_URL + page_path(page.url_path, page.locale.language_code)


def subscribe_url(language):
    with translation.override(language):
        return settings.BASE_URL + reverse("newsletter_subscribe")


def render_edition(page, *, now=None):
    """The edition of ``page`` (a NewsletterPage, live or a revision's object)."""
    now = now or timezone.now()
    language = page.locale.language_code
    renderer = _Renderer(page, language, now)
    try:
        with translation.override(language):
            return renderer.render()
    except _Invalid:
        # Outside the override: the editor reads them in the admin's language.
        raise NewsletterRenderError(
            [str(message) % params for message, params in renderer.errors]
        ) from None


def web_html(page, *, now=None):
    """The public web version: the email's HTML with no per-recipient values
    (the greeting's fallback name; preferences and unsubscribe lead to the
    subscription page). Digests and events as they stood when the page was
    last published, unless ``now`` says otherwise, so that the archive does
    not drift as news is published later."""
    edition = render_edition(page, now=now or page.last_published_at)
    return fill(edition, web=True)


WEB_VERSION_CACHE_SECONDS = 600


def published_web_html(page):
    """What the public reads of an issue (its page and the API archive): the
    edition subscribers received when one was sent, else the issue as
    published; "" when its content no longer renders. Cached per publication
    and content version."""
    published_at = page.last_published_at.timestamp() if page.last_published_at else 0
    key = f"newsletters:web:{page.pk}:{published_at}:{content_version()}"
    html = cache.get(key)
    if html is None:
        try:
            html = _sent_web_html(page) or web_html(page)
        except NewsletterRenderError:
            html = ""
        cache.set(key, html, WEB_VERSION_CACHE_SECONDS)
    return html


def _sent_web_html(page):
    edition = (
        CampaignEdition.objects.filter(
            page_id=page.pk,
            campaign__status__in=[Campaign.Status.SENDING, Campaign.Status.SENT],
        )
        .order_by("-pk")
        .first()
    )
    return fill(edition_from_dict(edition.data), web=True) if edition else None


def fill(edition, *, web=False, values=None):
    """``edition.html`` with its tokens replaced (web version, preview); the
    web version hides the email's own "view it in your browser" line."""
    generic = subscribe_url(edition.language)
    filled = {
        "first_name": edition.first_name_fallback,
        "unsubscribe_url": generic,
        "preferences_url": generic,
        **(values or {}),
    }
    html = placeholders.TOKEN_RE.sub(lambda m: escape(filled[m.group(1)]), edition.html)
    if web:
        html = html.replace(
            "</head>", f"<style>.{WEB_LINK_CLASS}{{display:none}}</style></head>", 1
        )
    return html


class _Invalid(Exception):
    pass


class _Renderer:
    def __init__(self, page, language, now):
        self.page = page
        self.language = language
        self.now = now
        self.errors = []
        self.settings = ProgrammeSettings.load()

    def _country_name(self):
        """The page's country as the edition's language names it, else as
        its source does."""
        country = self.page.country if self.page.country_id else None
        if country is None:
            return ""
        names = type(country).local_names([country], self.language)
        return names.get(country.translation_key, country.name)

    def render(self):
        page = self.page
        blocks = [b for b in (self._block(child) for child in page.body or []) if b]
        sender = page.sender if page.sender_id else None
        subject = " ".join((page.subject or "").split())
        context = {
            "language": self.language,
            "html_lang": html_lang(self.language),
            "subject": subject,
            "preheader": page.preheader,
            "title": page.title,
            "blocks": blocks,
            "programme_name": self.settings.programme_name,
            "country_name": self._country_name(),
            "postal_address": (
                sender.postal_address if sender else self.settings.postal_address
            ).strip(),
            "web_url": self._web_url(),
            "first_name": placeholders.FIRST_NAME,
            "unsubscribe_url": placeholders.UNSUBSCRIBE_URL,
            "preferences_url": placeholders.PREFERENCES_URL,
            "web_link_class": WEB_LINK_CLASS,
        }
        if not subject:
            self._error(gettext_lazy("Give the newsletter a subject."))
        self._reject_tokens(subject, page.preheader, page.title, blocks)
        if self.errors:
            raise _Invalid
        source = render_to_string(TEMPLATE_DIR + "newsletter.mjml", context)
        try:
            html = mjml2html(source, disable_comments=True)
        except ValueError as error:
            self._error(
                gettext_lazy("The email could not be built: %(error)s"),
                {"error": error},
            )
            raise _Invalid from error
        text = render_to_string(TEMPLATE_DIR + "newsletter.txt", context)
        subject = " ".join(
            render_to_string(TEMPLATE_DIR + "newsletter_subject.txt", context).split()
        )
        return Edition(
            page_id=page.pk or 0,
            language=self.language,
            subject=subject,
            preheader=page.preheader,
            html=_fluid_images(html),
            text=re.sub(r"\n{3,}", "\n\n", text).strip() + "\n",
            from_name=sender.from_name if sender else self.settings.sender_name,
            from_email=sender.from_email if sender else self.settings.sender_email,
            reply_to=(sender.reply_to if sender else self.settings.reply_to_email)
            or "",
            web_url=context["web_url"],
            first_name_fallback=_("friend"),
        )

    def _error(self, message, params=None):
        self.errors.append((message, params or {}))

    def _web_url(self):
        page = self.page
        url_path = page.url_path
        if not url_path and page.path and page.depth > 1:
            url_path = f"{page.get_parent().url_path}{page.slug}/"
        return settings.BASE_URL + page_path(url_path or "/", self.language)

    def _reject_tokens(self, *values):
        found = set()

        def walk(value):
            if isinstance(value, str):
                found.update(placeholders.TOKEN_RE.findall(value))
            elif isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list | tuple):
                for item in value:
                    walk(item)

        walk(list(values))
        for name in sorted(found):
            self._error(
                gettext_lazy(
                    "The text may not contain %(token)s: it is filled per subscriber."
                ),
                {"token": placeholders.TOKENS[name]},
            )

    # Blocks -------------------------------------------------------------

    def _block(self, child):
        kind, value = child.block_type, child.value
        handler = getattr(self, f"_block_{kind}", None)
        if handler is None:
            return None
        data = handler(value)
        return {"type": kind, **data} if data is not None else None

    def _block_intro(self, value):
        return rich_text(value.source if hasattr(value, "source") else str(value))

    _block_text = _block_intro

    def _block_note(self, value):
        return {"text": value["text"]}

    def _block_divider(self, value):
        return {}

    def _block_button(self, value):
        url = self._button_url(value)
        return {"text": value["text"], "url": url} if url else None

    def _button_url(self, value):
        target = value.get("page")
        if target is not None:
            local = self._localised_public(Page, target)
            if local is None:
                self._error(
                    gettext_lazy(
                        "The button “%(text)s” links to a page that is not published."
                    ),
                    {"text": value["text"]},
                )
                return None
            return public_url(local)
        return value.get("url") or None

    def _block_image(self, value, width=CONTENT_WIDTH):
        image = value["image"]
        alt = (value.get("alt_text") or "").strip()
        if image is None:
            self._error(gettext_lazy("An image block has no image."))
            return None
        if not alt:
            self._error(
                gettext_lazy("The image “%(title)s” needs an alt text."),
                {"title": image.title},
            )
            return None
        return {
            "image": email_image(image, alt, width),
            "caption": value.get("caption", ""),
            "link": value.get("link") or "",
        }

    def _block_featured_news(self, value):
        chosen = value["page"]
        if chosen is None:
            self._error(gettext_lazy("A featured news block has no news item."))
            return None
        item = self._localised_public(NewsPage, chosen)
        if item is None:
            self._error(
                gettext_lazy("The featured news item “%(title)s” is not published."),
                {"title": chosen.title},
            )
            return None
        image = None
        if value.get("show_image") and item.hero_image_id:
            hero = item.hero_image
            alt = (getattr(hero, "description", "") or item.title).strip()
            image = email_image(hero, alt, CONTENT_WIDTH)
        return {
            "title": item.title,
            "lead": item.lead,
            "date": item.date,
            "url": public_url(item),
            "image": image,
        }

    def _block_news_digest(self, value):
        country = value.get("country") or self.page.country
        since = value.get("since") or self._previous_issue_date()
        items = published(NewsPage).filter(
            locale_id=self.page.locale_id,
            date__gte=since,
            date__lte=timezone.localdate(self.now),
        )
        if country is not None and not country.is_regional:
            items = items.filter(country__translation_key=country.translation_key)
        topic = value.get("topic")
        if topic is not None:
            items = items.filter(topics__translation_key=topic.translation_key)
        items = items.select_related("locale").order_by("-date", "-pk")
        items = [
            {"title": n.title, "lead": n.lead, "date": n.date, "url": public_url(n)}
            for n in items[: value.get("max_items") or 5]
        ]
        if not items:
            self._error(
                gettext_lazy(
                    "The news digest “%(heading)s” finds no published news since "
                    "%(since)s: widen it or remove it."
                ),
                {
                    "heading": value.get("heading") or gettext_lazy("News"),
                    "since": since.isoformat(),
                },
            )
            return None
        return {"heading": value.get("heading") or "", "items": items}

    def _block_upcoming_events(self, value):
        country = value.get("country") or self.page.country
        days = value.get("days") or 30
        events = published(EventPage).filter(
            locale_id=self.page.locale_id,
            end__gte=self.now,
            start__lte=self.now + datetime.timedelta(days=days),
        )
        if country is not None and not country.is_regional:
            events = events.filter(country__translation_key=country.translation_key)
        events = events.select_related("locale").order_by("start", "pk")
        items = []
        for event in events[: value.get("max_items") or 5]:
            start = timezone.localtime(event.start, ZoneInfo(event.time_zone))
            place = _("Online") if event.is_online else event.city or event.venue
            items.append(
                {
                    "title": event.title,
                    "start": start,
                    "place": place,
                    "url": public_url(event),
                }
            )
        if not items:
            self._error(
                gettext_lazy(
                    "The events block “%(heading)s” finds no published event in the "
                    "next %(days)s days: widen it or remove it."
                ),
                {
                    "heading": value.get("heading") or gettext_lazy("Events"),
                    "days": days,
                },
            )
            return None
        return {"heading": value.get("heading") or "", "items": items}

    def _block_two_columns(self, value):
        columns = []
        for side in ("left", "right"):
            parts = []
            for child in value[side]:
                if child.block_type == "image":
                    data = self._block_image(child.value, COLUMN_WIDTH)
                else:
                    data = self._block(child)
                    data = {k: v for k, v in (data or {}).items() if k != "type"}
                if data is not None:
                    parts.append({"type": child.block_type, **data})
            columns.append(parts)
        return {"columns": columns}

    def _previous_issue_date(self):
        """Since the previous published issue of the same country and
        language, or the last DIGEST_DEFAULT_DAYS days."""
        previous = self.page.previous_issue(self.now)
        if previous is not None:
            return timezone.localdate(previous.first_published_at)
        return timezone.localdate(self.now) - datetime.timedelta(
            days=DIGEST_DEFAULT_DAYS
        )

    def _localised_public(self, model, page):
        """The public version of ``page`` in this edition's language, else in
        the first language of its fallback chain that has one, else ``page``
        itself if public."""
        candidates = published(model).filter(translation_key=page.translation_key)
        by_language = {
            p.locale.language_code: p for p in candidates.select_related("locale")
        }
        chosen = next((c for c, p in by_language.items() if p.pk == page.pk), None)
        return by_language.get(best_language(self.language, by_language, chosen))


def email_image(image, alt, width):
    rendition = image.get_rendition(IMAGE_SPEC)
    display_width = min(width, rendition.width)
    height = round(rendition.height * display_width / rendition.width)
    return {
        "url": absolute(rendition.url),
        "alt": alt,
        "width": display_width,
        "height": height,
    }


def rich_text(source):
    """Editor rich text as email-safe HTML (links absolute, and only to what
    the public may see: news.richtext.public_html) and as plain text."""
    html = nh3.clean(
        public_html(source),
        tags=RICH_TEXT_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )
    soup = BeautifulSoup(html, "html.parser")
    for link in soup.find_all("a"):
        link["href"] = absolute(link.get("href", ""))
    return {"html": str(soup), "text": html_to_text(soup)}


def html_to_text(soup):
    """Plain text of rich text: paragraphs apart, list items dashed, links
    followed by their URL in angle brackets."""
    lines = []

    def inline(node):
        if isinstance(node, NavigableString):
            return str(node)
        if node.name == "br":
            return "\n"
        text = "".join(inline(child) for child in node.children)
        if node.name == "a" and node.get("href") and node["href"] != text.strip():
            return f"{text} <{node['href']}>"
        return text

    for node in soup.children:
        if isinstance(node, NavigableString):
            if node.strip():
                lines.append(node.strip())
            continue
        if node.name in ("ul", "ol"):
            for number, item in enumerate(node.find_all("li", recursive=False), 1):
                marker = f"{number}." if node.name == "ol" else "-"
                lines.append(f"{marker} {' '.join(inline(item).split())}")
            lines.append("")
            continue
        lines.extend([" ".join(inline(node).split()), ""])
    return "\n".join(lines).strip()


_IMG_HEIGHT = re.compile(r"(<img\b[^>]*?style=\"[^\"]*?)height:\d+px;")


def _fluid_images(html):
    """MJML fixes each image's CSS height; on a narrow screen the width
    shrinks, so the height must follow (the height attribute stays)."""
    return _IMG_HEIGHT.sub(r"\1height:auto;", html)
