"""The archive for one crawl: opened at start, closed with a ``crawl_runs`` record and an exit status."""

from __future__ import annotations

import logging

from scrapy import signals

from pipelines.component import archive_for  # noqa: F401 (the spiders take it from here)
from pipelines.disk import StorageFailure
from scraper import sources
from kinhtedothi.vocab.outcomes import KEPT_IN_RUNS, ExitStatus, Stat, stopped_early, verdict

logger = logging.getLogger(__name__)


def source_of(spider) -> str | None:
    """The source a spider reads (crawl_runs.source): its own ``source_name``, else its source in the registry."""
    named = getattr(spider, "source_name", None)
    if named:
        return named
    path = f"{type(spider).__module__}:{type(spider).__name__}"
    return next((name for name, each in sources.registry().items() if each.spider_path == path), None)


class ArchiveExtension:
    """Records the run in ``crawl_runs`` and sets ``archive/exit_code`` for the command line."""

    def __init__(self, crawler):
        self.crawler = crawler
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.item_error, signal=signals.item_error)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider) -> None:
        archive = archive_for(self.crawler)
        events = [e.slug for e in getattr(spider, "events", [])]
        mode = "fill-gaps" if getattr(spider, "gap_urls", None) else \
            "full" if getattr(spider, "full", False) else "incremental"
        archive.start_run(self.crawler.settings.get("BASE_URL"), events, mode, source_of(spider))

    def item_error(self, item, response, spider, failure) -> None:
        """A pipeline failed on an item (a bug): an article page must not vanish without a word."""
        url = getattr(item, "fetched_url", None) or getattr(response, "url", None)
        if url is None or not hasattr(item, "extracted") or failure.check(StorageFailure):
            return  # a full disk or a damaged file is the run's verdict; no crawl_errors row could be written
        self.crawler.stats.inc_value(Stat.ARTICLES_LOST)
        logger.error("%s: %s: %s (a bug; recorded in crawl_errors, fetched again next run)",
                     url, failure.type.__name__, failure.getErrorMessage())
        archive_for(self.crawler).record_error(url, None, f"internal error: {failure.type.__name__}: "
                                                          f"{failure.getErrorMessage()}"[:500])

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        code, why = verdict(stats, self.crawler.settings.getfloat("DRIFT_THRESHOLD", 0.2))
        if reason not in ("finished",) and code == ExitStatus.OK:
            code, why = stopped_early(reason)
        self.crawler.stats.set_value(Stat.EXIT_CODE, int(code))
        self.crawler.stats.set_value(Stat.REASON, why)
        counts = {
            "pages_fetched": stats.get(Stat.PAGES_FETCHED, 0),
            "articles_new": stats.get(Stat.ARTICLES_NEW, 0),
            "articles_updated": stats.get(Stat.ARTICLES_UPDATED, 0),
            "articles_unchanged": stats.get(Stat.ARTICLES_UNCHANGED, 0),
            "articles_failed": stats.get(Stat.ARTICLES_FAILED, 0),
            "articles_removed": stats.get(Stat.ARTICLES_REMOVED, 0),
            "coverage": {k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith("coverage/")},
            "stats": {k: v for k, v in stats.items() if k.startswith(KEPT_IN_RUNS)},
        }
        ok = code == ExitStatus.OK
        archive = archive_for(self.crawler)
        try:
            archive.finish_run("ok" if ok else "failed", int(code), why, counts)
        except StorageFailure as failure:  # the run stays 'running'; the next run marks it 'interrupted'
            full = bool(self.crawler.stats.get_value(Stat.DISK_FULL))
            code, why, ok = (ExitStatus.DISK_FULL if full else ExitStatus.FAILED), str(failure), False
            self.crawler.stats.set_value(Stat.EXIT_CODE, int(code))
            self.crawler.stats.set_value(Stat.REASON, why)
        archive.close()
        (logger.info if ok else logger.error)("crawl %s: %s", "ok" if ok else "failed", why or "archive consistent")
