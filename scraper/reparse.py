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
SELECT id, url, content_type, body FROM raw_pages
WHERE id IN (SELECT max(id) FROM raw_pages WHERE kind = 'article' AND status = 200 GROUP BY url)
ORDER BY id
"""


def stored_article_pages(archive: Archive) -> Iterator[tuple[int, HtmlResponse]]:
    """The latest good response of every article URL, rebuilt as Scrapy would have seen it."""
    for raw_id, url, content_type, body in archive.db.execute(LATEST_ARTICLE_PAGES).fetchall():
        headers = {"Content-Type": content_type} if content_type else {}
        yield raw_id, HtmlResponse(url=url, body=decompress(body), headers=headers)


def count_pages(archive: Archive) -> int:
    return archive.db.execute(f"SELECT count(*) FROM ({LATEST_ARTICLE_PAGES})").fetchone()[0]


def reparse(archive: Archive, progress: Callable[[int], None] = lambda n: None) -> Counter:
    """Re-extract every stored article page; 'new', 'updated', 'unchanged' or 'failed' per page.

    Idempotent: a second run changes nothing. A changed article keeps its previous
    version in article_versions with cause 'reparse'."""
    outcome: Counter = Counter()
    for raw_id, response in stored_article_pages(archive):
        extracted = article_page_for(response).extract()
        item = ArticleItem(fetched_url=response.url, link_urls=[response.url], extracted=extracted,
                           raw_page_id=raw_id)
        item.article, _ = normalize_article(extracted)
        if [p for p in problems(item.article) if p.startswith("no ")]:
            outcome["failed"] += 1
        else:
            outcome[archive.save_article(item, raw_id, cause="reparse")] += 1
        progress(1)
    return outcome
