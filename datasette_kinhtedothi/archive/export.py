"""CSV of a search with a journalist's columns: ``/-/export.csv?q=…&<filters>``.

Columns: archive_id (the story's id in the archive, unchanged when its address changes), headline, date
(Hanoi time, ``YYYY-MM-DD HH:MM``), people, events, tags (each ``; ``-separated), url, snippet (plain
text: the passage that matches, without ``<mark>``). ALL matching rows, up to ``EXPORT_MAX``, ranked as
the search page ranks them when there is a query, else newest first.
``?_bom=1`` starts the file with a UTF-8 byte order mark, so that Excel opens it as UTF-8. A cell that a
spreadsheet could run as a formula (``=…``, ``+…``, ``-…``, ``@…``) starts with a ``'`` (``csv_cells.neutral``).

Parameters (those of the search page; each filter may be repeated, all must hold; a value over 200
characters, or more than 10 different values of one filter, is a 400 rather than another search):

* ``q`` (or ``_search``): the search, in the archive's search language; ``exact=1`` for exact spelling;
* the facets (``facet_defs``): ``event`` / ``_event`` (slug), ``person`` / ``_person`` (normalized name),
  ``tag`` / ``_tag``, ``place`` / ``_place`` (``article_places.place_key``; a district takes in its wards) (all
  must hold), ``section`` (any), ``year``, ``month``;
* ``from`` / ``to``: ``2021-05-23`` or ``23/5/2021``, both days included whole (Hanoi time);
  ``published_at__startswith=2021-05`` (the list's month facet links);
* ``sort``: ``relevance`` (default with a query), ``newest`` (default without), ``oldest``.

``search_rows(db, params)`` is the whole query: ``params`` is anything with ``get`` and ``getlist``
(Datasette's ``request.args``, or ``MultiParams``), so the search page can hand over its own.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3

from datasette.utils import sqlite_timelimit
from datasette.utils.asgi import Response

from datasette_kinhtedothi.archive.chart import archive_database
from datasette_kinhtedothi.archive.csv_cells import neutral_row
from datasette_kinhtedothi.archive.facet_defs import BY_NAME, FACETS
from datasette_kinhtedothi.archive.i18n import gettext, language
from datasette_kinhtedothi.archive.search_state import MAX_FILTER, MAX_VALUES
from kinhtedothi.vocab.dates import day_range, hanoi_time, parse_day

EXPORT_MAX = 10_000             # rows in one export; the file's last row and a header say when more matched
EXPORT_TIME_LIMIT_MS = 20_000   # the export's own time limit (a page's queries have 3 s)
COLUMNS = ("archive_id", "headline", "date", "people", "events", "tags", "url", "snippet")
MAX_PARAM = 500                 # characters read from any one parameter


def _filters() -> dict[tuple[str, ...], str]:
    """Parameter names -> the condition one value adds (``{key}``: its placeholder), from the facet definitions
    (``facet_defs``): the search page's name and the list's (``event`` / ``_event``)."""
    out: dict[tuple[str, ...], str] = {}
    for facet in FACETS:
        names = tuple(dict.fromkeys((facet.name, facet.list_param))) if not facet.period else (facet.name,)
        if facet.link:
            out[names] = f"a.id in ({facet.link.articles('{key}')})"
        elif facet.column:
            out[names] = f"a.{facet.column} in ({{keys}})"          # one value per article: any may hold
        else:
            out[names] = f"substr(a.published_at, 1, {facet.period}) = :{{key}}"
    out[("published_at__startswith",)] = "substr(a.published_at, 1, length(:{key})) = :{key}"
    return out


FILTERS = _filters()
TIERS = """case
  when a.id in (select rowid from articles_fts where articles_fts match vi_match(:q, 2, 'title')) then 1
  when a.id in (select rowid from articles_fts where articles_fts match vi_match(:q, 2, 'sapo')) then 2
  when a.id in (select rowid from articles_fts where articles_fts match vi_match(:q, 2)) then 3
  else 4 end"""
SELECT = """select a.id, a.title as headline, a.published_at, a.url, {people} as people,
  (select group_concat(coalesce(e.name, ae.event_slug), '; ') from article_events ae
     left join events e on e.slug = ae.event_slug where ae.article_id = a.id) as events,
  (select group_concat(tag, '; ') from (select tag from article_tags where article_id = a.id order by rowid)) as tags,
  {snippet} as snippet
from {source}
{where}
order by {order}
limit {limit}"""
PEOPLE = ("(select group_concat(name, '; ') from "
          "(select name from article_authors where article_id = a.id order by position))")


class BadParameter(ValueError):
    """A parameter the export cannot use (the message says which and why)."""


def _values(params, *names: str) -> list[str]:
    out = []
    for name in names:
        out += [v.strip()[:MAX_PARAM] for v in params.getlist(name) if v and v.strip()]
    return out


def _first(params, *names: str) -> str:
    values = _values(params, *names)
    return values[0] if values else ""


def _day(value: str, name: str) -> tuple[str, str]:
    """The whole Hanoi day ``value`` names, as bounds on ``published_at`` (kinhtedothi.vocab.dates.day_range)."""
    day = parse_day(value)
    if day is None:
        raise BadParameter(f"{name}={value!r} is not a date of the calendar: use 2021-05-23 or 23/5/2021")
    return day_range(day)


def build_search(params, missing: frozenset[str] = frozenset()) -> tuple[str, dict]:
    """The SQL and its arguments for every row a search with these parameters matches; ``missing``: the facets'
    linking tables the archive lacks (one made before them: a value of such a facet matches nothing, or for
    people the byline)."""
    q, args, where = _first(params, "q", "_search"), {}, []
    has_people = "article_authors" not in missing
    exact = _first(params, "exact") in ("1", "on", "true")
    sort = _first(params, "sort") or ("relevance" if q else "newest")
    if sort not in ("relevance", "newest", "oldest"):
        raise BadParameter(f"sort={sort!r}: use relevance, newest or oldest")
    source, snippet, order = "articles a", "a.sapo", "a.published_at desc, a.id desc"
    if q:
        args["q"] = q
        if exact:
            where.append("a.id in (select rowid from articles_fts_exact "
                         "where articles_fts_exact match vi_exact_match(:q))")
            snippet = ("vi_snippet_exact(coalesce(a.title, '') || ' — ' || coalesce(a.sapo, '') || ' ' "
                       "|| coalesce(a.body_text, ''), :q)")
        else:
            source = "articles_fts join articles a on a.id = articles_fts.rowid"
            where.append("articles_fts match vi_match(:q, 0)")
            snippet = "vi_snippet(coalesce(a.sapo, '') || ' ' || coalesce(a.body_text, ''), :q)"
            if sort == "relevance":
                order = f"{TIERS}, bm25(articles_fts, 10.0, 4.0, 1.0), a.published_at desc"
    if sort == "oldest":
        order = "a.published_at, a.id"
    for names, condition in FILTERS.items():
        link = BY_NAME[names[0]].link if names[0] in BY_NAME else None
        if link and link.table in missing:
            condition = link.without.format(key="{key}") if link.without else "0"
        values = list(dict.fromkeys(_values(params, *names)))  # a value given twice is one condition
        if any(len(value) > MAX_FILTER for value in values):  # as the search page: no name is that long
            raise BadParameter(f"The {names[0]} filter is too long (at most {MAX_FILTER} characters)")
        if len(values) > MAX_VALUES:  # all must hold: dropping some would export another search
            raise BadParameter(f"Too many {names[0]} filters: {len(values)} (at most {MAX_VALUES}).")
        keys = [f"{names[0]}_{i}" for i in range(len(values))]
        args.update(zip(keys, values))
        if "{keys}" in condition and keys:   # any of the values
            where.append(condition.format(keys=", ".join(f":{key}" for key in keys)))
        elif "{keys}" not in condition:      # each value must hold
            where += [condition.format(key=key) for key in keys]
    if _first(params, "from"):
        args["from_day"] = _day(_first(params, "from"), "from")[0]
        where.append("a.published_at >= :from_day")
    if _first(params, "to"):
        args["after_day"] = _day(_first(params, "to"), "to")[1]
        where.append("a.published_at < :after_day")
    sql = SELECT.format(people=PEOPLE if has_people else "a.author", snippet=snippet, source=source,
                        where=("where " + " and ".join(where)) if where else "", order=order, limit=EXPORT_MAX + 1)
    return sql, args


def _hanoi(iso: str | None) -> str:
    """Hanoi time, sortable (a spreadsheet orders it right)."""
    return hanoi_time(iso, "%Y-%m-%d %H:%M")


def _plain(snippet: str | None) -> str:
    return re.sub(r"</?mark>", "", snippet or "").strip()


async def search_rows(db, params) -> tuple[list[dict], bool]:
    """(rows with COLUMNS, whether more than EXPORT_MAX matched) for a search's parameters."""
    tables = {f.link.table for f in FACETS if f.link}
    missing = frozenset([table for table in tables if not await db.table_exists(table)])
    sql, args = build_search(params, missing)

    def run(conn):
        with sqlite_timelimit(conn, EXPORT_TIME_LIMIT_MS):
            cursor = conn.execute(sql, args)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

    found = await db.execute_fn(run)
    rows = [{"archive_id": r["id"], "headline": r["headline"], "date": _hanoi(r["published_at"]),
             "people": r["people"] or "", "events": r["events"] or "", "tags": r["tags"] or "", "url": r["url"],
             "snippet": _plain(r["snippet"])}
            for r in found[:EXPORT_MAX]]
    return rows, len(found) > EXPORT_MAX


def to_csv(rows: list[dict], bom: bool = False) -> str:
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(neutral_row(row) for row in rows)
    return out.getvalue()


async def export_csv(datasette, request):
    database, db = await archive_database(datasette, request.args.get("db"))
    try:
        rows, more = await search_rows(db, request.args)
    except BadParameter as error:
        return Response.text(f"{error}\n", status=400)
    except sqlite3.OperationalError as error:  # the time limit, or a search the index cannot run
        return Response.text(f"The export stopped: {error}. Narrow the search.\n", status=503)
    headers = {"content-disposition": 'attachment; filename="kinhtedothi-search.csv"',
               "x-export-rows": str(len(rows))}
    body = to_csv(rows, bom=request.args.get("_bom") in ("1", "on", "true"))
    if more:
        headers["x-export-truncated"] = f"more than {EXPORT_MAX} rows matched; the first {EXPORT_MAX} are here"
        body += cut_row(language(request))
    return Response(body, status=200, headers=headers, content_type="text/csv; charset=utf-8")


def cut_row(lang: str) -> str:
    """The file's last row when the export was cut: said where a spreadsheet shows it, not only in a header."""
    out = io.StringIO()
    csv.writer(out).writerow(["", gettext("export.cut", lang, max=f"{EXPORT_MAX:,}")] + [""] * (len(COLUMNS) - 2))
    return out.getvalue()


ROUTES = [(r"^/-/export\.csv$", export_csv)]
