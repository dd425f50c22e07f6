"""Searchable text folded for every script, case and diacritic (home.textfold),
shared by the news, event and newsletter pages and the organisations."""

from wagtail.search import index

from home.textfold import fold_with_stems


def streamfield_text(value):
    """The words of a StreamField value, as plain text."""
    if not value:
        return ""
    return " ".join(value.stream_block.get_searchable_content(value))


class FoldedSearchMixin:
    """Folded copies of the searchable text (home.textfold): every script,
    case and diacritic meets in one form, in the index and in queries."""

    folded_search_fields = [
        index.SearchField("folded_title", boost=4),
        index.AutocompleteField("folded_title"),
        index.SearchField("folded_text"),
    ]

    def search_title(self):
        return self.title

    def search_text(self):
        return ""

    def folded_title(self):
        return fold_with_stems(self.search_title())

    def folded_text(self):
        return fold_with_stems(self.search_text())
