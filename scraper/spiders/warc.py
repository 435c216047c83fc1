"""The WARC spider: archives the event feeds and articles found in WARC files, without the network.

The files are scanned once (``scraper.warc_import.scan``): the home pages' "Dòng sự kiện"
bars name the feeds (the catalog's URLs too); then every capture of a feed page and of an
article page goes through the same page objects, items and pipelines as a live crawl,
each URL's captures in time order (versions in capture order). WarcRecordMiddleware
answers each request from its record.

    kinhtedothi crawl --source warc crawl.warc.gz more-warcs/
    scrapy crawl warc -a paths=crawl.warc.gz -s ARCHIVE_DB=archive.db
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any, AsyncIterator, Callable, Iterator

import scrapy
from scrapy.http import HtmlResponse, Response, TextResponse
from twisted.python.failure import Failure

from scraper import events as catalog
from scraper import meta
from kinhtedothi.vocab.outcomes import Stat
from kinhtedothi.vocab.sources import WARC
from kinhtedothi.vocab.items import ArticleItem, CrawlErrorItem, EventItem, FeedLinkItem
from scraper.pages import EventBarPage, ListingPage, article_page_for
from scraper.pages.listing import is_article_path
from scraper.spiders import LOCAL_FILE_SETTINGS, failed_request, failure_name, path_list
from kinhtedothi.vocab.urls import canonical_url
from scraper.warc_import import Entry, read_record, scan, warc_files


def feed_of(url: str, feeds: dict[str, str]) -> str | None:
    """The event whose feed this page belongs to: its first page, or one of its next pages
    (``…/trang-2.html``, ``…/p2``, ``?page=2``)."""
    for feed_url, slug in feeds.items():
        stem = feed_url.rsplit(".htm", 1)[0]
        if url.startswith(stem) and url[len(stem):][:1] in ("", ".", "/", "?"):
            return slug
    return None


def is_html(entry: Entry) -> bool:
    return entry.status == 200 and (not entry.content_type or "html" in entry.content_type.lower())


class WarcSpider(scrapy.Spider):
    name = "warc"
    source_name = WARC.name   # articles.source of what it archives (a capture: never a visit)
    custom_settings = LOCAL_FILE_SETTINGS

    def __init__(self, paths: str | list[str] | None = None, events: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.paths = path_list(paths)
        self.events = catalog.select(events)

    async def start(self) -> AsyncIterator[Any]:
        entries, skipped, problems = await self.scanned()
        for stat, count in skipped.items():
            self.crawler.stats.set_value(stat, count)
        for problem in problems:
            self.logger.error(problem)
            self.crawler.stats.inc_value(Stat.WARC_DAMAGED)
            yield CrawlErrorItem("warc:" + problem.split(": ", 1)[0], None, problem)
        html = sorted((e for e in entries if is_html(e)), key=lambda e: (e.timestamp, e.path, e.offset))
        if not html and not problems:   # damage is counted as such; a file of other sites' pages is said plainly
            self.crawler.stats.set_value(Stat.WARC_NO_SITE_PAGE, sum(skipped.values()) + len(entries))
        feeds = self.feeds(html)
        found: dict[str, list[Entry]] = {}
        article_urls: dict[str, list[Entry]] = {}
        for entry in html:
            slug = feed_of(entry.url, {url: s for url, (s, _) in feeds.items()})
            if slug:
                found.setdefault(slug, []).append(entry)
            elif is_article_path(entry.url):
                article_urls.setdefault(canonical_url(entry.url), []).append(entry)
        self.crawler.stats.set_value(Stat.WARC_SKIPPED_OTHER_PAGES, len(html) - sum(map(len, found.values()))
                                     - sum(map(len, article_urls.values())))
        for feed_url, (slug, how) in feeds.items():
            if slug in found:
                yield EventItem(slug, catalog.by_slug(slug).name, feed_url, how)
        for slug, pages in found.items():
            by_url: dict[str, list[Entry]] = {}
            for entry in pages:
                by_url.setdefault(entry.url, []).append(entry)
            for chain in by_url.values():
                yield self.request(chain, self.parse_feed, "feed", event_slug=slug)
        for url, chain in article_urls.items():
            yield self.request(chain, self.parse_article, "article", url=url)

    async def scanned(self) -> tuple[list[Entry], dict[Stat, int], list[str]]:
        """``scan`` in a thread, so that the crawl still hears SIGTERM during a long read: its cancellation
        tells the scan to stop at its next record or chunk."""
        stop = threading.Event()
        try:
            return await asyncio.to_thread(scan, warc_files(self.paths), stop.is_set)
        finally:
            stop.set()

    def feeds(self, html: list[Entry]) -> dict[str, tuple[str, str]]:
        """Feed URL -> (event slug, how found): the home pages' bars (latest first), then the catalog."""
        feeds: dict[str, tuple[str, str]] = {}
        wanted = list(self.events)
        for entry in reversed([e for e in html if canonical_url(e.url) == "https://kinhtedothi.vn/"]):
            _, headers, body = read_record(entry.path, entry.offset)
            links = EventBarPage(HtmlResponse(url=entry.url, headers=headers, body=body)).event_links()
            for event in list(wanted):
                link = next((link for link in links if event.matches(link.name)), None)
                if link:
                    feeds[link.url] = (event.slug, "bar")
                    wanted.remove(event)
        for event in wanted:
            if event.fallback_url:
                feeds[event.fallback_url] = (event.slug, "fallback")
        return feeds

    def request(self, chain: list[Entry], callback: Callable[..., Any] | None, kind: str,
                **cb_kwargs: Any) -> scrapy.Request:
        """The first capture of a chain; the next is asked for only after this one is parsed."""
        entry = chain[0]
        return scrapy.Request(entry.url, callback=callback, errback=self.failed, dont_filter=True,
                              cb_kwargs={**cb_kwargs, "rest": chain[1:]},
                              meta={meta.LOCAL_RECORD: entry, meta.PAGE_KIND: kind, meta.ORIGINAL_URL: entry.url})

    def parse_feed(self, response: Response, event_slug: str, rest: list[Entry]) -> Iterator[Any]:
        page = ListingPage(response)
        for position, url in enumerate(page.article_urls(), 1):
            yield FeedLinkItem(event_slug, url, response.url, position)
        if rest:
            yield self.request(rest, self.parse_feed, "feed", event_slug=event_slug)

    def parse_article(self, response: Response, url: str, rest: list[Entry]) -> Iterator[Any]:
        if isinstance(response, TextResponse):
            self.crawler.stats.inc_value(Stat.ARTICLE_PAGES)
            entry: Entry = response.meta[meta.LOCAL_RECORD]
            yield ArticleItem(fetched_url=url, link_urls=[url], extracted=article_page_for(response).extract(),
                              raw_page_id=response.meta.get(meta.RAW_PAGE_ID), source=WARC.name,
                              capture_timestamp=entry.timestamp or None, capture_url=entry.capture_url)
        if rest:
            yield self.request(rest, self.parse_article, "article", url=url)

    def failed(self, failure: Failure) -> Iterator[Any]:
        """An unreadable record is recorded; the URL's later captures are still read."""
        request = failed_request(failure)
        entry: Entry = request.meta[meta.LOCAL_RECORD]
        self.crawler.stats.inc_value(Stat.WARC_DAMAGED)
        yield CrawlErrorItem(entry.url, None, f"unreadable WARC record {entry.capture_url}: "
                             f"{failure_name(failure)}: {failure.getErrorMessage()}")
        kwargs = dict(request.cb_kwargs)
        rest = kwargs.pop("rest", [])
        if rest:
            yield self.request(rest, request.callback, request.meta[meta.PAGE_KIND], **kwargs)
