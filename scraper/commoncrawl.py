"""Common Crawl: its monthly crawls, index queries and records.

Each monthly crawl is one collection of the index server (a CDX server, pywb's):
``<index>/<CC-MAIN-YYYY-WW>-index?url=…&output=json`` answers JSON lines
(``urlkey, timestamp, url, mime, status, digest, length, offset, filename`` …), or 404
when the collection holds no capture of the URL; a prefix query is paged
(``showNumPages=true`` gives ``{"pages": N}``, then ``page=0 … N-1``). A capture's
WARC record is one gzip member at ``<data>/<filename>``, bytes ``offset`` to
``offset + length - 1`` (an HTTP Range request).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from scraper.wayback import Capture

INDEX_URL = "https://index.commoncrawl.org"
DATA_URL = "https://data.commoncrawl.org"
TIMESTAMP = re.compile(r"\d{14}")

# The monthly crawls of 2020-2022, which cover the three events (2020-2022). The one place to edit
# when a crawl should be added or dropped; --crawls overrides it for one run.
CRAWLS = (
    "CC-MAIN-2020-05", "CC-MAIN-2020-10", "CC-MAIN-2020-16", "CC-MAIN-2020-24", "CC-MAIN-2020-29",
    "CC-MAIN-2020-34", "CC-MAIN-2020-40", "CC-MAIN-2020-45", "CC-MAIN-2020-50",
    "CC-MAIN-2021-04", "CC-MAIN-2021-10", "CC-MAIN-2021-17", "CC-MAIN-2021-21", "CC-MAIN-2021-25",
    "CC-MAIN-2021-31", "CC-MAIN-2021-39", "CC-MAIN-2021-43", "CC-MAIN-2021-49",
    "CC-MAIN-2022-05", "CC-MAIN-2022-21", "CC-MAIN-2022-27", "CC-MAIN-2022-33", "CC-MAIN-2022-40",
    "CC-MAIN-2022-49",
)


@dataclass(frozen=True)
class CcCapture(Capture):
    """A capture in Common Crawl: where its WARC record is."""

    crawl: str = ""
    filename: str = ""
    offset: int = 0
    length: int = 0


def crawl_list(value: str | None) -> list[str]:
    """``--crawls`` (comma-separated) or the default list; ValueError for a name that is not a crawl."""
    crawls = [c.strip() for c in value.split(",") if c.strip()] if value else list(CRAWLS)
    bad = [c for c in crawls if not c.startswith("CC-MAIN-")]
    if bad or not crawls:
        raise ValueError(f"not Common Crawl crawl names: {', '.join(bad) or '(none)'} (e.g. CC-MAIN-2021-17)")
    return crawls


def index_query(index_url: str, crawl: str, url: str, *, prefix: bool = False, page: int | None = None,
                num_pages: bool = False) -> str:
    """A query of one crawl's index about ``url`` (or every URL under it, with ``prefix``)."""
    params = [("url", url), ("output", "json")]
    if prefix:
        params.append(("matchType", "prefix"))
    if num_pages:
        params.append(("showNumPages", "true"))
    if page is not None:
        params.append(("page", str(page)))
    return f"{index_url.rstrip('/')}/{crawl}-index?{urlencode(params)}"


def parse_num_pages(body: str) -> int:
    """The page count of a ``showNumPages=true`` answer (``{"pages": 3, …}``)."""
    try:
        return max(0, int(json.loads(body).get("pages", 0)))
    except (ValueError, AttributeError, TypeError, OverflowError, RecursionError):  # 1e999, [[[…: no count
        return 0


def parse_index(body: str, crawl: str, limit: int | None = None) -> list[CcCapture]:
    """The captures in an index answer (JSON lines), at most ``limit``; lines that are not captures are skipped."""
    captures: list[CcCapture] = []
    for line in body.splitlines():
        if limit is not None and len(captures) >= limit:
            break
        try:
            row = json.loads(line)
            status = str(row.get("status", ""))
            capture = CcCapture(timestamp=row["timestamp"], original=row["url"],
                                status=int(status) if status.isdigit() else None,
                                digest=str(row.get("digest", "")), mimetype=str(row.get("mime", "")), crawl=crawl,
                                filename=row["filename"], offset=int(row["offset"]), length=int(row["length"]))
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            continue
        if _is_capture(capture):
            captures.append(capture)
    return captures


def _is_capture(capture: CcCapture) -> bool:
    """A line that names a capture: a 14-digit time, an http(s) address, a file and a byte range."""
    return (isinstance(capture.timestamp, str) and TIMESTAMP.fullmatch(capture.timestamp) is not None
            and isinstance(capture.original, str) and capture.original.startswith(("http://", "https://"))
            and isinstance(capture.filename, str) and bool(capture.filename)
            and capture.offset >= 0 and capture.length > 0)


def record_url(data_url: str, capture: CcCapture) -> str:
    """The capture's identity: its WARC file, with the record's byte range as the fragment
    (never sent: the range goes in a Range header)."""
    return f"{data_url.rstrip('/')}/{capture.filename}#offset={capture.offset}&length={capture.length}"


def byte_range(capture: CcCapture) -> str:
    return f"bytes={capture.offset}-{capture.offset + capture.length - 1}"
