"""Email-safe StreamField blocks for newsletters.

Only what renders reliably in mail clients: no embeds, no forms, no scripts.
Digest and events blocks hold a query, not items: the items are resolved when
an edition is frozen for sending (newsletters.composition.rendering).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

EMAIL_RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link"]
MAX_DIGEST_ITEMS = 30


class EmailImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        help_text=_("Describe the image for readers whose mail shows no images."),
    )
    caption = blocks.CharBlock(required=False, max_length=300)
    link = blocks.URLBlock(required=False)

    class Meta:
        icon = "image"
        label = _("Image")


class ButtonBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=80)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False, help_text=_("Used when no page is chosen."))

    class Meta:
        icon = "link"
        label = _("Button")

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise StructBlockValidationError(
                block_errors={"url": ValidationError(_("Choose a page or give a URL."))}
            )
        return value


class FeaturedNewsBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(page_type="news.NewsPage")
    show_image = blocks.BooleanBlock(required=False, default=True)

    class Meta:
        icon = "pick"
        label = _("Featured news")


class NewsDigestBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=150, required=False)
    country = SnippetChooserBlock("news.Country", required=False)
    topic = SnippetChooserBlock("news.Topic", required=False)
    since = blocks.DateBlock(
        required=False, help_text=_("Default: since the previous newsletter.")
    )
    max_items = blocks.IntegerBlock(min_value=1, max_value=MAX_DIGEST_ITEMS, default=5)

    class Meta:
        icon = "list-ul"
        label = _("News digest")


class UpcomingEventsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=150, required=False)
    country = SnippetChooserBlock("news.Country", required=False)
    days = blocks.IntegerBlock(min_value=1, max_value=365, default=30)
    max_items = blocks.IntegerBlock(min_value=1, max_value=MAX_DIGEST_ITEMS, default=5)

    class Meta:
        icon = "date"
        label = _("Upcoming events")


class NoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(max_length=1000)

    class Meta:
        icon = "info-circle"
        label = _("Plain note")


class ColumnBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(features=EMAIL_RICH_TEXT_FEATURES)
    image = EmailImageBlock()
    button = ButtonBlock()

    class Meta:
        max_num = 4


class TwoColumnsBlock(blocks.StructBlock):
    left = ColumnBlock()
    right = ColumnBlock()

    class Meta:
        icon = "grip"
        label = _("Two columns")


class NewsletterBodyBlock(blocks.StreamBlock):
    intro = blocks.RichTextBlock(features=EMAIL_RICH_TEXT_FEATURES, label=_("Text"))
    featured_news = FeaturedNewsBlock()
    news_digest = NewsDigestBlock()
    upcoming_events = UpcomingEventsBlock()
    image = EmailImageBlock()
    button = ButtonBlock()
    divider = blocks.StaticBlock(icon="horizontalrule", label=_("Divider"))
    two_columns = TwoColumnsBlock()
    note = NoteBlock()
