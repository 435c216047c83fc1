"""Vietnamese search for Datasette: folding, the search language, snippets, exact search.

The search index ``articles_fts`` holds folded text (no diacritics, ``đ`` as
``d``, lower case: ``pipelines.text.fold``). Everything a query goes through
is folded the same way, so ``dang bo``, ``Đảng bộ``, ``ĐẢNG BỘ`` and the NFD
spelling of ``Đảng bộ`` find the same articles, and ``khóa``/``khoá`` are one word.

SQL functions (on every connection Datasette opens):

``fold_vi(text)``
    the index's folding: ``fold_vi('Khoá XV, ĐẢNG bộ')`` = ``'khoa xv, dang bo'``.
``vi_match(query)``
    a query as people type it, turned into a safe FTS5 expression over the
    folded index: words (all must appear), ``"a quoted phrase"``, ``OR``,
    ``NOT``, ``prefix*``. Anything else is taken literally, never as FTS5
    syntax, so no query is a syntax error.
``vi_snippet(text, query[, width])``
    the best passage of the *original* text (with its diacritics) for the
    query, matches wrapped in ``<mark>…</mark>``. Plain text with markers, as
    FTS5's ``snippet()`` gives: escape it before putting it into HTML.
``vi_exact(text, query)``
    1 when ``text`` holds the query's words with exactly these diacritics
    (``bàn`` but not ``bán``), in this order, as whole words; case does not matter.
``vi_snippet_exact(text, query[, width])``
    ``vi_snippet`` for exact matches.

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


def fts_match(query: str | None) -> str:
    """An FTS5 expression for the folded index; ``'""'`` (matches nothing) when the query has no words."""
    out = []
    for kind, value in parse_query(query):
        if kind == "op":
            out.append(value)
        else:
            words, prefix = value
            out.append('"' + " ".join(words) + '"' + ("*" if prefix else ""))
    return " ".join(out) or '""'


def phrase_match(query: str | None) -> str:
    """The whole query as one FTS5 phrase (quotes dropped): the candidates for an exact search."""
    words = _WORD.findall(fold((query or "").replace('"', " ")))
    return '"' + " ".join(words) + '"' if words else '""'


def _highlight_terms(query: str | None) -> list[tuple[tuple[str, ...], bool]]:
    terms, negated = [], False
    for kind, value in parse_query(query):
        if kind == "op":
            negated = value == "NOT"
            continue
        if not negated:
            terms.append(value)
        negated = False
    return terms


@functools.lru_cache(maxsize=512)
def _folded_pattern(query: str) -> re.Pattern | None:
    alternatives = []
    for words, prefix in sorted(_highlight_terms(query), key=lambda t: -sum(map(len, t[0]))):
        body = r"\W+".join(re.escape(w) for w in words)
        alternatives.append(r"(?<!\w)" + body + (r"\w*" if prefix else r"(?!\w)"))
    return re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None


@functools.lru_cache(maxsize=512)
def _exact_pattern(query: str) -> re.Pattern | None:
    words = unicodedata.normalize("NFC", query).replace('"', " ").split()
    if not words:
        return None
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)", re.IGNORECASE)


def exact(text: str | None, query: str | None) -> int:
    """1 when ``text`` contains the query with exactly its diacritics (case-insensitive, whole words)."""
    pattern = _exact_pattern(query or "")
    return int(bool(text and pattern and pattern.search(unicodedata.normalize("NFC", text))))


def _snippet(text: str, spans: list[tuple[int, int]], width: int) -> str:
    if not spans:
        cut = text[:width]
        if len(text) > width:
            cut = cut.rsplit(" ", 1)[0] + " …"
        return cut
    # the window of `width` characters holding the most matches, starting a little before one
    best, best_count = spans[0][0], 0
    for start, _ in spans:
        anchor = max(0, start - width // 5)
        count = sum(1 for a, b in spans if a >= anchor and b <= anchor + width)
        if count > best_count:
            best, best_count = anchor, count
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
        out += [text[position:a], "<mark>", text[a:b], "</mark>"]
        position = b
    out.append(text[position:end])
    return ("… " if start > 0 else "") + "".join(out).strip() + (" …" if end < len(text) else "")


def snippet(text: str | None, query: str | None, width: int = SNIPPET_WIDTH) -> str | None:
    """The passage of ``text`` (diacritics kept) that best matches the folded query, matches in <mark>."""
    if not text:
        return None
    text = unicodedata.normalize("NFC", text)
    pattern = _folded_pattern(query or "")
    spans = [m.span() for m in pattern.finditer(text.translate(STRIP))] if pattern else []
    return _snippet(text, spans, int(width or SNIPPET_WIDTH))


def snippet_exact(text: str | None, query: str | None, width: int = SNIPPET_WIDTH) -> str | None:
    """Like ``snippet``, marking only the exact spelling of the query."""
    if not text:
        return None
    text = unicodedata.normalize("NFC", text)
    pattern = _exact_pattern(query or "")
    spans = [m.span() for m in pattern.finditer(text)] if pattern else []
    return _snippet(text, spans, int(width or SNIPPET_WIDTH))


# -- Datasette hooks -----------------------------------------------------------------------
@hookimpl(trylast=True)
def prepare_connection(conn):
    # trylast: runs after Datasette's own prepare_connection, so that our escape_fts
    # (the folding search language) replaces the default one used by ?_search=.
    conn.create_function("fold_vi", 1, fold, deterministic=True)
    conn.create_function("vi_match", 1, fts_match, deterministic=True)
    conn.create_function("escape_fts", 1, fts_match, deterministic=True)
    conn.create_function("vi_phrase", 1, phrase_match, deterministic=True)
    conn.create_function("vi_exact", 2, exact, deterministic=True)
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
        columns = [c for c in await db.table_columns(fts_table)
                   if c in await db.table_columns(table)]
        text = " || ' ' || ".join(f"coalesce([{c}], '')" for c in columns) or "''"
        where, params, described = [], {}, []
        for i, value in enumerate(values):
            where.append(f"[{fts_pk}] in (select rowid from [{fts_table}] where [{fts_table}] match :exact_fts_{i}) "
                         f"and vi_exact({text}, :exact_{i})")
            params[f"exact_fts_{i}"] = phrase_match(value)
            params[f"exact_{i}"] = value
            described.append(f'contains exactly "{value}"')
        return FilterArguments(where, params, described, {})

    return inner
