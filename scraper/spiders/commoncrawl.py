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

from scraper import meta
from scraper.commoncrawl import (DATA_URL, INDEX_URL, CcCapture, byte_range, crawl_list, index_query,
                                 parse_index, parse_num_pages, record_url)
from scraper.sources.commoncrawl import SLOT, THROTTLE
from scraper.spiders.wayback import WaybackSpider
from scraper.throttle import ThrottlePolicy
from scraper.wayback import Capture
from kinhtedothi.vocab.outcomes import Stat
from kinhtedothi.vocab.sources import COMMONCRAWL
from kinhtedothi.vocab.urls import canonical_url, site_url
from scraper.warc_import import MAX_PAYLOAD

MAX_INDEX_ANSWER = 64 * 1024 * 1024  # one page of the index (15,000 lines) is a few MB


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
        state = {"subject": subject.split("://", 1)[-1], "prefix": prefix, "only_ok": only_ok, "crawl": 0,
                 "page": None, "pages": None, "found": [], "then": callback.__name__, "kwargs": cb_kwargs}
        return self._index_request(state)

    def _index_request(self, state: dict) -> scrapy.Request:
        crawl = self.crawls[state["crawl"]]
        asking_pages = state["prefix"] and state["pages"] is None
        url = index_query(self.index_url, crawl, state["subject"], prefix=state["prefix"], page=state["page"],
                          num_pages=asking_pages)
        return scrapy.Request(url, callback=self.on_index, errback=self.failed, dont_filter=True,
                              meta={**self.throttle.meta(self.settings, SLOT), meta.PAGE_KIND: "cdx",
                                    meta.SUBJECT: state["subject"], meta.CC_STATE: state,
                                    "handle_httpstatus_list": [404], "download_maxsize": MAX_INDEX_ANSWER})

    def on_index(self, response: Response) -> Iterator[Any]:
        state = response.meta[meta.CC_STATE]
        crawl = self.crawls[state["crawl"]]
        if state["prefix"] and state["pages"] is None:
            state["pages"] = parse_num_pages(response.text) if response.status == 200 else 0
            state["page"] = 0
        elif response.status == 200:  # 404: this crawl holds no capture of it
            state["found"] += [c for c in parse_index(response.text, crawl) if c.ok or not state["only_ok"]]
            if state["page"] is not None:
                state["page"] += 1
        else:
            state["page"] = state["pages"]
        if state["page"] is not None and state["page"] < (state["pages"] or 0):
            yield self._index_request(state)
            return
        if state["crawl"] + 1 < len(self.crawls):
            state.update(crawl=state["crawl"] + 1, page=None, pages=None)
            yield self._index_request(state)
            return
        response.meta[meta.CC_CAPTURES] = state["found"]
        yield from getattr(self, state["then"])(response, **state["kwargs"])

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
                                    meta.CAPTURE_TIMESTAMP: capture.timestamp, "dont_redirect": True,
                                    "handle_httpstatus_list": [301, 302, 303, 307, 308]})
