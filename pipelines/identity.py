"""One story, whatever address, layout or source it was read at: the rules that join its readings.

A story may be read at several addresses: its legacy URL (``/<slug>-409318.html``, live, on a
mirror or in a web archive) and its current one (``/<slug>.html`` or ``/<slug>.692315.html``).
A reading joins an archived story when, in this order:

1. one of its addresses is already known for the story (``articles.url`` or ``article_urls``),
   including an old URL that the site itself redirected to the new one ('redirect');
2. its address carries the same site id **in the same numbering** as an address of the story
   ('site-id'): the legacy CMS's hyphen ids and the 2025 CMS's dot ids are two numberings
   (``kinhtedothi.vocab.generations``), and an id says nothing across them;
3. the headline (normalized) and the publication minute are the same ('title-minute');
4. the publication minute is the same and the body is nearly the same, word for word
   ('minute-body': a headline the paper rewrote between two readings).

Rules 3 and 4 join only when exactly one archived story matches, and never a story that already
has an address in the reading's numbering with another id. Two different stories are never joined:
the same headline at another minute, or another headline and another body at the same minute,
stay apart.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import sqlite_utils

from kinhtedothi.vocab.items import ArticleItem
from kinhtedothi.vocab.text import clean
from kinhtedothi.vocab.urls import canonical_url, is_site_url, numbered_id

FETCHED, REDIRECT, SITE_ID, TITLE_MINUTE, MINUTE_BODY = "fetched", "redirect", "site-id", "title-minute", "minute-body"
JOINED_BY_CONTENT = (SITE_ID, TITLE_MINUTE, MINUTE_BODY)
SHINGLE = 3            # words per shingle when bodies are compared
SAME_BODY = 0.8        # share of the shorter body's shingles the longer one must hold too
MIN_BODY_WORDS = 30    # shorter bodies are too short to tell two stories apart


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


def shingles(text: str | None) -> set[tuple[str, ...]]:
    words = (text or "").casefold().split()
    return {tuple(words[i:i + SHINGLE]) for i in range(max(0, len(words) - SHINGLE + 1))}


def same_body(a: str | None, b: str | None) -> bool:
    """Two bodies of which the shorter says nearly word for word what the longer says (a paragraph added
    or cut by an edit leaves the rest), both long enough to tell two stories apart."""
    if len((a or "").split()) < MIN_BODY_WORDS or len((b or "").split()) < MIN_BODY_WORDS:
        return False
    x, y = shingles(a), shingles(b)
    return bool(x and y) and len(x & y) / min(len(x), len(y)) >= SAME_BODY


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


def by_site_id(db: sqlite_utils.Database, url: str) -> dict | None:
    """The one article with an address carrying this address's id in the same numbering."""
    numbered = numbered_id(url)
    if numbered is None:
        return None
    rows = list(db.query("SELECT DISTINCT a.* FROM articles a JOIN article_urls u ON u.article_id = a.id "
                         "WHERE u.site_id = ? AND u.numbering = ? LIMIT 2", [numbered.id, numbered.numbering]))
    return rows[0] if len(rows) == 1 else None


def conflicting_id(db: sqlite_utils.Database, article_id: int, url: str) -> bool:
    """The archived story has an address in this address's numbering with another id: another story."""
    numbered = numbered_id(url)
    if numbered is None:
        return False
    row = db.execute("SELECT 1 FROM article_urls WHERE article_id = ? AND numbering = ? AND site_id != ? LIMIT 1",
                     [article_id, numbered.numbering, numbered.id]).fetchone()
    return row is not None


def _same_minute(db: sqlite_utils.Database, article: dict[str, Any]) -> list[dict]:
    minute = minute_key(article.get("published_at"))
    if minute is None:
        return []
    rows = db.query("SELECT * FROM articles WHERE published_at >= ? AND published_at < ?", [minute, minute + ":60"])
    return [r for r in rows if minute_key(r["published_at"]) == minute
            and not conflicting_id(db, r["id"], article["url"])]


def by_title_minute(db: sqlite_utils.Database, article: dict[str, Any]) -> dict | None:
    """The one archived article with the same normalized headline and publication minute, if exactly one."""
    headline = headline_key(article.get("title"))
    if headline is None:
        return None
    rows = [r for r in _same_minute(db, article) if headline_key(r["title"]) == headline]
    return rows[0] if len(rows) == 1 else None


def by_minute_body(db: sqlite_utils.Database, article: dict[str, Any]) -> dict | None:
    """The one archived article of the same publication minute whose body says nearly the same."""
    rows = [r for r in _same_minute(db, article) if same_body(r["body_text"], article.get("body_text"))]
    return rows[0] if len(rows) == 1 else None


def find(db: sqlite_utils.Database, article: dict[str, Any], other_urls: list[str]) -> tuple[dict | None, str]:
    """The archived article this record is a reading of, and how it was recognised."""
    row = by_url(db, [article["url"]])
    if row:
        return row, FETCHED
    row = by_url(db, [u for u in other_urls if u != article["url"]])
    if row:
        return row, REDIRECT
    row = by_site_id(db, article["url"])
    if row:
        return row, SITE_ID
    row = by_title_minute(db, article)
    if row:
        return row, TITLE_MINUTE
    row = by_minute_body(db, article)
    if row:
        return row, MINUTE_BODY
    return None, FETCHED


def other_urls(item: ArticleItem) -> list[str]:
    """Addresses besides the article's own that led to this reading (feed link, redirect chain)."""
    urls = [*item.link_urls, item.fetched_url if is_site_url(item.fetched_url or "") else None]
    return list(dict.fromkeys(canonical_url(u) for u in urls if u))


def remember(db: sqlite_utils.Database, article_id: int, own: str, joined_existing: bool, learned: str,
             others: list[str], stamp: str) -> None:
    """Record every address of this reading: its own (how it was recognised), the others as redirects."""
    urls = {own: learned if joined_existing and learned in JOINED_BY_CONTENT else FETCHED}
    for url in others:
        urls.setdefault(url, REDIRECT)
    remember_urls(db, article_id, urls, stamp)


def remember_urls(db: sqlite_utils.Database, article_id: int, urls: dict[str, str], stamp: str) -> None:
    """Record each address of an article (url -> how it was learned) with its id and numbering;
    the first way learned is kept."""
    for url, learned_by in urls.items():
        numbered = numbered_id(url)
        db.execute("INSERT INTO article_urls (url, article_id, first_seen_at, last_seen_at, learned_by, site_id, "
                   "numbering) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET "
                   "last_seen_at = excluded.last_seen_at, article_id = excluded.article_id",
                   [url, article_id, stamp, stamp, learned_by, numbered.id if numbered else None,
                    numbered.numbering if numbered else None])
