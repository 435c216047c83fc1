"""The base of every Scrapy component that writes to the crawl's archive."""

from __future__ import annotations

from pipelines.archive import Archive


class UsesArchive:
    """A middleware or pipeline given the crawl's one Archive and its stats by ``from_crawler``."""

    def __init__(self, archive, stats):
        self.archive = archive
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(archive_for(crawler), crawler.stats)


def archive_for(crawler) -> Archive:
    """The one Archive of this crawl, shared by middlewares, pipelines and the archive extension."""
    archive = getattr(crawler, "_kinhtedothi_archive", None)
    if archive is None:
        archive = Archive(crawler.settings.get("ARCHIVE_DB", "archive.db"))
        crawler._kinhtedothi_archive = archive
    return archive
