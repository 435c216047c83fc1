"""Why a result matched, and the spellings the archive holds for an unmarked query (pure functions).

The search index is folded (no diacritics, lower case), so ``gian cach xa hoi`` finds *giãn cách xã
hội* as a phrase, but also an article where *gian*, *cách*, *xã* and *hội* stand apart. The search page
says which is which: :func:`query_words` gives the words typed side by side, :func:`reasons` tells for
one article in which fields (headline, lead, text, a caption, a tag, a person) the phrase stands and in
which only the words apart, and :func:`spellings` collects how the phrase is written in the articles.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from datasette_kinhtedothi.vi_search import _lowered, parse_query

# fields in the order a result lists them; those with several values (captions, tags, people) name the one
FIELDS = ("title", "sapo", "body_text", "captions", "tags", "people")
LISTS = {"captions", "tags", "people"}
MAX_TEXT = 100_000      # characters of one field read to tell why it matched
MAX_FORMS = 3           # spellings offered for an unmarked query


def plain_words(q: str) -> tuple[str, ...]:
    """The words typed (folded), when the query is only words: no operator, no prefix*; else ()."""
    words: list[str] = []
    for part in parse_query(q):
        if part[0] == "op":
            return ()
        terms, prefix = part[1]
        if prefix:
            return ()
        words += terms
    return tuple(words)


def query_words(q: str) -> tuple[str, ...]:
    """The words typed side by side (folded), when they can be a phrase: two or more plain words."""
    words = plain_words(q)
    return words if len(words) > 1 else ()


def _pattern(words: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"(?<!\w)" + r"\W+".join(re.escape(w) for w in words) + r"(?!\w)")


def _word_patterns(words: tuple[str, ...]) -> list[re.Pattern]:
    return [re.compile(r"(?<!\w)" + re.escape(w) + r"(?!\w)") for w in dict.fromkeys(words)]


def _folded(text: str) -> str:
    return _lowered(unicodedata.normalize("NFC", text[:MAX_TEXT]))


def reasons(fields: dict[str, object], words: tuple[str, ...]) -> tuple[bool, list[dict]]:
    """(whether the phrase stands anywhere, [{field, phrase, value}]) for one article.

    ``fields`` maps FIELDS to a text or, for captions, tags and people, a list of texts. With the phrase: every
    field (and every caption, tag or person, named in ``value``) where it stands. Without: the fields where its
    words stand apart."""
    phrase = _pattern(words)
    singles = _word_patterns(words)
    with_phrase: list[dict] = []
    with_words: list[dict] = []
    for field in FIELDS:
        value = fields.get(field)
        texts = [str(t) for t in (value if isinstance(value, list) else [value]) if t]
        folded = [_folded(t) for t in texts]
        for text, lowered in zip(texts, folded):
            if phrase.search(lowered):
                with_phrase.append({"field": field, "phrase": True, "value": text if field in LISTS else None})
                if field not in LISTS:
                    break
        if any(p.search(lowered) for lowered in folded for p in singles):
            with_words.append({"field": field, "phrase": False, "value": None})
    return bool(with_phrase), with_phrase or with_words


def spellings(texts: list[str], words: tuple[str, ...]) -> Counter[str]:
    """How the phrase of ``words`` is written in ``texts`` (diacritics and case as printed, lower-cased when only
    the case differs): {spelling: number of texts holding it}."""
    pattern = _pattern(words)
    found: Counter[str] = Counter()
    for text in texts:
        text = unicodedata.normalize("NFC", text[:MAX_TEXT])
        folded = _lowered(text)
        forms = {" ".join(text[m.start():m.end()].split()) for m in pattern.finditer(folded)}
        for form in {f.lower() if f[:1].isupper() and f[1:].lower() == f[1:] else f for f in forms}:
            found[form] += 1
    return found


def is_unmarked(q: str) -> bool:
    """A query typed without any diacritic (``gian cach xa hoi``), with letters in it."""
    return bool(re.search(r"[^\W\d_]", q)) and q.isascii()
