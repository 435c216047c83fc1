"""A fake Common Crawl on loopback: its index server and its data host, in one server.

    from kinhtedothi.sample_site import FakeCommonCrawl
    with FakeCommonCrawl() as cc:
        cc.url + "/collinfo.json"
        cc.url + "/CC-MAIN-2021-21-index?url=kinhtedothi.vn/&output=json"
        cc.url + "/crawl-data/CC-MAIN-2021-21/…/….warc.gz"     (with a Range header)

It holds the fake Wayback Machine's captures (wayback_data, the sample site's own pages),
each filed in the monthly crawl of its week, as gzip-per-record WARC files (one per crawl,
made with warcio). The real shapes: ``/<crawl>-index`` answers JSON lines (``urlkey,
timestamp, url, mime, status, digest, length, offset, filename``, ``redirect`` for a 3xx),
404 with a JSON message when nothing matches, ``matchType=exact|prefix``, paged by
``PAGE_SIZE`` lines with ``showNumPages=true`` / ``page=N`` (no ``page``: every line); the
data host answers a ``Range: bytes=a-b`` with 206 and those bytes.

Politeness testing (``throttle=True``): the THROTTLE_INDEX-th index requests are answered
503 and the THROTTLE_DATA-th data requests 429 (no Retry-After). The request log keeps,
for each request, how many others were in progress when it arrived (``in_flight``).
"""
import io
import json
import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .loopback import Answer, FakeHandler, LoopbackServer, RequestLog, ranged
from .wayback_data import CAPTURES, Capture, surt

# The monthly crawls of 2021 (name, ISO week of the crawl's end), as Common Crawl names them.
CRAWLS_2021 = ("CC-MAIN-2021-04", "CC-MAIN-2021-10", "CC-MAIN-2021-17", "CC-MAIN-2021-21", "CC-MAIN-2021-25",
               "CC-MAIN-2021-31", "CC-MAIN-2021-39", "CC-MAIN-2021-43", "CC-MAIN-2021-49")
EMPTY_CRAWLS = ("CC-MAIN-2020-50", "CC-MAIN-2022-05")  # listed, holding no capture of the site
PAGE_SIZE = 5                 # index lines per page (the real server: 5 blocks of 3,000)
THROTTLE_INDEX = (3, 4)       # n-th index requests answered 503
THROTTLE_DATA = (5,)          # n-th data requests answered 429
INDEX_RE = re.compile(r"^/(CC-MAIN-\d{4}-\d{2})-index$")
REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found", 500: "Internal Server Error",
           503: "Service Unavailable"}


def crawl_of(timestamp):
    """The 2021 crawl that holds a capture: the first whose week is not before the capture's."""
    week = datetime.strptime(timestamp[:8], "%Y%m%d").isocalendar()[1]
    return next((c for c in CRAWLS_2021 if int(c[-2:]) >= week), CRAWLS_2021[-1])


def _warc_date(timestamp):
    return datetime.strptime(timestamp, "%Y%m%d%H%M%S").strftime("%Y-%m-%dT%H:%M:%SZ")


def _filename(crawl, n):
    year, week = crawl[8:12], crawl[13:]
    return (f"crawl-data/{crawl}/segments/16{year}{week}000.{n:02d}/warc/"
            f"{crawl.replace('-MAIN-', '-MAIN-')}-{year}{week}0000-{n:05d}.warc.gz")


def build(captures):
    """-> (files: {filename: bytes}, index: {crawl: [row, …] in urlkey order})."""
    by_crawl: dict[str, list[Capture]] = {}
    for cap in captures:
        by_crawl.setdefault(crawl_of(cap.timestamp), []).append(cap)
    files: dict[str, bytes] = {}
    index: dict[str, list[dict[str, str]]] = {c: [] for c in CRAWLS_2021 + EMPTY_CRAWLS}
    for crawl, caps in by_crawl.items():
        name, out = _filename(crawl, 0), io.BytesIO()
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(name, {"software": "fake-commoncrawl"}))
        for cap in sorted(caps, key=lambda c: c.timestamp):
            _other_host_record(writer, cap.timestamp)
            offset = out.tell()
            headers = [("Content-Type", cap.content_type()), ("Content-Length", str(len(cap.body)))]
            headers += [("Location", cap.headers["Location"])] if "Location" in cap.headers else []
            http = StatusAndHeaders("%d %s" % (cap.status, REASONS.get(cap.status, "OK")), headers, "HTTP/1.1")
            writer.write_record(writer.create_warc_record(cap.original, "response", payload=io.BytesIO(cap.body),
                                                          http_headers=http,
                                                          warc_headers_dict={"WARC-Date": _warc_date(cap.timestamp)}))
            row = {"urlkey": cap.urlkey, "timestamp": cap.timestamp, "url": cap.original,
                   "mime": cap.content_type().split(";")[0], "status": str(cap.status), "digest": cap.digest,
                   "length": str(out.tell() - offset), "offset": str(offset), "filename": name}
            if "Location" in cap.headers:
                row["redirect"] = cap.headers["Location"]
            index[crawl].append(row)
        files[name] = out.getvalue()
    for rows in index.values():
        rows.sort(key=lambda r: (r["urlkey"], r["timestamp"]))
    return files, index


def warc_files():
    """{file name: bytes}: the fake's WARC files (gzip per record), the sample site's pages as captured in 2021,
    for a reader of WARC files (``kinhtedothi crawl --source warc``)."""
    return build(CAPTURES)[0]


def _other_host_record(writer, timestamp):
    """Another site's page between ours, as in any real crawl file."""
    body = b"<html><body>another site</body></html>"
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1")
    writer.write_record(writer.create_warc_record("https://example.org/", "response", payload=io.BytesIO(body),
                                                  http_headers=http,
                                                  warc_headers_dict={"WARC-Date": _warc_date(timestamp)}))


def _match(rows, url, match_type):
    if url.endswith("*"):
        url, match_type = url[:-1], "prefix"
    key = surt(url)
    if match_type == "prefix":
        return [r for r in rows if r["urlkey"].startswith(key)]
    return [r for r in rows if r["urlkey"] == key]


class _State(RequestLog):
    """The files, the index, the request log and the throttle counters, shared by the handler threads."""

    def __init__(self, captures, throttle):
        super().__init__()
        self.files, self.index = build(captures)
        self.throttle = throttle
        self.counts = {"index": 0, "data": 0}
        self.throttled: list[str] = []

    def _throttled(self, kind, path):
        with self.lock:
            self.counts[kind] += 1
            hit = self.throttle and self.counts[kind] in (THROTTLE_INDEX if kind == "index" else THROTTLE_DATA)
            if hit:
                self.throttled.append(path)
            return hit

    def route(self, raw_path: str, range_header: str | None) -> Answer:
        """-> (status, headers, body); the data host answers a Range (see loopback.ranged)."""
        parts = urlsplit(raw_path)
        if parts.path == "/collinfo.json":
            crawls = sorted(self.index, reverse=True)
            body = [{"id": c, "name": c, "cdx-api": "/%s-index" % c} for c in crawls]
            return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()
        match = INDEX_RE.match(parts.path)
        if match:
            if self._throttled("index", raw_path):
                return 503, {"Content-Type": "text/plain"}, b"Slow Down"
            return self.query(match.group(1), parse_qs(parts.query))
        name = parts.path.lstrip("/")
        if name in self.files:
            if self._throttled("data", raw_path):
                return 429, {"Content-Type": "text/plain"}, b"Too Many Requests"
            return ranged(self.files[name], range_header)
        return 404, {"Content-Type": "text/plain"}, b"Not Found"

    def query(self, crawl: str, query: dict[str, list[str]]) -> Answer:
        def one(name, default=None):
            return query.get(name, [default])[-1]

        if crawl not in self.index:
            return 404, {"Content-Type": "application/json"}, b'{"message": "No such collection"}'
        rows = _match(self.index[crawl], one("url", ""), one("matchType", "exact"))
        pages = (len(rows) + PAGE_SIZE - 1) // PAGE_SIZE
        if one("showNumPages") == "true":
            body = {"pages": pages, "pageSize": PAGE_SIZE, "blocks": pages}
            return 200, {"Content-Type": "text/x-ndjson"}, json.dumps(body).encode()
        page = one("page")
        if page is not None:
            rows = rows[int(page) * PAGE_SIZE:(int(page) + 1) * PAGE_SIZE]
        if not rows:
            message = {"message": "No Captures found for: %s" % one("url", "")}
            return 404, {"Content-Type": "application/json"}, json.dumps(message).encode()
        return 200, {"Content-Type": "text/x-ndjson"}, "".join(json.dumps(r) + "\n" for r in rows).encode()


class _Handler(FakeHandler[_State]):
    def answer(self) -> None:
        self.reply_answer(self.state.route(self.path, self.headers.get("Range")))


class FakeCommonCrawl(LoopbackServer[_State]):
    """The fake Common Crawl on 127.0.0.1 (see the module docstring)."""

    thread_name = "fake-commoncrawl"

    def __init__(self, port=0, host="127.0.0.1", throttle=True, captures=None):
        self._state = _State(CAPTURES if captures is None else captures, throttle)
        super().__init__(self._state, _Handler, host, port)

    @property
    def crawls(self):
        """Every crawl the index lists (some hold nothing of the site)."""
        return sorted(self._state.index)

    def records(self):
        """[(crawl, index row)] of every capture held."""
        return [(c, dict(r)) for c, rows in sorted(self._state.index.items()) for r in rows]

    @property
    def throttled(self):
        with self._state.lock:
            return list(self._state.throttled)
