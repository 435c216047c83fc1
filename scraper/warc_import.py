"""Reading WARC files made by anyone (our export, Browsertrix, ``wget --warc-file``, Common Crawl).

``scan`` walks the files once, record by record (gzip or not, any record type), and
keeps only a small entry per response or revisit record of the site: where it is
(file, offset), its URL, status and date. A revisit record is resolved to the response
holding its payload (by payload digest, or by the URI and date it refers to).
``read_record`` later reads one record's payload from its offset. Nothing holds a
whole file in memory; every record is read within the bounds of ``scraper.warc_records``, and a
damaged place (a cut, zero bytes, garbage, a record over the bounds) is named and skipped.

Provenance of an imported page: ``source = 'warc'``, ``capture_timestamp`` the
record's WARC-Date (YYYYMMDDhhmmss, UTC), ``capture_url`` = ``warc:<absolute path>#<offset>``
(the offset of the record holding the bytes, for a revisit the original's).
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ClassVar, Iterable

from warcio.recordloader import ArcWarcRecord

from kinhtedothi.vocab.urls import is_site_url, site_url
from kinhtedothi.vocab.dates import UTC, parse_iso, timestamp
from kinhtedothi.vocab.outcomes import Stat
from kinhtedothi.vocab.sources import WARC
from scraper import warc_payloads
from scraper.warc_records import never, record_at, records

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
MAX_PAYLOAD = 20 * 1024 * 1024  # a page larger than this is not an article: skipped, not read into memory
MAX_RECORD = 2 * MAX_PAYLOAD    # a record's block as stored (HTTP headers, chunks, compression): one larger is
                                # refused before any of it is read (a chunk is read whole)


@dataclass(frozen=True)
class Entry:
    """One capture of a site page in a WARC file (a response, or a revisit resolved to one)."""

    url: str            # the site URL (https, bare host), query kept
    timestamp: str      # WARC-Date as YYYYMMDDhhmmss
    status: int | None
    content_type: str | None
    path: str           # absolute path of the file holding the payload
    offset: int         # offset of the record holding the payload
    revisit: bool = False

    source: ClassVar[str] = WARC.name  # for LocalRecordMiddleware, which reads the record
    read_stat: ClassVar[Stat] = Stat.WARC_RECORDS_READ
    stored_stat: ClassVar[Stat] = Stat.WARC_PAGES_ALREADY_STORED

    @property
    def capture_url(self) -> str:
        return WARC.address(f"{self.path}#{self.offset}")

    def read(self) -> tuple[int | None, dict[str, str], bytes]:
        return read_record(self.path, self.offset)


def warc_files(paths: Iterable[str | Path]) -> list[Path]:
    """The WARC files named, and those under the folders named, in name order."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(WARC_SUFFIXES))
        else:
            found.append(path)
    return found


def check(files: list[Path]) -> None:
    """Raise ValueError naming the first file that holds no readable WARC (or ARC) record at all (a file
    damaged at its start is read from its first record on; ``scan`` names the damage)."""
    if not files:
        raise ValueError("no WARC files found (*.warc, *.warc.gz, *.arc, *.arc.gz)")
    for path in files:
        if not path.is_file():
            raise ValueError(f"{path}: not a file" if path.exists() else f"{path}: no such file")
        if path.stat().st_size == 0:
            raise ValueError(f"{path}: empty, no WARC record")
        problems: list[str] = []
        with closing(records(path, problems)) as walk:
            first = next(walk, None)
        if first is None:
            raise ValueError(f"{path}: not a WARC file ({problems[0].split(': ', 1)[1]})")
        if first[1].format != "warc" and not path.name.endswith((".arc", ".arc.gz")):
            raise ValueError(f"{path}: not a WARC file (its first record is not a WARC record)")


def timestamp_of(warc_date: str | None) -> str:
    """A WARC-Date (``2021-05-10T01:30:00Z``, maybe with fractions; UTC when it has no offset) as
    ``20210510013000``; ``""`` when missing or malformed: the capture has no known time."""
    when = parse_iso(warc_date, assume=UTC)
    return timestamp(when) if when else ""


def scan(files: list[Path], stop: Callable[[], bool] = never) -> tuple[list[Entry], dict[Stat, int], list[str]]:
    """Every site response and revisit in the files (revisits resolved), counts of what was skipped,
    and the damaged places (``scraper.warc_records``). ``stop()`` true ends the scan early."""
    by_digest: dict[str, tuple[str, int, int | None, str | None]] = {}
    by_uri_date: dict[tuple[str, str | None], tuple[str, int, int | None, str | None]] = {}
    entries: list[Entry] = []
    revisits: list[tuple[str, str, str | None, str | None, str | None, int | None, str | None]] = []
    skipped = {Stat.WARC_SKIPPED_OTHER_HOSTS: 0, Stat.WARC_SKIPPED_OTHER_RECORDS: 0,
               Stat.WARC_SKIPPED_UNRESOLVED_REVISITS: 0}
    problems: list[str] = []
    for path in files:
        absolute = str(path.resolve())
        if stop():
            break
        for offset, record in records(path, problems, stop):
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            if record.rec_type not in ("response", "revisit") or not uri.startswith(("http://", "https://")):
                skipped[Stat.WARC_SKIPPED_OTHER_RECORDS] += 1
                continue
            if not is_site_url(uri):
                skipped[Stat.WARC_SKIPPED_OTHER_HOSTS] += 1
                continue
            http = record.http_headers
            status = int(http.get_statuscode()) if http and http.get_statuscode().isdigit() else None
            ctype = http.get_header("Content-Type") if http else None
            date = record.rec_headers.get_header("WARC-Date")
            digest = record.rec_headers.get_header("WARC-Payload-Digest")
            if record.rec_type == "response":
                where = (absolute, offset, status, ctype)
                if digest:
                    by_digest.setdefault(digest, where)
                by_uri_date.setdefault((uri, date), where)
                entries.append(Entry(site_url(uri), timestamp_of(date), status, ctype, absolute, offset))
            else:
                revisits.append((uri, date, digest, record.rec_headers.get_header("WARC-Refers-To-Target-URI"),
                                 record.rec_headers.get_header("WARC-Refers-To-Date"), status, ctype))
    for uri, date, digest, refers_uri, refers_date, status, ctype in revisits:
        original = by_digest.get(digest or "") or by_uri_date.get((refers_uri or uri, refers_date))
        if original is None:
            skipped[Stat.WARC_SKIPPED_UNRESOLVED_REVISITS] += 1
            continue
        where_path, offset, original_status, original_ctype = original
        entries.append(Entry(site_url(uri), timestamp_of(date), status or original_status, ctype or original_ctype,
                             where_path, offset, revisit=True))
    return entries, skipped, problems


def payload_of(record: ArcWarcRecord, where: str) -> bytes:
    """A record's payload (dechunked, decoded), refused when larger than MAX_PAYLOAD (or its block than
    MAX_RECORD) or cut short."""
    if record.length is not None and record.length > MAX_RECORD:
        raise ValueError(f"record at {where} is larger than {MAX_RECORD} bytes (its Content-Length: {record.length})")
    payload = warc_payloads.payload(record, MAX_PAYLOAD)
    if payload is None:
        raise ValueError(f"record at {where} is larger than {MAX_PAYLOAD} bytes")
    if getattr(record.raw_stream, "limit", 0) > 0:  # the file ended before the record's Content-Length
        raise ValueError(f"record at {where} is cut short")
    return payload


def read_record(path: str, offset: int) -> tuple[int | None, dict[str, str], bytes]:
    """The HTTP status, headers and payload (dechunked, decoded) of the record at ``offset``."""
    with open(path, "rb") as stream:
        record = record_at(stream, offset)
        http = record.http_headers
        status = int(http.get_statuscode()) if http and http.get_statuscode().isdigit() else None
        headers = {name: value for name, value in (http.headers if http else [])
                   if name.lower() in ("content-type", "location")}
        payload = payload_of(record, f"{path}#{offset}")
    return status, headers, payload
