"""An article's page: its body sanitized again for display, pictures, events, tags and a citation.

``body_html`` was sanitized at crawl time; it is sanitized again here, with a
stricter allow-list, because what a browser runs must not depend on the
parser having been right the day the page was crawled: no script, no event
handler, no ``javascript:`` or ``data:`` URL, no style survives.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape

from datasette_kinhtedothi.archive.i18n import gettext, with_lang
from kinhtedothi.vocab.dates import UTC, archive_time, paper_date, parse_iso, parse_timestamp, timestamp
from kinhtedothi.vocab.sanitize import sanitize_html
from kinhtedothi.vocab.sources import kind_of
from kinhtedothi.vocab.urls import address_era

SITE = "Kinh tế & Đô thị"


def sanitize(html: str | None) -> Markup:
    """Markup safe to put into a page: the archive's one allow-list (kinhtedothi.vocab.sanitize), no relative URLs,
    images lazy and referrer-free."""
    if not html:
        return Markup("")
    cleaned = sanitize_html(html, url_relative="deny",
                            set_tag_attribute_values={"img": {"loading": "lazy", "referrerpolicy": "no-referrer"}})
    return Markup(cleaned)


def web_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None: no javascript:, data: or relative tricks in links we write."""
    return url if url and url.strip().lower().startswith(("http://", "https://")) else None


def paragraphs_html(text: str | None) -> Markup:
    """body_text (paragraphs separated by blank lines) as escaped <p> elements."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return Markup("\n").join(Markup("<p>{}</p>").format(p) for p in parts)


def wayback_url(url: str, when: str | None) -> str:
    """The Wayback Machine's capture of ``url`` nearest to ``when`` (it redirects to the closest one)."""
    moment = parse_iso(when, assume=UTC)
    stamp = (timestamp(moment) if moment else "") or "2"
    return f"https://web.archive.org/web/{stamp}/{url}"


def _data(text: str) -> Markup:
    """Words of the article (or an address) inside the citation: Vietnamese, never translated."""
    return Markup('<span lang="vi" translate="no">{}</span>').format(text)


def citation(article: dict, archived_at: str | None, wayback: str, captured: str | None = None,
             published_url: str | None = None, lang: str = "vi") -> Markup:
    """The ready-to-paste citation, in the reader's language and in Hanoi time: who, what, the paper, when, the
    address at publication and the address today when they differ, and where a copy can be checked."""
    parts: list[Markup | str] = []
    if article.get("author"):
        parts.append(Markup("{}.").format(_data(article["author"])))
    parts.append(Markup("“{}”.").format(_data(article.get("title") or article["url"])))
    parts.append(Markup("{},").format(_data(SITE)))
    if article.get("published_at"):
        parts.append(f"{paper_date(article['published_at'], with_time=False)}.")
    if published_url and published_url != article["url"]:
        parts.append(gettext("article.cite.moved", lang, then=published_url, now=article["url"]))
    else:
        parts.append(article["url"])
    if captured:
        parts.append(gettext("article.cite.text_capture", lang, when=captured, wayback=wayback))
    else:
        parts.append(gettext("article.cite.text_archived", lang, when=archive_time(archived_at), wayback=wayback))
    return Markup(" ").join(parts)


async def addresses(db, article: dict) -> tuple[str, list[str]]:
    """The address at publication and every address of the story, oldest generation first.

    At publication: the address of the earliest reading the archive holds, unless the story is
    known (by the site's own redirect, its id or its headline) at an address of an older generation."""
    urls = [article["url"]]
    if await db.table_exists("article_urls"):
        urls += [r[0] for r in (await db.execute(
            "select url from article_urls where article_id = ? order by first_seen_at, url", [article["id"]])).rows]
    earliest = article["url"]
    if await db.table_exists("article_versions") and "read_at" in await db.table_columns("article_versions"):
        found = (await db.execute("select url from article_versions where article_id = ? and url is not null "
                                  "order by read_at, id limit 1", [article["id"]])).rows
        earliest = found[0][0] if found else earliest
    ordered = sorted(dict.fromkeys([earliest, *urls]), key=lambda u: (address_era(u), u != earliest))
    published = earliest if address_era(earliest) <= address_era(ordered[0]) else ordered[0]
    return published, ordered


async def _rows(db, sql: str, params: list) -> list[dict]:
    return [dict(r) for r in (await db.execute(sql, params)).rows]


def search_href(datasette, request, **args: str) -> str:
    """The search page filtered by ``args`` (an event, a section, a tag), in the visitor's language."""
    return with_lang(datasette.urls.path("/-/search") + "?" + urlencode(args), request)


def person_href(datasette, request, name: str) -> str:
    return with_lang(datasette.urls.path("/-/person/" + quote(name, safe="")), request)


async def byline(datasette, db, article: dict, request) -> Markup | None:
    """The byline as printed, each person in it a link to their page (a name the byline does not print as
    stored is linked after it); without a people table, the byline as the search page's person filter."""
    printed = article.get("author")
    if not printed:
        return None
    people = []
    if await db.table_exists("article_authors"):
        people = [dict(r) for r in (await db.execute(
            "select name, name_printed from article_authors where article_id = ? order by position",
            [article["id"]])).rows]
    if not people:
        return Markup('<a href="{}" class="kt-author">{}</a>').format(
            search_href(datasette, request, person=printed), printed)
    out, cursor, left = [], 0, []
    for person in people:
        shown = person["name_printed"] or person["name"]
        found = printed.find(shown, cursor) if shown else -1
        if found < 0:
            left.append(person)
            continue
        out.append(escape(printed[cursor:found]))
        out.append(Markup('<a href="{}" class="kt-author">{}</a>').format(
            person_href(datasette, request, person["name"]), shown))
        cursor = found + len(shown)
    out.append(escape(printed[cursor:]))
    for person in left:
        out.append(Markup(' · <a href="{}" class="kt-author">{}</a>').format(
            person_href(datasette, request, person["name"]), person["name"]))
    return Markup("").join(out)


async def article_context(datasette, database: str, pk: str, lang: str = "vi", request=None) -> dict | None:
    """Everything the article template needs, or None when the row is not an article."""
    db = datasette.get_database(database)
    try:
        found = await _rows(db, "select * from articles where id = ?", [int(pk)])
    except ValueError:
        return None
    if not found:
        return None
    article = found[0]
    tables = set(await db.table_names())
    events = await _rows(db, "select ae.event_slug as slug, coalesce(e.name, ae.event_slug) as name "
                             "from article_events ae left join events e on e.slug = ae.event_slug "
                             "where ae.article_id = ? order by name", [article["id"]])
    tags = await _rows(db, "select tag from article_tags where article_id = ? order by rowid", [article["id"]])
    images = await _rows(db, "select position, src, caption from images where article_id = ? order by position",
                         [article["id"]])
    related = await _rows(db, "select url, title from related_links where article_id = ? order by position",
                          [article["id"]])
    for link in related:
        link["url"] = web_url(link["url"])
    versions = 0
    if "article_versions" in tables:
        versions = (await db.execute("select count(*) from article_versions where article_id = ?",
                                     [article["id"]])).rows[0][0]
    body = sanitize(article.get("body_html")) if article.get("body_html") else paragraphs_html(article.get("body_text"))
    # pictures the body does not already show (the body keeps those it had, in place)
    extra_images = [dict(i, src=web_url(i["src"])) for i in images
                    if not i["src"] or (str(escape(i["src"])) not in body and i["src"] not in body)]
    archived_at = article.get("last_fetched_at") or article.get("first_seen_at")
    from_wayback = kind_of(article.get("source")).replayable  # a capture a reader can open: the Wayback Machine's
    captured = (archive_time(parse_timestamp(article.get("capture_timestamp"))) or None) if from_wayback else None
    capture = web_url(article.get("capture_url")) if from_wayback else None
    published_url, all_urls = await addresses(db, article)
    # the page as the paper published it: the capture nearest the publication, at the address of that day
    wayback = capture or wayback_url(published_url, article.get("published_at") or archived_at)
    for event in events:
        event["href"] = search_href(datasette, request, event=event["slug"])
    for tag in tags:
        tag["href"] = search_href(datasette, request, tag=tag["tag"])
    links = {
        "section": search_href(datasette, request, section=article["section"]) if article.get("section") else None,
        "byline": await byline(datasette, db, article, request),
        "versions": with_lang(datasette.urls.path(f"/-/versions/{article['id']}"), request) if versions else None,
        "json": datasette.urls.row(database, "articles", str(article["id"])) + ".json",
    }
    return {
        "article": article,
        "article_body": body,
        "article_images": extra_images,
        "article_events": events,
        "article_tags": tags,
        "article_related": related,
        "article_versions": versions,
        "article_links": links,
        "article_published": paper_date(article.get("published_at")),
        "article_removed": archive_time(article.get("removed_at")) if article.get("removed_at") else None,
        "citation": {
            "title": article.get("title"),
            "author": article.get("author"),
            "published": paper_date(article.get("published_at")),
            "published_iso": article.get("published_at"),
            "url": article["url"],
            "href": web_url(article["url"]),
            "published_url": published_url if published_url != article["url"] else None,
            "published_href": web_url(published_url),
            "archived_at": archive_time(archived_at),
            "first_seen_at": archive_time(article.get("first_seen_at")),
            "wayback": wayback,
            "captured": captured,
            "from_wayback": from_wayback,
            "wayback_list": f"https://web.archive.org/web/*/{quote(article['url'], safe=':/%')}",
            "wayback_lists": [{"url": u, "href": f"https://web.archive.org/web/*/{quote(u, safe=':/%')}"}
                              for u in all_urls if web_url(u)],
            "text": citation(article, archived_at, wayback, captured, published_url, lang),
        },
    }
