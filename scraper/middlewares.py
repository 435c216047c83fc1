"""Downloader middlewares: fetch site URLs from a mirror, keep every raw response, back off."""

from __future__ import annotations

import asyncio
import logging
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from time import monotonic

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.response import response_status_message

from pipelines.component import UsesArchive
from pipelines.store import decompress
from scraper.urls import from_mirror, is_site_url, to_mirror

logger = logging.getLogger(__name__)


class MirrorMiddleware:
    """With BASE_URL set, a request for ``https://kinhtedothi.vn/x`` is fetched from ``BASE_URL/x``
    and its response comes back under the site URL, so that nothing else knows about the mirror."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")

    @classmethod
    def from_crawler(cls, crawler):
        base_url = crawler.settings.get("BASE_URL")
        if not base_url:
            raise NotConfigured
        return cls(base_url)

    def process_request(self, request: Request):
        if is_site_url(request.url):
            # robots.txt was already checked for the site URL; the mirror's copy is the same file
            return request.replace(url=to_mirror(request.url, self.base_url), dont_filter=True,
                                   meta={**request.meta, "dont_obey_robotstxt": True})
        return None

    def process_response(self, request: Request, response: Response):
        location = response.headers.get("Location")
        if location:  # an absolute redirect to the mirror's own host is a site URL too
            target = from_mirror(response.urljoin(location.decode("latin-1")), self.base_url)
            response.headers["Location"] = target.encode("latin-1")
        request.meta["fetched_from"] = response.url
        return response.replace(url=from_mirror(response.url, self.base_url))


class RawPageMiddleware(UsesArchive):
    """Stores every response, compressed, before anything parses it (``raw_pages``)."""

    def process_response(self, request: Request, response: Response):
        if request.meta.get("from_archive"):  # read back from raw_pages: stored already
            return response
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        kind = "robots" if response.url.endswith("/robots.txt") else request.meta.get("page_kind")
        raw_id = self.archive.save_raw_page(
            request.meta.get("original_url", response.url),  # a capture is filed under the page it captured
            request.meta.get("fetched_from", response.url), response.status, content_type, response.body, kind,
            source=request.meta.get("source") or ("wayback" if request.meta.get("capture_timestamp") else "live"),
            capture_timestamp=request.meta.get("capture_timestamp"))
        request.meta["raw_page_id"] = raw_id
        self.stats.inc_value("archive/pages_fetched")
        return response


class CaptureCacheMiddleware(UsesArchive):
    """A Wayback capture already in raw_pages is read from there, never fetched twice
    (so an interrupted Wayback crawl resumes where it stopped)."""

    def process_request(self, request: Request):
        if not request.meta.get("capture_timestamp"):
            return None
        stored = self.archive.stored_capture(request.url)
        if stored is None:
            return None
        request.meta.update(from_archive=True, raw_page_id=stored["id"])
        self.stats.inc_value("archive/captures_from_archive")
        headers = {"Content-Type": stored["content_type"]} if stored["content_type"] else {}
        return HtmlResponse(url=request.url, status=200, headers=headers, body=decompress(stored["body"]),
                            request=request)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, waiting before each one: ``Retry-After`` when the server says,
    else RETRY_BACKOFF_BASE × 2^(attempt-1) seconds, at most RETRY_BACKOFF_MAX."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 120.0)
        self.archive_wait = settings.getfloat("WAYBACK_429_WAIT", 60.0)
        self.archive_429s = 0  # consecutive 429s from the Wayback Machine
        self.cc_wait = settings.getfloat("COMMONCRAWL_THROTTLE_WAIT", 30.0)
        self.cc_throttled = 0  # consecutive 429s and 503s from Common Crawl

    def delay_for(self, request: Request, response: Response | None) -> float:
        """Seconds to wait before retrying; for a 429 from the Wayback Machine at least
        WAYBACK_429_WAIT, doubled for each 429 in a row (its rules: ignoring 429s gets the IP blocked)."""
        attempt = request.meta.get("retry_times", 0) + 1
        wait = self.base * 2 ** (attempt - 1)
        if response is not None and response.headers.get("Retry-After"):
            wait = max(wait, _retry_after_seconds(response.headers["Retry-After"].decode("latin-1")))
        if response is not None and response.status == 429 and request.meta.get("wayback"):
            return max(wait, self.archive_wait * 2 ** (self.archive_429s - 1))
        if response is not None and _cc_throttle(request, response):
            return max(wait, self.cc_wait * 2 ** (self.cc_throttled - 1))
        return min(wait, self.cap)

    def hold_wayback(self, wait: float) -> None:
        """Hold every Wayback download slot (CDX and captures) for ``wait`` seconds."""
        logger.warning("the Wayback Machine answered 429: sending it nothing for %.0f s", wait)
        for key, slot in self.crawler.engine.downloader.slots.items():
            if key.startswith("wayback"):
                _hold(slot, wait)

    def hold_commoncrawl(self, wait: float) -> None:
        """Hold the Common Crawl slot (index and data) for ``wait`` seconds; the holds are kept in the stats."""
        logger.warning("Common Crawl asked us to slow down: sending it nothing for %.1f s", wait)
        holds = self.crawler.stats.get_value("archive/commoncrawl_holds") or []
        self.crawler.stats.set_value("archive/commoncrawl_holds", [*holds, round(wait, 3)])
        for key, slot in self.crawler.engine.downloader.slots.items():
            if key.startswith("commoncrawl"):
                _hold(slot, wait)

    async def process_response(self, request: Request, response: Response, spider=None):
        if request.meta.get("wayback"):
            self.archive_429s = self.archive_429s + 1 if response.status == 429 else 0
        if request.meta.get("commoncrawl"):
            self.cc_throttled = self.cc_throttled + 1 if _cc_throttle(request, response) else 0
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        wait = self.delay_for(request, response)
        logger.info("HTTP %s for %s: retrying in %.1fs", response.status, response.url, wait)
        if response.status == 429 and request.meta.get("wayback"):
            self.hold_wayback(wait)  # the whole archive asked us to slow down: send nothing to it meanwhile
        elif _cc_throttle(request, response):
            self.hold_commoncrawl(wait)
        else:
            await asyncio.sleep(wait)
        return retry


def _cc_throttle(request: Request, response: Response) -> bool:
    """Common Crawl's "slow down": a 429 or a 503 from its index or data host."""
    return bool(request.meta.get("commoncrawl")) and response.status in (429, 503)


def _hold(slot, wait: float) -> None:
    """Let a download slot send nothing for ``wait`` seconds (its delay counts from lastseen)."""
    slot.lastseen = max(slot.lastseen, monotonic() + wait)


def _retry_after_seconds(value: str) -> float:
    """``Retry-After`` as seconds (it may be a number or an HTTP date)."""
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, (parsedate_to_datetime(value) - datetime.now(timezone.utc)).total_seconds())
        except (TypeError, ValueError):
            return 0.0
