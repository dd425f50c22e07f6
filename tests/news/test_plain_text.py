"""Plain text from outside stays text: entities decoded once, never a tag.

A CSO types ``&lt;img src=x onerror=...&gt;`` (or a feed escapes it one,
two or three times): people see those characters, no browser, feed reader or
second pass ever runs them.
"""

from html.parser import HTMLParser

import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from news.intake import plain_text, text_to_html

ATTACK = "<img src=x onerror=alert(1)>"
WORD_JOINER = "\u2060"


def visible(text):
    """What a reader sees: the invisible word joiner takes no room."""
    return text.replace(WORD_JOINER, "")


def escaped(text, times):
    for _ in range(times):
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.attributes = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(name for name, _value in attrs)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)


def _parsed(value):
    parser = _Tags()
    parser.feed(value)
    parser.close()
    return parser


def read_as_html(value):
    """(tags, text) a browser would find in ``value`` pasted into HTML."""
    parser = _parsed(value)
    return parser.tags, "".join(parser.text)


def attribute_names(value):
    """Every attribute name of every tag in the HTML ``value``."""
    return _parsed(value).attributes


@pytest.mark.parametrize("times", [1, 2, 3])
def test_escaped_markup_is_decoded_once_and_stays_text(times):
    text = plain_text(f"Lajm {escaped(ATTACK, times)}")
    assert visible(text) == "Lajm " + escaped(ATTACK, times - 1)
    # Even pasted into HTML without escaping, it is no tag and reads the same.
    tags, words = read_as_html(text)
    assert tags == []
    assert visible(words) == visible(text)
    assert nh3.clean(text, tags=set()).count("<") == 0


@pytest.mark.parametrize("times", [0, 1, 2, 3])
def test_a_second_pass_changes_nothing(times):
    once = plain_text(f"Lajm {escaped(ATTACK, times)} &amp; R&D")
    assert plain_text(once) == once
    assert plain_text(plain_text(once)) == once


def test_real_tags_go_and_entities_of_ordinary_text_decode():
    assert plain_text("<b>Tom</b> &amp; Jerry &eacute;t&eacute; R&D") == (
        "Tom & Jerry été R&D"
    )
    assert plain_text('<script>alert(1)</script>Lajm <img src=x onerror="a()">') == (
        "Lajm"
    )


def test_text_paragraphs_keep_decoded_markup_as_visible_words():
    body = text_to_html(f"Para {escaped(ATTACK, 1)}\n\nDy {escaped(ATTACK, 2)}")
    tags, words = read_as_html(body)
    assert tags == ["p", "p"]
    assert visible(words) == f"Para {ATTACK}Dy {escaped(ATTACK, 1)}"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["<", ">", "&", ";", "#", "x", "3", "c", "lt", "amp", "gt", "img",
             "/", "!", "?", " ", "=", '"', "script", "&#60", "\u2060", "é"]
        ),
        max_size=30,
    ).map("".join)
)  # fmt: skip
def test_plain_text_is_idempotent_and_never_markup(value):
    once = plain_text(value)
    assert plain_text(once) == once
    tags, words = read_as_html(once)
    assert tags == []
