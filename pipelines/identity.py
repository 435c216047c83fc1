"""One story across the site's two generations: the rules that join a legacy page and a current page.

A story may be read at several addresses: its legacy URL (``/<slug>-409318.html``, live, on a
mirror or in the Wayback Machine) and its current one (``/<slug>.html`` or ``/<slug>.692315.html``).
They are one ``articles`` row when, in this order:

1. an address is already known for an archived article (``articles.url`` or ``article_urls``),
   including an old URL that the site itself redirected to the new one ('redirect');
2. both carry the site's id and it is the same ('site-id');
3. the headlines are identical once normalized AND the publication minute is the same
   ('title-minute'), with no conflicting site ids and exactly one such article.

Two different stories are never joined: same headline at another minute, or another headline
at the same minute, stay apart.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import sqlite_utils

from kinhtedothi.vocab.text import clean
from kinhtedothi.vocab.items import ArticleItem
from kinhtedothi.vocab.sources import is_capture
from kinhtedothi.vocab.urls import canonical_url, is_site_url

FETCHED, REDIRECT, SITE_ID, TITLE_MINUTE = "fetched", "redirect", "site-id", "title-minute"


def headline_key(title: str | None) -> str | None:
    """A headline compared as a reader would: NFC, spaces collapsed, case ignored, quotes alike."""
    text = clean(unicodedata.normalize("NFC", title or ""))
    if not text:
        return None
    for fancy, plain in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'"), ("–", "-"), ("—", "-")):
        text = text.replace(fancy, plain)
    return text.casefold()


def minute_key(published_at: str | None) -> str | None:
    """``2021-01-13T20:36:00+07:00`` -> ``2021-01-13T20:36`` (Hanoi time); None without a time of day."""
    if not published_at or len(published_at) < 16 or published_at[10] != "T":
        return None
    return published_at[:16]


def by_url(db: sqlite_utils.Database, urls: list[str]) -> dict | None:
    """The article that any of these addresses already belongs to."""
    for url in urls:
        rows = list(db.query("SELECT * FROM articles WHERE url = ?", [url]))
        if not rows:
            rows = list(db.query("SELECT a.* FROM articles a JOIN article_urls u ON u.article_id = a.id "
                                 "WHERE u.url = ?", [url]))
        if rows:
            return rows[0]
    return None


def by_site_id(db: sqlite_utils.Database, site_id: int | None) -> dict | None:
    if site_id is None:
        return None
    rows = list(db.query("SELECT * FROM articles WHERE site_id = ? OR id = ? ORDER BY id = ? DESC LIMIT 1",
                         [site_id, site_id, site_id]))
    return rows[0] if rows else None


def by_title_minute(db: sqlite_utils.Database, article: dict[str, Any]) -> dict | None:
    """The one archived article with the same normalized headline and publication minute, if exactly one."""
    minute, headline = minute_key(article.get("published_at")), headline_key(article.get("title"))
    if minute is None or headline is None:
        return None
    rows = [r for r in db.query("SELECT * FROM articles WHERE published_at >= ? AND published_at < ?",
                                [minute, minute + ":60"])
            if minute_key(r["published_at"]) == minute and headline_key(r["title"]) == headline]
    site_id = article.get("site_id")
    rows = [r for r in rows if site_id is None or r["site_id"] is None or r["site_id"] == site_id]
    return rows[0] if len(rows) == 1 else None


def find(db: sqlite_utils.Database, article: dict[str, Any], other_urls: list[str]) -> tuple[dict | None, str]:
    """The archived article this record is a reading of, and how it was recognised."""
    row = by_url(db, [article["url"]])
    if row:
        return row, FETCHED
    row = by_url(db, [u for u in other_urls if u != article["url"]])
    if row:
        return row, REDIRECT
    row = by_site_id(db, article.get("site_id"))
    if row:
        return row, SITE_ID
    row = by_title_minute(db, article)
    if row:
        return row, TITLE_MINUTE
    return None, FETCHED


def citation_url(existing: dict | None, article: dict[str, Any], source: str) -> str:
    """The address to show and cite: the one a reader can open today.

    A live reading wins over a capture; a live current-layout page wins over a legacy one."""
    if existing is None:
        return article["url"]
    existing_live = not is_capture(existing.get("source"))
    if is_capture(source) and existing_live:
        return existing["url"]
    if existing_live and existing.get("layout") == "current" and article.get("layout") != "current":
        return existing["url"]
    return article["url"]


def other_urls(item: ArticleItem) -> list[str]:
    """Addresses besides the article's own that led to this reading (feed link, redirect chain)."""
    urls = [*item.link_urls, item.fetched_url if is_site_url(item.fetched_url or "") else None]
    return list(dict.fromkeys(canonical_url(u) for u in urls if u))


def joined(item: ArticleItem, existing: dict | None) -> dict[str, Any]:
    """The record as stored: the address a reader can open today, and the site id either reading knew."""
    article = item.article
    if article is None:
        raise ValueError(f"{item.fetched_url}: not normalized (NormalizePipeline sets item.article)")
    if existing is None:
        return article
    return {**article, "url": citation_url(existing, article, item.source),
            "site_id": article["site_id"] or existing["site_id"]}


def remember(db: sqlite_utils.Database, article_id: int, own: str, joined_existing: bool, learned: str,
             others: list[str], stamp: str) -> None:
    """Record every address of this reading: its own (how it was recognised), the others as redirects."""
    urls = {own: learned if joined_existing and learned in (SITE_ID, TITLE_MINUTE) else FETCHED}
    for url in others:
        urls.setdefault(url, REDIRECT)
    remember_urls(db, article_id, urls, stamp)


def remember_urls(db: sqlite_utils.Database, article_id: int, urls: dict[str, str], stamp: str) -> None:
    """Record each address of an article (url -> how it was learned); the first way learned is kept."""
    for url, learned_by in urls.items():
        db.execute("INSERT INTO article_urls (url, article_id, first_seen_at, last_seen_at, learned_by) "
                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET last_seen_at = excluded.last_seen_at, "
                   "article_id = excluded.article_id", [url, article_id, stamp, stamp, learned_by])
