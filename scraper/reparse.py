"""Re-reading stored pages with today's parsers (``kinhtedothi reparse``): no network."""

from __future__ import annotations

from collections import Counter
from typing import Callable, Iterator

from scrapy.http import HtmlResponse

from pipelines.normalize import normalize_article
from pipelines.store import Archive, decompress
from pipelines.validate import problems
from scraper.items import ArticleItem
from scraper.pages import article_page_for

LATEST_ARTICLE_PAGES = """
SELECT id, url, content_type, body, source, capture_timestamp, fetched_from FROM raw_pages
WHERE id IN (SELECT max(id) FROM raw_pages WHERE kind = 'article' AND status = 200 GROUP BY url)
ORDER BY id
"""


def stored_article_pages(archive: Archive) -> Iterator[tuple[dict, HtmlResponse]]:
    """The latest good response of every article URL, rebuilt as Scrapy would have seen it."""
    for row in archive.db.query(LATEST_ARTICLE_PAGES):
        headers = {"Content-Type": row["content_type"]} if row["content_type"] else {}
        yield row, HtmlResponse(url=row["url"], body=decompress(row["body"]), headers=headers)


def count_pages(archive: Archive) -> int:
    return archive.db.execute(f"SELECT count(*) FROM ({LATEST_ARTICLE_PAGES})").fetchone()[0]


def reparse(archive: Archive, progress: Callable[[int], None] = lambda n: None) -> Counter:
    """Re-extract every stored article page; 'new', 'updated', 'unchanged' or 'failed' per page.

    Idempotent: a second run changes nothing. A changed article keeps its previous
    version in article_versions with cause 'reparse'."""
    outcome: Counter = Counter()
    for row, response in stored_article_pages(archive):
        extracted = article_page_for(response).extract()
        raw_id, wayback = row["id"], row["source"] not in (None, "live")  # any web archive copy
        item = ArticleItem(fetched_url=response.url, link_urls=[response.url], extracted=extracted,
                           raw_page_id=raw_id, source=row["source"] or "live",
                           capture_timestamp=row["capture_timestamp"],
                           capture_url=row["fetched_from"] if wayback else None)
        item.article, _ = normalize_article(extracted)
        if [p for p in problems(item.article) if p.startswith("no ")]:
            outcome["failed"] += 1
        else:
            outcome[archive.save_article(item, raw_id, cause="reparse")] += 1
        progress(1)
    return outcome
