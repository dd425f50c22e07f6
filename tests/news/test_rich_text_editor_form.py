"""Every body stored from outside opens in Wagtail's rich-text editor.

The editor converts stored HTML to contentstate and back; HTML it cannot
read (nh3 writes ``<br>``, the converter accepts only ``<br/>``) makes the
page's edit view answer 500.
"""

import pytest
from django.urls import reverse
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail_localize.strings import StringValue, extract_strings, restore_strings

from news.blocks import RICH_TEXT_FEATURES
from news.feeds import parsing, polling
from news.intake import body_from_html, text_to_html
from news.models import NewsPage

from .test_submissions import payload, post_api

pytestmark = pytest.mark.django_db

CONVERTER = ContentstateConverter(RICH_TEXT_FEATURES)


def assert_editor_round_trips(page):
    """The stored body is already what the editor writes back."""
    for block in page.body.raw_data:
        if block["type"] == "paragraph":
            stored = block["value"]
            again = CONVERTER.to_database_format(CONVERTER.from_database_format(stored))
            assert again == stored


def assert_edit_page_opens(client, page):
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "html",
    [
        "<p>Line one<br>Line two</p>",
        "Line one<br>Line two",
        "<blockquote>Quoted<br>text</blockquote><p>After</p>",
        "<p>Text <b>bold</b></p><img src=x>tail<br>",
        '<ul><li>one<br>two</li></ul><p><a href="https://x.example/">l</a></p>',
    ],
)
def test_sanitised_body_is_in_the_editors_form(html):
    ((kind, value),) = body_from_html(html)
    stored = value.source
    assert "<br>" not in stored
    assert (
        CONVERTER.to_database_format(CONVERTER.from_database_format(stored)) == stored
    )


def test_text_to_html_writes_the_editors_line_break():
    assert text_to_html("Line one\nLine two") == "<p>Line one<br/>Line two</p>"


def test_submission_with_a_line_break_opens_in_the_editor(
    client, admin_client, programme
):
    response = post_api(client, payload(text="Line one\nLine two\n\nNext"))
    assert response.status_code == 202, response.content

    page = NewsPage.objects.get()
    assert "Line one<br/>Line two" in page.body.raw_data[0]["value"]
    assert_editor_round_trips(page)
    assert_edit_page_opens(admin_client, page)


def test_feed_entry_with_a_line_break_opens_in_the_editor(admin_client, programme):
    document = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>CSO</title><language>sq</language>
<item><guid>one</guid><title>Lajm</title>
<content:encoded><![CDATA[<p>Rreshti një<br>Rreshti dy<br /></p>
<blockquote>Citim</blockquote>]]></content:encoded>
</item></channel></rss>""".encode()
    organisation = programme["organisations"]["KCSF"]
    polling.import_entries(organisation, parsing.parse(document))

    page = NewsPage.objects.get(organisation=organisation)
    assert "Rreshti një<br/>Rreshti dy" in page.body.raw_data[0]["value"]
    assert_editor_round_trips(page)
    assert_edit_page_opens(admin_client, page)


def test_machine_translated_rich_text_is_stored_in_the_editors_form():
    """An engine may answer ``<br>``; wagtail-localize rebuilds the block's
    HTML from the segments, and that HTML is what the editor opens."""
    ((_kind, value),) = body_from_html("Line one<br>Line two <b>bold</b>")
    template, strings = extract_strings(value.source)
    translated = [
        (StringValue("Rreshti një<br>Rreshti dy <b>i trashë</b>"), attrs)
        for _string, attrs in strings
    ]

    stored = restore_strings(template, translated)

    assert "Rreshti një<br/>Rreshti dy" in stored
    assert (
        CONVERTER.to_database_format(CONVERTER.from_database_format(stored)) == stored
    )
