"""The Common Crawl spider: rebuilds the event feeds and their articles from Common Crawl's monthly crawls.

The same walk as the Wayback spider (home page captures → feeds → every captured feed
page → every article's captures, each different content in time order), with
Common Crawl's index (one collection per monthly crawl, asked one after the other) and
its WARC records fetched by byte range (CommonCrawlRecordMiddleware turns a record into
the captured page). A record already in raw_pages is never fetched again.

    kinhtedothi crawl --source commoncrawl --crawls CC-MAIN-2021-17,CC-MAIN-2021-21
    scrapy crawl commoncrawl -a crawls=CC-MAIN-2021-17 -s ARCHIVE_DB=archive.db
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from scraper import meta
from scraper.archive_middlewares import RecordRefused
from scraper.commoncrawl import (DATA_URL, INDEX_URL, CcCapture, byte_range, crawl_list, index_query,
                                 parse_index, parse_num_pages, record_url)
from scraper.sources.commoncrawl import SLOT, THROTTLE
from scraper.spiders import failed_request, failure_name
from scraper.spiders.wayback import WaybackSpider
from scraper.throttle import ThrottlePolicy
from scraper.wayback import Capture
from kinhtedothi.vocab.items import CrawlErrorItem
from kinhtedothi.vocab.outcomes import Stat
from kinhtedothi.vocab.sources import COMMONCRAWL
from kinhtedothi.vocab.urls import canonical_url, site_url
from scraper.warc_import import MAX_PAYLOAD

# What one index query may make us read, whatever the index claims (docs/security.md): past a bound the query is
# recorded in crawl_errors as not read whole (Stat.INDEX_QUERIES_UNREAD: the run is incomplete).
MAX_INDEX_ANSWER = 16 * 1024 * 1024  # one answer: a page of the real index (5 blocks of 3,000 lines) is a few MB
MAX_INDEX_PAGES = 20                 # pages of one prefix query in one crawl (a feed's captures fill one)
MAX_INDEX_CAPTURES = 50_000          # captures gathered for one address over every crawl


class CommonCrawlSpider(WaybackSpider):
    name = "commoncrawl"
    source_name = COMMONCRAWL.name
    archive_name = "Common Crawl"
    throttle: ThrottlePolicy = THROTTLE  # one slot for the index and the data host

    def __init__(self, index_url: str | None = None, data_url: str | None = None, crawls: str | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.index_url = (index_url or INDEX_URL).rstrip("/")
        self.data_url = (data_url or DATA_URL).rstrip("/")
        self.crawls = crawl_list(crawls)

    @property
    def archive_urls(self) -> list[str]:
        return [self.index_url, self.data_url]

    async def start(self):
        """What this run scheduled is kept in the stats (crawl_runs.stats): the slot and the crawls."""
        slot = self.crawler.settings.getdict("DOWNLOAD_SLOTS")[SLOT]
        self.crawler.stats.set_value(Stat.COMMONCRAWL_SLOT, {k: slot[k] for k in ("concurrency", "delay")})
        self.crawler.stats.set_value(Stat.COMMONCRAWL_CRAWLS, ",".join(self.crawls))
        async for item in super().start():
            yield item

    # -- the index: every crawl in turn, a prefix query page by page ---------------------------
    def cdx(self, subject: str, callback: Callable[..., Iterator[Any]], *, prefix: bool = False,
            only_ok: bool = False, resume: str | None = None, **cb_kwargs: Any) -> scrapy.Request:
        """The captures of ``subject`` in every crawl of the list, gathered, then handed to ``callback``."""
        state = {"subject": subject.split("://", 1)[-1], "url": subject, "prefix": prefix, "only_ok": only_ok,
                 "crawl": 0, "page": None, "pages": None, "found": [], "unread": 0, "full": False,
                 "then": callback.__name__, "kwargs": cb_kwargs}
        return self._index_request(state)

    def _index_request(self, state: dict) -> scrapy.Request:
        crawl = self.crawls[state["crawl"]]
        asking_pages = state["prefix"] and state["pages"] is None
        url = index_query(self.index_url, crawl, state["subject"], prefix=state["prefix"], page=state["page"],
                          num_pages=asking_pages)
        return scrapy.Request(url, callback=self.on_index, errback=self.failed, dont_filter=True,
                              meta={**self.throttle.meta(self.settings, SLOT), meta.PAGE_KIND: "cdx",
                                    meta.SUBJECT: state["url"], meta.CC_STATE: state,
                                    "handle_httpstatus_list": [404], "download_maxsize": MAX_INDEX_ANSWER})

    def on_index(self, response: Response) -> Iterator[Any]:
        state = response.meta[meta.CC_STATE]
        crawl = self.crawls[state["crawl"]]
        if state["prefix"] and state["pages"] is None:  # the page count first
            claimed = parse_num_pages(response.text) if response.status == 200 else 0
            if claimed > MAX_INDEX_PAGES:
                yield self._unread(state, f"Common Crawl's index of {crawl} claims {claimed:,} pages of captures "
                                          f"under this address: only the first {MAX_INDEX_PAGES} are read "
                                          f"(MAX_INDEX_PAGES)")
            state.update(pages=min(claimed, MAX_INDEX_PAGES), page=0)
        elif response.status == 200:  # 404: this crawl holds no capture of it
            room = MAX_INDEX_CAPTURES - len(state["found"])
            captures = parse_index(response.text, crawl, limit=room + 1)
            if len(captures) > room:
                captures, state["full"] = captures[:room], True
                yield self._unread(state, f"Common Crawl's index lists more than {MAX_INDEX_CAPTURES:,} captures "
                                          f"of this address: the crawls after {crawl} are not read "
                                          f"(MAX_INDEX_CAPTURES)")
            state["found"] += [c for c in captures if c.ok or not state["only_ok"]]
            if state["page"] is not None:  # an empty page ends the walk, whatever the count claimed
                state["page"] = state["page"] + 1 if captures else state["pages"]
        else:
            state["page"] = state["pages"]
        yield from self._next_query(state, response)

    def _next_query(self, state: dict, response: Response) -> Iterator[Any]:
        """The next page or crawl to ask about the subject; after the last, the callback with every capture
        gathered (none at all while some query went unread: the errors recorded say why, not "missing")."""
        if state["full"]:
            pass
        elif state["page"] is not None and state["page"] < (state["pages"] or 0):
            yield self._index_request(state)
            return
        elif state["crawl"] + 1 < len(self.crawls):
            state.update(crawl=state["crawl"] + 1, page=None, pages=None)
            yield self._index_request(state)
            return
        if state["unread"] and not state["found"]:
            return
        response.meta[meta.CC_CAPTURES] = state["found"]
        yield from getattr(self, state["then"])(response, **state["kwargs"])

    def _unread(self, state: dict, reason: str) -> CrawlErrorItem:
        """An index query not read whole: counted (the run is incomplete) and recorded under its subject."""
        state["unread"] += 1
        self.crawler.stats.inc_value(Stat.INDEX_QUERIES_UNREAD)
        return CrawlErrorItem(state["url"], None, reason)

    def failed(self, failure: Failure) -> Iterator[Any]:
        """An index query that failed (an error answer after the retries, an answer over MAX_INDEX_ANSWER, no
        connection) is recorded, and the subject is still asked of the other crawls. A record that could not be
        fetched is counted (CommonCrawlRecordMiddleware counts those it refuses) and recorded."""
        request = failed_request(failure)
        state = request.meta.get(meta.CC_STATE)
        if state is None:
            if request.meta.get(meta.CC_RECORD) and not failure.check(RecordRefused):  # (refusals are counted)
                self.crawler.stats.inc_value(Stat.COMMONCRAWL_RECORDS_UNREAD)
            yield from super().failed(failure)
            return
        status = getattr(getattr(failure.value, "response", None), "status", None)
        why = f"HTTP {status}" if status else f"{failure_name(failure)}: {failure.getErrorMessage()}"
        yield self._unread(state, f"Common Crawl's index of {self.crawls[state['crawl']]} could not be read "
                                  f"({why}): its captures of this address are not known")
        state["page"] = state["pages"]
        yield from self._next_query(state, Response(request.url, request=request))

    @staticmethod
    def listing(response: Response) -> tuple[list[Capture], str | None]:
        """The captures gathered from every crawl (CcCapture, each), and no resume key."""
        return response.meta[meta.CC_CAPTURES], None

    def _window(self) -> str:
        return f" in the {len(self.crawls)} crawls {self.crawls[0]} … {self.crawls[-1]}"

    # -- records ---------------------------------------------------------------------------------
    def capture(self, capture: Capture, callback: Callable[..., Iterator[Any]], kind: str,
                **cb_kwargs: Any) -> scrapy.Request:
        """One WARC record by byte range (never twice: CaptureCacheMiddleware finds it in raw_pages)."""
        if not isinstance(capture, CcCapture):  # listing() gives only Common Crawl's captures
            raise TypeError(f"not a Common Crawl capture: {capture!r}")
        return scrapy.Request(record_url(self.data_url, capture), callback=self.on_capture, errback=self.failed,
                              headers={"Range": byte_range(capture), "Accept-Encoding": "identity"},
                              dont_filter=True, cb_kwargs={"then": callback.__name__, **cb_kwargs},
                              meta={**self.throttle.meta(self.settings, SLOT), meta.PAGE_KIND: kind,
                                    meta.CC_RECORD: True, meta.SOURCE: self.source_name,
                                    "download_maxsize": 2 * MAX_PAYLOAD,
                                    meta.ORIGINAL_URL: site_url(capture.original) if kind != "article"
                                    else canonical_url(capture.original),
                                    meta.CAPTURE_TIMESTAMP: capture.timestamp, meta.CC_TARGET: capture.original,
                                    "dont_redirect": True,
                                    "handle_httpstatus_list": [301, 302, 303, 307, 308]})
