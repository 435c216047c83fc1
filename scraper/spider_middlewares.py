"""Spider middlewares: a link Scrapy would drop without a word is recorded in crawl_errors instead."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from scraper import meta
from kinhtedothi.vocab.items import CrawlErrorItem
from kinhtedothi.vocab.outcomes import Stat

logger = logging.getLogger(__name__)


class LongLinkMiddleware(BaseSpiderMiddleware):
    """In place of Scrapy's UrlLengthMiddleware, which drops a request for an address over URLLENGTH_LIMIT
    (2,083 characters) with a line in the log only: the request becomes a crawl error naming the address
    (counted; a feed page not read makes the run incomplete, as any feed page not fetched)."""

    def __init__(self, crawler: Crawler, limit: int) -> None:
        super().__init__(crawler)
        self.limit = limit

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LongLinkMiddleware:
        limit = crawler.settings.getint("URLLENGTH_LIMIT")
        if not limit:
            raise NotConfigured
        return cls(crawler, limit)

    def get_processed_request(self, request: Request, response: Response | None) -> Any:
        if len(request.url) <= self.limit:
            return request
        url = request.meta.get(meta.SUBJECT) or request.meta.get(meta.LINK_URL) or request.url
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(Stat.LINKS_TOO_LONG)
        if request.meta.get(meta.PAGE_KIND) == "feed":
            stats.inc_value(Stat.FEED_PAGES_FAILED)
        where = f" (linked from {response.url})" if response is not None else ""
        logger.warning("address of %d characters not requested (over URLLENGTH_LIMIT, %d)%s: %.200s…",
                       len(url), self.limit, where, url)
        return CrawlErrorItem(url, None, f"address of {len(url):,} characters, over URLLENGTH_LIMIT "
                                         f"({self.limit:,}): never requested{where}")
