"""``/-/search``: the one search page (ranked results, snippets, count, facets, date range, exports).

``/-/search.json`` gives the same page as JSON, ``/-/search.atom`` the same
search as an Atom feed (the 50 newest); the CSV of every matching row is the
journalist export at ``/-/export.csv``, which takes the same arguments. The
arguments are described in ``search_state``; the SQL is in ``search_engine``.
"""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.parse

from datasette.database import QueryInterrupted
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from datasette_kinhtedothi.archive import atom, places_facet, search_engine
from datasette_kinhtedothi.archive.chart import archive_database
from datasette_kinhtedothi.archive.i18n import gettext as _
from datasette_kinhtedothi.archive.i18n import language, register
from datasette_kinhtedothi.archive.search_state import MULTI, PAGE_SIZE, BadState, SearchState, link, read_state
from datasette_kinhtedothi.vi_search import snippet, snippet_exact
from kinhtedothi.vocab.dates import paper_date

register({
    "search.title": {"vi": "Tìm kiếm", "en": "Search"},
    "search.title_q": {"vi": "Tìm “{q}”", "en": "Search for “{q}”"},
    "search.label": {"vi": "Tìm trong {n} bài báo", "en": "Search {n} articles"},
    "search.placeholder": {"vi": "ví dụ: dong da, \"bầu cử\", tag:vắc xin, author:Hồng Thái",
                           "en": "e.g. dong da, \"bầu cử\", tag:vắc xin, author:Hồng Thái"},
    "search.submit": {"vi": "Tìm", "en": "Search"},
    "search.exact": {"vi": "Đúng chính tả (có dấu: bàn ≠ bán)", "en": "Exact spelling (diacritics count: bàn ≠ bán)"},
    "search.exact_on": {"vi": "Đang tìm đúng chính tả. Tìm không phân biệt dấu", "en":
                        "Exact spelling is on. Search ignoring diacritics"},
    "search.exact_off": {"vi": "Chỉ tìm đúng chính tả “{q}”", "en": "Only the exact spelling “{q}”"},
    "search.from": {"vi": "Từ ngày", "en": "From"},
    "search.to": {"vi": "Đến ngày", "en": "To"},
    "search.date_hint": {"vi": "2021-05-23 hoặc 23/5/2021, tính cả ngày (giờ Hà Nội)",
                         "en": "2021-05-23 or 23/5/2021, whole days included (Hanoi time)"},
    "search.count": {"vi": "{n} bài", "en": "{n} articles"},
    "search.count_one": {"vi": "1 bài", "en": "1 article"},
    "search.none": {"vi": "Không có bài nào khớp.", "en": "No article matches."},
    "search.sort": {"vi": "Sắp xếp", "en": "Sort"},
    "search.sort.relevance": {"vi": "phù hợp nhất", "en": "most relevant"},
    "search.sort.newest": {"vi": "mới nhất", "en": "newest"},
    "search.sort.oldest": {"vi": "cũ nhất", "en": "oldest"},
    "search.filters": {"vi": "Đang lọc", "en": "Filters"},
    "search.remove": {"vi": "bỏ", "en": "remove"},
    "search.clear": {"vi": "Bỏ mọi bộ lọc", "en": "Clear all filters"},
    "search.facet.event": {"vi": "Sự kiện", "en": "Event"},
    "search.facet.year": {"vi": "Năm", "en": "Year"},
    "search.facet.month": {"vi": "Tháng", "en": "Month"},
    "search.facet.section": {"vi": "Chuyên mục", "en": "Section"},
    "search.facet.person": {"vi": "Tác giả", "en": "Person"},
    "search.facet.tag": {"vi": "Từ khóa (tag)", "en": "Tag"},
    "search.follow": {"vi": "Theo dõi tìm kiếm này (Atom)", "en": "Follow this search (Atom)"},
    "search.csv": {"vi": "Tải CSV (mọi bài khớp)", "en": "Download CSV (every match)"},
    "search.json": {"vi": "JSON (trang này)", "en": "JSON (this page)"},
    "search.chart": {"vi": "Biểu đồ theo tháng", "en": "Chart per month"},
    "search.previous": {"vi": "← Trang trước", "en": "← Previous page"},
    "search.next": {"vi": "Trang sau →", "en": "Next page →"},
    "search.page": {"vi": "Trang {page} / {pages}", "en": "Page {page} of {pages}"},
    "search.help": {"vi": "Không cần gõ dấu: dong da = Đống Đa. \"Ngoặc kép\" cho cụm từ; OR, NOT, tiền tố*; "
                          "title:, tag:, author: chỉ tìm trong tiêu đề, từ khóa, tác giả.",
                    "en": "Diacritics optional: dong da = Đống Đa. \"Quotes\" for a phrase; OR, NOT, prefix*; "
                          "title:, tag:, author: look only in the headline, the tags, the people."},
    "search.error_title": {"vi": "Không tìm được", "en": "Cannot search"},
    "search.timeout": {"vi": "Tìm kiếm quá lâu, đã dừng. Hãy thu hẹp (thêm từ, sự kiện hoặc khoảng ngày).",
                       "en": "The search took too long and was stopped. Narrow it (more words, an event, dates)."},
    "search.sql_people": {"vi": "Dành cho người dùng SQL: bảng articles với ?_search=",
                          "en": "For SQL users: the articles table with ?_search="},
    "search.in_events": {"vi": "Sự kiện", "en": "Events"},
    "search.language": {"vi": "English", "en": "Tiếng Việt"},
    "search.estimated": {"vi": "Số đếm trong các bộ lọc là ước tính (≈), tính trên một mẫu đều của các bài khớp; "
                               "tổng số bài ở trên là chính xác.",
                         "en": "Facet counts are estimates (≈) from an even sample of the matches; the total above "
                               "is exact."},
})


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


def _article(row: dict, state: SearchState, datasette, database: str) -> dict:
    words = search_engine.split_query(state.q).words if state.q else ""
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
        "href": datasette.urls.row(database, "articles", str(row["id"])),
    }


async def _facets(datasette, db, raw: dict, state: SearchState, path: str, lang: str) -> list[dict]:
    names = {}
    if raw.get("event"):
        slugs = [r["value"] for r in raw["event"]]
        marks = ", ".join("?" for _ in slugs)
        names = dict((await db.execute(f"select slug, name from events where slug in ({marks})", slugs)).rows)
    chosen = {"event": state.events, "tag": state.tags, "person": state.people, "section": state.sections,
              "year": [state.year] if state.year else [], "month": [state.month] if state.month else []}
    out = []
    for name in ("event", "year", "month", "section", "person", "tag"):
        rows = raw.get(name) or []
        size = search_engine.FACET_SIZE.get(name, 24)
        values = []
        for row in rows[:size]:
            value = str(row["value"])
            selected = value in chosen[name]
            single = name in ("year", "month")
            if selected:
                href = link(path, state.pairs, set_={name: None}) if single else \
                    link(path, state.pairs, remove={name: value})
            else:
                href = link(path, state.pairs, set_={name: value}) if single else \
                    link(path, state.pairs, add={name: value})
            label = names.get(value, value) if name == "event" else value
            if name == "month":
                label = f"{value[5:]}/{value[:4]}"
            values.append({"value": value, "label": label, "count": row["n"], "selected": selected, "href": href})
        out.append({"name": name, "title": _(f"search.facet.{name}", lang), "options": values,
                    "truncated": len(rows) > size})
    return out


def _chips(state: SearchState, path: str, lang: str, event_names: dict) -> list[dict]:
    """The filters in force, each with a link that removes it."""
    chips = []
    for key, value in state.pairs:
        if key in ("q", "sort", "page", "lang", "db", "exact"):
            continue
        label = {"event": event_names.get(value, value)}.get(key, value)
        single = key not in MULTI
        chips.append({"name": _(f"search.facet.{key}", lang) if key not in ("from", "to") else _(f"search.{key}", lang),
                      "label": label,
                      "href": link(path, state.pairs, set_={key: None}) if single else
                      link(path, state.pairs, remove={key: value})})
    return chips


async def _error(datasette, request, lang: str, message: str, status: int = 400) -> Response:
    html = await datasette.render_template("kt_search.html", {
        "lang": lang, "t": lambda key, **f: _(key, lang, **f), "error": message, "state": None, "q": "",
        "title": _("search.error_title", lang)}, request=request, view_name="search")
    return Response.html(html, status=status)


async def search_page(datasette, request):
    """``/-/search``, ``/-/search.json``, ``/-/search.atom``."""
    fmt = request.url_vars.get("format") or "html"
    lang = language(request)
    database, db = await archive_database(datasette, request.args.get("db"))
    try:
        state = read_state(request.args, lang)
    except BadState as error:
        if fmt == "json":
            return Response.json({"ok": False, "error": str(error)}, status=400)
        if fmt == "atom":
            return Response.text(str(error), status=400)
        return await _error(datasette, request, lang, str(error))
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
            return await _error(datasette, request, lang, _("search.timeout", lang), status=400)
        return Response.json({"ok": False, "error": _("search.timeout", lang)}, status=400)
    articles = [_article(row, state, datasette, database) for row in found["articles"]]
    if fmt == "atom":
        return await _atom(datasette, request, database, state, articles)
    path = datasette.urls.path("/-/search")
    facets = await _facets(datasette, db, found["facets"], state, path, lang)
    event_names = {v["value"]: v["label"] for f in facets if f["name"] == "event" for v in f["options"]}
    pages = max(1, -(-found["count"] // PAGE_SIZE))
    links = {
        "json": link(datasette.urls.path("/-/search.json"), state.pairs, keep_page=True),
        "atom": link(datasette.urls.path("/-/search.atom"), state.pairs),
        "csv": link(datasette.urls.path("/-/export.csv"), state.pairs),
        "chart": link(datasette.urls.path("/-/chart"), state.pairs, set_={"sort": None}),
        "exact": (link(path, state.pairs, set_={"exact": None if state.exact else "1"}) if state.q else None),
        "next": link(path, state.pairs, set_={"page": str(state.page + 1)}) if state.page < pages else None,
        "previous": (link(path, state.pairs, set_={"page": str(state.page - 1) if state.page > 2 else None})
                     if state.page > 1 else None),
        "sorts": [{"name": s, "label": _(f"search.sort.{s}", lang), "selected": s == state.sort,
                   "href": link(path, state.pairs, set_={"sort": s})}
                  for s in (("relevance", "newest", "oldest") if state.q else ("newest", "oldest"))],
        "lang": link(path, state.pairs, set_={"lang": "en" if lang == "vi" else "vi"}, keep_page=True),
        "clear_all": link(path, [(k, v) for k, v in state.pairs if k in ("q", "exact", "lang", "db")]),
        "table": datasette.urls.table(database, "articles") + (
            "?" + urllib.parse.urlencode({"_search": state.q}) if state.q else ""),
    }
    if fmt == "json":
        return Response.json({
            "ok": True, "query": dict(state.pairs), "count": found["count"], "page": state.page, "pages": pages,
            "sort": state.sort, "next_url": links["next"] and datasette.absolute_url(
                request, link(datasette.urls.path("/-/search.json"), state.pairs,
                              set_={"page": str(state.page + 1)})),
            "rows": [{"id": a["id"], "title": a["title"], "published_at": a["published_at"], "author": a["author"],
                      "section": a["section"], "events": a["events"], "tags": a["tags"], "url": a["url"],
                      "archive_url": datasette.absolute_url(request, a["href"]),
                      "snippet": _plain(a["snippet_marked"])} for a in articles],
            "facets_estimated": found["facets_estimated"],
            "facets": {f["name"]: [{"value": v["value"], "label": v["label"], "count": v["count"]}
                                   for v in f["options"]] for f in facets},
            "places": places_facet.as_json(found["facets"].get("place")),
            "timings_ms": found["timings"],
        })
    for article in articles:
        article["title_html"] = _marked(article["title_marked"])
        article["snippet_html"] = _marked(article["snippet_marked"])
    values = dict(state.pairs)
    context = {
        "lang": lang, "t": lambda key, **f: _(key, lang, **f), "state": state, "q": state.q, "values": values,
        "database": database, "articles": articles, "count": found["count"], "facets": facets, "links": links,
        "chips": _chips(state, path, lang, event_names), "page": state.page, "pages": pages,
        "hidden": [(k, v) for k, v in state.pairs if k not in ("q", "exact", "from", "to", "page", "sort")],
        "title": _("search.title_q", lang, q=state.q) if state.q else _("search.title", lang),
        "total": (await db.execute("select count(*) from articles")).rows[0][0],
        "timings": json.dumps(found["timings"]), "estimated": found["facets_estimated"],
        "places": places_facet.facet(found["facets"].get("place"), state, path, lang,
                                     datasette.urls.path("/-/map")),   # the places facet (issue 22)
    }
    html = await datasette.render_template("kt_search.html", context, request=request, view_name="search")
    return Response.html(html)


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
