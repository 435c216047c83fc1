"""Hostile web-archive input for the tests and bench/hostile_files.py: WARC files a crash, a bad disk or an
attacker left (zero runs, garbage, a gzip member that inflates to one endless header line) and a Common
Crawl whose index and data host lie (docs/security.md, "Web-archive files and indexes").

Like tests/support/hostile_site.py it imports nothing of scraper/, pipelines/ or datasette_kinhtedothi/:
the WARC files are the sample site's (``kinhtedothi.sample_site.warc_files``), written with warcio.

``HostileCommonCrawl`` holds one monthly crawl (``CRAWL``) and one feed (``FEED``, read with
``--feed-url``) whose page links one article of each kind in ``CC_ARTICLES``:

* ``GOOD``: an ordinary article, archived;
* ``INDEX_500``: the index answers 500 to every query about it;
* ``INDEX_HUGE``: the index answers ``HUGE_INDEX_BYTES`` of lines about it;
* ``OTHER_PAGE``: its index line points at a record of another host's page;
* ``HEADER_BOMB``: its record is a gzip member of about 250 KB that inflates to one HTTP header line of
  ``BOMB_LINE`` bytes;
* ``RECORD_500``: the data host answers 500 to every request for its record.

The feed links the ``articles`` given (all of them by default). Its prefix query claims ``claimed_pages``
pages (``{"pages": 1000000000}`` by default), each answering the same line; ``index_down=True`` answers 500
to every index query.
"""

from __future__ import annotations

import io
import json
import zlib
from urllib.parse import parse_qs, urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from kinhtedothi.sample_site import warc_files
from kinhtedothi.sample_site.loopback import FakeHandler, LoopbackServer, RequestLog, ranged
from tests.support.hostile_site import SITE, article_html, listing_html

MiB = 1024 * 1024
BOMB_LINE = 256 * MiB          # the inflated header line of a bomb member
HUGE_INDEX_BYTES = 20 * MiB    # an index answer over the reader's bound
CRAWL = "CC-MAIN-2021-17"
FEED = "/su-kien/1/hostile.html"
GOOD = "/bai-that-1002.html"
INDEX_500 = "/chi-muc-loi-2001.html"
INDEX_HUGE = "/chi-muc-lon-2002.html"
OTHER_PAGE = "/trang-khac-2003.html"
HEADER_BOMB = "/bom-dau-2004.html"
RECORD_500 = "/ban-ghi-loi-2005.html"
CC_ARTICLES = (GOOD, INDEX_500, INDEX_HUGE, OTHER_PAGE, HEADER_BOMB, RECORD_500)
DATA_FILE = "crawl-data/CC-MAIN-2021-17/segments/hostile/warc/hostile.warc.gz"


def sample_warc() -> bytes:
    """The sample site's pages as one gzip-per-record WARC file (every file of the fake Common Crawl)."""
    return b"".join(data for _, data in sorted(warc_files().items()))


def first_member(data: bytes) -> bytes:
    """The first gzip member of a gzip-per-record file: its first record (a warcinfo)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    inflater.decompress(data)
    return data[:len(data) - len(inflater.unused_data)]


def gzip_member(*parts: bytes, repeat: tuple[bytes, int] | None = None, tail: bytes = b"") -> bytes:
    """One gzip member of ``parts``, then ``repeat[0]`` ``repeat[1]`` times, then ``tail``, compressed
    as it goes (never held inflated)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [compressor.compress(p) for p in parts]
    if repeat:
        chunk, times = repeat
        out += [compressor.compress(chunk) for _ in range(times)]
    out += [compressor.compress(tail), compressor.flush()]
    return b"".join(out)


def warc_header_bomb(line: int = BOMB_LINE, uri: str = SITE + "/bom-1007.html") -> bytes:
    """A WARC record whose WARC headers hold one header line of ``line`` bytes (a member of about line/1000)."""
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2021-05-01T00:00:00Z\r\n"
            f"Content-Type: application/http; msgtype=response\r\nX-Padding: ").encode()
    return gzip_member(head, repeat=(b"a" * MiB, line // MiB), tail=b"\r\nContent-Length: 0\r\n\r\n\r\n\r\n")


def http_header_bomb(uri: str, line: int = BOMB_LINE) -> bytes:
    """A WARC response record whose HTTP headers hold one header line of ``line`` bytes."""
    length = line + 200
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2021-05-01T00:00:00Z\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {length}\r\n\r\n"
            f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nSet-Cookie: ").encode()
    return gzip_member(head, repeat=(b"a" * MiB, line // MiB), tail=b"\r\n\r\n<html></html>\r\n\r\n")


def many_header_lines(count: int, uri: str = SITE + "/nhieu-dong-1012.html") -> bytes:
    """A WARC record with ``count`` short WARC header lines (each ``X: y``)."""
    head = f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n".encode()
    return gzip_member(head, repeat=(b"X: y\r\n" * 1000, count // 1000), tail=b"Content-Length: 0\r\n\r\n\r\n\r\n")


def response_record(uri: str, body: bytes, date: str = "2021-04-20T08:00:00Z", status: str = "200 OK",
                    gzip: bool = True) -> bytes:
    """One WARC response record (a gzip member when ``gzip``), as warcio writes it."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    http = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8"),
                                     ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                                  warc_headers_dict={"WARC-Date": date}))
    return out.getvalue()


def encoded_record(uri: str, encoded: bytes, encoding: str, chunked: bool = False) -> bytes:
    """A response record whose payload is stored as the server sent it: ``Content-Encoding: encoding``, and in
    HTTP chunks when ``chunked``."""
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", encoding)]
    if chunked:
        headers.append(("Transfer-Encoding", "chunked"))
        size = 4096
        encoded = b"".join(b"%x\r\n%s\r\n" % (len(encoded[i:i + size]), encoded[i:i + size])
                           for i in range(0, len(encoded), size)) + b"0\r\n\r\n"
    else:
        headers.append(("Content-Length", str(len(encoded))))
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(encoded), http_headers=http,
                                                  warc_headers_dict={"WARC-Date": "2021-04-20T08:00:00Z"}))
    return out.getvalue()


def brotli_bomb(size: int) -> bytes:
    """``size`` zero bytes in brotli (1 GiB is about 190 KB)."""
    import brotli

    compressor, zeros = brotli.Compressor(quality=1), bytes(min(size, 64 * MiB))
    parts = [compressor.process(zeros[:min(len(zeros), size - done)]) for done in range(0, size, len(zeros))]
    return b"".join(parts) + compressor.finish()


def article_record(path: str, title: str, gzip: bool = True) -> bytes:
    """An article page of the site as a WARC response record."""
    body = article_html(path, title, "13-01-2021 20:36", f"Nội dung của bài {title}.").encode()
    return response_record(SITE + path, body, gzip=gzip)


# -- a Common Crawl that lies ----------------------------------------------------------------------------


def _surt(path: str) -> str:
    return "vn,kinhtedothi)" + path


class _CcState(RequestLog):
    def __init__(self, claimed_pages: int, index_down: bool, articles: tuple[str, ...]) -> None:
        super().__init__()
        self.claimed_pages = claimed_pages
        self.index_down = index_down
        self.rows: dict[str, dict] = {}
        out = io.BytesIO()
        feed = listing_html(list(articles), None).encode()
        pages = {FEED: (SITE + FEED, feed)}
        for path in articles:
            pages[path] = (SITE + path, article_html(path, f"Bài {path}", "13-01-2021 20:36",
                                                     "Nội dung thật.").encode())
        for path, (uri, body) in pages.items():
            offset = out.tell()
            if path == OTHER_PAGE:  # the index names our page; the record holds another host's
                record = response_record("https://example.org/quang-cao.html",
                                         article_html(path, "Trang của host khác", "13-01-2021 20:36",
                                                      "Quảng cáo.").encode())
            elif path == HEADER_BOMB:
                record = http_header_bomb(uri)
            else:
                record = response_record(uri, body)
            out.write(record)
            self.rows[path] = {"urlkey": _surt(path), "timestamp": "20210420080000", "url": uri,
                               "mime": "text/html", "status": "200", "digest": f"sha1:{path}",
                               "length": str(len(record)), "offset": str(offset), "filename": DATA_FILE}
        self.data = out.getvalue()

    def index(self, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        url = query.get("url", [""])[-1]
        path = "/" + url.split("/", 1)[1] if "/" in url else "/"
        ndjson = {"Content-Type": "text/x-ndjson"}
        if self.index_down or path == INDEX_500:
            return 500, {"Content-Type": "text/plain"}, b"Internal Server Error"
        if query.get("showNumPages") == ["true"]:
            return 200, ndjson, json.dumps({"pages": self.claimed_pages, "pageSize": 5, "blocks": 1}).encode()
        if path == INDEX_HUGE:
            line = json.dumps({**self.rows[INDEX_HUGE], "status": "404"}).encode() + b"\n"
            return 200, ndjson, line * (HUGE_INDEX_BYTES // len(line) + 1)
        stem = FEED.rsplit(".htm", 1)[0]
        row = self.rows[FEED] if path.startswith(stem) else self.rows.get(path)
        if row is None:
            return 404, {"Content-Type": "application/json"}, b'{"message": "No Captures found"}'
        return 200, ndjson, json.dumps(row).encode() + b"\n"


class _CcHandler(FakeHandler[_CcState]):
    def answer(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == f"/{CRAWL}-index":
            return self.reply_answer(self.state.index(parse_qs(parts.query)))
        if parts.path == "/" + DATA_FILE:
            failing = self.state.rows.get(RECORD_500)
            if failing and (self.headers.get("Range") or "").startswith(f"bytes={failing['offset']}-"):
                return self.reply(500, b"Internal Server Error", "text/plain")
            return self.reply_answer(ranged(self.state.data, self.headers.get("Range")))
        return self.reply(404, b"Not Found", "text/plain")


class HostileCommonCrawl(LoopbackServer[_CcState]):
    """The lying Common Crawl on loopback (see the module docstring): index and data host on one port."""

    thread_name = "hostile-commoncrawl"

    def __init__(self, claimed_pages: int = 1_000_000_000, index_down: bool = False,
                 articles: tuple[str, ...] = CC_ARTICLES) -> None:
        super().__init__(_CcState(claimed_pages, index_down, articles), _CcHandler)

    def argv(self) -> list[str]:
        """The `kinhtedothi crawl` options that read this Common Crawl's one feed."""
        return ["--source", "commoncrawl", "--cc-index-url", self.url, "--cc-data-url", self.url,
                "--crawls", CRAWL, "--feed-url", SITE + FEED, "--event", "hostile",
                "-s", "COMMONCRAWL_DELAY=0", "-s", "COMMONCRAWL_THROTTLE_WAIT=0.05", "-s", "RETRY_BACKOFF_BASE=0.01"]
