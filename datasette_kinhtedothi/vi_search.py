"""The Vietnamese search language, snippets and exact spelling: pure functions, no Datasette.

``datasette_kinhtedothi/vietnamese.py`` registers them as SQL functions (``vi_match``,
``vi_snippet``, ``vi_exact`` …); see its docstring for what each one does.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Literal, Union

from kinhtedothi.vocab.dates import parse_day
from kinhtedothi.vocab.text import STRIP, fold, strip_marks  # noqa: F401 (strip_marks: part of this module's search vocabulary)

OPERATORS = {"OR", "AND", "NOT"}
_TOKEN = re.compile(r'"([^"]*)"?|([^\s"]+)')
_WORD = re.compile(r"\w+")
SNIPPET_WIDTH = 220

# Limits on what one query may cost (docs/security.md). A visitor's query longer than this is refused
# with a message; every function below stays linear in its input within them.
MAX_QUERY_CHARS = 500       # characters of a query as typed
MAX_QUERY_TERMS = 32        # words and operators in it
MAX_PHRASE_WORDS = 8        # longest run of words highlighted as one phrase
MAX_SNIPPET_WIDTH = 1000    # characters of a snippet, whatever width is asked for
SNIPPET_SCAN_CHARS = 32_000  # characters of a text scanned for the passage (plus a window around a later hit)
MAX_SPANS = 400             # matches considered when choosing the passage


class QueryTooLong(ValueError):
    """A query past MAX_QUERY_CHARS or MAX_QUERY_TERMS: refused, never searched."""


def query_problem(query: str | None) -> str | None:
    """Why a query is refused (too long), or None when it is within the limits."""
    if not query:
        return None
    if len(query) > MAX_QUERY_CHARS:
        return f"The search is too long: {len(query):,} characters (at most {MAX_QUERY_CHARS})."
    words = 0
    for words, _ in enumerate(_TOKEN.finditer(query), 1):
        if words > MAX_QUERY_TERMS:
            return f"The search has too many words (at most {MAX_QUERY_TERMS})."
    return None


def check_query(query: str | None) -> str:
    """The query, or QueryTooLong when it is past the limits."""
    problem = query_problem(query)
    if problem:
        raise QueryTooLong(problem)
    return query or ""


# -- the search language ---------------------------------------------------------------
Terms = tuple[tuple[str, ...], bool]  # folded words, and whether the last one is a prefix (word*)
QueryPart = Union[tuple[Literal["terms"], Terms], tuple[Literal["op"], str]]


def parse_query(query: str | None) -> list[QueryPart]:
    """``[("terms", (words, prefix)) | ("op", "OR"|"NOT"|"AND")]`` from a query as typed.

    Operators are recognised only in capitals (as FTS5 does) and only between
    two terms; a quote left open runs to the end of the query.
    """
    parts: list[QueryPart] = []
    for match in _TOKEN.finditer(check_query(query)):
        phrase, word = match.groups()
        if phrase is None and word in OPERATORS:
            if parts and parts[-1][0] == "terms":
                parts.append(("op", word))
            elif parts:
                parts[-1] = ("op", word)
            continue
        text = phrase if phrase is not None else word
        words = tuple(_WORD.findall(fold(text)))
        if words:
            prefix = phrase is None and word.endswith("*")
            parts.append(("terms", (words, prefix)))
    while parts and parts[-1][0] == "op":
        parts.pop()
    return parts


def fts_match(query: str | None, mode: int = 0) -> str:
    """An FTS5 expression for the folded index; ``'""'`` (matches nothing) when the query has no words.

    ``mode`` 0: words typed side by side must all appear, anywhere (``"dang" AND "bo"``).
    ``mode`` 1: the same articles, but bm25 ranks those with the words side by
    side (Đảng bộ) above those with them apart (đang … bỏ): ``("dang bo" OR "dang" "bo")``.
    ``mode`` 2: words typed side by side must stand side by side (``"dang bo"``).
    """
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) > 1 and mode == 1:
            out.append('("' + " ".join(w.strip('"') for w in run) + '" OR ' + " ".join(run) + ")")
        elif len(run) > 1 and mode == 2:
            out.append('"' + " ".join(w.strip('"') for w in run) + '"')
        else:
            out.extend(run)
        run.clear()

    for part in parse_query(query):
        if part[0] == "op":
            flush()
            out.append(part[1])
            continue
        words, prefix = part[1]
        term = '"' + " ".join(words) + '"' + ("*" if prefix else "")
        if len(words) == 1 and not prefix and (run or not out or out[-1] != "NOT"):
            run.append(term)
        else:
            flush()
            out.append(term)
    flush()
    # explicit AND between neighbours: FTS5 takes no implicit AND next to a (group)
    joined: list[str] = []
    for item in out:
        if joined and item not in OPERATORS and joined[-1] not in OPERATORS:
            joined.append("AND")
        joined.append(item)
    return " ".join(joined) or '""'


def fts_match_in(query: str | None, mode: int, columns: str) -> str:
    """``fts_match`` restricted to some columns (``'title'``, ``'title sapo'``): ``{title}: (...)``.

    With NOT the whole expression must hold too (``a NOT b`` in the title alone
    would let through an article with ``b`` in its body).
    """
    expression = fts_match(query, mode)
    if expression == '""':
        return expression
    cols = " ".join(c for c in _WORD.findall(columns or ""))
    restricted = f"{{{cols}}}: ({expression})"
    if any(part == ("op", "NOT") for part in parse_query(query)):
        return f"({expression}) AND {restricted}"
    return restricted


def phrase_match(query: str | None) -> str:
    """The whole query as one FTS5 phrase (quotes dropped): the candidates for an exact search."""
    words = _WORD.findall(fold(check_query(query).replace('"', " ")))
    return '"' + " ".join(words) + '"' if words else '""'


def _highlight_terms(query: str | None) -> list[tuple[tuple[str, ...], bool]]:
    """What to mark: every term not after NOT, and each run of plain words also as a phrase
    (at most MAX_PHRASE_WORDS long: the list grows linearly with the query)."""
    terms: list[Terms] = []
    negated = False
    run: list[str] = []
    for part in parse_query(query):
        if part[0] == "op":
            negated = part[1] == "NOT"
            run = []
            continue
        if not negated:
            terms.append(part[1])
            words, prefix = part[1]
            run = (run + list(words))[-MAX_PHRASE_WORDS:] if not prefix else []
            if len(run) > 1:
                terms.append((tuple(run), False))
        negated = False
    return terms


@functools.lru_cache(maxsize=512)
def _folded_pattern(query: str) -> re.Pattern | None:
    """Folded terms, longest first, as one pattern over lower-case, diacritics-free text.

    One alternation of distinct terms, each at most MAX_PHRASE_WORDS words: matching is linear in the text."""
    alternatives = []
    for words, prefix in sorted(set(_highlight_terms(query)), key=lambda t: (-sum(map(len, t[0])), t)):
        alternatives.append(r"\W+".join(re.escape(w) for w in words) + (r"\w*" if prefix else r"\b"))
    return re.compile(r"\b(?:" + "|".join(alternatives) + ")") if alternatives else None


# Old and new tone placement: hóa/hoá, thủy/thuỷ, khỏe/khoẻ. Canonical form: the mark on the second vowel.
_TONE_MOVE = re.compile("(?<![qQ])([oOuU])([\u0300\u0301\u0303\u0309\u0323])([aAeEyY])(?![\\w\u0300-\u036f])")


def canonical_tones(value: str) -> str:
    """NFC text with the tone of open 'oa', 'oe', 'uy' syllables on the second vowel (khóa -> khoá)."""
    return unicodedata.normalize("NFC", _TONE_MOVE.sub(r"\1\3\2", unicodedata.normalize("NFD", value)))


@functools.lru_cache(maxsize=512)
def _exact_pattern(query: str) -> re.Pattern | None:
    words = canonical_tones(check_query(query)).replace('"', " ").split()
    if not words:
        return None
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)", re.IGNORECASE)


_TONE_BACK = re.compile("(?<![qQ])([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])(?![\\w\u0300-\u036f])")


def tone_variants(word: str) -> list[str]:
    """A word in both tone placements (khoá, khóa); one item when they agree."""
    new = canonical_tones(word)
    old = unicodedata.normalize("NFC", _TONE_BACK.sub(r"\1\3\2", unicodedata.normalize("NFD", new)))
    return [new] if old == new else [new, old]


def exact_match(query: str | None, limit: int = 16) -> str:
    """FTS5 query for the diacritics-keeping index ``articles_fts_exact``: the words as one phrase,
    in every tone placement (``"khoá xv" OR "khóa xv"``); ``'""'`` when there is no word."""
    words = _WORD.findall(unicodedata.normalize("NFC", check_query(query).replace('"', " ")))
    if not words:
        return '""'
    phrases = [""]
    for word in words:
        phrases = [f"{p} {v}".strip() for p in phrases for v in tone_variants(word)][:limit]
    return " OR ".join(f'"{p}"' for p in phrases)


def exact(text: str | None, query: str | None) -> int:
    """1 when ``text`` contains the query with exactly its diacritics (case-insensitive, whole words)."""
    pattern = _exact_pattern(query or "")
    return int(bool(text and pattern and pattern.search(canonical_tones(text))))


def vi_date(value: str | None) -> str | None:
    """The SQL function: '23/5/2021', '23-05-2021' or '2021-05-23' -> '2021-05-23'; None when it is not a day
    of the calendar (kinhtedothi.vocab.dates.parse_day reads it)."""
    day = parse_day(value)
    return day.isoformat() if day else None


_SPACE = re.compile(r"\s+")


def _best_window(spans: list[tuple[int, int]], text: str, width: int) -> int:
    """Start of the ``width``-character window holding the best matches (a phrase counts more than its
    words apart). Spans do not overlap and come in order, so the spans inside a window are a contiguous
    run: two pointers and prefix sums score every candidate window in one pass (linear)."""
    totals = [0]
    for a, b in spans:
        totals.append(totals[-1] + len(text[a:b].split()) ** 2)
    best, best_score = spans[0][0], -1
    first = last = 0
    for start, _ in spans:
        anchor = max(0, start - width // 5)
        while first < len(spans) and spans[first][0] < anchor:
            first += 1
        last = max(last, first)
        while last < len(spans) and spans[last][1] <= anchor + width:
            last += 1
        score = totals[last] - totals[first]
        if score > best_score:
            best, best_score = anchor, score
    return best


def _snippet(text: str, spans: list[tuple[int, int]], width: int) -> str:
    width = max(20, min(int(width or SNIPPET_WIDTH), MAX_SNIPPET_WIDTH))
    if not spans:
        cut = _SPACE.sub(" ", text[:width])
        if len(text) > width:
            cut = cut.rsplit(" ", 1)[0] + " …"
        return cut
    spans = spans[:MAX_SPANS]
    best = _best_window(spans, text, width)
    start, end = best, min(len(text), best + width)
    if start > 0:  # begin on a word
        space = text.rfind(" ", max(0, start - 30), start + 1)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    for a, b in spans:  # never cut a match in two
        if a < end < b:
            end = b
    out, position = [], start
    for a, b in spans:
        if a < start or b > end:
            continue
        out += [_SPACE.sub(" ", text[position:a]), "<mark>", _SPACE.sub(" ", text[a:b]), "</mark>"]
        position = b
    out.append(_SPACE.sub(" ", text[position:end]))
    return ("… " if start > 0 else "") + "".join(out).strip() + (" …" if end < len(text) else "")


def _scan_window(text: str, first_hit) -> str:
    """At most SNIPPET_SCAN_CHARS of the text: its beginning, or, when the query matches only later,
    the stretch around the first match (found by one linear search)."""
    if len(text) <= SNIPPET_SCAN_CHARS:
        return text
    head = text[:SNIPPET_SCAN_CHARS]
    hit = first_hit(head)
    if hit is not None:
        return head
    later = first_hit(text)
    if later is None:
        return head
    begin = max(0, later - SNIPPET_SCAN_CHARS // 4)
    return text[begin:begin + SNIPPET_SCAN_CHARS]


def snippet(text: str | None, query: str | None, width: int = SNIPPET_WIDTH) -> str | None:
    """The passage of ``text`` (diacritics kept) that best matches the folded query, matches in <mark>."""
    if not text:
        return None
    pattern = _folded_pattern(check_query(query))
    if not pattern:
        return _snippet(unicodedata.normalize("NFC", text[:MAX_SNIPPET_WIDTH * 2]), [], width)
    text = _scan_window(text, lambda t: _first(pattern, _lowered(unicodedata.normalize("NFC", t))))
    text = unicodedata.normalize("NFC", text)
    spans = [m.span() for _, m in zip(range(MAX_SPANS), pattern.finditer(_lowered(text)))]
    return _snippet(text, spans, width)


def _lowered(text: str) -> str:
    """Diacritics off and lower case, one character for one (offsets kept)."""
    folded = text.translate(STRIP)
    lowered = folded.lower()
    if len(lowered) != len(folded):  # a letter whose lower case is longer (İ): keep offsets
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in folded)
    return lowered


def _first(pattern: re.Pattern, text: str) -> int | None:
    match = pattern.search(text)
    return match.start() if match else None


def snippet_exact(text: str | None, query: str | None, width: int = SNIPPET_WIDTH) -> str | None:
    """Like ``snippet``, marking only the exact spelling of the query."""
    if not text:
        return None
    pattern = _exact_pattern(check_query(query))
    if pattern:
        text = _scan_window(text, lambda t: _first(pattern, canonical_tones(t)))
    text = unicodedata.normalize("NFC", text if pattern else text[:MAX_SNIPPET_WIDTH * 2])
    canonical = canonical_tones(text)  # the marks only move: offsets are the same (else show the canonical text)
    if len(canonical) != len(text):
        text = canonical
    spans = [m.span() for _, m in zip(range(MAX_SPANS), pattern.finditer(canonical))] if pattern else []
    return _snippet(text, spans, width)
