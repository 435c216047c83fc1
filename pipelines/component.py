"""The base of every Scrapy component that writes to the crawl's archive."""

from __future__ import annotations

import logging

from pipelines.archive import Archive
from pipelines.disk import DiskFull, StorageFailure
from kinhtedothi.vocab.outcomes import Stat

logger = logging.getLogger(__name__)


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
        archive.on_storage_failure = lambda error: stop_on_storage_failure(crawler, error)
        crawler._kinhtedothi_archive = archive
    return archive


def stop_on_storage_failure(crawler, error: StorageFailure) -> None:
    """A full disk or a damaged file ends the crawl at once: nothing more could be stored, and every page
    fetched after it would be lost. ``Stat.DISK_FULL`` or ``Stat.ARCHIVE_DAMAGED`` holds the message
    (kinhtedothi.vocab.outcomes makes it the verdict)."""
    key = Stat.DISK_FULL if isinstance(error, DiskFull) else Stat.ARCHIVE_DAMAGED
    if crawler.stats.get_value(Stat.DISK_FULL) or crawler.stats.get_value(Stat.ARCHIVE_DAMAGED):
        return
    crawler.stats.set_value(key, str(error))
    logger.error("%s", error)
    engine = getattr(crawler, "engine", None)
    if engine is not None and engine.spider is not None:
        from scrapy.utils.defer import deferred_from_coro

        reason = "disk full" if isinstance(error, DiskFull) else "archive damaged"
        deferred_from_coro(engine.close_spider_async(reason=reason))
