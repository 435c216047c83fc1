"""The saved pages spider: archives article pages a journalist saved from a browser, without the network.

The files are read once (``scraper.saved_pages``) for each page's address and the time it was saved;
then every page goes through the same page objects, items and pipelines as a live crawl, the copies of
one article in the order they were saved (versions in that order). LocalRecordMiddleware answers each
request from its file. With ``--event`` the pages are filed under that event.

    kinhtedothi crawl --source pages saved-pages/ --event dai-dich-covid-19
    scrapy crawl pages -a paths=saved-pages -s ARCHIVE_DB=archive.db
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from scraper import events as catalog
from scraper import meta
from scraper.pages import article_page_for
from scraper.saved_pages import MAX_FILES, NotASavedPage, SavedFile, saved_file, saved_files
from scraper.spiders import LOCAL_FILE_SETTINGS, failed_request, failure_name, path_list
from scraper.spiders.events import name_of
from kinhtedothi.vocab.items import ArticleItem, CrawlErrorItem, EventItem, FeedLinkItem
from kinhtedothi.vocab.outcomes import Stat
from kinhtedothi.vocab.sources import PAGES


class PagesSpider(scrapy.Spider):
    name = "pages"
    source_name = PAGES.name   # articles.source of what it archives (a capture: never a visit)
    custom_settings = LOCAL_FILE_SETTINGS

    def __init__(self, paths: str | list[str] | None = None, event: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.paths = path_list(paths)
        self.feed_event = event
        self.events = [e for e in catalog.EVENTS if e.slug == event]  # the run's events (crawl_runs)

    async def start(self) -> AsyncIterator[Any]:
        files, more = saved_files(self.paths)
        if more:
            yield self.unreadable(f"{self.paths[0]}…", f"more than {MAX_FILES} saved pages: the rest were not read")
        if self.feed_event:
            yield EventItem(self.feed_event, name_of(self.feed_event), None, "saved-pages")
        by_url: dict[str, list[SavedFile]] = {}
        for position, (path, name) in enumerate(files, 1):
            try:
                saved = saved_file(path, name)
            except NotASavedPage as error:
                yield self.unreadable(name, str(error))
                continue
            if saved.dated_by_page:
                self.crawler.stats.inc_value(Stat.SAVED_PAGES_DATED_BY_PAGE)
                self.logger.warning("%s: the file's time is before the page's own date: dated by the page", name)
            if self.feed_event:
                yield FeedLinkItem(self.feed_event, saved.url, saved.capture_url, position)
            by_url.setdefault(saved.url, []).append(saved)
        for chain in by_url.values():
            yield self.request(sorted(chain, key=lambda s: (s.timestamp, s.name)))

    def unreadable(self, name: str, why: str) -> CrawlErrorItem:
        self.crawler.stats.inc_value(Stat.SAVED_PAGES_UNREADABLE)
        self.logger.error("%s: %s", name, why)
        return CrawlErrorItem(PAGES.address(name), None, f"not archived: {why}")

    def request(self, chain: list[SavedFile]) -> scrapy.Request:
        """The first copy of an article; the next is asked for only after this one is parsed."""
        saved = chain[0]
        return scrapy.Request(saved.url, callback=self.parse_article, errback=self.failed, dont_filter=True,
                              cb_kwargs={"rest": chain[1:]},
                              meta={meta.LOCAL_RECORD: saved, meta.PAGE_KIND: "article", meta.ORIGINAL_URL: saved.url})

    def parse_article(self, response: Response, rest: list[SavedFile]) -> Iterator[Any]:
        saved: SavedFile = response.meta[meta.LOCAL_RECORD]
        if isinstance(response, TextResponse):
            self.crawler.stats.inc_value(Stat.ARTICLE_PAGES)
            yield ArticleItem(fetched_url=saved.url, link_urls=[saved.url],
                              extracted=article_page_for(response).extract(),
                              raw_page_id=response.meta.get(meta.RAW_PAGE_ID), source=PAGES.name,
                              capture_timestamp=saved.timestamp or None, capture_url=saved.capture_url)
        else:
            yield self.unreadable(saved.name, "not an HTML page")
        if rest:
            yield self.request(rest)

    def failed(self, failure: Failure) -> Iterator[Any]:
        """A file that could not be read when its turn came (changed or removed since): named; the article's
        other copies are still read."""
        request = failed_request(failure)
        saved: SavedFile = request.meta[meta.LOCAL_RECORD]
        yield self.unreadable(saved.name, f"{failure_name(failure)}: {failure.getErrorMessage()}")
        rest = request.cb_kwargs.get("rest") or []
        if rest:
            yield self.request(rest)
