"""Folding text for search: one form for every script, case and diacritic.

Readers search Serbian in either script, Turkish with or without dotted and
dotless i, and every language without diacritics. Both the indexed text and
the query are folded the same way, so "Beograd" meets "Београд", "İSTANBUL"
meets "istanbul" and "drustvo" meets "društvo".

It lives in ``home`` because the content models index folded fields and may
not import the ``search`` app, which builds on them.
"""

import re
import unicodedata

# Serbian and Macedonian Cyrillic to Latin (Serbian Latin conventions; the
# Macedonian letters by their usual Latin spelling), already without
# diacritics since those are folded away next anyway.
CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "dj", "е": "e",
    "ж": "z", "з": "z", "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj",
    "м": "m", "н": "n", "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "ћ": "c", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "c",
    "џ": "dz", "ш": "s", "ѓ": "gj", "ќ": "kj", "ѕ": "dz", "ѐ": "e", "ѝ": "i",
}  # fmt: skip
# Letters that Unicode does not decompose into a base letter and a mark.
SPECIAL = {
    "đ": "dj", "ı": "i", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss",
}  # fmt: skip
_TABLE = str.maketrans({**CYRILLIC, **SPECIAL})
_NOT_WORD = re.compile(r"[^\w]+")


def fold(text):
    """Lower-case Latin letters without diacritics, words separated by spaces.

    >>> fold("İSTANBUL'da Удружење грађана, Shoqëria çdo ditë")
    'istanbul da udruzenje gradjana shoqeria cdo dite'
    """
    if not text:
        return ""
    # Lower-case first: "İ".lower() is "i" + a combining dot, dropped below;
    # "I" becomes "i"; the dotless "ı" is mapped to "i" by the table.
    lowered = str(text).lower().translate(_TABLE)
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", stripped.replace("_", " ")).strip()


STEM_LENGTH = 5
MIN_STEMMED = 4


def stem(word):
    """A crude, language-blind stem: the first letters of a word, at most
    STEM_LENGTH and always one fewer than the word (words of MIN_STEMMED
    letters or more; shorter ones are their own stem).

    Albanian, the South Slavic languages and Turkish inflect heavily (Kosova,
    Kosovës, Kosovën; Niš, Niša; Tuzla, Tuzle); cutting words to their first
    letters lets one form find the others, in every language alike. Ranking
    then prefers the exact word (search.query.rank_score).
    """
    if len(word) < MIN_STEMMED:
        return word
    return word[: min(len(word) - 1, STEM_LENGTH)]


def fold_with_stems(text):
    """Folded text followed by the stems of its words, for the index."""
    folded = fold(text)
    words = set(folded.split())
    extra = sorted({stem(w) for w in words} - words)
    return f"{folded} {' '.join(extra)}".strip()
