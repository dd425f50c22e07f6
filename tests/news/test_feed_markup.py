"""Feed entries are decoded once: escaped markup stays visible text.

An RSS title or description is HTML inside XML: ``&amp;lt;img ...&amp;gt;``
in the document is the HTML ``&lt;img ...&gt;``, which a reader sees as
``<img ...>``. Escaped twice or three times, a reader sees one level less,
never a tag. An Atom ``type="text"`` construct is text as it stands.
"""

from xml.sax.saxutils import escape as xml

import pytest

from news.feeds import parsing, polling
from news.models import NewsPage
from tests.news.test_plain_text import ATTACK, escaped, read_as_html, visible


def rss(value_html):
    """An RSS 2.0 item whose title, description and body are ``value_html``."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>CSO</title><language>sq</language>
<item><guid>one</guid><title>{xml("Lajm " + value_html)}</title>
<description>{xml("Hyrje " + value_html)}</description>
<content:encoded>{xml("<p>Teksti " + value_html + "</p>")}</content:encoded>
</item></channel></rss>""".encode()


def atom(value, kind):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="sq"><title>CSO</title>
<entry><id>urn:one</id><title type="{kind}">{xml("Lajm " + value)}</title>
<summary type="{kind}">{xml("Hyrje " + value)}</summary>
<content type="{kind}">{xml("Teksti " + value)}</content>
</entry></feed>""".encode()


def imported(programme, document):
    organisation = programme["organisations"]["KCSF"]
    count, problems = polling.import_entries(organisation, parsing.parse(document))
    assert (count, problems) == (1, [])
    return NewsPage.objects.get(organisation=organisation)


def assert_shows(page, shown):
    assert visible(page.title) == f"Lajm {shown}"
    assert visible(page.lead) == f"Hyrje {shown}"
    for value in (page.title, page.lead):
        assert read_as_html(value)[0] == []
    tags, words = read_as_html(page.body[0].value.source)
    assert set(tags) == {"p"}
    assert visible(words).strip() == f"Teksti {shown}"


@pytest.mark.parametrize("times", [1, 2, 3])
def test_rss_html_is_decoded_once(programme, times):
    page = imported(programme, rss(escaped(ATTACK, times)))
    assert_shows(page, escaped(ATTACK, times - 1))


@pytest.mark.parametrize("times", [1, 2, 3])
def test_atom_html_constructs_are_decoded_once(programme, times):
    page = imported(programme, atom(escaped(ATTACK, times), "html"))
    assert_shows(page, escaped(ATTACK, times - 1))


@pytest.mark.parametrize("times", [0, 1, 2, 3])
def test_atom_text_constructs_are_kept_as_they_are(programme, times):
    page = imported(programme, atom(escaped(ATTACK, times), "text"))
    assert_shows(page, escaped(ATTACK, times))
