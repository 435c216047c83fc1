"""Downloader middlewares: only the site's own pages, fetch site URLs from a mirror, keep every raw
response (decompressed), back off on errors and empty answers, obey each source's throttle policy."""

from __future__ import annotations

import asyncio
import logging
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone

from scrapy.downloadermiddlewares import redirect
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.response import get_meta_refresh
from urllib.parse import urljoin, urlsplit

from w3lib.url import safe_url_string

from scrapy import Spider
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.response import response_status_message

from pipelines.component import UsesArchive
from pipelines.raw_pages import decompress
from scraper import meta
from scraper.scrapy_internals import hold_slots, retry_request, slot_state
from scraper.sources import throttle_policies
from scraper.throttle import ThrottlePolicy
from kinhtedothi.vocab.decoding import decode_page
from kinhtedothi.vocab.outcomes import Stat, StatFamily
from kinhtedothi.vocab.sources import LIVE
from kinhtedothi.vocab.urls import from_mirror, is_site_url, to_mirror

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
            try:
                target = from_mirror(response.urljoin(location.decode("latin-1")), self.base_url)
                response.headers["Location"] = target.encode("latin-1")
            except ValueError:  # not even an address (``http://[…``): RedirectMiddleware refuses it
                pass
        request.meta[meta.FETCHED_FROM] = response.url
        return response.replace(url=from_mirror(response.url, self.base_url))


class OffSiteError(IgnoreRequest):
    """A request for a host that is not the site, its mirror or the Wayback Machine."""


class OffSiteMiddleware:
    """Only the site's own pages: a request (a next link, a redirect's target) for any other host
    is refused before robots.txt or the network see it; the spider's errback records it in crawl_errors.

    Allowed: the site's hosts, the mirror given with --base-url, the Wayback Machine (WAYBACK_URL), and
    the web archives the spider reads (its ``archive_urls``: the Wayback Machine or Common Crawl given
    on the command line)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.allowed = {urlsplit(u).netloc.lower() for u in (crawler.settings.get("BASE_URL"),
                                                               crawler.settings.get("WAYBACK_URL")) if u}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request: Request):
        netloc = urlsplit(request.url).netloc.lower()
        if is_site_url(request.url) or netloc in self.allowed:
            return None
        archives = getattr(self.crawler.spider, "archive_urls", ())
        if netloc in {urlsplit(u).netloc.lower() for u in archives if u}:
            return None
        self.crawler.stats.inc_value(Stat.OFFSITE_REFUSED)
        via = request.meta.get("redirect_urls")
        where = f" (redirected from {from_mirror(via[0], self.crawler.settings.get('BASE_URL'))})" if via else ""
        raise OffSiteError(f"off-site URL not followed: {request.url}{where}")


class MetaRefreshMiddleware(redirect.MetaRefreshMiddleware):
    """Scrapy's, except that a refresh to an address that is not http(s) (``javascript:``, ``mailto:``,
    ``tel:``, ``data:``) is ignored and the page read as it is. Scrapy makes the request before it looks at
    the scheme, and the page failed ("Missing scheme in request url"), every run."""

    def process_response(self, request: Request, response: Response, spider: Spider | None = None):
        if isinstance(response, HtmlResponse) and not request.meta.get("dont_redirect"):
            try:
                _, target = get_meta_refresh(response, ignore_tags=self._ignore_tags)
            except ValueError:  # not even an address (``http://[…``): Scrapy's own reading raises
                target = "(an address that cannot be read)"
            if target and not _is_web_address(target):
                logger.info("%s: a meta refresh to %.100s ignored (not an http address): the page is read as it is",
                            response.url, target)
                return response
        return super().process_response(request, response)


class RedirectMiddleware(redirect.RedirectMiddleware):
    """Scrapy's, except that a redirect to an address that is not http(s) is refused with a reason the
    errback records ("redirect not followed (not an http(s) address): …"), not the ValueError Scrapy raised
    making it."""

    def process_response(self, request: Request, response: Response, spider: Spider | None = None):
        location = response.headers.get("Location")
        if location and response.status in (301, 302, 303, 307, 308) and not self._left_alone(request, response):
            target = location.decode("latin-1")
            try:
                target = urljoin(request.url, safe_url_string(target))
            except ValueError:  # not even an address (``http://[…``)
                pass
            if not _is_web_address(target):
                raise IgnoreRequest(f"redirect not followed (not an http(s) address): {target[:200]}")
        return super().process_response(request, response)

    def _left_alone(self, request: Request, response: Response) -> bool:
        """The redirects Scrapy's middleware leaves to the spider."""
        return bool(request.meta.get("dont_redirect") or request.meta.get("handle_httpstatus_all")
                    or response.status in request.meta.get("handle_httpstatus_list", ())
                    or response.status in getattr(self.crawler.spider, "handle_httpstatus_list", ()))


def _is_web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


class EmptyResponse(Exception):
    """A 200 answer with no body: a temporary failure (fetched again next run), never an article."""


class RawPageMiddleware(UsesArchive):
    """Stores every response, compressed, before anything parses it (``raw_pages``).

    A response with a Content-Encoding is stored after Scrapy's HttpCompressionMiddleware has
    decoded it (by ``DecodedRawPageMiddleware``, below it in the chain), so raw_pages always holds
    the page as the site meant it, whatever the transfer or content encoding."""

    decoded_stage = False

    def process_response(self, request: Request, response: Response):
        if request.meta.get(meta.FROM_ARCHIVE):  # read back from raw_pages: stored already
            return response
        if self.decoded_stage:
            return self._save(request, response) if request.meta.pop(meta.RAW_DEFERRED, False) else response
        if response.headers.get("Content-Encoding") and not 300 <= response.status < 400:
            request.meta[meta.RAW_DEFERRED] = True  # stored by DecodedRawPageMiddleware once decoded
            return response
        return self._save(request, response)

    def _save(self, request: Request, response: Response):
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1") or None
        kind = "robots" if response.url.endswith("/robots.txt") else request.meta.get(meta.PAGE_KIND)
        bad = decode_page(response.body, content_type)[1] if response.body and kind != "robots" else None
        if bad:
            self.stats.inc_value(Stat.PAGES_WITH_BAD_BYTES)
            logger.warning("%s: %d byte sequence(s) that are not UTF-8, replaced", response.url, bad)
        raw_id = self.archive.save_raw_page(
            request.meta.get(meta.ORIGINAL_URL, response.url),  # a capture is filed under the page it captured
            request.meta.get(meta.FETCHED_FROM, response.url), response.status, content_type, response.body, kind,
            source=request.meta.get(meta.SOURCE) or LIVE.name,
            capture_timestamp=request.meta.get(meta.CAPTURE_TIMESTAMP), decode_errors=bad)
        request.meta[meta.RAW_PAGE_ID] = raw_id
        self.stats.inc_value(Stat.PAGES_FETCHED)
        return response


class DecodedRawPageMiddleware(RawPageMiddleware):
    """The second half of RawPageMiddleware: stores compressed responses once decoded."""

    decoded_stage = True


class CaptureCacheMiddleware(UsesArchive):
    """A Wayback capture already in raw_pages is read from there, never fetched twice
    (so an interrupted Wayback crawl resumes where it stopped)."""

    def process_request(self, request: Request):
        if not request.meta.get(meta.CAPTURE_TIMESTAMP):
            return None
        stored = self.archive.stored_capture(request.url)
        if stored is None:
            return None
        request.meta.update({meta.FROM_ARCHIVE: True, meta.RAW_PAGE_ID: stored["id"]})
        self.stats.inc_value(Stat.CAPTURES_FROM_ARCHIVE)
        headers = {"Content-Type": stored["content_type"]} if stored["content_type"] else {}
        return HtmlResponse(url=request.url, status=200, headers=headers, body=decompress(stored["body"]),
                            request=request)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, waiting before each one: ``Retry-After`` when the server says,
    else RETRY_BACKOFF_BASE × 2^(attempt-1) seconds, at most RETRY_BACKOFF_MAX.

    A request that names a throttle policy (``meta[THROTTLE]``, scraper.throttle) is also held to its
    server's manners: an answer that means "slow down" holds every download slot of the policy for at
    least the policy's wait, doubled for each such answer in a row (not capped: the server's rules come
    first); each hold and each slot's delay and concurrency are kept in the crawl's stats."""

    def __init__(self, settings):
        super().__init__(settings)
        self.settings = settings
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 120.0)
        self.policies = throttle_policies()
        self.in_a_row: dict[str, int] = {}  # policy -> "slow down" answers in a row

    def policy_of(self, request: Request) -> ThrottlePolicy | None:
        name = request.meta.get(meta.THROTTLE)
        return self.policies.get(name) if name else None

    def slowed_down(self, request: Request, response: Response | None) -> ThrottlePolicy | None:
        """The policy whose server asked us to slow down with this answer, if any."""
        policy = self.policy_of(request)
        return policy if policy is not None and response is not None and response.status in policy.statuses \
            else None

    def note_answer(self, request: Request, response: Response) -> None:
        """Count a policy's "slow down" answers in a row, and keep the slot the downloader used."""
        policy = self.policy_of(request)
        if policy is None:
            return
        self.in_a_row[policy.name] = self.in_a_row.get(policy.name, 0) + 1 if response.status in policy.statuses \
            else 0
        key = request.meta.get("download_slot")
        if key and self.crawler.stats.get_value(StatFamily.SLOT.of(key)) is None:
            state = slot_state(self.crawler, key)
            if state is not None:
                self.crawler.stats.set_value(StatFamily.SLOT.of(key), state)

    def delay_for(self, request: Request, response: Response | None) -> float:
        """Seconds to wait before retrying; for a "slow down" from a throttled server at least its policy's
        wait, doubled for each such answer in a row (ignoring them gets an IP blocked)."""
        attempt = request.meta.get("retry_times", 0) + 1
        wait = self.base * 2 ** (attempt - 1)
        retry_after = response.headers.get("Retry-After") if response is not None else None
        if retry_after:
            wait = max(wait, _retry_after_seconds(retry_after.decode("latin-1")))
        policy = self.slowed_down(request, response)
        if policy is not None:
            first = self.settings.getfloat(policy.wait_setting)
            return max(wait, first * 2 ** (self.in_a_row.get(policy.name, 1) - 1))
        return min(wait, self.cap)

    def hold(self, policy: ThrottlePolicy, wait: float) -> None:
        """Send nothing to a throttled server for ``wait`` seconds (every slot of its policy); the decided
        holds are kept in the stats."""
        logger.warning(policy.message, wait)
        holds = self.crawler.stats.get_value(policy.holds_stat) or []
        self.crawler.stats.set_value(policy.holds_stat, [*holds, round(wait, 3)])
        hold_slots(self.crawler, policy.slots, wait)

    # Scrapy runs coroutine middleware methods (docs: "Coroutines"); RetryMiddleware's types know only the sync form
    async def process_exception(  # type: ignore[override]
            self, request: Request, exception: Exception, spider: Spider | None = None) -> Request | None:
        """A connection error or timeout is retried as a 5xx is: after the same backoff."""
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        retry = retry_request(self, request, exception)
        if retry is None:
            return None
        wait = self.delay_for(request, None)
        logger.info("%s for %s: retrying in %.1fs", type(exception).__name__, request.url, wait)
        await asyncio.sleep(wait)
        return retry

    async def process_response(  # type: ignore[override]  # a coroutine, as process_exception above
            self, request: Request, response: Response, spider: Spider | None = None) -> Request | Response:
        if response.status == 200 and not response.body and request.meta.get(meta.PAGE_KIND) != "robots" \
                and not response.url.endswith("/robots.txt"):
            return await self._empty(request, response)
        self.note_answer(request, response)
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = retry_request(self, request, response_status_message(response.status))
        if retry is None:
            return response
        wait = self.delay_for(request, response)
        logger.info("HTTP %s for %s: retrying in %.1fs", response.status, response.url, wait)
        policy = self.slowed_down(request, response)
        if policy is not None:
            self.hold(policy, wait)  # the whole server asked us to slow down: send nothing to it meanwhile
        else:
            await asyncio.sleep(wait)
        return retry

    async def _empty(self, request: Request, response: Response) -> Request:
        """A 0-byte 200: retried with backoff; in the end a temporary error, never a parsed page."""
        retry = None if request.meta.get("dont_retry") else retry_request(self, request, "empty answer (0 bytes)")
        if retry is None:
            raise EmptyResponse(f"HTTP 200 with an empty body from {response.url}")
        await asyncio.sleep(self.delay_for(request, response))
        return retry


def _retry_after_seconds(value: str) -> float:
    """``Retry-After`` as seconds (it may be a number or an HTTP date)."""
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, (parsedate_to_datetime(value) - datetime.now(timezone.utc)).total_seconds())
        except (TypeError, ValueError):
            return 0.0
