"""Vietnamese search for Datasette: folding, the search language, snippets, exact search.

The search index ``articles_fts`` holds folded text (no diacritics, ``đ`` as
``d``, lower case: ``pipelines.text.fold``). Everything a query goes through
is folded the same way, so ``dang bo``, ``Đảng bộ``, ``ĐẢNG BỘ`` and the NFD
spelling of ``Đảng bộ`` find the same articles, and ``khóa``/``khoá`` are one word.

SQL functions (on every connection Datasette opens):

``fold_vi(text)``
    the index's folding: ``fold_vi('Khoá XV, ĐẢNG bộ')`` = ``'khoa xv, dang bo'``.
``vi_match(query[, mode[, columns]])``
    a query as people type it, turned into a safe FTS5 expression over the
    folded index: words (all must appear), ``"a quoted phrase"``, ``OR``,
    ``NOT``, ``prefix*``. Anything else is taken literally, never as FTS5
    syntax, so no query is a syntax error. ``mode`` 1 ranks words typed side
    by side higher where they stand side by side, ``mode`` 2 requires it
    (see ``fts_match``); ``columns`` ('title', 'title sapo') looks only there.
``vi_snippet(text, query[, width])``
    the best passage of the *original* text (with its diacritics) for the
    query, matches wrapped in ``<mark>…</mark>``. Plain text with markers, as
    FTS5's ``snippet()`` gives: escape it before putting it into HTML.
``vi_exact_match(query)``
    the query for the diacritics-keeping index ``articles_fts_exact`` (see
    ``EXACT_INDEX``): the words as a phrase, in both tone placements.
``vi_exact(text, query)``
    1 when ``text`` holds the query's words with exactly these diacritics
    (``bàn`` but not ``bán``), in this order, as whole words; case and the old or
    new place of the tone mark (``khóa`` = ``khoá``) do not matter.
``vi_snippet_exact(text, query[, width])``
    ``vi_snippet`` for exact matches.
``vi_date(text)``
    ``'23/5/2021'``, ``'23-05-2021'`` or ``'2021-05-23'`` as ``'2021-05-23'``.

Datasette wiring:

* the table search box and ``?_search=`` (Datasette's default "escaped" mode)
  call ``escape_fts(:search)``; this plugin replaces ``escape_fts`` with
  ``vi_match``, so they fold too and speak the same language as the search
  canned query;
* ``?_searchmode=raw`` passes FTS5 syntax through: its diacritics are removed
  before Datasette sees the query (case and operators are kept);
* ``?_exact=bàn`` on a table with a search index keeps the rows whose title,
  lead or body contain exactly that spelling.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.filters import FilterArguments

from pipelines.text import fold

# Exact-spelling search uses the diacritics-keeping index ``articles_fts_exact`` when the archive has
# it (pipelines/schema.py creates it; triggers keep it in step with every write).

OPERATORS = {"OR", "AND", "NOT"}
_TOKEN = re.compile(r'"([^"]*)"?|([^\s"]+)')
_WORD = re.compile(r"\w+")
SNIPPET_WIDTH = 220


def _strip_table() -> dict[int, str]:
    """Letter with diacritics -> its base letter, case kept; one character for one, so offsets survive."""
    table = {ord("đ"): "d", ord("Đ"): "D", ord("ð"): "d", ord("Ð"): "D"}
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        if len(base) == 1 and base != char:
            table[code] = base
    return table


STRIP = _strip_table()


def strip_marks(value: str | None) -> str:
    """Diacritics off, ``đ`` as ``d``, case and everything else kept (any normalization form in)."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value).translate(STRIP)
    return "".join(c for c in value if not unicodedata.combining(c))


# -- the search language ---------------------------------------------------------------
def parse_query(query: str | None) -> list[tuple[str, object]]:
    """``[("terms", (words, prefix)) | ("op", "OR"|"NOT"|"AND")]`` from a query as typed.

    Operators are recognised only in capitals (as FTS5 does) and only between
    two terms; a quote left open runs to the end of the query.
    """
    parts: list[tuple[str, object]] = []
    for match in _TOKEN.finditer(query or ""):
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

    def flush():
        if len(run) > 1 and mode == 1:
            out.append('("' + " ".join(w.strip('"') for w in run) + '" OR ' + " ".join(run) + ")")
        elif len(run) > 1 and mode == 2:
            out.append('"' + " ".join(w.strip('"') for w in run) + '"')
        else:
            out.extend(run)
        run.clear()

    for kind, value in parse_query(query):
        if kind == "op":
            flush()
            out.append(value)
            continue
        words, prefix = value
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
    if any(kind == "op" and value == "NOT" for kind, value in parse_query(query)):
        return f"({expression}) AND {restricted}"
    return restricted


def phrase_match(query: str | None) -> str:
    """The whole query as one FTS5 phrase (quotes dropped): the candidates for an exact search."""
    words = _WORD.findall(fold((query or "").replace('"', " ")))
    return '"' + " ".join(words) + '"' if words else '""'


def _highlight_terms(query: str | None) -> list[tuple[tuple[str, ...], bool]]:
    """What to mark: every term not after NOT, and each run of plain words also as a phrase."""
    terms, negated, run = [], False, []
    for kind, value in parse_query(query):
        if kind == "op":
            negated = value == "NOT"
            run = []
            continue
        if not negated:
            terms.append(value)
            words, prefix = value
            run = run + list(words) if not prefix else []
            if len(run) > 1:
                terms.append((tuple(run), False))
        negated = False
    return terms


@functools.lru_cache(maxsize=512)
def _folded_pattern(query: str) -> re.Pattern | None:
    """Folded terms, longest first, as one pattern over lower-case, diacritics-free text."""
    alternatives = []
    for words, prefix in sorted(set(_highlight_terms(query)), key=lambda t: -sum(map(len, t[0]))):
        alternatives.append(r"\W+".join(re.escape(w) for w in words) + (r"\w*" if prefix else r"\b"))
    return re.compile(r"\b(?:" + "|".join(alternatives) + ")") if alternatives else None


# Old and new tone placement: hóa/hoá, thủy/thuỷ, khỏe/khoẻ. Canonical form: the mark on the second vowel.
_TONE_MOVE = re.compile("(?<![qQ])([oOuU])([\u0300\u0301\u0303\u0309\u0323])([aAeEyY])(?![\\w\u0300-\u036f])")


def canonical_tones(value: str) -> str:
    """NFC text with the tone of open 'oa', 'oe', 'uy' syllables on the second vowel (khóa -> khoá)."""
    return unicodedata.normalize("NFC", _TONE_MOVE.sub(r"\1\3\2", unicodedata.normalize("NFD", value)))


@functools.lru_cache(maxsize=512)
def _exact_pattern(query: str) -> re.Pattern | None:
    words = canonical_tones(query).replace('"', " ").split()
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
    words = _WORD.findall(unicodedata.normalize("NFC", (query or "").replace('"', " ")))
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


_DATE = re.compile(r"^\s*(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}))\s*$")


def vi_date(value: str | None) -> str | None:
    """'23/5/2021', '23-05-2021' or '2021-05-23' -> '2021-05-23'; None when it is not a date."""
    match = _DATE.match(value or "")
    if not match:
        return None
    year, month, day = (match.group(1, 2, 3) if match.group(1) else match.group(6, 5, 4))
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return None
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


_SPACE = re.compile(r"\s+")


def _snippet(text: str, spans: list[tuple[int, int]], width: int) -> str:
    if not spans:
        cut = _SPACE.sub(" ", text[:width])
        if len(text) > width:
            cut = cut.rsplit(" ", 1)[0] + " …"
        return cut
    # the window of `width` characters with the best matches (a phrase counts more than its words apart)
    weights = [len(text[a:b].split()) ** 2 for a, b in spans]
    best, best_score = spans[0][0], -1
    for start, _ in spans:
        anchor = max(0, start - width // 5)
        score = sum(w for (a, b), w in zip(spans, weights) if a >= anchor and b <= anchor + width)
        if score > best_score:
            best, best_score = anchor, score
    start, end = best, min(len(text), best + width)
    if start > 0:  # begin on a word
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space >= 0 and start - space < 30 else start
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


def snippet(text: str | None, query: str | None, width: int = SNIPPET_WIDTH) -> str | None:
    """The passage of ``text`` (diacritics kept) that best matches the folded query, matches in <mark>."""
    if not text:
        return None
    text = unicodedata.normalize("NFC", text)
    pattern = _folded_pattern(query or "")
    if not pattern:
        return _snippet(text, [], int(width or SNIPPET_WIDTH))
    folded = text.translate(STRIP)
    lowered = folded.lower()
    if len(lowered) != len(folded):  # a letter whose lower case is longer (İ): keep offsets
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in folded)
    spans = [m.span() for m in pattern.finditer(lowered)]
    return _snippet(text, spans, int(width or SNIPPET_WIDTH))


def snippet_exact(text: str | None, query: str | None, width: int = SNIPPET_WIDTH) -> str | None:
    """Like ``snippet``, marking only the exact spelling of the query."""
    if not text:
        return None
    text = unicodedata.normalize("NFC", text)
    canonical = canonical_tones(text)  # the marks only move: offsets are the same (else show the canonical text)
    if len(canonical) != len(text):
        text = canonical
    pattern = _exact_pattern(query or "")
    spans = [m.span() for m in pattern.finditer(canonical)] if pattern else []
    return _snippet(text, spans, int(width or SNIPPET_WIDTH))


# -- Datasette hooks -----------------------------------------------------------------------
@hookimpl(trylast=True)
def prepare_connection(conn):
    # trylast: runs after Datasette's own prepare_connection, so that our escape_fts
    # (the folding search language) replaces the default one used by ?_search=.
    conn.create_function("fold_vi", 1, fold, deterministic=True)
    conn.create_function("vi_match", 1, fts_match, deterministic=True)
    conn.create_function("vi_match", 2, fts_match, deterministic=True)
    conn.create_function("vi_match", 3, fts_match_in, deterministic=True)
    conn.create_function("escape_fts", 1, fts_match, deterministic=True)
    conn.create_function("vi_phrase", 1, phrase_match, deterministic=True)
    conn.create_function("vi_exact_match", 1, exact_match, deterministic=True)
    conn.create_function("vi_exact", 2, exact, deterministic=True)
    conn.create_function("vi_date", 1, vi_date, deterministic=True)
    conn.create_function("vi_snippet", 2, snippet, deterministic=True)
    conn.create_function("vi_snippet", 3, snippet, deterministic=True)
    conn.create_function("vi_snippet_exact", 2, snippet_exact, deterministic=True)
    conn.create_function("vi_snippet_exact", 3, snippet_exact, deterministic=True)


def _raw_search(query_string: bytes) -> bytes:
    """In ``_searchmode=raw``, take the diacritics off ``_search`` values (FTS5 syntax kept)."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    if ("_searchmode", "raw") not in pairs:
        return query_string
    pairs = [(k, strip_marks(v) if k.startswith("_search") and k != "_searchmode" else v) for k, v in pairs]
    return urlencode(pairs).encode("ascii")


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def folded_raw_search(scope, receive, send):
            if scope.get("type") == "http" and b"_searchmode=raw" in scope.get("query_string", b""):
                scope = dict(scope, query_string=_raw_search(scope["query_string"]))
            await app(scope, receive, send)

        return folded_raw_search

    return wrap


@hookimpl
def filters_from_request(request, database, table, datasette):
    """``?_exact=bàn``: rows whose title, lead or body hold exactly this spelling."""
    values = [v for v in request.args.getlist("_exact") if v.strip()]
    if not values:
        return None

    async def inner():
        db = datasette.get_database(database)
        table_metadata = datasette.table_metadata(database, table)
        fts_table = table_metadata.get("fts_table") or await db.fts_table(table)
        if not fts_table:
            return None
        fts_pk = table_metadata.get("fts_pk", "rowid")
        exact_table = f"{fts_table}_exact"
        has_exact = await db.table_exists(exact_table)
        columns = [c for c in await db.table_columns(fts_table) if c in await db.table_columns(table)]
        text = " || ' ' || ".join(f"coalesce([{c}], '')" for c in columns) or "''"
        where, params, described = [], {}, []
        for i, value in enumerate(values):
            if has_exact:  # the diacritics-keeping index answers alone
                where.append(f"[{fts_pk}] in (select rowid from [{exact_table}] "
                             f"where [{exact_table}] match :exact_fts_{i})")
                params[f"exact_fts_{i}"] = exact_match(value)
            else:  # candidates from the folded index, then the exact spelling checked in Python (slow on big archives)
                where.append(f"[{fts_pk}] in (select rowid from [{fts_table}] "
                             f"where [{fts_table}] match :exact_fts_{i}) "
                             f"and vi_exact({text}, :exact_{i})")
                params[f"exact_fts_{i}"] = phrase_match(value)
                params[f"exact_{i}"] = value
            described.append(f'contains exactly "{value}"')
        return FilterArguments(where, params, described, {})

    return inner
