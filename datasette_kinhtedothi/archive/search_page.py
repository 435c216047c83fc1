"""``/-/search``: the one search page (ranked results, snippets, count, facets, date range, exports).

``/-/search.json`` gives the same page as JSON, ``/-/search.atom`` the same
search as an Atom feed (the 50 newest); the CSV of every matching row is the
journalist export at ``/-/export.csv``, which takes the same arguments. The
arguments are described in ``search_state``; the SQL is run by ``search_engine``
(built by ``search_query``, read by ``search_rows``, a huge result by ``search_huge``).
"""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.parse

from datasette.database import QueryInterrupted
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from datasette_kinhtedothi.archive import atom, matches, search_engine, search_query
from datasette_kinhtedothi.archive.chart import archive_database
from datasette_kinhtedothi.archive.search_facets import chips, facets_shown, names_of, nesting_of
from datasette_kinhtedothi.archive.i18n import gettext as _
from datasette_kinhtedothi.archive.export import EXPORT_MAX
from datasette_kinhtedothi.archive.i18n import language, with_lang
from datasette_kinhtedothi.archive.search_state import ORDER, PAGE_SIZE, BadState, SearchState, link, read_state
from datasette_kinhtedothi.vi_search import snippet, snippet_exact
from kinhtedothi.vocab.dates import paper_date


def _marked(value: str | None) -> Markup:
    """Text with <mark> markers: everything escaped, then the markers restored."""
    escaped = str(escape(value or ""))
    return Markup(escaped.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))


def _plain(value: str | None) -> str:
    return re.sub(r"</?mark>", "", value or "")


def _database_pairs(datasette, database: str) -> list[tuple[str, str]]:
    return [("db", database)] if len([d for d in datasette.databases.values() if not d.is_memory]) > 1 else []


async def _search(datasette, db, state: SearchState, limit: int, offset: int, facets: bool = True) -> dict:
    tables = set(await db.table_names()) | {r[0] for r in (await db.execute(
        "select name from sqlite_master where type = 'index'")).rows}
    if "articles_fts" in tables:  # its columns: an archive not yet upgraded has only headline, lead, body
        tables |= {f"articles_fts.{c}" for c in await db.table_columns("articles_fts")}
    limit_ms = datasette.setting("sql_time_limit_ms")

    def work(conn):
        return search_engine.run(conn, state, tables, limit, offset, limit_ms, facets=facets)

    return await db.execute_fn(work)


def _article(row: dict, state: SearchState, datasette, database: str, request=None) -> dict:
    query = search_query.split_query(state.q) if state.q else None
    words = query.words if query else ""
    if row.get("phrase") and query and not query.fields:   # a phrase match: mark the phrase, no stray syllable
        words = '"' + query.general.replace('"', " ") + '"'
    mark = snippet_exact if state.exact else snippet
    text = " ".join(t for t in (row.get("sapo"), row.get("body_text")) if t)
    title = row.get("title") or row["url"]
    return {
        "id": row["id"], "title": title, "url": row["url"], "author": row.get("author"),
        "published_at": row.get("published_at"), "published": paper_date(row.get("published_at")),
        "section": row.get("section"),
        "events": [e for e in (row.get("events") or "").split(" | ") if e],
        "tags": [t for t in (row.get("tags") or "").split(" | ") if t],
        "title_marked": mark(title, words, 10 * len(title) + 10) if words else title,  # the whole headline
        "snippet_marked": mark(text, words) if words else mark(text, "", 220),
        "href": with_lang(datasette.urls.row(database, "articles", str(row["id"])), request),
        "phrase": row.get("phrase"), "why": _why(row, state),
    }


def _why(row: dict, state: SearchState) -> list[dict]:
    """Where the query's words stand in this article: the phrase, or the words apart, field by field."""
    words = matches.plain_words(search_query.split_query(state.q).words) if state.q and not state.exact else ()
    if not words:
        return []
    fields = {"title": row.get("title"), "sapo": row.get("sapo"), "body_text": row.get("body_text"),
              "captions": [c for c in (row.get("captions") or "").split("\x1f") if c],
              "tags": [t for t in (row.get("tags") or "").split(" | ") if t],
              "people": [p for p in (row.get("people") or row.get("author") or "").split("\x1f") if p]}
    return matches.reasons(fields, words if len(words) > 1 else words)[1]


async def _error(datasette, request, lang: str, message: str, total: int, field: str = "q",
                 status: int = 400) -> Response:
    """The search page as it was typed, the message beside the field at fault, the archive's real size."""
    values = {k: request.args.get(k, "") for k in ("q", "from", "to", "exact", "page")}
    hidden = [(k, v) for k in request.args.keys() for v in request.args.getlist(k)
              if k not in ("q", "exact", "from", "to", "page", "sort") and k in ORDER and v][:40]
    html = await datasette.render_template("kt_search.html", {
        "lang": lang, "t": lambda key, **f: _(key, lang, **f), "error": message, "error_field": field,
        "state": None, "q": values["q"], "values": values, "exact": values["exact"] in ("1", "on", "true"),
        "hidden": hidden, "total": total, "title": _("search.error_title", lang)},
        request=request, view_name="search")
    return Response.html(html, status=status)


async def search_page(datasette, request):
    """``/-/search``, ``/-/search.json``, ``/-/search.atom``."""
    fmt = request.url_vars.get("format") or "html"
    lang = language(request)
    database, db = await archive_database(datasette, request.args.get("db"))
    total = (await db.execute("select count(*) from articles")).rows[0][0]
    try:
        state = read_state(request.args, lang)
    except BadState as error:
        if fmt == "json":
            return Response.json({"ok": False, "error": str(error), "field": error.field}, status=400)
        if fmt == "atom":
            return Response.text(str(error), status=400)
        return await _error(datasette, request, lang, str(error), total, error.field)
    state.pairs = _database_pairs(datasette, database) + state.pairs
    limit = 50 if fmt == "atom" else PAGE_SIZE
    if fmt == "atom":
        state.sort, state.page = "newest", 1
    try:
        found = await _search(datasette, db, state, limit, (state.page - 1) * limit, facets=fmt != "atom")
    except (QueryInterrupted, sqlite3.OperationalError) as error:  # the time limit interrupts the statement
        if not isinstance(error, QueryInterrupted) and "interrupt" not in str(error):
            raise
        if fmt == "html":
            return await _error(datasette, request, lang, _("search.timeout", lang), total)
        return Response.json({"ok": False, "error": _("search.timeout", lang)}, status=400)
    articles = [_article(row, state, datasette, database, request) for row in found["articles"]]
    if fmt == "atom":
        return await _atom(datasette, request, database, state, articles)
    path = datasette.urls.path("/-/search")
    names = await names_of(db, found["facets"])
    facets = facets_shown(found["facets"], names, state, path, lang, await nesting_of(db, found["facets"]),
                          datasette.urls.path)
    pages, asked = found["pages"], state.page
    if found["page"] != state.page:   # past the last page: the last page, its links from there
        state.page = found["page"]
        state.pairs = [(k, v) for k, v in state.pairs if k != "page"] + (
            [("page", str(state.page))] if state.page > 1 else [])
    links = {
        "json": link(datasette.urls.path("/-/search.json"), state.pairs, keep_page=True),
        "atom": link(datasette.urls.path("/-/search.atom"), state.pairs),
        "csv": link(datasette.urls.path("/-/export.csv"), state.pairs, set_={"lang": None}),
        "excel": link(datasette.urls.path("/-/export.csv"), state.pairs, set_={"lang": None, "_bom": "1"}),
        "chart": link(datasette.urls.path("/-/chart"), state.pairs, set_={"sort": None}),
        "exact": (link(path, state.pairs, set_={"exact": None if state.exact else "1"})
                  if state.q and (state.exact or not matches.is_unmarked(state.q)) else None),
        "spellings": [dict(s, href=link(path, state.pairs, set_={"q": s["form"], "exact": "1"}))
                      for s in found["spellings"]],
        "next": link(path, state.pairs, set_={"page": str(state.page + 1)}) if state.page < pages else None,
        "previous": (link(path, state.pairs, set_={"page": str(state.page - 1) if state.page > 2 else None})
                     if state.page > 1 else None),
        "sorts": [{"name": s, "label": _(f"search.sort.{s}", lang), "selected": s == state.sort,
                   "href": link(path, state.pairs, set_={"sort": s})}
                  for s in (("relevance", "newest", "oldest") if state.q else ("newest", "oldest"))],
        "clear_all": link(path, [(k, v) for k, v in state.pairs if k in ("q", "exact", "lang", "db")]),
        "table": with_lang(datasette.urls.table(database, "articles") + (
            "?" + urllib.parse.urlencode({"_search": state.q}) if state.q else ""), request),
    }
    if fmt == "json":
        return Response.json({
            "ok": True, "query": dict(state.pairs), "count": found["count"], "page": state.page, "pages": pages,
            "phrase_count": found["phrase_count"], "phrase_count_estimated": found["phrase_estimated"],
            "spellings": found["spellings"],
            "sort": state.sort, "next_url": links["next"] and datasette.absolute_url(
                request, link(datasette.urls.path("/-/search.json"), state.pairs,
                              set_={"page": str(state.page + 1)})),
            "rows": [{"id": a["id"], "title": a["title"], "published_at": a["published_at"], "author": a["author"],
                      "section": a["section"], "events": a["events"], "tags": a["tags"], "url": a["url"],
                      "archive_url": datasette.absolute_url(request, a["href"]),
                      "snippet": _plain(a["snippet_marked"]), "phrase": a["phrase"], "matched": a["why"]}
                     for a in articles],
            "facets_estimated": found["facets_estimated"],
            "facets": {f["name"]: [{k: v[k] for k in ("value", "label", "count", "level", "within") if k in v}
                                   for v in f["options"]] for f in facets},
            "timings_ms": found["timings"],
        })
    for article in articles:
        article["title_html"] = _marked(article["title_marked"])
        article["snippet_html"] = _marked(article["snippet_marked"])
    values = dict(state.pairs)
    phrase_count = found["phrase_count"]
    split = phrase_count is not None and 0 < phrase_count < found["count"]
    context = {
        "lang": lang, "t": lambda key, **f: _(key, lang, **f), "state": state, "q": state.q, "values": values,
        "exact": state.exact, "database": database, "count": found["count"], "facets": facets, "links": links,
        "groups": _groups(articles, split, state.page), "phrase_count": phrase_count,
        "loose_count": found["count"] - (phrase_count or 0), "split": split,
        "split_estimated": found["phrase_estimated"],
        "chips": chips(state, path, lang, names), "page": state.page, "pages": pages, "asked_page": asked,
        "hidden": [(k, v) for k, v in state.pairs if k not in ("q", "exact", "from", "to", "page", "sort")],
        "title": _("search.title_q", lang, q=state.q) if state.q else _("search.title", lang),
        "total": total, "export_max": EXPORT_MAX, "facet_count": sum(1 for f in facets if f["options"]),
        "timings": json.dumps(found["timings"]), "estimated": found["facets_estimated"],
    }
    html = await datasette.render_template("kt_search.html", context, request=request, view_name="search")
    return Response.html(html)


def _groups(articles: list[dict], split: bool, page: int) -> list[dict]:
    """The page's results in their groups, numbered on from the page's first: those with the phrase, then those
    with the words apart (one group when the query makes no such split)."""
    first = (page - 1) * PAGE_SIZE + 1
    if not split:
        return [{"kind": "all", "start": first, "articles": articles}]
    phrase = [a for a in articles if a["phrase"]]
    loose = [a for a in articles if not a["phrase"]]
    return [g for g in ({"kind": "phrase", "start": first, "articles": phrase},
                        {"kind": "loose", "start": first + len(phrase), "articles": loose}) if g["articles"]]


async def _atom(datasette, request, database: str, state: SearchState, articles: list[dict]):
    db = datasette.get_database(database)
    if articles and "edited_at" in await db.table_columns("articles"):   # an entry is updated by an edit
        ids = [a["id"] for a in articles]
        edited = dict((await db.execute(f"select id, edited_at from articles where id in ({','.join('?' * len(ids))})",
                                        ids)).rows)
        articles = [dict(a, edited_at=edited.get(a["id"])) for a in articles]
    columns = ["atom_id", "atom_title", "atom_updated", "atom_link", "atom_archive_id", "atom_author_name",
               "atom_content"]
    rows = [{"atom_id": atom.entry_id(a["id"]), "atom_title": a["title"],
             "atom_updated": a.get("edited_at") or a["published_at"], "atom_link": a["url"],
             "atom_archive_id": a["id"], "atom_author_name": a["author"], "atom_content": _plain(a["snippet_marked"])}
            for a in articles]
    return await atom.render(datasette, request, columns, rows, database, None, None, None)
