"""Today's site (2022 – now) in the events spider: finding an event without the "Dòng sự kiện" bar
(its tag page, else the site search bounded by the event's dates) and the "Xem thêm" JSON paging.

Mixed into ``EventsSpider``; every way is one setting (``FIND_EVENTS_BY_TAG``,
``FIND_EVENTS_BY_SEARCH``), and ``events.found_by`` records which one found each event.
"""

from __future__ import annotations

from typing import Any, Iterator
from urllib.parse import quote

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from kinhtedothi.vocab.generations import newest_era
from kinhtedothi.vocab.dates import GarbledDate, parse_published
from scraper import events as catalog
from scraper import meta
from kinhtedothi.vocab.outcomes import Stat
from kinhtedothi.vocab.items import CrawlErrorItem, EventItem, FeedEndItem, FeedLinkItem
from scraper.pages import ListingPage
from scraper.pages.api import paging_entries, search_entries
from scraper.pages.selectors import PAGING_API_PATH, SEARCH_API_PATH
from scraper.spiders import failed_request
from kinhtedothi.vocab.urls import site_url

SEARCH_MARK = "/api/articles/search-article"


def search_url(words: str, page: int, size: int) -> str:
    return site_url(SEARCH_API_PATH.format(page=page, fetch=size, word=quote(words)))


class TodaysSite(scrapy.Spider):
    """Finding events and walking listings on the current site (see the module docstring).

    A spider without a name (so not one Scrapy lists): ``EventsSpider`` mixes it in and provides
    what is declared below."""

    full: bool                  # --full: read every page again
    walked: dict[str, str]      # event slug -> its stored first feed page, for feeds read to the end before

    def is_known(self, url: str, listing_era: int = 0) -> bool:
        raise NotImplementedError

    def article_request(self, url: str) -> scrapy.Request:
        raise NotImplementedError

    def fallback(self, event: catalog.Event, why: str) -> Iterator[Any]:
        raise NotImplementedError

    def parse_feed(self, response: Response, event_slug: str) -> Iterator[Any]:
        raise NotImplementedError

    def feed_failed(self, failure: Failure) -> Iterator[Any]:
        raise NotImplementedError

    def error_item(self, failure: Failure) -> CrawlErrorItem:
        raise NotImplementedError

    # -- finding an event without the bar ---------------------------------------------
    def find_elsewhere(self, event: catalog.Event, why: str) -> Iterator[Any]:
        """The event's tag page, else the site search, else the catalog fallback (as before)."""
        settings = self.crawler.settings
        if settings.getbool("FIND_EVENTS_BY_TAG", True) and event.tag_url:
            yield scrapy.Request(event.tag_url, callback=self.parse_tag_probe, errback=self.probe_failed,
                                 cb_kwargs={"event_slug": event.slug, "why": why},
                                 meta={meta.PAGE_KIND: "feed", meta.EVENT_SLUG: event.slug,
                                       "handle_httpstatus_list": [404, 410]})
        else:
            yield from self.after_tag(event, why)

    def after_tag(self, event: catalog.Event, why: str) -> Iterator[Any]:
        if self.crawler.settings.getbool("FIND_EVENTS_BY_SEARCH", True):
            yield self.search_request(event.slug, 1)
        else:
            yield from self.fallback(event, why)

    def parse_tag_probe(self, response: Response, event_slug: str, why: str) -> Iterator[Any]:
        event = catalog.by_slug(event_slug)
        assert event.tag_url is not None  # asked for only when the catalog names one (find_elsewhere)
        page = ListingPage(response) if response.status == 200 else None
        if page is None or not (page.article_urls() or page.fallback_urls() or page.looks_like_drift()):
            self.logger.info("event %s: no tag page with articles at %s", event_slug, response.url)
            yield from self.after_tag(event, f"{why}; no tag page with articles")
            return
        url = site_url(event.tag_url)
        yield EventItem(event.slug, event.name, url, "tag")
        yield from self.parse_feed(response, event_slug)

    def probe_failed(self, failure: Failure) -> Iterator[Any]:
        yield self.error_item(failure)
        kwargs = failed_request(failure).cb_kwargs
        yield from self.after_tag(catalog.by_slug(kwargs["event_slug"]), kwargs["why"] + "; tag page failed")

    # -- the site search, bounded by the event's dates ------------------------------------
    def search_request(self, event_slug: str, page: int) -> scrapy.Request:
        event = catalog.by_slug(event_slug)
        size = self.crawler.settings.getint("SEARCH_PAGE_SIZE", 20)
        return scrapy.Request(search_url(event.search_words or event.name, page, size), callback=self.parse_search,
                              errback=self.feed_failed, cb_kwargs={"event_slug": event_slug, "page": page},
                              meta={meta.PAGE_KIND: "feed", meta.EVENT_SLUG: event_slug})

    def parse_search(self, response: Response, event_slug: str, page: int) -> Iterator[Any]:
        event = catalog.by_slug(event_slug)
        try:
            entries = search_entries(response.body)
        except ValueError as error:
            entries = []
            yield CrawlErrorItem(response.url, response.status, f"search answer unreadable: {error}")
        if page == 1 and not entries:
            yield from self.fallback(event, "not in a bar, no tag page, and the site search finds nothing")
            return
        if page == 1:
            yield EventItem(event.slug, event.name, search_url(event.search_words or event.name, 1,
                                                               self.crawler.settings.getint("SEARCH_PAGE_SIZE", 20)),
                            "search")
        new = [e for e in entries if not self.is_known(e.url, newest_era())]   # the site search is today's site
        for position, entry in enumerate(entries, 1):
            if self.full or entry in new:
                # read again even when another listing asked for it: its date decides whether it is the event's
                request = self.article_request(entry.url).replace(dont_filter=True)
                request.meta.update({meta.SEARCH_EVENT: event_slug, meta.FEED_PAGE: response.url,
                                     meta.POSITION: position})
                yield request
        if not entries or page >= self.crawler.settings.getint("SEARCH_MAX_PAGES", 50):
            yield FeedEndItem(event_slug)
        elif self.full or event_slug not in self.walked or new:
            yield self.search_request(event_slug, page + 1)
        else:
            self.logger.info("%s: nothing new in search page %d; not reading further (use --full to)", event_slug, page)

    def search_verdict(self, response: Response, extracted: dict) -> FeedLinkItem | CrawlErrorItem:
        """A search result: its feed link when published in the event's dates, else why it is left out."""
        slug = response.meta[meta.SEARCH_EVENT]
        event = catalog.by_slug(slug)
        try:
            published = parse_published(extracted.get("published_raw"))
        except GarbledDate:
            published = None
        link = response.meta.get(meta.LINK_URL) or response.url
        if event.within(published):
            return FeedLinkItem(slug, link, response.meta[meta.FEED_PAGE], response.meta[meta.POSITION])
        self.crawler.stats.inc_value(Stat.SEARCH_OUTSIDE_DATES)
        return CrawlErrorItem(link, response.status, f"not an article of {slug}: published {published or 'when?'}, "
                                                     f"outside {event.start} – {event.end}", kind="outside-dates",
                              event_slug=slug)

    # -- "Xem thêm": the JSON paging behind a listing -----------------------------------------
    def paging_request(self, page: ListingPage, event_slug: str, number: int | None = None) -> scrapy.Request | None:
        api = page.paging_api()
        if api is None:
            return None
        number = number or api[1]
        url = site_url(PAGING_API_PATH.format(id=api[0], page=number))  # page.paging_api_url(number)
        return scrapy.Request(url, callback=self.parse_paging, errback=self.feed_failed,
                              cb_kwargs={"event_slug": event_slug, "category": api[0], "number": number},
                              meta={meta.PAGE_KIND: "feed", meta.EVENT_SLUG: event_slug, meta.LISTING: page.url})

    def parse_paging(self, response: Response, event_slug: str, category: int, number: int) -> Iterator[Any]:
        try:
            entries = paging_entries(response.body)
        except ValueError as error:
            self.crawler.stats.inc_value(Stat.FEED_PAGES_FAILED)
            yield CrawlErrorItem(response.url, response.status, f"paging answer unreadable: {error}")
            return
        if not entries:  # the end: never ask past an empty page
            yield FeedEndItem(event_slug)
            return
        urls = [e.url for e in entries]
        new = [url for url in urls if not self.is_known(url, newest_era())]   # the JSON paging is today's site
        for position, url in enumerate(urls, 1):
            yield FeedLinkItem(event_slug, url, response.url, position)
            if self.full or url in new:
                yield self.article_request(url)
        if number >= self.crawler.settings.getint("PAGING_API_MAX_PAGES", 2000):
            self.logger.warning("%s: stopped at paging page %d (PAGING_API_MAX_PAGES)", event_slug, number)
            yield FeedEndItem(event_slug)
        elif self.full or event_slug not in self.walked or new:
            url = site_url(PAGING_API_PATH.format(id=category, page=number + 1))
            yield scrapy.Request(url, callback=self.parse_paging, errback=self.feed_failed,
                                 cb_kwargs={"event_slug": event_slug, "category": category, "number": number + 1},
                                 meta={meta.PAGE_KIND: "feed", meta.EVENT_SLUG: event_slug})
