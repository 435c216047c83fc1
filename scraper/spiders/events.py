"""The event-feed spider: home page → "Dòng sự kiện" feeds → every feed page → every article.

Incremental by default: once a feed has been read to its last page, later runs
start from its stored first page and stop at the first page that lists nothing
new; they also fetch links left pending by an interrupted run and articles due
for a re-check (RECHECK_SCHEDULE). ``-a full=1`` reads everything again.
``-a gap_urls=…`` (``kinhtedothi crawl --fill-gaps``) fetches only those articles.

    scrapy crawl events -a base_url=http://127.0.0.1:8000 -s ARCHIVE_DB=archive.db
    scrapy crawl events -a events=dai-dich-covid-19 -a full=1
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Callable, Iterator

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from scraper import events as catalog
from scraper import meta
from scraper.extensions import archive_for
from kinhtedothi.vocab.outcomes import Stat
from kinhtedothi.vocab.items import ArticleItem, CrawlErrorItem, EventItem, FeedEndItem, FeedLinkItem
from scraper.pages import EventBarPage, ListingPage, article_page_for
from scraper.spiders import failed_request, failure_name
from scraper.spiders.today import SEARCH_MARK, TodaysSite
from kinhtedothi.vocab.generations import era
from kinhtedothi.vocab.urls import SITE, canonical_url, from_mirror, numbered_id, site_url


def feed_slug(url: str, event: str | None) -> str:
    """The event a --feed-url files its articles under: --event, else one named after the URL."""
    return event or "feed-" + canonical_url(url).split("/", 3)[-1].removesuffix(".html").replace("/", "-")


def name_of(slug: str) -> str:
    try:
        return catalog.by_slug(slug).name
    except KeyError:
        return slug


def fallback_items(spider: scrapy.Spider, event: catalog.Event, why: str,
                   read_feed: Callable[[str, str], scrapy.Request]) -> Iterator[Any]:
    """An event the bar does not list: read its catalog URL, or record it as not found (exit 5)."""
    if event.fallback_url:
        spider.logger.warning("event %s %s: using the catalog URL %s", event.slug, why, event.fallback_url)
        yield EventItem(event.slug, event.name, event.fallback_url, "fallback")
        yield read_feed(event.fallback_url, event.slug)
    else:
        spider.logger.error("event %s %s, and the catalog has no fallback URL", event.slug, why)
        stats = spider.crawler.stats
        stats.set_value(Stat.EVENTS_NOT_FOUND,
                        ", ".join(filter(None, [stats.get_value(Stat.EVENTS_NOT_FOUND), event.slug])))
        yield EventItem(event.slug, event.name, None, "not-found")
        yield CrawlErrorItem(f"event:{event.slug}", None, f"event feed not found: {why}")


def listing_failure(spider: scrapy.Spider, page: ListingPage, url: str, status: int, fallback: int) -> CrawlErrorItem:
    """A listing with no article link in known markup fails the run: layout drift (exit 4) when the page
    links articles our selectors miss (``fallback`` of them carry an id and are followed all the same),
    incomplete (exit 5) when it links none."""
    stats = spider.crawler.stats
    if fallback:
        stats.inc_value(Stat.FEED_PAGES_FALLBACK)
        spider.logger.warning("%s: no known listing markup; took %d links that carry an article id", url, fallback)
        return CrawlErrorItem(url, status, f"feed page matches no known listing markup: layout drift ({fallback} "
                                           "links that carry an article id followed)")
    stats.inc_value(Stat.FEED_PAGES_EMPTY)
    if page.looks_like_drift():
        stats.inc_value(Stat.FEED_PAGES_DRIFT)
        return CrawlErrorItem(url, status, "feed page lists no article links: layout drift (it links articles in "
                                           "markup the parser does not know)")
    return CrawlErrorItem(url, status, "feed page lists no article links")


class EventsSpider(TodaysSite, scrapy.Spider):
    name = "events"

    def __init__(self, base_url: str | None = None, events: str | None = None, full: Any = False,
                 feed_urls: str | list[str] | None = None, event: str | None = None,
                 gap_urls: str | list[str] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.gap_urls = [u for u in (gap_urls.split(",") if isinstance(gap_urls, str) else gap_urls or []) if u]
        self.base_url = base_url
        self.events = catalog.select(events)
        self.feed_urls = [u for u in (feed_urls.split(",") if isinstance(feed_urls, str) else feed_urls or []) if u]
        self.feed_event = event
        self.full = str(full).lower() in ("1", "true", "yes", "on")
        self.known_urls: dict[str, int] = {}                 # address -> era of the story's last reading
        self.known_ids: dict[tuple[str, int], int] = {}      # (numbering, id) -> the same
        self.walked: dict[str, str] = {}
        self.walks: dict[str, tuple[int, set[str]]] = {}  # first page -> (pages read, links seen) in this run
        self.home_asked = False   # the home page is read once a run, however many stored feeds moved

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        base_url = kwargs.get("base_url") or crawler.settings.get("BASE_URL")
        if base_url:  # -a base_url=… is the same as -s BASE_URL=…
            crawler.settings.set("BASE_URL", base_url, priority="spider")
            kwargs["base_url"] = base_url
        return super().from_crawler(crawler, *args, **kwargs)

    async def start(self) -> AsyncIterator[scrapy.Request | EventItem]:
        if self.gap_urls:  # kinhtedothi crawl --fill-gaps: only these known but missing articles
            for url in self.gap_urls:
                yield self.article_request(url)
            return
        archive = archive_for(self.crawler)
        self.known_urls, self.known_ids = archive.known_links()
        self.walked = {} if self.full else archive.feeds_walked()
        if self.feed_urls:  # listing pages named on the command line instead of the catalog's feeds
            for url in self.feed_urls:
                slug = feed_slug(url, self.feed_event)
                yield EventItem(slug, name_of(slug), site_url(url), "feed-url")
                yield self.feed_request(site_url(url), slug)
        elif all(event.slug in self.walked for event in self.events):
            for event in self.events:  # feeds known and read to the end before: no need for the home page
                yield self.feed_request(self.walked[event.slug], event.slug, stored=True)
        else:
            yield self.home_request()
        if not self.full:
            schedule = self.crawler.settings.get("RECHECK_SCHEDULE")
            for url in archive.pending_links() + archive.due_for_recheck(schedule):
                yield self.article_request(url)

    def home_request(self) -> scrapy.Request:
        self.home_asked = True
        return scrapy.Request(f"{SITE}/", callback=self.parse_home, errback=self.home_failed,
                              meta={meta.PAGE_KIND: "home"})

    def is_known(self, url: str, listing_era: int = 0) -> bool:
        """Archived (or settled as an error) from a generation of the site at least as recent as the
        listing's: a story archived from the legacy site and linked by today's is read again, to learn
        its address today. Ids count only within their own numbering."""
        numbered = numbered_id(url)
        stored = self.known_urls.get(url)
        if stored is None and numbered is not None:
            stored = self.known_ids.get((numbered.numbering, numbered.id))
        return stored is not None and stored >= listing_era

    # -- discovery -----------------------------------------------------------------
    def parse_home(self, response: Response) -> Iterator[Any]:
        """The bar by name (legacy pages); without a bar (today's site), the tag page, then the search."""
        page = EventBarPage(response)
        by_bar = self.crawler.settings.getbool("FIND_EVENTS_BY_BAR", True)
        has_bar = by_bar and page.bar() is not None
        links = page.event_links() if by_bar else []
        for event in self.events:
            found = next((link for link in links if event.matches(link.name)), None)
            if found:
                yield EventItem(event.slug, event.name, found.url, "bar")
                yield self.feed_request(found.url, event.slug)
            elif has_bar:
                yield from self.fallback(event, f"not in the 'Dòng sự kiện' bar of {response.url}")
            else:
                yield from self.find_elsewhere(event, f"no 'Dòng sự kiện' bar on {response.url}")

    def home_failed(self, failure: Failure) -> Iterator[Any]:
        yield self.error_item(failure)
        for event in self.events:
            yield from self.fallback(event, "home page failed")

    def fallback(self, event: catalog.Event, why: str) -> Iterator[Any]:
        yield from fallback_items(self, event, why, self.feed_request)

    # -- feeds -----------------------------------------------------------------------
    def feed_request(self, url: str, event_slug: str, stored: bool = False, walk: str | None = None) -> scrapy.Request:
        if SEARCH_MARK in url:  # an event found by the site search: search again
            request = self.search_request(event_slug, 1)
            request.meta[meta.STORED_FEED_URL] = stored
            return request
        return scrapy.Request(url, callback=self.parse_feed, errback=self.feed_failed,
                              cb_kwargs={"event_slug": event_slug},
                              meta={meta.EVENT_SLUG: event_slug, meta.PAGE_KIND: "feed",
                                    meta.STORED_FEED_URL: stored, meta.WALK: walk or url})

    def walk_stop(self, response: Response, urls: list[str]) -> str | None:
        """Why this feed walk stops here whatever the page says next (MAX_FEED_PAGES, or a page whose
        links all came before in the same walk: pagination that only changes a query parameter)."""
        walk = response.meta.get(meta.WALK) or response.url
        pages, seen = self.walks.setdefault(walk, (0, set()))
        repeated = bool(urls) and seen.issuperset(urls)
        seen.update(urls)
        self.walks[walk] = (pages + 1, seen)
        limit = self.crawler.settings.getint("MAX_FEED_PAGES", 300)
        if pages + 1 >= limit:
            return f"feed walk stopped after {pages + 1} pages (MAX_FEED_PAGES)"
        if repeated:
            return "feed walk stopped: this page lists only links seen before in the same walk"
        return None

    def article_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_article, errback=self.article_failed,
                              meta={meta.LINK_URL: url, meta.PAGE_KIND: "article"})

    def parse_feed(self, response: Response, event_slug: str) -> Iterator[Any]:
        page = ListingPage(response)
        urls = page.article_urls()
        if not urls:  # no known listing markup: a failure the run reports, whatever the fallback finds
            urls = page.fallback_urls()
            yield listing_failure(self, page, response.url, response.status, len(urls))
        listing_era = era(page.layout())
        new = [url for url in urls if not self.is_known(url, listing_era)]
        for position, url in enumerate(urls, 1):
            yield FeedLinkItem(event_slug, url, response.url, position)
            if self.full or url in new:
                yield self.article_request(url)
        next_url = page.next_page_url()
        more = self.paging_request(page, event_slug) if next_url is None and urls else None
        stop = self.walk_stop(response, urls) if next_url else None
        if next_url is None and more is None:
            yield FeedEndItem(event_slug)
        elif stop:
            self.crawler.stats.inc_value(Stat.FEED_WALKS_STOPPED)
            self.logger.warning("%s: %s; next would be %s", event_slug, stop, next_url)
            yield CrawlErrorItem(response.url, response.status, stop)
        elif self.full or event_slug not in self.walked or new:
            if more is not None:  # "Xem thêm": JSON paging
                yield more
            elif next_url is not None:
                yield self.feed_request(next_url, event_slug, walk=response.meta.get(meta.WALK))
        else:
            self.logger.info("%s: nothing new on %s; not reading further (use --full to)", event_slug, response.url)

    def feed_failed(self, failure: Failure) -> Iterator[Any]:
        request = failed_request(failure)
        error = failure.value
        status = error.response.status if isinstance(error, HttpError) else None
        if request.meta.get(meta.STORED_FEED_URL) and status in (404, 410):
            # A feed address stored by an earlier run is gone (the site's 2022 CMS dropped the legacy
            # /su-kien/ feeds): not a failed run. The event is looked for again (bar, tag page, search);
            # only if nothing finds it is the run incomplete (events_not_found, exit 5).
            self.crawler.stats.inc_value(Stat.FEEDS_MOVED)
            self.logger.warning("%s: the stored feed address answers %d; looking for the event again", request.url,
                                status)
            yield CrawlErrorItem(from_mirror(request.url, self.base_url), status,
                                 f"stored feed address gone ({status}): the event is looked for again on the home "
                                 "page (tag page, site search)", kind="moved-feed")
            if not self.home_asked:
                yield self.home_request()
            return
        self.crawler.stats.inc_value(Stat.FEED_PAGES_FAILED)
        yield self.error_item(failure)
        if request.meta.get(meta.STORED_FEED_URL) and not self.home_asked:  # look for the feed in the bar again
            yield self.home_request()

    # -- articles --------------------------------------------------------------------
    def parse_article(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            yield CrawlErrorItem(response.url, response.status, "not an HTML page")
            return
        self.crawler.stats.inc_value(Stat.ARTICLE_PAGES)
        redirects = [from_mirror(u, self.base_url) for u in response.meta.get("redirect_urls", [])]
        link_urls = {canonical_url(u) for u in [response.meta.get(meta.LINK_URL), *redirects] if u}
        extracted = article_page_for(response).extract()
        if response.meta.get(meta.SEARCH_EVENT):  # found by the site search: only inside the event's dates
            verdict = self.search_verdict(response, extracted)
            yield verdict
            if isinstance(verdict, CrawlErrorItem):
                return
        yield ArticleItem(fetched_url=response.url, link_urls=sorted(link_urls), extracted=extracted,
                          raw_page_id=response.meta.get(meta.RAW_PAGE_ID))

    def article_failed(self, failure: Failure) -> Iterator[Any]:
        if isinstance(failure.value, HttpError):  # the site answered (a 404 is an answer about the article)
            self.crawler.stats.inc_value(Stat.ARTICLE_LOOKUPS_ANSWERED)
        yield self.error_item(failure)

    def error_item(self, failure: Failure) -> CrawlErrorItem:
        request = failed_request(failure)
        url = from_mirror(request.meta.get(meta.LINK_URL) or request.url, self.base_url)  # the article, not a redirect
        if isinstance(failure.value, HttpError):
            status = failure.value.response.status
            reason = "dead link (404)" if status in (404, 410) else f"HTTP {status}"
            return CrawlErrorItem(url, status, reason)
        self.logger.warning("%s: %s", url, failure.getErrorMessage())
        return CrawlErrorItem(url, None, f"{failure_name(failure)}: {failure.getErrorMessage()}")
