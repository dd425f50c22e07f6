"""Serbian Cyrillic <-> Serbian Latin (Gaj's alphabet), letter for letter.

The two scripts spell the same language one letter to one letter, so moving
between them is a deterministic conversion, not a translation: no engine is
asked and nothing needs review for wording. Latin -> Cyrillic must read the
digraphs lj, nj and dž as one letter, except in the few words where the two
letters belong to a prefix and a stem (nad-živeti); those are listed.

Markup, URLs, e-mail addresses and @handles are left as they are in both
directions, so HTML fragments from wagtail-localize convert safely and a
Cyrillic text that quotes a web address comes back exactly.
"""

import re

_CYR_TO_LAT = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Ђ": "Đ", "Е": "E",
    "Ж": "Ž", "З": "Z", "И": "I", "Ј": "J", "К": "K", "Л": "L", "Љ": "Lj",
    "М": "M", "Н": "N", "Њ": "Nj", "О": "O", "П": "P", "Р": "R", "С": "S",
    "Т": "T", "Ћ": "Ć", "У": "U", "Ф": "F", "Х": "H", "Ц": "C", "Ч": "Č",
    "Џ": "Dž", "Ш": "Š",
}  # fmt: skip
_CYR_TO_LAT.update({k.lower(): v.lower() for k, v in list(_CYR_TO_LAT.items())})
_DIGRAPHS = {"Љ": "LJ", "Њ": "NJ", "Џ": "DŽ"}

_LAT_TO_CYR = {v: k for k, v in _CYR_TO_LAT.items() if len(v) == 1}
_LAT_DIGRAPHS = {
    "lj": "љ", "Lj": "Љ", "LJ": "Љ",
    "nj": "њ", "Nj": "Њ", "NJ": "Њ",
    "dž": "џ", "Dž": "Џ", "DŽ": "Џ",
}  # fmt: skip
# Words in which d+ž, n+j or l+j are two letters, not one (prefix + stem).
_SPLIT_DIGRAPH_STEMS = (
    "nadžanr", "nadživ", "nadžnjev", "nadžup", "odživ", "podžanr", "podžup",
    "injekc", "konjunkt", "konjug", "injunkc",
)  # fmt: skip

# Left alone in both directions: tags, entities, URLs, e-mail addresses, handles.
_PROTECTED = re.compile(
    r"<[^>]*>"
    r"|&[#\w]+;"
    r"|\b(?:https?://|www\.)[^\s<>\"]+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|@\w+",
    re.UNICODE,
)
_FOREIGN_LETTERS = frozenset("qwxy")
_WORD = re.compile(r"\w+", re.UNICODE)


def _split_protected(text):
    """Alternating (plain, protected) pieces, starting with plain text."""
    position = 0
    for match in _PROTECTED.finditer(text):
        yield text[position : match.start()], match.group(0)
        position = match.end()
    yield text[position:], ""


def _cyr_word_to_lat(word):
    out = []
    for index, char in enumerate(word):
        if char in _DIGRAPHS:
            # Љ in an upper-case word (ЉУБАВ -> LJUBAV), else Lj (Љубав -> Ljubav).
            neighbours = word[index + 1 : index + 2] or word[index - 1 : index]
            upper = neighbours.isupper() and len(word) > 1
            out.append(_DIGRAPHS[char] if upper else _CYR_TO_LAT[char])
        else:
            out.append(_CYR_TO_LAT.get(char, char))
    return "".join(out)


def _lat_word_to_cyr(word):
    lowered = word.lower()
    if _FOREIGN_LETTERS.intersection(lowered):
        # Not a Serbian word (Wagtail, Wi-Fi, Xiaomi): keep its spelling.
        return word
    keep_split = any(lowered.startswith(stem) for stem in _SPLIT_DIGRAPH_STEMS)
    out = []
    index = 0
    while index < len(word):
        pair = word[index : index + 2]
        if not keep_split and pair in _LAT_DIGRAPHS:
            out.append(_LAT_DIGRAPHS[pair])
            index += 2
            continue
        out.append(_LAT_TO_CYR.get(word[index], word[index]))
        index += 1
    return "".join(out)


def _convert(text, convert_word):
    pieces = []
    for plain, protected in _split_protected(text or ""):
        pieces.append(_WORD.sub(lambda m: convert_word(m.group(0)), plain))
        pieces.append(protected)
    return "".join(pieces)


def cyrillic_to_latin(text):
    """Serbian Cyrillic to Serbian Latin.

    >>> cyrillic_to_latin("Удружење грађана ЉУБАВ, Џонић")
    'Udruženje građana LJUBAV, Džonić'
    """
    return _convert(text, _cyr_word_to_lat)


def latin_to_cyrillic(text):
    """Serbian Latin to Serbian Cyrillic.

    >>> latin_to_cyrillic("Udruženje građana LJUBAV, nadživeti")
    'Удружење грађана ЉУБАВ, надживети'
    """
    return _convert(text, _lat_word_to_cyr)


SCRIPT_PAIRS = {
    ("sr", "sr-latn"): cyrillic_to_latin,
    ("sr-latn", "sr"): latin_to_cyrillic,
}


def transliterator(source_code, target_code):
    """The conversion between two language codes, or None if not a script pair."""
    return SCRIPT_PAIRS.get((source_code, target_code))
