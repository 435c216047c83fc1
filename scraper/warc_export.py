"""The archive's raw pages as one WARC/1.1 file (ISO 28500), for replay tools (pywb, ReplayWeb.page).

Each stored response becomes a ``response`` record under the page's own site URL
(``WARC-Target-URI``), dated by its capture time (Wayback, Common Crawl, WARC import)
or its fetch time (``WARC-Date``); a ``request`` record precedes it when the archive
itself sent the request (a live or mirror fetch), and a ``metadata`` record after it
keeps the provenance (source, where the bytes were fetched from, capture URL, kind).
Rows are read one at a time: the archive is never loaded whole.

    kinhtedothi export-warc --db archive.db archive.warc.gz
"""

from __future__ import annotations

import sqlite3
from io import BytesIO
from pathlib import Path
from typing import BinaryIO, Iterator
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipelines.raw_pages import decompress
from kinhtedothi.vocab.dates import UTC, parse_iso, parse_timestamp, warc_date
from kinhtedothi.vocab.sources import is_capture, kind_of

SOFTWARE = "kinhtedothi-archive (warcio)"
REASONS = {200: "OK", 206: "Partial Content", 301: "Moved Permanently", 302: "Found", 303: "See Other",
           304: "Not Modified", 307: "Temporary Redirect", 308: "Permanent Redirect", 403: "Forbidden",
           404: "Not Found", 410: "Gone", 429: "Too Many Requests", 500: "Internal Server Error",
           503: "Service Unavailable"}


def record_date(row: dict) -> str:
    """The record's WARC-Date: the capture time when the page came from an archive, else the fetch time."""
    when = parse_timestamp(row.get("capture_timestamp")) or parse_iso(row["fetched_at"], assume=UTC)
    if when is None:
        raise ValueError(f"raw page {row.get('id')}: fetched_at {row['fetched_at']!r} is not a date")
    return warc_date(when)


def raw_rows(db_path: str | Path, since: str | None = None) -> Iterator[dict]:
    """Stored responses in the order they were stored, one row at a time (``since``: fetched on or after)."""
    conn = sqlite3.connect(f"file:{Path(db_path)}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        where, args = ("WHERE fetched_at >= ?", [since]) if since else ("", [])
        for row in conn.execute(f"SELECT * FROM raw_pages {where} ORDER BY id", args):
            yield dict(row)
    finally:
        conn.close()


def _http_headers(row: dict, body: bytes) -> StatusAndHeaders:
    status = row["status"] or 200
    headers = [("Content-Type", row["content_type"])] if row["content_type"] else []
    headers.append(("Content-Length", str(len(body))))
    return StatusAndHeaders(f"{status} {REASONS.get(status, 'Unknown')}", headers, protocol="HTTP/1.1")


def _provenance(row: dict) -> bytes:
    fields = {"source": kind_of(row.get("source")).name, "fetched-from": row["fetched_from"],
              "fetched-at": row["fetched_at"], "capture-timestamp": row.get("capture_timestamp"),
              "kind": row.get("kind"), "archive-raw-page-id": row["id"], "archive-run-id": row.get("run_id"),
              "http-headers": "reconstructed (the archive keeps the status and Content-Type only)"}
    return "".join(f"{k}: {v}\r\n" for k, v in fields.items() if v is not None).encode("utf-8")


def write_page(writer: WARCWriter, row: dict) -> None:
    """One stored response as request (when known), response and metadata records."""
    body = decompress(row["body"])
    uri, date = row["url"], record_date(row)
    response = writer.create_warc_record(uri, "response", payload=BytesIO(body),
                                         http_headers=_http_headers(row, body),
                                         warc_headers_dict={"WARC-Date": date})
    # a request record only where the archive sent the request itself (to the site or its mirror)
    if not is_capture(row.get("source")) and uri.startswith(("http://", "https://")):
        parts = urlsplit(uri)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = writer.create_warc_record(
            uri, "request", payload=BytesIO(b""),
            http_headers=StatusAndHeaders(f"GET {target} HTTP/1.1", [("Host", parts.netloc)], is_http_request=True),
            warc_headers_dict={"WARC-Date": date,
                               "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")})
        writer.write_record(request)
    writer.write_record(response)
    metadata = writer.create_warc_record(
        uri, "metadata", payload=BytesIO(_provenance(row)), warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Date": date,
                           "WARC-Refers-To": response.rec_headers.get_header("WARC-Record-ID"),
                           "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")})
    writer.write_record(metadata)


def export(db_path: str | Path, out: BinaryIO, since: str | None = None, gzip: bool = True) -> int:
    """Write every stored response (fetched on or after ``since``) to ``out``; the number of pages."""
    writer = WARCWriter(out, gzip=gzip, warc_version="WARC/1.1")
    writer.write_record(writer.create_warcinfo_record(
        Path(str(getattr(out, "name", "archive.warc.gz"))).name,
        {"software": SOFTWARE, "format": "WARC File Format 1.1",
         "description": "raw pages of the Kinhtedothi event archive"}))
    count = 0
    for row in raw_rows(db_path, since):
        write_page(writer, row)
        count += 1
    return count
