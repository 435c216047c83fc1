"""The home page's contents: events with counts, the latest articles, ready-made questions, the tables.

Everything in the reader's language (``i18n``); the canned queries' Vietnamese
titles and descriptions live in metadata.yml, their English ones here.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from datasette_kinhtedothi.archive.i18n import gettext as _
from datasette_kinhtedothi.archive.i18n import language, with_lang
from kinhtedothi.vocab.dates import paper_date

TABLE_ORDER = ["articles", "events", "article_events", "article_tags", "article_authors", "images", "related_links",
               "article_versions", "feed_links", "crawl_runs", "crawl_errors", "raw_pages"]
LATEST = 8
HIDDEN_QUERIES = {"feed"}  # the Atom feed is reached from a search, not from the home page


def search_url(datasette, request=None, **args) -> str:
    """The search page with these arguments (and the language the visitor's address chose)."""
    query = urllib.parse.urlencode({k: v for k, v in args.items() if v})
    return with_lang(datasette.urls.path("/-/search") + ("?" + query if query else ""), request)


async def archive_summary(datasette, name: str, db, request=None) -> dict[str, Any]:
    """One archive's summary for the home page: events with counts, the span of dates, the last crawl."""
    events = [dict(r) for r in (await db.execute(
        "select e.slug, e.name, (select count(*) from article_events ae where ae.event_slug = e.slug) as n "
        "from events e order by n desc, e.name")).rows]
    for event in events:
        event["href"] = search_url(datasette, request, event=event["slug"])
    count = (await db.execute("select count(*) from articles")).rows[0][0]
    span = (await db.execute("select min(published_at), max(published_at) from articles")).rows[0]
    last_run = None
    if await db.table_exists("crawl_runs"):
        rows = (await db.execute("select finished_at, status, exit_code, reason from crawl_runs "
                                 "where finished_at is not null order by id desc limit 1")).rows
        last_run = dict(rows[0]) if rows else None
        if last_run:
            last_run["finished"] = paper_date(last_run["finished_at"], with_time=True)
    queries = await datasette.get_canned_queries(name, None)
    return {"name": name, "articles": count, "first": (span[0] or "")[:10], "last": (span[1] or "")[:10],
            "events": events, "last_run": last_run,
            "queries": [{"name": k, "title": v.get("title") or k} for k, v in queries.items()
                        if k not in HIDDEN_QUERIES],
            "articles_url": datasette.urls.table(name, "articles"),
            "search_url": datasette.urls.query(name, "search"),
            "exact_url": datasette.urls.query(name, "exact_search"),
            "chart_url": datasette.urls.path("/-/chart") + (f"?db={name}" if len(datasette.databases) > 2 else ""),
            "edits_url": with_lang(datasette.urls.path("/-/edits"), request)}


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


async def home_extra(datasette, name: str, db, request, hidden: set[str]) -> dict:
    """What the home page adds to the archive's summary: links into the search page, latest, tables."""
    lang = language(request)
    events = [dict(r) for r in (await db.execute(
        "select e.slug, e.name, (select count(*) from article_events ae where ae.event_slug = e.slug) as n "
        "from events e order by n desc, e.name")).rows]
    for event in events:
        event["search"] = search_url(datasette, request, event=event["slug"])
    latest = [dict(r) for r in (await db.execute(
        "select id, title, published_at, author from articles where published_at is not null "
        "order by published_at desc limit ?", [LATEST])).rows]
    for article in latest:
        article["href"] = with_lang(datasette.urls.row(name, "articles", str(article["id"])), request)
        article["published"] = paper_date(article["published_at"])
    counts = {}
    for table in TABLE_ORDER:
        if await db.table_exists(table):
            counts[table] = (await db.execute(f"select count(*) from [{table}]")).rows[0][0]
    tables = [{"name": t, "href": with_lang(datasette.urls.table(name, t), request), "rows": n,
               "what": _(f"home.table.{t}", lang)} for t, n in counts.items()]
    ready = []
    queries = await datasette.get_canned_queries(name, None)
    for key, query in queries.items():
        if key in hidden:
            continue
        title = _(f"query.{key}.title", lang)
        # the recent edits are a page of their own, with a diff for each (the query stays for SQL users)
        href = datasette.urls.path("/-/edits") if key == "recently_changed" else datasette.urls.query(name, key)
        ready.append({"name": key, "title": title if not title.startswith("query.") else (query.get("title") or key),
                      "href": with_lang(href, request)})
    span = (await db.execute("select min(published_at), max(published_at) from articles")).rows[0]
    return {"first_paper": paper_date(span[0], with_time=False), "last_paper": paper_date(span[1], with_time=False),
            "events_search": events, "latest": latest, "tables": tables, "ready": ready,
            "search_action": datasette.urls.path("/-/search"),
            "sql_url": with_lang(datasette.urls.database(name), request),
            "latest_url": search_url(datasette, request, sort="newest")}
