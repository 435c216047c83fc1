"""The Internet Archive's Wayback Machine: CDX queries, capture URLs, choosing captures.

CDX answers (``output=json``) are a list of rows, the first naming the fields
(``urlkey, timestamp, original, mimetype, statuscode, digest, length``); with
``showResumeKey=true`` a cut answer ends with ``[]`` and ``[resume key]``.
A capture's original bytes are at ``<wayback>/web/<timestamp>id_/<original>``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode

WAYBACK = "https://web.archive.org"
CDX_PAGE_SIZE = 1000
# /web/<timestamp><flag>/<original>, absolute or not: group 1 the timestamp, group 2 the original URL
WAYBACK_PATH = re.compile(r"^(?:https?://[^/]+)?/web/(\d{1,14})(?:[a-z]{2}_)?/(.+)$")


@dataclass(frozen=True)
class Capture:
    timestamp: str
    original: str
    status: int | None
    digest: str
    mimetype: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def redirect(self) -> bool:
        return self.status is not None and 300 <= self.status < 400


def cdx_url(wayback: str, url: str, *, prefix: bool = False, only_ok: bool = False, collapse: str | None = None,
            date_from: str | None = None, date_to: str | None = None, resume_key: str | None = None) -> str:
    """A CDX query for the captures of ``url`` (or of every URL under it, with ``prefix``)."""
    params: list[tuple[str, str]] = [("url", url), ("output", "json"), ("matchType", "prefix" if prefix else "exact")]
    if only_ok:
        params.append(("filter", "statuscode:200"))
    if collapse:
        params.append(("collapse", collapse))
    if date_from:
        params.append(("from", date_from))
    if date_to:
        params.append(("to", date_to))
    params += [("limit", str(CDX_PAGE_SIZE)), ("showResumeKey", "true")]
    if resume_key:
        params.append(("resumeKey", resume_key))
    return f"{wayback.rstrip('/')}/cdx/search/cdx?{urlencode(params)}"


def parse_cdx(body: str) -> tuple[list[Capture], str | None]:
    """Captures in a CDX JSON answer, and the resume key when the answer was cut."""
    text = body.strip()
    rows = json.loads(text) if text else []
    if not rows:
        return [], None
    fields, rows = rows[0], rows[1:]
    resume = None
    if len(rows) >= 2 and rows[-2] == [] and len(rows[-1]) == 1:
        resume, rows = rows[-1][0], rows[:-2]
    captures = []
    for row in rows:
        if len(row) != len(fields):
            continue
        record = dict(zip(fields, row))
        status = record.get("statuscode", "")
        captures.append(Capture(timestamp=record["timestamp"], original=record["original"],
                                status=int(status) if status.isdigit() else None,
                                digest=record.get("digest", ""), mimetype=record.get("mimetype", "")))
    return captures, resume


def capture_url(wayback: str, capture: Capture) -> str:
    """Where the capture's original bytes are (the ``id_`` flag: no Wayback rewriting)."""
    return f"{wayback.rstrip('/')}/web/{capture.timestamp}id_/{capture.original}"


def unwrap(url: str) -> str:
    """The original URL inside a Wayback URL (``/web/2021…id_/https://…``); others unchanged."""
    match = WAYBACK_PATH.match(url)
    return match.group(2) if match else url


def changes(captures: list[Capture]) -> list[Capture]:
    """Captures in time order, one per run of identical content (by digest): each edit once,
    each represented by its latest capture (the latest evidence that the page read so)."""
    out: list[Capture] = []
    for capture in sorted(captures, key=lambda c: c.timestamp):
        if out and capture.digest == out[-1].digest:
            out[-1] = capture
        else:
            out.append(capture)
    return out
