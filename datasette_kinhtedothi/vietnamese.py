"""Vietnamese search for Datasette: folding, the search language, snippets, exact search.

The search index ``articles_fts`` holds folded text (no diacritics, ``đ`` as
``d``, lower case: ``kinhtedothi.vocab.text.fold``). Everything a query goes through
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
    ``'23/5/2021'``, ``'23-05-2021'`` or ``'2021-05-23'`` as ``'2021-05-23'``; NULL when it is not a day of
    the calendar (``31/2/2021``).

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

import json
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.filters import FilterArguments

from kinhtedothi.vocab.text import fold
from datasette_kinhtedothi.gate import Gate, canned_paths, is_expensive, send_busy
from datasette_kinhtedothi.vi_search import (exact, exact_match, fts_match, fts_match_in, phrase_match, query_problem,
                                             snippet, snippet_exact, strip_marks, vi_date)

# Request arguments that carry a search as typed: a value past the limits (vi_search.MAX_QUERY_CHARS,
# MAX_QUERY_TERMS) is answered 400 with a message before any SQL runs.
SEARCH_ARGS = {"q", "exact", "term", "_search", "_exact"}

# Exact-spelling search uses the diacritics-keeping index ``articles_fts_exact`` when the archive has
# it (pipelines/schema.py creates it; triggers keep it in step with every write).

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


def refused_search(query_string: bytes) -> str | None:
    """Why a request's search is refused (too long), or None."""
    for key, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if key in SEARCH_ARGS or key.startswith("_search_"):
            problem = query_problem(value)
            if problem:
                return problem
    return None


async def refuse_search(datasette, scope, send, problem: str) -> None:
    """A 400 page (or JSON) that says why the search was not run."""
    if scope.get("path", "").endswith(".json"):
        body, kind = json.dumps({"ok": False, "error": problem, "status": 400}).encode(), b"application/json"
    else:
        await datasette.invoke_startup()  # idempotent; this wrapper may run before Datasette's first request
        html = await datasette.render_template("error.html", {"ok": False, "error": problem, "status": 400,
                                                              "title": "Search refused"})
        body, kind = html.encode("utf-8"), b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 400,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


@hookimpl
def asgi_wrapper(datasette):
    gate = Gate()  # a few searches at a time (datasette_kinhtedothi/gate.py)
    canned: list[frozenset[str]] = []

    def wrap(app):
        async def folded_raw_search(scope, receive, send):
            if scope.get("type") == "http" and scope.get("query_string"):
                problem = refused_search(scope["query_string"])
                if problem:
                    return await refuse_search(datasette, scope, send, problem)
            if scope.get("type") == "http" and b"_searchmode=raw" in scope.get("query_string", b""):
                scope = dict(scope, query_string=_raw_search(scope["query_string"]))
            if not canned:
                canned.append(canned_paths(datasette))
            if scope.get("type") == "http" and is_expensive(scope.get("path", ""), scope.get("query_string", b""),
                                                            canned[0]):
                return await gate.run(lambda: app(scope, receive, send), lambda: send_busy(send))
            await app(scope, receive, send)

        return folded_raw_search

    return wrap


MANY = 20_000   # matches of ?_exact= past which the list checks ids against them (search_sample.LAZY)


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
                # past MANY matches "+": the list is read in its order from an index and counted on one, each id
                # checked against the matches, instead of a lookup of every matching (large) row
                many = (await db.execute(f"select count(*) from (select rowid from [{exact_table}] where "
                                         f"[{exact_table}] match :m limit {MANY + 1})",
                                         {"m": exact_match(value)})).rows[0][0] > MANY
                where.append(f"{'+' if many else ''}[{fts_pk}] in (select rowid from [{exact_table}] "
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
