"""The request handler every fake server shares (kinhtedothi/sample_site/loopback.py), over real loopback HTTP."""

from __future__ import annotations

import gzip
import http.client
import threading

import pytest

from kinhtedothi.sample_site.loopback import FakeHandler, LoopbackServer, RequestLog

pytestmark = pytest.mark.fast

BLOB = bytes(range(256)) * 4  # 1,024 bytes, every byte value


class Gate(RequestLog):
    """A state with an event the slow path waits on (to hold a request in flight)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.holding = threading.Event()


class Handler(FakeHandler[Gate]):
    def answer(self) -> None:
        path, query = self.url_path, self.query
        if path == "/page":
            return self.reply(200, "<p>%s</p>" % query.get("q", ["–"])[0])
        if path == "/blob":
            return self.reply_range(BLOB)
        if path == "/zipped":
            return self.reply(200, "nén " * 100, "text/plain; charset=utf-8", compress=True)
        if path == "/moved":
            return self.reply_answer((301, {"Location": "/page"}, b""))
        if path == "/slow":
            self.state.holding.set()
            self.state.release.wait(30)
            return self.reply(200, "late")
        if path == "/bug":
            raise RuntimeError("a bug in the fake")
        return super().answer()


@pytest.fixture
def server():
    with LoopbackServer(Gate(), Handler) as running:
        yield running


def ask(server, method, path, headers=None):
    """-> (status, headers, body) of one request on a new connection."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(method, path, headers={"User-Agent": "base-test/1", **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_a_body_goes_with_its_type_and_length_and_the_query_is_parsed(server):
    status, headers, body = ask(server, "GET", "/page?q=b%C3%A0i")
    assert status == 200 and body == "<p>bài</p>".encode()
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Content-Length"] == str(len(body)) and headers["Server"].startswith("nginx")


def test_a_head_gets_the_headers_of_the_get_and_no_body(server):
    get = ask(server, "GET", "/page?q=x")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:  # on one kept-alive connection: a body sent after the HEAD's headers would be read as the next answer
        conn.request("HEAD", "/page?q=x")
        head = conn.getresponse()
        assert head.status == 200 and head.read() == b""
        assert head.getheader("Content-Length") == get[1]["Content-Length"] != "0"
        conn.request("GET", "/page?q=y")
        after = conn.getresponse()
        assert (after.status, after.read()) == (200, b"<p>y</p>")
    finally:
        conn.close()


def test_a_byte_range_gets_206_with_those_bytes_and_a_range_past_the_end_416(server):
    status, headers, body = ask(server, "GET", "/blob", {"Range": "bytes=10-19"})
    assert (status, body) == (206, BLOB[10:20])
    assert headers["Content-Range"] == "bytes 10-19/1024"
    status, headers, body = ask(server, "GET", "/blob", {"Range": "bytes=1000-5000"})
    assert (status, body, headers["Content-Range"]) == (206, BLOB[1000:], "bytes 1000-1023/1024")
    status, headers, body = ask(server, "GET", "/blob", {"Range": "bytes=1024-2000"})
    assert (status, body, headers["Content-Range"]) == (416, b"", "bytes */1024")
    assert ask(server, "GET", "/blob")[:3:2] == (200, BLOB)


def test_a_compressed_answer_says_so_and_inflates_to_the_body(server):
    status, headers, body = ask(server, "GET", "/zipped", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert headers["Content-Length"] == str(len(body)) and len(body) < 100
    assert gzip.decompress(body).decode() == "nén " * 100


def test_other_methods_get_405_naming_the_allowed_ones(server):
    status, headers, body = ask(server, "POST", "/page")
    assert status == 405 and headers["Allow"] == "GET, HEAD" and body == b""


def test_a_router_answer_an_unknown_path_and_a_bug_in_the_fake(server):
    status, headers, _ = ask(server, "GET", "/moved")
    assert status == 301 and headers["Location"] == "/page" and "Content-Type" not in headers
    assert ask(server, "GET", "/nowhere")[0] == 404
    assert ask(server, "GET", "/bug")[::2] == (500, b"internal error")


def test_the_request_log_records_each_request_before_its_answer(server):
    ask(server, "GET", "/page?q=1")
    ask(server, "HEAD", "/blob", {"Range": "bytes=0-1"})
    ask(server, "DELETE", "/page")
    ask(server, "GET", "/bug")
    log = server.requests
    assert [(r["method"], r["path"], r["status"], r["range"]) for r in log] == [
        ("GET", "/page?q=1", 200, None), ("HEAD", "/blob", 206, "bytes=0-1"),
        ("DELETE", "/page", 405, None), ("GET", "/bug", 500, None)]
    assert all(r["user_agent"] == "base-test/1" and r["in_flight"] == 0 for r in log)
    assert [r["time"] for r in log] == sorted(r["time"] for r in log)
    server.clear_requests()
    assert server.requests == []


def test_a_request_answered_meanwhile_counts_the_one_in_flight(server):
    state = server._state
    slow = threading.Thread(target=ask, args=(server, "GET", "/slow"))
    slow.start()
    try:
        assert state.holding.wait(10)
        assert ask(server, "GET", "/page")[0] == 200
    finally:
        state.release.set()
        slow.join(10)
    by_path = {r["path"]: r for r in server.requests}
    assert by_path["/page"]["in_flight"] == 1 and by_path["/slow"]["in_flight"] == 0
    assert state.most_in_flight == {"all": 2} and state.in_flight == {"all": 0}
