"""Downloader middlewares for pages that come out of WARC records (a WARC file, Common Crawl).

Both hand the rest of the crawl an ordinary response for the page the record holds, so
RawPageMiddleware stores the page's own bytes and the spiders parse it as any page.
"""

from __future__ import annotations

import hashlib
from io import BytesIO

from scrapy.http import HtmlResponse, Request, Response
from warcio.archiveiterator import ArchiveIterator

from pipelines.component import UsesArchive
from scraper.warc_import import payload_of, read_record


class WarcRecordMiddleware(UsesArchive):
    """A request with ``meta['warc_entry']`` is answered from that record of a local WARC file, never
    from the network; a page stored before with the same bytes is not stored again."""

    def process_request(self, request: Request):
        entry = request.meta.get("warc_entry")
        if entry is None:
            return None
        status, headers, body = read_record(entry.path, entry.offset)
        request.meta.update(fetched_from=entry.capture_url, capture_timestamp=entry.timestamp or None, source="warc")
        stored = self.archive.find_raw_page(request.url, hashlib.sha1(body).hexdigest(), status or 200)
        if stored is not None:
            request.meta.update(from_archive=True, raw_page_id=stored)
            self.stats.inc_value("archive/warc_pages_already_stored")
        self.stats.inc_value("archive/warc_records_read")
        return HtmlResponse(url=request.url, status=status or 200, headers=headers, body=body, request=request)


class CommonCrawlRecordMiddleware:
    """A byte-range answer from Common Crawl's data host (``meta['cc_record']``) is one gzip member holding
    one WARC record: it becomes the captured page (its HTTP status, Content-Type, Location and payload)."""

    def process_response(self, request: Request, response: Response):
        if not request.meta.get("cc_record") or request.meta.get("from_archive") or response.status not in (200, 206):
            return response
        try:
            record = next(iter(ArchiveIterator(BytesIO(response.body))))
            http = record.http_headers
            payload = payload_of(record, request.url)
        except Exception as error:  # a truncated or foreign answer: fail this request, not the crawl
            raise ValueError(f"not a whole WARC record at {request.url}: {type(error).__name__}: {error}") from error
        status = int(http.get_statuscode()) if http and http.get_statuscode().isdigit() else 200
        headers = {name: value for name, value in (http.headers if http else [])
                   if name.lower() in ("content-type", "location")}
        request.meta["fetched_from"] = request.url
        return HtmlResponse(url=request.url, status=status, headers=headers, body=payload, request=request)
