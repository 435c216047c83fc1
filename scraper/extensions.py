"""The archive for one crawl: opened at start, closed with a ``crawl_runs`` record and an exit status."""

from __future__ import annotations

import logging

from scrapy import signals

from pipelines.component import archive_for  # noqa: F401 (the spiders take it from here)
from scraper.status import EXIT_DRIFT, EXIT_FAILED, EXIT_INCOMPLETE, EXIT_OK, EXIT_UNREACHABLE

logger = logging.getLogger(__name__)



def verdict(stats: dict, drift_threshold: float) -> tuple[int, str | None]:
    """Exit status and one-line reason for a finished crawl, from its stats."""
    bugs = stats.get("spider_exceptions/count", 0)
    if bugs:
        return EXIT_FAILED, f"{bugs} page(s) raised an error in the spider (a bug: see the log); nothing was lost"
    lost = stats.get("archive/articles_lost", 0)
    if lost:
        return EXIT_FAILED, (f"{lost} article page(s) ended in neither an article nor a crawl error (a bug: see "
                             f"the log); they are recorded in crawl_errors and fetched again next run")
    fetched_ok = stats.get("downloader/response_status_count/200", 0)
    if not fetched_ok:
        errors = stats.get("downloader/exception_count", 0)
        return EXIT_UNREACHABLE, f"site unreachable: no page answered 200 ({errors} connection errors)"
    parsed = stats.get("archive/article_pages", 0)
    failed = stats.get("archive/articles_failed", 0) + stats.get("archive/articles_incomplete", 0)
    if parsed and failed / parsed > drift_threshold:
        missing = sorted(k.split("/")[-1] for k in stats if k.startswith("archive/missing/"))
        return EXIT_DRIFT, (f"layout drift: extraction failed on {failed} of {parsed} article pages "
                            f"(missing {', '.join(missing)})")
    drifted = stats.get("archive/feed_pages_drift", 0) + stats.get("archive/feed_pages_fallback", 0)
    if drifted:
        return EXIT_DRIFT, (f"layout drift: {drifted} listing page(s) link articles in markup the parser does not know "
                            "(see crawl_errors; links that carry an article id were still followed)")
    not_found = stats.get("archive/events_not_found")
    if not_found:
        return EXIT_INCOMPLETE, f"event feed not found for: {not_found}"
    empty = stats.get("archive/feed_pages_empty", 0)
    if empty:
        return EXIT_INCOMPLETE, f"{empty} listing page(s) list no article links (see crawl_errors)"
    damaged = stats.get("archive/warc_damaged", 0)
    if damaged:
        return EXIT_INCOMPLETE, (f"{damaged} WARC file(s) or record(s) could not be read (see crawl_errors); "
                                 "what came before the damage is archived")
    feed_failures = stats.get("archive/feed_pages_failed", 0)
    if feed_failures:
        return EXIT_INCOMPLETE, f"{feed_failures} feed page(s) could not be fetched; the feeds were not read to the end"
    return EXIT_OK, None


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
        mode = "full" if getattr(spider, "full", False) else "incremental"
        archive.start_run(self.crawler.settings.get("BASE_URL"), events, mode)

    def item_error(self, item, response, spider, failure) -> None:
        """A pipeline failed on an item (a bug): an article page must not vanish without a word."""
        url = getattr(item, "fetched_url", None) or getattr(response, "url", None)
        if url is None or not hasattr(item, "extracted"):
            return
        self.crawler.stats.inc_value("archive/articles_lost")
        logger.error("%s: %s: %s (a bug; recorded in crawl_errors, fetched again next run)",
                     url, failure.type.__name__, failure.getErrorMessage())
        archive_for(self.crawler).record_error(url, None, f"internal error: {failure.type.__name__}: "
                                                          f"{failure.getErrorMessage()}"[:500])

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        code, why = verdict(stats, self.crawler.settings.getfloat("DRIFT_THRESHOLD", 0.2))
        if reason not in ("finished",) and code == EXIT_OK:
            code, why = EXIT_FAILED, f"crawl stopped early: {reason}"
        self.crawler.stats.set_value("archive/exit_code", code)
        self.crawler.stats.set_value("archive/reason", why)
        counts = {
            "pages_fetched": stats.get("archive/pages_fetched", 0),
            "articles_new": stats.get("archive/articles_new", 0),
            "articles_updated": stats.get("archive/articles_updated", 0),
            "articles_unchanged": stats.get("archive/articles_unchanged", 0),
            "articles_failed": stats.get("archive/articles_failed", 0),
            "articles_removed": stats.get("archive/articles_removed", 0),
            "coverage": {k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith("coverage/")},
            "stats": {k: v for k, v in stats.items() if k.startswith(("archive/", "downloader/response_status"))},
        }
        archive = archive_for(self.crawler)
        archive.finish_run("ok" if code == EXIT_OK else "failed", code, why, counts)
        archive.close()
        (logger.info if code == EXIT_OK else logger.error)("crawl %s: %s", "ok" if code == EXIT_OK else "failed",
                                                            why or "archive consistent")
