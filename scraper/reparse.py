"""Re-reading stored pages with today's parsers (``kinhtedothi reparse``): no network, and no Scrapy
(importing it would cost more than re-reading a thousand pages; the page objects need only a URL and bytes)."""

from __future__ import annotations

import gzip
import io
import struct
import zlib
from collections import Counter
from typing import Callable, Iterator

from pipelines.normalize import normalize_article
from pipelines.archive import Archive
from pipelines.raw_pages import decompress
from pipelines.validate import problems
from kinhtedothi.vocab.items import ArticleItem
from kinhtedothi.vocab.sources import is_capture, kind_of
from scraper.pages import article_page_for
from scraper.parse import SavedPage

# Search results the crawl left out as published outside their event's dates are not re-read into the archive.
LATEST_ARTICLE_PAGES = """
SELECT id, url, content_type, body, source, capture_timestamp, fetched_from FROM raw_pages
WHERE id IN (SELECT max(id) FROM raw_pages WHERE kind = 'article' AND status = 200 AND size > 0 GROUP BY url)
  AND url NOT IN (SELECT url FROM crawl_errors WHERE kind = 'outside-dates')
ORDER BY id
"""


GZIP_MAGIC = b"\x1f\x8b"
MAX_BODY = 8 * 1024 * 1024  # as DOWNLOAD_MAXSIZE: a stored body is never inflated past it


class Unreadable(ValueError):
    """A stored page that is not text (still compressed, empty, binary): named, never parsed."""


def gunzip(data: bytes, max_size: int) -> bytes:
    """What a gzip body holds (every member), or as much as a cut one holds (as Scrapy reads a response);
    ValueError past ``max_size`` bytes, read no further."""
    stream, out, size = gzip.GzipFile(fileobj=io.BytesIO(data)), io.BytesIO(), 0
    while True:
        try:
            chunk = stream.read1(65536)
        except (OSError, EOFError, struct.error, zlib.error):
            if size:  # a cut or corrupt end: keep what came before it
                return out.getvalue()
            raise
        if not chunk:
            return out.getvalue()
        size += len(chunk)
        if size > max_size:
            raise ValueError(f"more than {max_size} bytes once inflated")
        out.write(chunk)


def stored_body(blob: bytes) -> bytes:
    """A raw page's body; archives made before raw pages were stored decoded may hold gzip bytes."""
    body = decompress(blob)
    if body.startswith(GZIP_MAGIC):
        try:
            body = gunzip(body, MAX_BODY)
        except Exception as error:  # truncated, corrupt or too large
            raise Unreadable(f"compressed body that cannot be inflated ({type(error).__name__})") from None
    if not body.strip():
        raise Unreadable("empty body")
    if body[:4096].count(b"\x00") > 16:  # a stray NUL is a hostile page's; many are a binary file
        raise Unreadable("binary content, not a page")
    return body


def stored_article_pages(archive: Archive, unreadable: list[tuple[str, str]] | None = None
                         ) -> Iterator[tuple[dict, SavedPage]]:
    """The latest good response of every article URL (its URL, bytes and Content-Type, all a page object
    reads); pages that cannot be read are listed in ``unreadable`` (url, why) instead."""
    for row in archive.db.query(LATEST_ARTICLE_PAGES):
        try:
            body = stored_body(row["body"])
        except Unreadable as error:
            if unreadable is not None:
                unreadable.append((row["url"], str(error)))
            continue
        yield row, SavedPage(row["url"], body, row["content_type"] or None)


def count_pages(archive: Archive) -> int:
    return archive.db.execute(f"SELECT count(*) FROM ({LATEST_ARTICLE_PAGES})").fetchone()[0]


def reparse(archive: Archive, progress: Callable[[int], None] = lambda n: None,
            unreadable: list[tuple[str, str]] | None = None) -> Counter:
    """Re-extract every stored article page; 'new', 'updated', 'unchanged' or 'failed' per page
    ('unreadable' for pages that are not text; their URLs and why go to ``unreadable``).

    Idempotent: a second run changes nothing. A changed article keeps its previous
    version in article_versions with cause 'reparse'."""
    outcome: Counter = Counter()
    unreadable = [] if unreadable is None else unreadable
    for row, response in stored_article_pages(archive, unreadable):
        try:
            extracted = article_page_for(response).extract()
        except Exception as error:  # one page the parsers choke on must not stop the others
            unreadable.append((row["url"], f"{type(error).__name__}: {error}"))
            continue
        raw_id, capture = row["id"], is_capture(row["source"])  # a copy from a web archive or a file
        item = ArticleItem(fetched_url=response.url, link_urls=[response.url], extracted=extracted,
                           raw_page_id=raw_id, source=kind_of(row["source"]).name,
                           capture_timestamp=row["capture_timestamp"],
                           capture_url=row["fetched_from"] if capture else None)
        item.article, _ = normalize_article(extracted)
        if [p for p in problems(item.article) if p.startswith("no ")]:
            outcome["failed"] += 1
        else:
            outcome[archive.save_article(item, raw_id, cause="reparse")] += 1
        progress(1)
    outcome["unreadable"] = len(unreadable)
    progress(len(unreadable))
    return outcome
