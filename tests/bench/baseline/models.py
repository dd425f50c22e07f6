"""P7's baseline: the news page's content on a plain Wagtail page model,
with none of the project's model code, signals or read model."""

from django.db import models
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index


class PlainNewsPage(Page):
    date = models.DateField()
    lead = models.TextField(max_length=600)
    body = StreamField([("paragraph", blocks.RichTextBlock())], blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("lead"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("lead"),
        index.SearchField("body"),
    ]
