"""The base of every Scrapy component that writes to the crawl's archive."""

from __future__ import annotations


class UsesArchive:
    """A middleware or pipeline given the crawl's one Archive and its stats by ``from_crawler``."""

    def __init__(self, archive, stats):
        self.archive = archive
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        from scraper.extensions import archive_for  # Scrapy is loaded only when crawling

        return cls(archive_for(crawler), crawler.stats)
