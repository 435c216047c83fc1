"""WARC (and ARC) records read within bounds, whatever a file or an answer holds.

warcio reads a header line whole: a gzip member of 250 KB that inflates to one header line of 256 MB was read
into memory, and a run of zero bytes (what a crash or a bad disk leaves) was read as one endless line, in
time growing with the square of its length. Here warcio still parses every record, through a reader that
refuses a header line over ``MAX_LINE`` bytes and a record whose WARC and HTTP headers together pass
``MAX_HEADERS`` bytes, and that raises on a damaged gzip member instead of reading on silently.

``records`` walks one file: where a record cannot be read (a cut, zero bytes, garbage, a record over the
bounds), the damage is named and skipped to the next place a record plausibly starts (a gzip member that
inflates to ``WARC/``, or a ``WARC/1.x`` line), found by one forward search in chunks of ``CHUNK`` bytes:
time linear in the file, memory bounded whatever it holds. ``one_record`` reads a record from bytes (a
Common Crawl answer) within the same bounds.
"""

from __future__ import annotations

import os
import re
import zlib
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO, Callable, Generator

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.recordloader import ArcWarcRecord
from warcio.utils import BUFF_SIZE

MAX_LINE = 64 * 1024          # one header line (WARC or HTTP)
MAX_HEADERS = 256 * 1024      # a record's WARC and HTTP headers together
CHUNK = 1024 * 1024           # read at a time when looking for the next record after damage
MAX_INFLATE = 1024 * 1024     # inflated at a time
MAX_PROBLEMS = 20             # damaged places named per file; the others are counted in one more line
GZIP_MAGIC = b"\x1f\x8b\x08"
RECORD_START = re.compile(rb"WARC/\d\.\d+\r?\n|(?:filedesc|https?|dns|ftp)://\S* ")  # a WARC or an ARC record
WARC_START = re.compile(rb"WARC/\d\.\d+\r?\n")
CUT = "the file ends inside a record"
SHARED_MEMBER = ("records that share one gzip member: the file was compressed whole, and only its first record "
                 "can be found again; `warcio recompress` makes it one member a record")
Records = Generator[tuple[int, ArcWarcRecord], None, None]  # (offset, record), record after record
Stopped = tuple[int, int, Exception | None]  # where damage begins, where to look on, why


class RecordDamage(ValueError):
    """A record that cannot be read within the bounds, or a damaged gzip member."""


class RecordCut(ValueError):
    """A record that ends before its Content-Length, or inside its gzip member."""


def never() -> bool:
    return False


class _BoundedReader(DecompressingBufferedReader):
    """warcio's reader, with bounded lines, a budget for a record's headers, and damage raised."""

    header_budget: int | None = None  # bytes of header lines still allowed; None: not reading headers
    decompressor: Any  # warcio's, untyped: a zlib decompressor, or None for a stream read as it is

    def readline(self, length: int | None = None) -> bytes:
        """A line of at most MAX_LINE bytes (RecordDamage past it), read in one linear pass."""
        limit = MAX_LINE + 1 if length is None else min(length, MAX_LINE + 1)
        parts, got = [], 0
        while got < limit:
            self._fillbuff()
            if self.empty():
                break
            assert self.buff is not None
            part = self.buff.readline(limit - got)
            parts.append(part)
            got += len(part)
            if part.endswith(b"\n"):
                break
        line = b"".join(parts)
        if len(line) > MAX_LINE:
            raise RecordDamage(f"a record with a header line over {MAX_LINE // 1024} KiB (MAX_LINE)")
        if self.header_budget is not None:
            self.header_budget -= len(line)
            if self.header_budget < 0:
                raise RecordDamage(f"a record with headers over {MAX_HEADERS // 1024} KiB (MAX_HEADERS)")
        return line

    def _fillbuff(self, block_size: int | None = None) -> None:
        """What is left of the last compressed block first (inflated a bounded piece at a time)."""
        tail = getattr(self.decompressor, "unconsumed_tail", b"") if self.empty() else b""
        if tail:
            self._process_read(tail)
        else:
            super()._fillbuff(block_size)

    def _decompress(self, data: bytes) -> bytes:
        """At most MAX_INFLATE bytes inflated at a time (warcio inflates a whole 16 KiB block, up to 16 MiB),
        and a damaged gzip member raised (warcio prints the error and reads on as if the member had ended).
        The first block of a stream that is not gzip at all is read as it is, as warcio does."""
        if self.decompressor is None or not data:
            return data
        try:
            return self.decompressor.decompress(data, MAX_INFLATE)
        except zlib.error as error:
            if self.num_block_read:
                raise RecordDamage(f"a damaged gzip member ({error})") from None
            if self.decomp_type == "deflate":
                self._init_decomp("deflate_alt")
                return self._decompress(data)
            self.decompressor = None
            return data


class BoundedArchiveIterator(ArchiveIterator):
    """warcio's ArchiveIterator reading through ``_BoundedReader``."""

    INC_RECORD = ""  # warcio's warning, with the line it skipped, on standard error: the damage is named instead

    def __init__(self, fileobj: BinaryIO, **options) -> None:
        super().__init__(fileobj, **options)
        self.reader = _BoundedReader(self.fh, block_size=BUFF_SIZE)
        self.garbage_after = False  # the last record was followed by something that is no record
        self.content_end = 0

    def _next_record(self, next_line):
        self.reader.header_budget = MAX_HEADERS
        try:
            return super()._next_record(next_line)
        finally:
            self.reader.header_budget = None

    def _consume_blanklines(self):
        self.garbage_after = False
        self.content_end = self.fh.tell() - self.reader.rem_length()  # uncompressed: where the record ended
        try:
            return super()._consume_blanklines()
        except RecordDamage:  # a line too long after a record: the record is whole, what follows is not
            self.garbage_after = True
            return None, 0


def one_record(data: bytes) -> ArcWarcRecord:
    """The first record in ``data`` (gzip or not), its headers read within the bounds."""
    return next(iter(BoundedArchiveIterator(BytesIO(data), arc2warc=True)))


def record_at(stream: BinaryIO, offset: int) -> ArcWarcRecord:
    """The record at ``offset`` of an open file, its headers read within the bounds."""
    stream.seek(offset)
    return next(iter(BoundedArchiveIterator(stream, arc2warc=True)))


# -- a whole file ------------------------------------------------------------------------------------------


def records(path: Path, problems: list[str], stop: Callable[[], bool] = never) -> Records:
    """The records of one file with their offsets, read to their end; each damaged place is named in
    ``problems`` (``path: unreadable …``) and skipped. ``stop()`` true ends the walk early (SIGTERM)."""
    try:
        stream = open(path, "rb")
    except OSError as error:
        problems.append(f"{path}: unreadable ({error.strerror or error})")
        return
    with stream:
        walk = _Walk(path, stream, problems, stop)
        yield from walk.run()


class _Walk:
    """One file, record after record; after damage, on from the next place a record plausibly starts."""

    def __init__(self, path: Path, stream: BinaryIO, problems: list[str], stop: Callable[[], bool]) -> None:
        self.path, self.stream, self.problems, self.stop = path, stream, problems, stop
        self.fd = stream.fileno()
        self.size = os.fstat(self.fd).st_size
        self.gzipped = path.name.endswith(".gz") or os.pread(self.fd, 2, 0) == GZIP_MAGIC[:2]
        self.damaged = 0
        self.zeros = False  # the last search for a record passed over zero bytes only

    def run(self) -> Records:
        position, search = 0, 0  # damage from ``position``; the next record looked for from ``search``
        why: Exception | None = None  # what went wrong at ``position``
        while position < self.size:
            start = self.next_start(search)
            if self.stop():
                return
            if start is None:
                self.damage(position, self.size, search, why)
                break
            if start > position:
                self.damage(position, start, search, why)
            position, search, why = yield from self.read_from(start)
        if self.damaged > MAX_PROBLEMS:
            self.problems.append(f"{self.path}: unreadable at {self.damaged - MAX_PROBLEMS} more place(s)")

    def read_from(self, start: int) -> Generator[tuple[int, ArcWarcRecord], None, Stopped]:
        """Records from ``start`` on, as long as they are whole; returns (where damage begins, where to look
        for the next record, why) once they are not, or (size, size, None) at the end of the file."""
        self.stream.seek(start)
        iterator = BoundedArchiveIterator(self.stream, arc2warc=True)
        records = iter(iterator)
        while not self.stop():
            offset, skipped = iterator.offset, iterator.err_count
            try:
                record = next(records)
                iterator.read_to_end()
            except StopIteration:
                end = iterator.offset
                return (self.size, self.size, None) if end >= self.size else (end, end + 1, None)
            except Exception as error:  # the record at ``offset`` is damaged
                return offset, offset + 1, error
            end = iterator.offset
            inflater = iterator.reader.decompressor if self.gzipped else None
            if record.length is None or getattr(record.raw_stream, "limit", 0) > 0 or (
                    inflater is not None and not inflater.eof and iterator.next_line is None):
                return offset, offset + 1, RecordCut(CUT if end >= self.size else "a record cut short")
            if inflater is not None and iterator.next_line is not None:  # more in its member than the record
                yield offset, record
                shared = RECORD_START.match(iterator.next_line)  # other records (a file compressed whole): no
                return offset + 1, offset + 1, RecordDamage(SHARED_MEMBER) if shared else None  # offset finds them
            yield offset, record
            if iterator.err_count > skipped or iterator.garbage_after or (
                    self.gzipped and end < self.size and not self.starts_record(end)) or (
                    iterator.next_line and not RECORD_START.match(iterator.next_line)):
                after = end if self.gzipped else self.past_blank_lines(iterator.content_end)
                return after, after, None  # something that is no record follows this one
        return self.size, self.size, None

    def past_blank_lines(self, position: int) -> int:
        """An uncompressed file: the blank lines after a record are no damage."""
        head = os.pread(self.fd, 64, position)
        return position + len(head) - len(head.lstrip(b"\r\n"))

    def next_start(self, position: int) -> int | None:
        """The first offset at or after ``position`` where a record plausibly starts; one forward pass, which
        also notes whether every byte it passed over was zero (``self.zeros``)."""
        needle = GZIP_MAGIC if self.gzipped else b"WARC/"
        self.zeros = True
        while position < self.size and not self.stop():
            chunk = os.pread(self.fd, CHUNK + len(needle) - 1, position)
            found = chunk.find(needle)
            while 0 <= found < CHUNK:
                if self.starts_record(position + found):
                    self.zeros = self.zeros and chunk.count(0, 0, found) == found
                    return position + found
                found = chunk.find(needle, found + 1)
            self.zeros = self.zeros and chunk.count(0, 0, CHUNK) == min(CHUNK, len(chunk))
            position += CHUNK
        return None

    def starts_record(self, offset: int) -> bool:
        if self.gzipped:
            try:
                head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(os.pread(self.fd, 4096, offset), 64)
            except zlib.error:
                return False
            return bool(RECORD_START.match(head))
        return bool(WARC_START.match(os.pread(self.fd, 16, offset)))  # wherever: zeros may end without a line

    def damage(self, start: int, end: int, search: int, why: Exception | None) -> None:
        """Name the damaged bytes from ``start`` to ``end`` (the search for the next record began at ``search``);
        at most MAX_PROBLEMS places a file, the others are counted."""
        self.damaged += 1
        if self.damaged > MAX_PROBLEMS:
            return
        if not self.gzipped:
            start = min(self.past_blank_lines(start), end)
        zeros = self.zeros and os.pread(self.fd, max(0, search - start), start).count(0) == max(0, search - start)
        size = end - start
        if end < self.size:
            what = f"{_bytes(size)}, all zero" if zeros else _why(why) if why else f"{_bytes(size)}, no WARC record"
            self.problems.append(f"{self.path}: unreadable from byte {start} to byte {end - 1} ({what}); skipped, "
                                 f"the records after it are read")
        elif start == 0:
            self.problems.append(f"{self.path}: unreadable: no WARC record in its {_bytes(size)}"
                                 + (", all zero" if zeros else ""))
        else:
            what = f"its last {_bytes(size)} are all zero" if zeros else \
                _why(why) if isinstance(why, RecordDamage) else CUT  # what ends the file early is a cut
            self.problems.append(f"{self.path}: unreadable after some records ({what})")


def _why(error: Exception) -> str:
    if isinstance(error, (RecordCut, RecordDamage)):
        return str(error)
    return f"{type(error).__name__}: {str(error)[:200]}"


def _bytes(n: int) -> str:
    return "1 byte" if n == 1 else f"{n:,} bytes"
