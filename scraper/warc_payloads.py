"""A WARC record's payload, dechunked and decoded (``Content-Encoding``: gzip, deflate, br) within a bound.

warcio decodes a payload a 16 KiB block at a time, each block inflated whole: a brotli block can inflate
to gigabytes at once (a 2 KB record holds 1 GiB of zeros), and with brotli 1.2 warcio cannot decode brotli
at all (it sets an attribute the decompressor no longer takes: every ``br`` record was unreadable). Here
each encoding is decoded at most ``PIECE`` bytes at a time, and the reading stops as soon as the payload
passes the caller's limit. As warcio does, an encoding we do not know, or a payload that is not in the
encoding it claims from its first bytes on, is read as it is; one that breaks later is damaged.
"""

from __future__ import annotations

import zlib
from typing import BinaryIO, Iterator, Protocol

import brotli
from warcio.bufferedreaders import ChunkedDataReader
from warcio.recordloader import ArcWarcRecord

from scraper.warc_records import RecordDamage

READ = 64 * 1024          # encoded bytes read at a time
PIECE = 1024 * 1024       # decoded at a time (brotli may give up to twice this)


class _Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...

    def recognises(self, head: bytes) -> bool:
        """The payload's first bytes are this encoding's header: an error is damage, not another kind."""
        ...


class _Zlib:
    """gzip or deflate; after the end of a gzip member, another member is read on; anything else after the end
    of the stream (padding, garbage) is left out."""

    def __init__(self, wbits: int) -> None:
        self.wbits = wbits
        self.inflater = zlib.decompressobj(wbits)
        self.ended = False   # the stream ended and what followed was no gzip member: the rest is ignored

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data and not self.ended:
            if self.inflater.eof:
                if self.wbits <= zlib.MAX_WBITS or not data.startswith(b"\x1f\x8b"):
                    self.ended = True
                    return
                self.inflater = zlib.decompressobj(self.wbits)
            piece = self.inflater.decompress(data, PIECE)
            if piece:
                yield piece
            data = self.inflater.unconsumed_tail or (self.inflater.unused_data if self.inflater.eof else b"")

    def recognises(self, head: bytes) -> bool:
        if self.wbits > zlib.MAX_WBITS:
            return head.startswith(b"\x1f\x8b")
        if self.wbits > 0:   # zlib's wrapper: deflate, a window, a check on the two bytes
            return len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
        return False


class _Brotli:
    def __init__(self) -> None:
        self.inflater = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self.inflater.is_finished():
            return
        try:
            piece = self.inflater.process(data, output_buffer_limit=PIECE)
            while True:
                if piece:
                    yield piece
                if self.inflater.can_accept_more_data() or self.inflater.is_finished():
                    return
                piece = self.inflater.process(b"", output_buffer_limit=PIECE)
        except brotli.error as error:
            raise zlib.error(f"brotli: {error}") from None

    def recognises(self, head: bytes) -> bool:
        return False   # brotli has no header of its own


def _decoders(encoding: str) -> list[_Decoder]:
    """The decoders to try in turn on the first bytes (deflate: zlib's wrapper, else raw deflate, as warcio)."""
    if encoding in ("gzip", "x-gzip"):
        return [_Zlib(16 + zlib.MAX_WBITS)]
    if encoding == "deflate":
        return [_Zlib(zlib.MAX_WBITS), _Zlib(-zlib.MAX_WBITS)]
    if encoding == "br":
        return [_Brotli()]
    return []


def _pieces(stream: BinaryIO, encoding: str) -> Iterator[bytes]:
    """The decoded payload, a piece at a time; the stream read to its end (what is past the encoded data
    is read and left out)."""
    candidates = _decoders(encoding)
    decoder: _Decoder | None = candidates.pop(0) if candidates else None
    recognised: bool | None = None   # the first bytes are the claimed encoding's header
    given = False                    # decoded bytes have been handed out
    while data := stream.read(READ):
        if recognised is None:
            recognised = decoder is not None and decoder.recognises(data)
        while decoder is not None:
            try:
                for piece in decoder.feed(data):
                    given = True
                    yield piece
                break
            except zlib.error as error:
                if not given and candidates:
                    decoder = candidates.pop(0)   # deflate without zlib's wrapper
                elif given or recognised:
                    raise RecordDamage(f"a payload whose {encoding} encoding is damaged ({error})") from None
                else:
                    decoder = None   # not the encoding it claims: read as it is
        if decoder is None:
            yield data


def payload(record: ArcWarcRecord, limit: int) -> bytes | None:
    """The record's payload, dechunked and decoded; None as soon as it passes ``limit`` bytes."""
    http = record.http_headers
    if not http:
        data = record.raw_stream.read(limit + 1)
        return data if len(data) <= limit else None
    encoding = (http.get_header("Content-Encoding") or "").strip().lower()
    chunked = (http.get_header("Transfer-Encoding") or "").strip().lower() == "chunked"
    stream = ChunkedDataReader(record.raw_stream) if chunked else record.raw_stream
    decoded = bytearray()
    for piece in _pieces(stream, encoding):
        decoded += piece
        if len(decoded) > limit:
            return None
    return bytes(decoded)
