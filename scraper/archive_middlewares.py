"""Downloader middlewares for pages that come out of records: of a local file (a WARC record, a saved page)
or of Common Crawl's WARC files.

Both hand the rest of the crawl an ordinary response for the page the record holds, so
RawPageMiddleware stores the page's own bytes and the spiders parse it as any page.
"""

from __future__ import annotations

import hashlib
from typing import NoReturn, Protocol

from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Request, Response
from scrapy.statscollectors import StatsCollector

from pipelines.component import UsesArchive
from scraper import meta
from scraper.warc_import import payload_of
from scraper.warc_records import one_record
from kinhtedothi.vocab.outcomes import Stat
from kinhtedothi.vocab.urls import is_site_url, site_url


class LocalRecord(Protocol):
    """A page in a local file: what a spider puts in ``meta[LOCAL_RECORD]``."""

    @property
    def capture_url(self) -> str: ...      # where the bytes are: ``warc:<path>#<offset>``, ``file:<name>``

    @property
    def timestamp(self) -> str: ...        # when it was made (YYYYMMDDhhmmss, UTC); "" when unknown

    @property
    def source(self) -> str: ...           # the source it is filed under

    @property
    def read_stat(self) -> Stat: ...       # counts the records read

    @property
    def stored_stat(self) -> Stat: ...     # counts those whose bytes the archive already held

    def read(self) -> tuple[int | None, dict[str, str], bytes]: ...  # HTTP status, headers, payload; or raises


class LocalRecordMiddleware(UsesArchive):
    """A request with ``meta[LOCAL_RECORD]`` is answered from that record of a local file, never from the
    network; a page stored before with the same bytes is not stored again. A record that cannot be read
    fails its request (the spider's errback names it)."""

    def process_request(self, request: Request):
        record: LocalRecord | None = request.meta.get(meta.LOCAL_RECORD)
        if record is None:
            return None
        status, headers, body = record.read()
        request.meta.update({meta.FETCHED_FROM: record.capture_url, meta.CAPTURE_TIMESTAMP: record.timestamp or None,
                             meta.SOURCE: record.source})
        stored = self.archive.find_raw_page(request.url, hashlib.sha1(body).hexdigest(), status or 200)
        if stored is not None:
            request.meta.update({meta.FROM_ARCHIVE: True, meta.RAW_PAGE_ID: stored})
            self.stats.inc_value(record.stored_stat)
        self.stats.inc_value(record.read_stat)
        return HtmlResponse(url=request.url, status=status or 200, headers=headers, body=body, request=request)


class RecordRefused(ValueError):
    """A Common Crawl answer that is no whole WARC record within the bounds, or holds another page than the
    capture the index named."""


class CommonCrawlRecordMiddleware:
    """A byte-range answer from Common Crawl's data host (``meta[CC_RECORD]``) is one gzip member holding
    one WARC record: it becomes the captured page (its HTTP status, Content-Type, Location and payload).

    The record is read within the bounds of ``scraper.warc_records`` (headers) and ``payload_of`` (payload),
    and must hold the page the index named (``meta[CC_TARGET]``, its WARC-Target-URI): anything else is
    refused (RecordRefused, counted; the spider's errback records it)."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CommonCrawlRecordMiddleware:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response):
        if not request.meta.get(meta.CC_RECORD) or request.meta.get(meta.FROM_ARCHIVE) \
                or response.status not in (200, 206):
            return response
        try:
            record = one_record(response.body)
        except Exception as error:  # a truncated or foreign answer, a record over the bounds
            self.refuse(f"not a whole WARC record at {request.url}: {type(error).__name__}: {error}", error)
        target, asked = record.rec_headers.get_header("WARC-Target-URI") or "", request.meta.get(meta.CC_TARGET)
        if asked and not same_page(target, asked):
            self.refuse(f"the record at {request.url} holds {target[:300] or 'no WARC-Target-URI'}, not the "
                        f"capture the index named ({asked})")
        try:
            payload = payload_of(record, request.url)
        except Exception as error:
            self.refuse(f"not a whole WARC record at {request.url}: {type(error).__name__}: {error}", error)
        http = record.http_headers
        status = int(http.get_statuscode()) if http and http.get_statuscode().isdigit() else 200
        headers = {name: value for name, value in (http.headers if http else [])
                   if name.lower() in ("content-type", "location")}
        request.meta[meta.FETCHED_FROM] = request.url
        return HtmlResponse(url=request.url, status=status, headers=headers, body=payload, request=request)

    def refuse(self, reason: str, cause: Exception | None = None) -> NoReturn:
        self.stats.inc_value(Stat.COMMONCRAWL_RECORDS_UNREAD)
        raise RecordRefused(reason) from cause


def same_page(target: str, asked: str) -> bool:
    """True when a record's WARC-Target-URI is the address the index named (scheme, www. and case of the
    host aside)."""
    return is_site_url(target) and site_url(target) == site_url(asked)
