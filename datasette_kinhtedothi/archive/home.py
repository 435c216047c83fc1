"""The home page's contents: events with counts, the latest articles, ready-made questions, the tables.

Everything in the reader's language (``i18n``); the canned queries' Vietnamese
titles and descriptions live in metadata.yml, their English ones here.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from datasette_kinhtedothi.archive.facets import filter_url
from datasette_kinhtedothi.archive.i18n import gettext as _
from datasette_kinhtedothi.archive.i18n import register
from kinhtedothi.vocab.dates import paper_date

register({
    "home.title": {"vi": "Kho lưu trữ sự kiện báo Kinh tế & Đô thị", "en": "Kinh tế & Đô thị event archive"},
    "home.intro": {"vi": "Các bài báo của ba dòng sự kiện trên kinhtedothi.vn, lưu lại để tra cứu và trích dẫn. "
                         "Mỗi bài dẫn về trang gốc; khi trích dẫn, hãy ghi trang gốc và ngày lưu.",
                   "en": "The articles of three event feeds of kinhtedothi.vn, archived to search and cite. "
                         "Every article links to its original page; cite it with the date it was archived."},
    "home.search_label": {"vi": "Tìm trong {n} bài báo", "en": "Search {n} articles"},
    "home.hint": {"vi": "Gõ có dấu hay không dấu đều được: dong da tìm ra Đống Đa. Tên người, từ khóa (tag), "
                        "chú thích ảnh cũng được tìm.",
                  "en": "With or without diacritics: dong da finds Đống Đa. People's names, tags and picture "
                        "captions are searched too."},
    "home.events": {"vi": "Các dòng sự kiện", "en": "Event feeds"},
    "home.articles_n": {"vi": "{n} bài", "en": "{n} articles"},
    "home.span": {"vi": "{n} bài, đăng từ {first} đến {last}.", "en": "{n} articles, published {first} to {last}."},
    "home.last_run": {"vi": "Lần thu thập gần nhất kết thúc lúc {when} ({status}).",
                      "en": "Last crawl finished {when} ({status})."},
    "home.run.ok": {"vi": "thành công", "en": "succeeded"},
    "home.run.failed": {"vi": "chưa trọn vẹn", "en": "did not complete"},
    # one line per exit status (docs/operators.md): what happened, what to do; the archive is never damaged
    "home.run.why.1": {"vi": "Lần chạy gặp lỗi ({reason}). Bài đã lưu vẫn nguyên; người vận hành cần xem nhật ký "
                             "và bảng crawl_errors rồi chạy lại.",
                       "en": "The run failed ({reason}). What was archived is intact; the operator should read the "
                             "log and crawl_errors, then run it again."},
    "home.run.why.3": {"vi": "Không vào được trang báo (mạng hoặc trang báo lỗi). Bài đã lưu vẫn nguyên; lần chạy sau "
                             "sẽ tự thử lại.",
                       "en": "The site could not be reached (network or site down). What was archived is intact; the "
                             "next run tries again."},
    "home.run.why.4": {"vi": "Giao diện trang báo đã đổi, bộ đọc chưa nhận ra ({reason}). Bài đã lưu vẫn nguyên; cần "
                             "dạy bộ đọc giao diện mới (docs/developers.md).",
                       "en": "The site's layout changed and the parsers do not know it yet ({reason}). What was "
                             "archived is intact; the parsers need to learn the new layout (docs/developers.md)."},
    "home.run.why.5": {"vi": "Chưa đọc hết các dòng sự kiện ({reason}). Bài đã lưu vẫn nguyên; xem bảng crawl_errors, "
                             "lần chạy sau sẽ đọc tiếp.",
                       "en": "The feeds were not read to the end ({reason}). What was archived is intact; see "
                             "crawl_errors; the next run goes on."},
    "home.run.why.other": {"vi": "Lần chạy dừng giữa chừng ({reason}). Bài đã lưu vẫn nguyên; lần chạy sau sẽ đọc "
                                 "tiếp.",
                           "en": "The run stopped early ({reason}). What was archived is intact; the next run goes "
                                 "on."},
    "home.latest": {"vi": "Bài mới nhất", "en": "Latest articles"},
    "home.all_latest": {"vi": "Xem tất cả, mới nhất trước", "en": "All of them, newest first"},
    "home.queries": {"vi": "Câu hỏi có sẵn", "en": "Ready-made questions"},
    "home.chart": {"vi": "Biểu đồ: số bài mỗi tháng theo sự kiện", "en": "Chart: articles per month per event"},
    "home.tables": {"vi": "Dữ liệu gốc cho người dùng SQL", "en": "The raw tables, for SQL users"},
    "home.tables_intro": {"vi": "Mỗi bảng dưới đây xem, lọc, tải về (CSV, JSON) được, hoặc truy vấn bằng SQL.",
                          "en": "Each table can be browsed, filtered, downloaded (CSV, JSON) or queried in SQL."},
    "home.rows": {"vi": "{n} dòng", "en": "{n} rows"},
    "home.sql": {"vi": "Viết truy vấn SQL", "en": "Write an SQL query"},
    "home.table.articles": {"vi": "các bài báo, mỗi bài một dòng", "en": "articles, one row each"},
    "home.table.events": {"vi": "các dòng sự kiện được theo dõi", "en": "the event feeds followed"},
    "home.table.article_events": {"vi": "bài nào thuộc sự kiện nào", "en": "which article is in which event"},
    "home.table.article_tags": {"vi": "từ khóa (tag) của mỗi bài", "en": "each article's tags"},
    "home.table.article_authors": {"vi": "tác giả của mỗi bài, tách từ dòng ký tên",
                                   "en": "each article's people, split from the byline"},
    "home.table.images": {"vi": "ảnh và chú thích ảnh trong bài", "en": "pictures and their captions"},
    "home.table.related_links": {"vi": "các liên kết \"Tin liên quan\"", "en": "\"related news\" links"},
    "home.table.article_versions": {"vi": "các phiên bản cũ của bài đã bị sửa",
                                    "en": "earlier versions of edited articles"},
    "home.table.feed_links": {"vi": "liên kết bài trên từng trang của dòng sự kiện",
                              "en": "article links seen on each feed page"},
    "home.table.raw_pages": {"vi": "trang gốc đã tải về (nén)", "en": "every page fetched, compressed"},
    "home.table.crawl_runs": {"vi": "mỗi lần chạy thu thập", "en": "each run of the crawler"},
    "home.table.crawl_errors": {"vi": "địa chỉ không lưu được và lý do", "en": "addresses not archived, and why"},
})

TABLE_ORDER = ["articles", "events", "article_events", "article_tags", "article_authors", "images", "related_links",
               "article_versions", "feed_links", "crawl_runs", "crawl_errors", "raw_pages"]
LATEST = 8
HIDDEN_QUERIES = {"feed"}  # the Atom feed is reached from a search, not from the home page


def search_url(datasette, **args) -> str:
    query = urllib.parse.urlencode({k: v for k, v in args.items() if v})
    return datasette.urls.path("/-/search") + ("?" + query if query else "")


async def archive_summary(datasette, name: str, db) -> dict[str, Any]:
    """One archive's summary for the home page: events with counts, the span of dates, the last crawl."""
    events = [dict(r) for r in (await db.execute(
        "select e.slug, e.name, (select count(*) from article_events ae where ae.event_slug = e.slug) as n "
        "from events e order by n desc, e.name")).rows]
    for event in events:
        event["href"] = filter_url(datasette, name, event=event["slug"])
    count = (await db.execute("select count(*) from articles")).rows[0][0]
    span = (await db.execute("select min(published_at), max(published_at) from articles")).rows[0]
    last_run = None
    if await db.table_exists("crawl_runs"):
        rows = (await db.execute("select finished_at, status, exit_code, reason from crawl_runs "
                                 "where finished_at is not null order by id desc limit 1")).rows
        last_run = dict(rows[0]) if rows else None
        if last_run:
            last_run["finished"] = paper_date(last_run["finished_at"])
    queries = await datasette.get_canned_queries(name, None)
    return {"name": name, "articles": count, "first": (span[0] or "")[:10], "last": (span[1] or "")[:10],
            "events": events, "last_run": last_run,
            "queries": [{"name": k, "title": v.get("title") or k} for k, v in queries.items()
                        if k not in HIDDEN_QUERIES],
            "articles_url": datasette.urls.table(name, "articles"),
            "search_url": datasette.urls.query(name, "search"),
            "exact_url": datasette.urls.query(name, "exact_search"),
            "chart_url": datasette.urls.path("/-/chart") + (f"?db={name}" if len(datasette.databases) > 2 else "")}


def run_words(last_run: dict[str, Any] | None, lang: str) -> dict[str, str] | None:
    """The last run in the reader's words: how it ended, and for a run that did not succeed, one line on why
    and what to do."""
    if not last_run:
        return None
    code = last_run.get("exit_code") or 0
    words = {"status": _("home.run.ok" if code == 0 else "home.run.failed", lang)}
    if code:
        key = f"home.run.why.{code}"
        text = _(key, lang, reason=last_run.get("reason") or "?")
        words["why"] = text if text != key else _("home.run.why.other", lang, reason=last_run.get("reason") or "?")
    return words


async def home_extra(datasette, name: str, db, lang: str, hidden: set[str]) -> dict:
    """What the home page adds to the archive's summary: links into the search page, latest, tables."""
    events = [dict(r) for r in (await db.execute(
        "select e.slug, e.name, (select count(*) from article_events ae where ae.event_slug = e.slug) as n "
        "from events e order by n desc, e.name")).rows]
    for event in events:
        event["search"] = search_url(datasette, event=event["slug"], lang=lang if lang != "vi" else None)
    latest = [dict(r) for r in (await db.execute(
        "select id, title, published_at, author from articles where published_at is not null "
        "order by published_at desc limit ?", [LATEST])).rows]
    for article in latest:
        article["href"] = datasette.urls.row(name, "articles", str(article["id"]))
        article["published"] = paper_date(article["published_at"])
    counts = {}
    for table in TABLE_ORDER:
        if await db.table_exists(table):
            counts[table] = (await db.execute(f"select count(*) from [{table}]")).rows[0][0]
    tables = [{"name": t, "href": datasette.urls.table(name, t), "rows": n,
               "what": _(f"home.table.{t}", lang)} for t, n in counts.items()]
    ready = []
    queries = await datasette.get_canned_queries(name, None)
    for key, query in queries.items():
        if key in hidden:
            continue
        title = _(f"query.{key}.title", lang)
        ready.append({"name": key, "title": title if not title.startswith("query.") else (query.get("title") or key),
                      "href": datasette.urls.query(name, key)})
    span = (await db.execute("select min(published_at), max(published_at) from articles")).rows[0]
    return {"first_paper": paper_date(span[0], with_time=False), "last_paper": paper_date(span[1], with_time=False),
            "events_search": events, "latest": latest, "tables": tables, "ready": ready,
            "search_action": datasette.urls.path("/-/search"), "sql_url": datasette.urls.database(name),
            "latest_url": search_url(datasette, sort="newest", lang=lang if lang != "vi" else None)}
