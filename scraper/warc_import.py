"""Reading WARC files made by anyone (our export, Browsertrix, ``wget --warc-file``, Common Crawl).

``scan`` walks the files once, record by record (gzip or not, any record type), and
keeps only a small entry per response or revisit record of the site: where it is
(file, offset), its URL, status and date. A revisit record is resolved to the response
holding its payload (by payload digest, or by the URI and date it refers to).
``read_record`` later reads one record's payload from its offset. Nothing holds a
whole file in memory.

Provenance of an imported page: ``source = 'warc'``, ``capture_timestamp`` the
record's WARC-Date (YYYYMMDDhhmmss, UTC), ``capture_url`` = ``warc:<absolute path>#<offset>``
(the offset of the record holding the bytes, for a revisit the original's).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, ClassVar, Iterable, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from kinhtedothi.vocab.urls import is_site_url, site_url
from kinhtedothi.vocab.dates import UTC, parse_iso, timestamp
from kinhtedothi.vocab.outcomes import Stat
from kinhtedothi.vocab.sources import WARC

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
MAX_PAYLOAD = 20 * 1024 * 1024  # a page larger than this is not an article: skipped, not read into memory


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
    """Raise ValueError naming the first file that is not a readable WARC (or ARC) file."""
    if not files:
        raise ValueError("no WARC files found (*.warc, *.warc.gz, *.arc, *.arc.gz)")
    for path in files:
        try:
            with open(path, "rb") as stream:
                first = next(iter(ArchiveIterator(stream)))
            if first.format != "warc" and not path.name.endswith((".arc", ".arc.gz")):
                raise ValueError("its first line is not a WARC header")
        except StopIteration:
            raise ValueError(f"{path}: empty, no WARC record") from None
        except Exception as error:
            raise ValueError(f"{path}: not a WARC file ({type(error).__name__}: {str(error)[:200]})") from error


def timestamp_of(warc_date: str | None) -> str:
    """A WARC-Date (``2021-05-10T01:30:00Z``, maybe with fractions; UTC when it has no offset) as
    ``20210510013000``; ``""`` when missing or malformed: the capture has no known time."""
    when = parse_iso(warc_date, assume=UTC)
    return timestamp(when) if when else ""


def _gzip_ends_cleanly(stream: BinaryIO) -> bool:
    """True when the whole file is a run of complete gzip members (one per record, as WARC writers
    make them): a file cut anywhere but between two members ends inside a record. Read in chunks, the
    output bounded and dropped, so a large file costs time, not memory."""
    stream.seek(0)
    inflater = None  # None: between two members
    while True:
        chunk = stream.read(65536)
        if not chunk:
            return inflater is None
        while chunk:
            if inflater is None:
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                inflater.decompress(chunk, 1024 * 1024)
                while inflater.unconsumed_tail and not inflater.eof:
                    inflater.decompress(inflater.unconsumed_tail, 1024 * 1024)
            except zlib.error:
                return False
            if inflater.eof:  # a member ends here; what is left of the chunk starts the next one
                chunk, inflater = inflater.unused_data, None
            else:
                chunk = b""


def _records(path: Path, problems: list[str]) -> Iterator[tuple[int, ArcWarcRecord]]:
    """The records of one file with their offsets; a file cut short or corrupt is read up to the damage.

    warcio meets a cut in several ways (a short record, an exception of its own, nothing at all when
    the cut falls in a gzip member's trailer), so the members of a gzip file are checked themselves."""
    cut = "unreadable after some records (the file ends inside a record)"
    try:
        stream = open(path, "rb")
    except OSError as error:
        problems.append(f"{path}: unreadable ({error.strerror or error})")
        return
    with stream:
        gzipped = stream.read(2) == b"\x1f\x8b"
        stream.seek(0)
        try:
            iterator = ArchiveIterator(stream, arc2warc=True)
            record = None
            for record in iterator:
                yield iterator.get_record_offset(), record
        except Exception as error:  # a truncated gzip member, a broken header: keep what came before
            if gzipped and not _gzip_ends_cleanly(stream):
                problems.append(f"{path}: {cut}")
            else:
                problems.append(f"{path}: unreadable after some records ({type(error).__name__}: {str(error)[:200]})")
            return
        if (gzipped and not _gzip_ends_cleanly(stream)) or \
                (record is not None and getattr(record.raw_stream, "limit", 0) > 0):
            problems.append(f"{path}: {cut}")


def scan(files: list[Path]) -> tuple[list[Entry], dict[Stat, int], list[str]]:
    """Every site response and revisit in the files (revisits resolved), counts of what was skipped,
    and the files that could not be read to their end."""
    by_digest: dict[str, tuple[str, int, int | None, str | None]] = {}
    by_uri_date: dict[tuple[str, str | None], tuple[str, int, int | None, str | None]] = {}
    entries: list[Entry] = []
    revisits: list[tuple[str, str, str | None, str | None, str | None, int | None, str | None]] = []
    skipped = {Stat.WARC_SKIPPED_OTHER_HOSTS: 0, Stat.WARC_SKIPPED_OTHER_RECORDS: 0,
               Stat.WARC_SKIPPED_UNRESOLVED_REVISITS: 0}
    problems: list[str] = []
    for path in files:
        absolute = str(path.resolve())
        for offset, record in _records(path, problems):
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


def payload_of(record, where: str) -> bytes:
    """A record's payload (dechunked, decoded), refused when larger than MAX_PAYLOAD or cut short."""
    payload = record.content_stream().read(MAX_PAYLOAD + 1)
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"record at {where} is larger than {MAX_PAYLOAD} bytes")
    if getattr(record.raw_stream, "limit", 0) > 0:  # the file ended before the record's Content-Length
        raise ValueError(f"record at {where} is cut short")
    return payload


def read_record(path: str, offset: int) -> tuple[int | None, dict[str, str], bytes]:
    """The HTTP status, headers and payload (dechunked, decoded) of the record at ``offset``."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream, arc2warc=True)))
        http = record.http_headers
        status = int(http.get_statuscode()) if http and http.get_statuscode().isdigit() else None
        headers = {name: value for name, value in (http.headers if http else [])
                   if name.lower() in ("content-type", "location")}
        payload = payload_of(record, f"{path}#{offset}")
    return status, headers, payload
