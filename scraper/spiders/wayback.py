"""The Wayback spider: rebuilds the event feeds and their articles from the Internet Archive.

Home page captures → "Dòng sự kiện" feeds (or the catalog's URLs) → every captured
page of each feed (CDX prefix query) and the pages its pagination links to →
every article's captures (CDX exact query), each different content in time order.
``-a gap_urls=…`` (``kinhtedothi crawl --fill-gaps``) looks up only those articles' captures.

    kinhtedothi crawl --source wayback --from 2020 --to 2022
    scrapy crawl wayback -a date_from=2020 -a date_to=2022 -s ARCHIVE_DB=archive.db
"""

from __future__ import annotations

import re
from typing import Any, AsyncIterator, Callable, Iterator

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from scraper import events as catalog
from scraper import meta
from kinhtedothi.vocab.outcomes import Stat
from kinhtedothi.vocab.sources import WAYBACK as WAYBACK_SOURCE
from kinhtedothi.vocab.items import ArticleItem, CrawlErrorItem, EventItem, FeedLinkItem
from scraper.pages import EventBarPage, ListingPage, article_page_for
from scraper.spiders import failed_request, failure_name
from scraper.spiders.events import fallback_items, feed_slug, listing_failure, name_of
from kinhtedothi.vocab.urls import SITE, absolute, canonical_url, site_url
from scraper.sources.wayback import CAPTURE_SLOT, CDX_SLOT, THROTTLE
from scraper.throttle import ThrottlePolicy
from scraper.wayback import WAYBACK_PATH, Capture, capture_url, cdx_url, changes, parse_cdx, unwrap

HOME_CAPTURES_TRIED = 5  # older home page captures read when the latest lacks an event


class WaybackSpider(scrapy.Spider):
    name = "wayback"
    source_name = WAYBACK_SOURCE.name       # articles.source of what it archives
    archive_name = "the Wayback Machine"    # in messages
    throttle: ThrottlePolicy = THROTTLE     # its manners (BackoffRetryMiddleware obeys them)
    custom_settings = {"AUTOTHROTTLE_ENABLED": False}  # the archive's own limits are the bound (settings.py)

    def __init__(self, wayback_url: str | None = None, events: str | None = None, date_from: str | None = None,
                 date_to: str | None = None, captures: str = "all", feed_urls: str | list[str] | None = None,
                 event: str | None = None, gap_urls: str | list[str] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.gap_urls = [u for u in (gap_urls.split(",") if isinstance(gap_urls, str) else gap_urls or []) if u]
        self.wayback = (wayback_url or "").rstrip("/")
        self.events = catalog.select(events)
        self.date_from, self.date_to = date_from, date_to
        self.all_captures = captures != "latest"
        self.feed_urls = [u for u in (feed_urls.split(",") if isinstance(feed_urls, str) else feed_urls or []) if u]
        self.feed_event = event
        self.looked_up: set[str] = set()
        self.feed_pages: set[str] = set()
        self.pagination_lookups: dict[str, int] = {}  # event -> next links looked up (at most MAX_FEED_PAGES)

    @property
    def archive_urls(self) -> list[str]:
        """The web archive this spider reads: the only hosts besides the site it may ask (OffSiteMiddleware)."""
        return [self.wayback]

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        kwargs.setdefault("wayback_url", crawler.settings.get("WAYBACK_URL"))
        cls.throttle.install(crawler.settings)  # its download slots: one request at a time, its delays
        return super().from_crawler(crawler, *args, **kwargs)

    # -- requests to the archive ---------------------------------------------------
    def cdx(self, subject: str, callback: Callable[..., Iterator[Any]], *, prefix: bool = False,
            only_ok: bool = False, resume: str | None = None, **cb_kwargs: Any) -> scrapy.Request:
        """A CDX query about ``subject`` (one every WAYBACK_CDX_DELAY seconds)."""
        query = cdx_url(self.wayback, subject.split("://", 1)[-1], prefix=prefix, only_ok=only_ok,
                        collapse="digest" if only_ok else None, date_from=self.date_from, date_to=self.date_to,
                        resume_key=resume)
        return scrapy.Request(query, callback=callback, errback=self.failed, cb_kwargs=cb_kwargs,
                              meta={**self.throttle.meta(self.settings, CDX_SLOT), meta.PAGE_KIND: "cdx",
                                    meta.SUBJECT: subject})

    def capture(self, capture: Capture, callback: Callable[..., Iterator[Any]], kind: str,
                **cb_kwargs: Any) -> scrapy.Request:
        """The original bytes of one capture (one a second at most; never twice: CaptureCacheMiddleware)."""
        return scrapy.Request(capture_url(self.wayback, capture), callback=self.on_capture, errback=self.failed,
                              cb_kwargs={"then": callback.__name__, **cb_kwargs},
                              meta={**self.throttle.meta(self.settings, CAPTURE_SLOT), meta.PAGE_KIND: kind,
                                    meta.SOURCE: self.source_name,
                                    meta.ORIGINAL_URL: site_url(capture.original) if kind != "article"
                                    else canonical_url(capture.original),
                                    meta.CAPTURE_TIMESTAMP: capture.timestamp, "dont_redirect": True,
                                    "handle_httpstatus_list": [301, 302, 303, 307, 308]})

    def on_capture(self, response: Response, then: str, **cb_kwargs: Any) -> Iterator[Any]:
        """A capture's answer. The archive may send us to the nearest capture of the same page
        (a 3xx to /web/<other timestamp>/…): follow that hop; anything else goes to ``then``."""
        hop = self._timestamp_hop(response)
        if hop is not None and response.request is not None:
            yield response.request.replace(url=response.urljoin(hop.group(0)), dont_filter=True,
                                           meta={**response.meta, meta.CAPTURE_TIMESTAMP: hop.group(1)})
            return
        yield from getattr(self, then)(response, **cb_kwargs)

    @staticmethod
    def _timestamp_hop(response: Response) -> re.Match[str] | None:
        if not 300 <= response.status < 400:
            return None
        location = (response.headers.get("Location") or b"").decode("latin-1").strip()
        hop = WAYBACK_PATH.match(location)
        same_page = hop and canonical_url(site_url(hop.group(2))) == canonical_url(response.meta[meta.ORIGINAL_URL])
        return hop if same_page else None

    @staticmethod
    def listing(response: Response) -> tuple[list[Capture], str | None]:
        """The captures in a CDX answer, and the resume key when it was cut."""
        return parse_cdx(response.text)

    @staticmethod
    def as_site_page(response: Response) -> Response:
        """The capture as the page it captured: its URL is the original, so relative links resolve."""
        return response.replace(url=response.meta[meta.ORIGINAL_URL])

    # -- discovery -----------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request | EventItem]:
        if self.gap_urls:  # kinhtedothi crawl --fill-gaps: only the captures of these known but missing articles
            for url in self.gap_urls:
                self.looked_up.add(url)
                yield self.cdx(url, self.article_captures, url=url, link_urls=[url])
            return
        for url in self.feed_urls:
            slug = feed_slug(url, self.feed_event)
            yield EventItem(slug, name_of(slug), site_url(url), "feed-url")
            yield self.list_feed(site_url(url), slug)
        if not self.feed_urls:
            yield self.cdx(f"{SITE}/", self.home_captures, only_ok=True)

    def home_captures(self, response: Response) -> Iterator[Any]:
        captures, _ = self.listing(response)
        latest_first = sorted(captures, key=lambda c: c.timestamp, reverse=True)[:HOME_CAPTURES_TRIED]
        if not latest_first:
            yield from self.fallbacks(self.events, "no capture of the home page in the date window")
            return
        yield self.capture(latest_first[0], self.parse_home, "home", remaining=latest_first[1:],
                           wanted=[e.slug for e in self.events])

    def parse_home(self, response: Response, remaining: list[Capture], wanted: list[str]) -> Iterator[Any]:
        links = EventBarPage(self.as_site_page(response)).event_links()
        still = []
        for event in (catalog.by_slug(s) for s in wanted):
            found = next((link for link in links if event.matches(link.name)), None)
            if found:
                yield EventItem(event.slug, event.name, found.url, "bar")
                yield self.list_feed(found.url, event.slug)
            else:
                still.append(event)
        if still and remaining:
            yield self.capture(remaining[0], self.parse_home, "home", remaining=remaining[1:],
                               wanted=[e.slug for e in still])
        elif still:
            yield from self.fallbacks(still, "not in the 'Dòng sự kiện' bar of the home page captures")

    def fallbacks(self, events: list[catalog.Event], why: str) -> Iterator[Any]:
        for event in events:
            yield from fallback_items(self, event, why, self.list_feed)

    # -- feeds -----------------------------------------------------------------------
    def list_feed(self, feed_url: str, event_slug: str) -> scrapy.Request:
        """Every captured page of a feed: a CDX prefix query on its URL less ``.html``."""
        stem = feed_url.rsplit(".htm", 1)[0]
        return self.cdx(stem, self.feed_captures, prefix=True, only_ok=True, event_slug=event_slug, stem=stem)

    def feed_captures(self, response: Response, event_slug: str, stem: str) -> Iterator[Any]:
        """Fetch each different capture of each page of the feed (page 1, /p2, ?page=2 …)."""
        captures, resume = self.listing(response)
        pages: dict[str, list[Capture]] = {}
        for capture in captures:
            url = site_url(capture.original)
            if url.split("://", 1)[-1][len(stem.split("://", 1)[-1]):][:1] in ("", ".", "/", "?"):
                pages.setdefault(url, []).append(capture)  # not /tag/x-other when the feed is /tag/x
        for url, page_captures in pages.items():
            self.feed_pages.add(url)
            for capture in changes(page_captures):
                yield self.capture(capture, self.parse_feed_page, "feed", event_slug=event_slug)
        if resume:
            yield self.cdx(stem, self.feed_captures, prefix=True, only_ok=True, resume=resume,
                           event_slug=event_slug, stem=stem)
        elif not pages and not response.meta.get(meta.PAGINATION):
            self.crawler.stats.inc_value(Stat.FEED_PAGES_FAILED)
            yield CrawlErrorItem(stem, None, "missing: no capture of this feed", kind="missing")

    def parse_feed_page(self, response: Response, event_slug: str) -> Iterator[Any]:
        page = ListingPage(self.as_site_page(response))
        urls = page.article_urls()
        if not urls:  # reported as on the live site: drift (exit 4) or incomplete (exit 5)
            urls = page.fallback_urls()
            yield listing_failure(self, page, response.meta[meta.ORIGINAL_URL], response.status, len(urls))
        for position, url in enumerate(urls, 1):
            yield FeedLinkItem(event_slug, url, response.meta[meta.ORIGINAL_URL], position)
            if url not in self.looked_up:
                self.looked_up.add(url)
                yield self.cdx(url, self.article_captures, url=url, link_urls=[url])
        next_url = page.next_page_url()
        lookups = self.pagination_lookups.get(event_slug, 0)
        if next_url and next_url not in self.feed_pages and lookups >= self.settings.getint("MAX_FEED_PAGES", 300):
            yield CrawlErrorItem(next_url, None, f"feed walk stopped after {lookups} pages (MAX_FEED_PAGES)")
        elif next_url and next_url not in self.feed_pages:  # not named by the prefix listing: look it up
            self.pagination_lookups[event_slug] = lookups + 1
            self.feed_pages.add(next_url)
            request = self.cdx(next_url, self.feed_captures, only_ok=True, event_slug=event_slug, stem=next_url)
            request.meta[meta.PAGINATION] = True
            yield request

    # -- articles --------------------------------------------------------------------
    def article_captures(self, response: Response, url: str, link_urls: list[str]) -> Iterator[Any]:
        self.crawler.stats.inc_value(Stat.ARTICLE_LOOKUPS_ANSWERED)
        captures, _ = self.listing(response)
        good = changes([c for c in captures if c.ok])
        if good:
            chosen = good if self.all_captures else good[-1:]
            yield self.capture(chosen[0], self.parse_article, "article", url=url, link_urls=link_urls,
                               rest=chosen[1:])
        elif any(c.redirect for c in captures):
            latest = max((c for c in captures if c.redirect), key=lambda c: c.timestamp)
            yield self.capture(latest, self.follow_redirect, "redirect", url=url, link_urls=link_urls)
        elif captures:
            statuses = sorted({str(c.status) for c in captures})
            latest = max(captures, key=lambda c: c.timestamp)
            # no usable copy: a capture of a 404 says what the site answered the archiver then, not now, so it
            # neither marks an archived story removed nor keeps the live crawl from the address
            yield CrawlErrorItem(url, latest.status, f"captured only with status {', '.join(statuses)}",
                                 kind="missing")
        else:
            yield CrawlErrorItem(url, None, f"missing: {self.archive_name} has no capture of it"
                                 + self._window(), kind="missing")

    def _window(self) -> str:
        if self.date_from or self.date_to:
            return f" between {self.date_from or 'the start'} and {self.date_to or 'now'}"
        return ""

    def follow_redirect(self, response: Response, url: str, link_urls: list[str]) -> Iterator[Any]:
        """A redirect capture: look up the captures of where it pointed."""
        location = (response.headers.get("Location") or b"").decode("latin-1").strip()
        if not location:
            yield CrawlErrorItem(url, response.status, "redirect capture without a Location")
            return
        target = canonical_url(absolute(unwrap(location), response.meta[meta.ORIGINAL_URL]))
        if target not in self.looked_up:
            self.looked_up.add(target)
            yield self.cdx(target, self.article_captures, url=target, link_urls=[*link_urls, target])

    def parse_article(self, response: Response, url: str, link_urls: list[str],
                      rest: list[Capture]) -> Iterator[Any]:
        if 300 <= response.status < 400:  # the page was captured as a redirect after all
            yield from self.follow_redirect(response, url, link_urls)
        elif isinstance(response, TextResponse):
            self.crawler.stats.inc_value(Stat.ARTICLE_PAGES)
            page = self.as_site_page(response)
            yield ArticleItem(fetched_url=canonical_url(page.url), link_urls=sorted(set(link_urls)),
                              extracted=article_page_for(page).extract(),
                              raw_page_id=response.meta.get(meta.RAW_PAGE_ID), source=self.source_name,
                              capture_timestamp=response.meta[meta.CAPTURE_TIMESTAMP], capture_url=response.url)
        if rest:  # the next different capture, only after this one: versions in capture order
            yield self.capture(rest[0], self.parse_article, "article", url=url, link_urls=link_urls, rest=rest[1:])

    def failed(self, failure: Failure) -> Iterator[Any]:
        request = failed_request(failure)
        subject = request.meta.get(meta.ORIGINAL_URL) or request.meta.get(meta.SUBJECT) or request.url
        if request.meta.get(meta.PAGE_KIND) == "feed":
            self.crawler.stats.inc_value(Stat.FEED_PAGES_FAILED)
        status = getattr(getattr(failure.value, "response", None), "status", None)
        reason = f"{self.archive_name} answered HTTP {status}" if status else \
            f"{failure_name(failure)}: {failure.getErrorMessage()}"
        yield CrawlErrorItem(subject, status, reason)
