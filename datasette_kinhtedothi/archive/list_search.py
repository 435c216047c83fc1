"""The articles list (Datasette's own table view) beside the search page.

* ``?from=`` / ``?to=`` on the articles table: a date range, both days whole, Hanoi time
  (``2021-05-23`` or ``23/5/2021``); an invalid date is a 400 page saying so.
* ``_sort=rank`` (FTS relevance, which Datasette cannot do on this table) goes to the
  search page ranked by relevance, with the list's search and filters; a sort on a column
  the table does not have is a 400 that says so, never a 500.
* :func:`search_link`: the search page for what a list shows (its search and filters).
"""

from __future__ import annotations

import re
import urllib.parse
from datetime import timedelta
from typing import Any, Awaitable, Callable

from datasette.filters import FilterArguments
from datasette.utils.asgi import BadRequest

from datasette_kinhtedothi.archive import search_sample
from datasette_kinhtedothi.archive.i18n import gettext as _
from datasette_kinhtedothi.archive.facet_defs import LINKED, to_search
from datasette_kinhtedothi.archive.i18n import language, remember
from datasette_kinhtedothi.archive.search_state import BadState, parse_day
from datasette_kinhtedothi.vietnamese import refuse_search, refused_search

ARTICLES = "articles"
TABLE_PATH = re.compile(r"^/(?P<database>[^/]+)/(?P<table>[^/.]+)(?:\.(?P<format>json|csv))?/?$")
# list argument -> search page argument, besides the facets' own (facet_defs.to_search)
# The list's ?_search= is ours too (search_filter), renamed on the way in unless in Datasette's raw mode
SEARCH_ARG = "_kt_search"
TO_SEARCH = {"_search": "q", SEARCH_ARG: "q", "_exact": "q", "author": "person", "author__exact": "person",
             "from": "from", "to": "to", "_from": "from", "_to": "to"}
# Datasette takes every argument without "_" for a column filter: these are ours, renamed on the way in.
RENAMED = {"from": "_from", "to": "_to", "lang": "_lang"}


def date_filters(request, table: str):
    """``?from=`` / ``?to=`` on the articles table (``_from``/``_to`` once :func:`wrap` renamed them)."""
    start, end = request.args.get("_from"), request.args.get("_to")
    if table != ARTICLES or not (start or end):
        return None
    lang = language(request)

    async def inner():
        where, params, described = [], {}, []
        try:
            if start:
                day = parse_day(start, "from", lang)
                where.append("published_at >= :kt_from")
                params["kt_from"] = day.isoformat()
                described.append(_("list.from", lang, day=day.strftime("%d/%m/%Y")))
            if end:
                day = parse_day(end, "to", lang)
                where.append("published_at < :kt_to")
                params["kt_to"] = (day + timedelta(days=1)).isoformat()
                described.append(_("list.to", lang, day=day.strftime("%d/%m/%Y")))
        except BadState as error:
            raise BadRequest(str(error)) from None
        return FilterArguments(where, params, described, {})

    return inner


MATCHES = "rowid in (select rowid from articles_fts where articles_fts match escape_fts(:kt_search))"


def search_filter(request, database: str, table: str, datasette):
    """``?_search=`` on the articles list (``_kt_search`` once :func:`wrap` renamed it), as Datasette's own
    search. Past ``search_sample.LAZY`` matches it is written ``+rowid in (…)``: SQLite then reads the list in
    its order from the ``published_at`` index and counts it on a small index, checking each id against the
    matches, instead of reading every matching article's row (hundreds of thousands at a million articles)
    to sort or count them; fewer matches are looked up one by one, which is quicker for them."""
    value = request.args.get(SEARCH_ARG)
    if table != ARTICLES or not value:
        return None

    async def inner():
        few = (await datasette.get_database(database).execute(
            f"select count(*) from (select rowid from articles_fts where articles_fts match escape_fts(:q) "
            f"limit {search_sample.LAZY + 1})", {"q": value})).rows[0][0] <= search_sample.LAZY
        where = [MATCHES if few else "+" + MATCHES]
        return FilterArguments(where, {"kt_search": value}, [f'search matches "{value}"'], {"search": value})

    return inner


def combine(*results: Any) -> Callable[[], Awaitable[FilterArguments]] | None:
    """Several filters_from_request answers (None, FilterArguments or awaitables) as one."""
    given = [r for r in results if r is not None]
    if not given:
        return None

    async def inner() -> FilterArguments:
        where: list[str] = []
        params: dict[str, Any] = {}
        described: list[str] = []
        extra: dict[str, Any] = {}
        for result in given:
            if callable(result):
                result = await result()
            if result is None:
                continue
            where += result.where_clauses
            params.update(result.params)
            described += result.human_descriptions
            extra.update(result.extra_context or {})
        return FilterArguments(where, params, described, extra)

    return inner


def search_link(datasette, args_pairs: list[tuple[str, str]], **extra: str) -> str:
    """The search page with a list's search and filters (``published_at__startswith`` as year/month)."""
    pairs = []
    for key, value in args_pairs:
        if key in TO_SEARCH and value:
            pairs.append((TO_SEARCH[key], value))
            if key == "_exact":
                pairs.append(("exact", "1"))
        elif value and (facet := to_search(key, value)) and (key != "published_at__startswith"
                                                             or re.match(r"^\d{4}(-\d{2})?$", value)):
            pairs.append(facet)
        elif key in ("lang", "_lang"):
            pairs.append(("lang", value))
    pairs += list(extra.items())
    query = urllib.parse.urlencode(pairs)
    return datasette.urls.path("/-/search") + ("?" + query if query else "")


NAMES = {"_search": "list.search", SEARCH_ARG: "list.search", "_exact": "list.exact", "_from": "search.from",
         "_to": "search.to",
         **{facet.list_param: f"list.{facet.name}" for facet in LINKED.values()}}   # _event, _tag, _person, _place


def list_context(datasette, request, lang: str, table: str = ARTICLES) -> dict:
    """A list's own words: what it is filtered by (quotes as typed, never doubled), and for the articles list,
    links to the search page, its feed and its chart with the same search and filters."""
    pairs = urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)
    described = []
    for key, value in pairs:
        if not value or key in ("_lang", "_sort", "_sort_desc", "_next", "_size", "_facet", "_searchmode") \
                or key.startswith("_facet_"):
            continue
        if key in NAMES:
            described.append((_(NAMES[key], lang), value))
        elif key in ("_search", "_where"):
            described.append((_("list.search" if key == "_search" else "list.where", lang), value))
        elif not key.startswith("_"):
            column, _sep, op = key.partition("__")
            described.append((column + (f" ({_('table.op.' + op, lang)})" if op else ""), value))
    if table != ARTICLES:
        return {"described": described}
    search = search_link(datasette, pairs)
    return {"described": described, "search_url": search,
            "feed_url": search.replace("/-/search", "/-/search.atom", 1),
            "chart_url": search.replace("/-/search", "/-/chart", 1)}


def _response(status: int, headers: list, body: bytes) -> tuple[dict, dict]:
    return ({"type": "http.response.start", "status": status, "headers": headers},
            {"type": "http.response.body", "body": body})


async def sort_guard(datasette, scope) -> tuple[dict, dict] | None:
    """A redirect (``_sort=rank``) or a 400 (unknown column) instead of Datasette's 500; None when fine."""
    match = TABLE_PATH.match(scope.get("path", ""))
    raw = scope.get("query_string", b"").decode("latin-1")
    if not match or "_sort" not in raw:
        return None
    database, table = match.group("database"), urllib.parse.unquote(match.group("table"))
    if database not in datasette.databases:
        return None
    db = datasette.get_database(database)
    if not await db.table_exists(table):
        return None
    pairs = urllib.parse.parse_qsl(raw, keep_blank_values=True)
    sorts = [v for k, v in pairs if k in ("_sort", "_sort_desc") and v]
    sortable = datasette.table_metadata(database, table).get("sortable_columns")
    columns = set(sortable or await db.table_columns(table))
    if not await db.primary_keys(table):  # Datasette sorts by rowid only where it is the key
        columns.add("rowid")
    bad = [s for s in sorts if s not in columns]
    if not bad:
        return None
    if table == ARTICLES and bad == ["rank"]:
        target = {"json": "/-/search.json", "csv": "/-/export.csv"}.get(match.group("format") or "", "/-/search")
        location = search_link(datasette, pairs, sort="relevance").replace("/-/search", target, 1)
        if "q=" not in location:
            location = location.replace("sort=relevance", "sort=newest")
        return _response(302, [(b"location", location.encode("latin-1")), (b"content-length", b"0")], b"")
    lang = "en" if ("lang", "en") in pairs else "vi"
    body = _("list.bad_sort", lang, column=bad[0][:60], table=table).encode("utf-8")
    return _response(400, [(b"content-type", b"text/plain; charset=utf-8"),
                           (b"content-length", str(len(body)).encode())], body)


def _renamed(scope: dict) -> dict:
    """``lang`` on a table or query page becomes ``_lang``; ``from`` and ``to`` on the articles list become
    ``_from`` and ``_to`` (elsewhere they stay: a query's own parameters, or another table's columns), and its
    ``_search`` becomes ``_kt_search`` (:func:`search_filter`; not in Datasette's raw mode)."""
    raw = scope.get("query_string", b"")
    path = scope.get("path", "")
    match = TABLE_PATH.match(path)
    if not raw or not match or match.group("database") == "-" or not any(f"{k}=".encode() in raw
                                                                         for k in (*RENAMED, "_search")):
        return scope
    articles = urllib.parse.unquote(match.group("table")) == ARTICLES
    renamed = dict(RENAMED) if articles else {"lang": "_lang"}
    pairs = urllib.parse.parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    if articles and ("_searchmode", "raw") not in pairs:
        renamed["_search"] = SEARCH_ARG
    if not any(k in renamed for k, _ in pairs):
        return scope
    query = urllib.parse.urlencode([(renamed.get(k, k), v) for k, v in pairs])
    return dict(scope, query_string=query.encode("latin-1"))


DATED_QUERIES = {"event_between_dates"}
SEARCH_QUERIES = {"search": "q", "exact_search": "exact"}


async def query_guard(datasette, scope) -> tuple[dict, dict] | None:
    """A canned query given an invalid date answers 400 with the reason (not 0 rows); the ranked and
    exact-spelling canned queries, as HTML, lead to the search page (their JSON and CSV stay)."""
    match = TABLE_PATH.match(scope.get("path", ""))
    if not match or match.group("database") not in datasette.databases:
        return None
    name = urllib.parse.unquote(match.group("table"))
    pairs = urllib.parse.parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    lang = "en" if ("lang", "en") in pairs or ("_lang", "en") in pairs else "vi"
    if name in SEARCH_QUERIES and not match.group("format") and not any(k.startswith("_") and k != "_lang"
                                                                        for k, _ in pairs):
        args = {"q": dict(pairs).get(SEARCH_QUERIES[name], ""), "exact": "1" if name == "exact_search" else "",
                "lang": lang if lang != "vi" else ""}
        location = datasette.urls.path("/-/search") + "?" + urllib.parse.urlencode({k: v for k, v in args.items() if v})
        return _response(302, [(b"location", location.rstrip("?").encode("latin-1")), (b"content-length", b"0")], b"")
    if name not in DATED_QUERIES:
        return None
    try:
        for key in ("from", "to"):
            value = dict(pairs).get(key, "").strip()
            if value:
                parse_day(value, key, lang)
    except BadState as error:
        await datasette.invoke_startup()  # a no-op once the server has started
        html = await datasette.render_template("error.html", {"ok": False, "error": str(error), "status": 400,
                                                              "title": None})
        body = html.encode("utf-8")
        return _response(400, [(b"content-type", b"text/html; charset=utf-8"),
                               (b"content-length", str(len(body)).encode())], body)
    return None


def wrap(datasette, app):
    """ASGI middleware: :func:`sort_guard` and :func:`query_guard` before Datasette sees the request.

    A search past the limits (``vietnamese.refused_search``) is refused with its 400 message first, so
    that the redirects below never carry it on: the user reads why at the URL they asked for, whichever
    order Datasette runs the plugins' wrappers in."""
    async def guarded(scope, receive, send):
        if scope.get("type") == "http":
            send = remember(scope, send)  # ?lang= is remembered in a cookie, whatever the page answers
            problem = scope.get("query_string") and refused_search(scope["query_string"])
            if problem:
                return await refuse_search(datasette, scope, send, problem)
            scope = _renamed(scope)
            answer = await sort_guard(datasette, scope) or await query_guard(datasette, scope)
            if answer:
                for event in answer:
                    await send(event)
                return
        await app(scope, receive, send)

    return guarded
