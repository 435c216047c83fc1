"""The archive's Datasette plugin: a newspaper archive's pages on top of Datasette.

* facets for events, tags, year and month of publication (``facets.py``) and
  the ``?_event=`` / ``?_tag=`` filters they toggle;
* the article page: the body sanitized again, pictures with captions, events
  and tags as links, a citation block (``article.py``, ``templates/row.html``);
* a home page with a search box and the events (``templates/index.html``);
* ``/-/chart``: articles per month per event (``chart.py``);
* Atom feeds of saved searches (``atom.py``);
* ``/robots.txt`` (no crawling), security headers, a strict Content-Security-
  Policy on the pages that show scraped markup.

Nothing here writes to the database.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import urlencode

import datasette
from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from plugins.archive import article_texts, query_texts  # noqa: F401 (they register the pages' strings)
from plugins.archive import atom, chart, column_texts, edits, export, home, list_search, people, search_page
from plugins.archive.article import article_context
from plugins.archive.facets import FACET_CLASSES, filter_url, through_filters
from plugins.archive.i18n import gettext, language
from vocab.dates import utc_time

ROBOTS_TXT = """\
# Kinhtedothi event archive: a research copy of articles that belong to kinhtedothi.vn.
# Search engines should index the newspaper, not this copy, and crawlers following
# every facet, sort and query link would only load the server. Nothing here is for robots.
User-agent: *
Disallow: /
"""



def _datasette_inline_scripts() -> str:
    """CSP hashes of the inline scripts Datasette's own base page carries (closing open menus)."""
    hashes = []
    template = Path(datasette.__file__).parent / "templates" / "_close_open_menus.html"
    for script in re.findall(r"<script>(.*?)</script>", template.read_text(encoding="utf-8"), re.S):
        hashes.append("'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'")
    return " ".join(hashes)


# Scripts only from this server plus Datasette's own known inline one, nothing else inline;
# pictures from anywhere (they are the paper's); no plugins, no <base>, no framing by other sites.
STRICT_CSP = (f"default-src 'none'; script-src 'self' {_datasette_inline_scripts()}; "
              "style-src 'self' 'unsafe-inline'; img-src 'self' https: http: data:; font-src 'self'; "
              "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'self'")
COMMON_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-robots-tag", b"noindex, nofollow"),
    (b"x-frame-options", b"SAMEORIGIN"),
]
READ_METHODS = {"GET", "HEAD", "OPTIONS"}
ARTICLE_PAGE = re.compile(r"^/[^/]+/articles/-?\d+/?$")
SEARCH_QUERIES = {"search", "exact_search"}
HIDDEN_QUERIES = {"feed"}  # the Atom feed is reached from a search, not from the home page
# In lists, long texts are cut shorter than Datasette's truncate_cells_html (JSON and CSV keep all).
SHORT_CELLS = {"body_text": 240, "body_html": 160, "field_sources": 80}
FACET_ORDER = ["event", "published_at_year", "published_at_month", "section", "person", "tag"]


# Memory-mapped reads: a search that touches thousands of rows reads them without a system call
# each (about twice as fast on 200,000 articles). Read-only connections only; the crawler's own
# connection is not Datasette's. SQLite caps it at its compile-time maximum.
MMAP_BYTES = 2 * 1024 ** 3

# Without the diacritics-keeping index (archives made before it existed) exact search takes its
# candidates from the folded index and checks the spelling in Python: right, but slow on big archives.
EXACT_FALLBACK_SQL = """\
select a.id as article_id, a.title, substr(a.published_at, 1, 10) as published, a.author,
  vi_snippet_exact(coalesce(a.title, '') || ' — ' || coalesce(a.sapo, '') || ' ' || coalesce(a.body_text, ''),
                   :exact) as snippet,
  a.url
from articles a
where a.id in (select rowid from articles_fts where articles_fts match vi_phrase(:exact))
  and vi_exact(coalesce(a.title, '') || ' ' || coalesce(a.sapo, '') || ' ' || coalesce(a.body_text, ''), :exact)
order by a.published_at desc
limit 200"""


@hookimpl
def prepare_connection(conn):
    conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")


@hookimpl
def canned_queries(datasette, database):
    async def inner():
        db = datasette.get_database(database)
        configured = (datasette.metadata("queries", database=database, fallback=False) or {}).get("exact_search")
        if not configured or await db.table_exists("articles_fts_exact") or not await db.table_exists("articles_fts"):
            return {}
        return {"exact_search": dict(configured, sql=EXACT_FALLBACK_SQL)}

    return inner


@hookimpl
def register_facet_classes():
    return FACET_CLASSES


@hookimpl
def filters_from_request(request, database, table, datasette):
    return list_search.combine(through_filters(request, database, table, datasette),
                               list_search.date_filters(request, table))


@hookimpl
def register_output_renderer(datasette):
    return {"extension": "atom", "render": atom.render, "can_render": atom.can_render}


@hookimpl
def register_routes():
    async def robots(request):
        return Response.text(ROBOTS_TXT)

    return [
        (r"^/robots\.txt$", robots),
        (r"^/-/chart$", chart.chart_page),
        *edits.ROUTES, *people.ROUTES, *export.ROUTES,  # people, edits and the search export (issue 8)
        (r"^/-/search(\.(?P<format>json|atom))?$", search_page.search_page),
    ]


async def refuse(send):
    body = b"This archive is read-only: only GET requests are answered.\n"
    await send({"type": "http.response.start", "status": 405,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD, OPTIONS"),
                            (b"content-length", str(len(body)).encode()), *COMMON_HEADERS]})
    await send({"type": "http.response.body", "body": body})


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def with_headers(scope, receive, send):
            if scope.get("type") != "http":
                return await app(scope, receive, send)
            if scope.get("method", "GET") not in READ_METHODS:
                # Nothing here takes a write: no writable canned query, no login, no upload.
                return await refuse(send)
            strict = bool(ARTICLE_PAGE.match(scope.get("path", ""))) or scope.get("path") == "/-/chart"

            async def send_with_headers(event):
                if event["type"] == "http.response.start":
                    headers = [h for h in event.get("headers", [])
                               if h[0].lower() not in {k for k, _ in COMMON_HEADERS}]
                    headers += COMMON_HEADERS
                    if strict:
                        headers.append((b"content-security-policy", STRICT_CSP.encode()))
                    event = dict(event, headers=headers)
                await send(event)

            await guarded(scope, receive, send_with_headers)

        guarded = list_search.wrap(datasette, app)
        return with_headers

    return wrap


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.static_plugins("kinhtedothi-archive", "archive.css")]


def _marked(value: str) -> Markup:
    """Text with <mark> markers (vi_snippet): everything escaped, then the markers restored."""
    escaped = str(escape(value))
    return Markup(escaped.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if column == "snippet" and isinstance(value, str):
        return _marked(value)
    if table in ("articles", "article_versions") and column in SHORT_CELLS and isinstance(value, str) \
            and len(value) > SHORT_CELLS[column]:
        return Markup("{}…").format(value[:SHORT_CELLS[column]].rstrip())
    if table == "articles" and column == "title" and value and "id" in row.keys():
        href = datasette.urls.row(database, "articles", str(row["id"]))
        return Markup('<a href="{}">{}</a>').format(href, value)
    if table is None and column == "article_id" and isinstance(value, int):
        # in query results, article_id always means articles.id: link to the article's page
        return Markup('<a href="{}">{}</a>').format(datasette.urls.row(database, "articles", str(value)), value)
    return None


async def _archive_summary(datasette, name, db) -> dict:
    events = [dict(r) for r in (await db.execute(
        "select e.slug, e.name, (select count(*) from article_events ae where ae.event_slug = e.slug) as n "
        "from events e order by n desc, e.name")).rows]
    for event in events:
        event["href"] = filter_url(datasette, name, event=event["slug"])
    count = (await db.execute("select count(*) from articles")).rows[0][0]
    span = (await db.execute("select min(published_at), max(published_at) from articles")).rows[0]
    last_run = None
    if await db.table_exists("crawl_runs"):
        rows = (await db.execute("select finished_at, status from crawl_runs where finished_at is not null "
                                 "order by id desc limit 1")).rows
        last_run = dict(rows[0]) if rows else None
        if last_run:
            last_run["finished"] = utc_time(last_run["finished_at"])
    queries = await datasette.get_canned_queries(name, None)
    return {"name": name, "articles": count, "first": (span[0] or "")[:10], "last": (span[1] or "")[:10],
            "events": events, "last_run": last_run,
            "queries": [{"name": k, "title": v.get("title") or k} for k, v in queries.items()
                        if k not in HIDDEN_QUERIES],
            "articles_url": datasette.urls.table(name, "articles"),
            "search_url": datasette.urls.query(name, "search"),
            "exact_url": datasette.urls.query(name, "exact_search"),
            "chart_url": datasette.urls.path("/-/chart") + (f"?db={name}" if len(datasette.databases) > 2 else "")}


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    async def inner():
        context = {"kt_facet_order": FACET_ORDER}
        if request is None:
            return context
        lang = language(request)
        context.update(kt_lang=lang, kt_t=lambda key, **fields: gettext(key, lang, **fields),
                       kt_lang_url=list_search.other_language_url(request, lang))
        if template == "row.html" and table == "articles" and database:
            found = await article_context(datasette, database, request.url_vars.get("pks", ""))
            if found:
                context.update(found)
                context.update(await edits.edit_context(datasette, database, found["article"], request))
                context.update(await people.article_people(datasette, database, found["article"]["id"], request))
        elif template == "index.html":
            archives = []
            for name, db in datasette.databases.items():
                if not db.is_memory and await db.table_exists("articles") and await db.table_exists("events"):
                    archives.append(await _archive_summary(datasette, name, db))
                    archives[-1].update(await home.home_extra(datasette, name, db, language(request), HIDDEN_QUERIES))
            context["archives"] = archives
        elif template == "table.html" and table == "articles":
            context["kt_list"] = list_search.list_context(datasette, request, lang)
            context["human_description_en"] = None  # said in the reader's words by templates/table.html
        if template == "table.html" and table in column_texts.VI and database:
            localized = column_texts.localized_metadata(datasette.table_metadata(database, table), table, lang)
            if localized:
                context["metadata"] = localized
        elif template == "query.html" and table in SEARCH_QUERIES and request.args.get(
                "q" if table == "search" else "exact"):
            q = request.args.get("q") or request.args.get("exact")
            context["kt_search"] = {
                "q": q,
                "list_url": (filter_url(datasette, database, _search=q) if table == "search"
                             else filter_url(datasette, database, _exact=q)),
                "feed_url": (datasette.urls.query(database, "feed", format="atom") + "?" + _qs(q=q)
                             if table == "search" else None),
                "chart_url": datasette.urls.path("/-/chart") + "?" + _qs(q=q) if table == "search" else None,
            }
        return context

    return inner


def _qs(**args) -> str:
    return urlencode(args)
