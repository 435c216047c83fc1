"""What SQL a visitor chooses can make the server hold: bounds in bytes on one value, one answer and
SQLite's memory, a clear message for each, odd parameters answered 4xx (never a 500), and every
argument that runs SQL a visitor chose waiting its turn at the gate (docs/security.md)."""

import logging
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

from datasette_kinhtedothi import limits
from datasette_kinhtedothi.archive import failures
from datasette_kinhtedothi.gate import canned_paths, is_expensive
from tests.support import ROOT, free_port, stop_group, wait_for
from tests.support.datasette import copy_archive, datasette_for, get

pytestmark = pytest.mark.fast

MB = 1024 * 1024


@pytest.fixture(scope="module")
def sql_ds(crawled, tmp_path_factory):
    return datasette_for(copy_archive(crawled[0], tmp_path_factory.mktemp("sql")))


def sql(ds, query: str, fmt: str = ".json", **params):
    return get(ds, f"/archive{fmt}", params={"sql": query, "_lang": "en", **params})


# -- one value -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("query", [
    "select hex(zeroblob(143000000))",                     # the 80 bytes: a 286 MB answer before
    "select length(hex(zeroblob(143000000)))",             # made inside SQLite, even if never returned
    f"select zeroblob({limits.MAX_VALUE_BYTES + 1})",
    f"select randomblob({limits.MAX_VALUE_BYTES + 1})",
    "with recursive r(s) as (select 'x' union all select s || s from r) select length(s) from r",
    "select group_concat(hex(zeroblob(1000000)), '') from (select 1 from articles limit 40)",
])
def test_a_value_over_the_limit_is_a_message_not_an_answer(sql_ds, query):
    response = sql(sql_ds, query)
    assert response.status_code == 400
    assert len(response.content) < 20_000
    assert "too big" in response.json()["error"]


def test_printf_past_the_limit_gives_null_not_a_huge_value(sql_ds):
    response = sql(sql_ds, f"select printf('%.*c', {limits.MAX_VALUE_BYTES + 1}, 'x') as s", _shape="array")
    assert response.status_code == 200 and response.json() == [{"s": None}]  # SQLite's own answer at the limit


def test_a_value_under_the_limit_is_answered_whole(sql_ds):
    response = sql(sql_ds, "select length(hex(zeroblob(1000000))) as n, hex(zeroblob(100000)) as h")
    assert response.status_code == 200
    row = response.json()["rows"][0]
    assert row[0] == 2_000_000 and len(row[1]) == 200_000


def test_the_value_limit_is_sqlites_own_on_every_connection(sql_ds):
    conn = sqlite3.connect(":memory:")
    limits.bound(conn)
    assert conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH) == limits.MAX_VALUE_BYTES
    with pytest.raises(sqlite3.DataError, match="too big"):
        conn.execute(f"select zeroblob({limits.MAX_VALUE_BYTES + 1})").fetchone()
    conn.close()


# -- one answer ----------------------------------------------------------------------------------------
def test_many_large_values_stop_at_the_answer_limit_with_the_row_reached(sql_ds):
    query = "select hex(zeroblob(4000000)) from articles limit 20"  # 20 values of 8 MB: 160 MB
    response = sql(sql_ds, query)
    assert response.status_code == 400 and len(response.content) < 20_000
    error = response.json()["error"]
    assert "too large" in error and "32 MB" in error
    html = sql(sql_ds, query, fmt="")
    assert html.status_code == 400 and "too large" in html.text


@pytest.mark.parametrize("path,params", [
    ("/archive/articles.json", {"_size": "max", "_col": "body_html"}),   # a table page's rows, counted the same way
    ("/archive/articles", {"_size": "max"}),
])
def test_an_ordinary_answer_is_far_under_the_limit(sql_ds, path, params):
    assert get(sql_ds, path, params=params).status_code == 200


@pytest.mark.parametrize("text", ["plain ascii", 'quotes " and \\ backslashes', "line\nbreaks\tand\x01controls",
                                  "Đảng bộ thành phố Hà Nội", "é" * 300, "ạ" * 500, "😀" * 50 + "x" * 1000,
                                  "x" * 10 + "😀", "\x00" * 1000, "ü\x01" * 400, ""])
def test_the_written_size_is_never_below_what_json_writes(text):
    import json

    assert limits.written_size(text) >= len(json.dumps(text)) - 2  # the quotes are the answer's
    assert limits.written_size(text.encode()) >= len(text.encode()) * 4 // 3  # a blob, in base64


def test_the_answer_tally_is_per_query(sql_ds):
    conn = sqlite3.connect(":memory:")
    limits.bound(conn)
    big = "select hex(zeroblob(3000000)) from (select 1 union all select 2 union all select 3)"  # 18 MB
    for _ in range(3):  # each query alone is under the limit, however many ran before on the connection
        assert len(conn.execute(big).fetchall()) == 3
    with pytest.raises(limits.AnswerTooLarge):
        conn.execute(big.replace("select 3", "select 3 union all select 4 union all select 5 union all "
                                 "select 6")).fetchall()
    conn.close()


def test_one_row_of_many_large_values_is_stopped_by_sqlites_memory_limit(sql_ds):
    columns = ", ".join(f"hex(zeroblob({limits.MAX_VALUE_BYTES // 2 - 1}))" for _ in range(12))  # 12 x 16 MB
    response = sql(sql_ds, f"select {columns}")
    assert response.status_code == 503 and len(response.content) < 20_000
    assert "memory" in response.json()["error"]


# -- odd parameters ------------------------------------------------------------------------------------
# The articles list (Datasette's table view: one view, three renderers), SQL, a ready-made query, the search page,
# the export. bench/odd_requests.py sends a seeded random sweep of such parameters, one to three at a time.
TABLE, FORMATS = "/archive/articles", ("", ".json", ".csv")
PATHS = ["/archive.json", "/archive/search.json", "/-/search", "/-/export.csv"]
# Parameters only some formats of the list read, sent to each of them: the shape of a JSON answer, CSV's streaming,
# and the facets (HTML and JSON compute them, CSV does not, so a facet can fail in both and never in CSV).
READ_BY = {"_shape": (".json",), "_json": (".json",), "_stream": (".csv",),
           **{name: ("", ".json") for name in ("_facet", "_facet_array", "_facet_date", "_facet_size")}}
ODD = ["_sort=rowid", "_sort_desc=rowid", "_sort=", "_sort=body_html", "_sort=id&_sort_desc=id", "_where=%00",
       "_where=)", "_where=1;select+1", "%00=1", "_facet=%00", "_facet=nonexistent", "_facet_array=title",
       "_facet_date=title", "_col=nonexistent", "_nocol=id", "_size=-1", "_size=abc", "_size=99999999999999999999",
       "_next=abc", "_next=%FF", "_shape=weird", "_shape=arrayfirst", "_labels=weird", "id__in=[", "id__in=%5B1,",
       "id__arraycontains=x", "published_at__date=x", "title__glob=[", "id__gt=abc", "nonexistent__exact=1",
       "nonexistent=1", "_search_nonexistent=x", "_searchmode=raw&_search=%22", "_search=%22", "_through=%7B%7D",
       "_through=%7B%22table%22%3A1%7D", "_through=x", "_json=title", "_trace=1", "_timelimit=abc",
       "_timelimit=-5", "sql=select", "sql=select+char(0)", "sql=select+:p&p=%00", "q=%ED%A0%80", "q=%FF%FE",
       "q=NOT", "q=*", "exact=%22%22", "from=99999-99-99", "from=2021-02-31", "_stream=1&_next=1",
       "_facet_size=max", "_facet_size=-1", "lang=xx", "db=nonexistent", "sort=weird", "_extra=count_sql"]


def odd_requests() -> list[str]:
    """Each odd parameter on every page; on the articles list in one of its three formats, in turn (ODD lists
    the values of one parameter together, so most parameters reach all three), or in each format that reads it."""
    requests = []
    for i, query in enumerate(ODD):
        formats = READ_BY.get(query.split("=", 1)[0], (FORMATS[i % len(FORMATS)],))
        requests += [f"{TABLE}{renderer}?{query}" for renderer in formats] + [f"{path}?{query}" for path in PATHS]
    return requests


def test_the_odd_requests_send_each_parameter_to_every_page_and_to_each_format_of_the_list_that_reads_it():
    requests = odd_requests()
    for query in ODD:
        pages = {r.split("?", 1)[0] for r in requests if r.split("?", 1)[1] == query}
        assert set(PATHS) < pages and pages - set(PATHS) <= {TABLE + f for f in FORMATS}, query
        if query.startswith("_facet"):
            assert {TABLE, TABLE + ".json"} < pages, query
    for renderer in FORMATS:
        assert sum(r.startswith(f"{TABLE}{renderer}?") for r in requests) >= len(ODD) // 4, renderer
    assert f"{TABLE}.json?_shape=weird" in requests and f"{TABLE}.csv?_stream=1&_next=1" in requests


@pytest.mark.slow   # 296 requests, a third refused (Datasette logs each traceback): the slow tier (make test)
# A parameter refused before Datasette awaits its facet coroutines leaves them unawaited: Datasette's, not a leak.
@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
def test_no_odd_parameter_gets_a_500(sql_ds):
    failures = []
    for request in odd_requests():
        response = get(sql_ds, request)
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {request}: {response.text[:120]!r}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("query,words", [
    ("_sort=rowid", "rowid"), ("_where=%00", "NUL"), ("%00=1", "NUL"), ("_facet=%00", "NUL"),
    ("_sort=id&_sort_desc=id", "_sort and _sort_desc"), ("_where=1;select+1", "one statement"),
    ("id__in=[", "JSON"),
])
def test_an_odd_parameter_is_a_400_that_says_what_is_wrong(sql_ds, query, words):
    response = get(sql_ds, f"/archive/articles.json?{query}&lang=en")
    assert response.status_code == 400
    assert words.lower() in response.text.lower(), response.text[:300]


@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
@pytest.mark.parametrize("path", ["/archive/articles.json?_where=1;select+1&lang=en", "/archive/nothing-here"])
def test_a_refused_request_prints_no_traceback_with_every_local_variable(sql_ds, capfd, path):
    """Datasette printed each one with rich, locals included: 0.2 s of CPU a request, a core for 5 a second."""
    capfd.readouterr()
    assert get(sql_ds, path).status_code in (400, 404)
    printed = "".join(capfd.readouterr())   # Datasette's plain traceback of a ValueError may stay: it is cheap
    assert "╭" not in printed and "locals" not in printed, printed[-2000:]


def test_a_real_bug_still_writes_its_traceback_to_the_log_and_a_refusal_one_line(caplog):
    try:
        raise RuntimeError("a bug of ours")
    except RuntimeError as error:
        bug = error
    request = SimpleNamespace(path="/archive/articles")
    with caplog.at_level(logging.INFO, logger="datasette_kinhtedothi"):
        failures.log_failure(request, bug, failures.status_of(bug, None))
        failures.log_failure(request, ValueError("not a number"), 400)
    (logged_bug, refusal) = caplog.records
    assert logged_bug.levelname == "ERROR" and logged_bug.exc_info[1] is bug
    assert "500 /archive/articles: RuntimeError" in logged_bug.getMessage()
    assert refusal.exc_info is None and refusal.getMessage() == "400 /archive/articles: ValueError: not a number"


# -- the gate --------------------------------------------------------------------------------------------
CANNED = frozenset({"/archive/search", "/archive/articles_per_event_month"})


@pytest.mark.parametrize("path,query", [
    ("/archive/articles", "_where=length(body_text)>0"), ("/archive/articles", "_sort=body_text"),
    ("/archive/articles", "_sort_desc=title"), ("/archive/articles", "_facet=author"),
    ("/archive/articles", "_facet_array=tags"), ("/archive/articles.csv", "_stream=on"),
    ("/archive/articles.json", "_size=max"), ("/archive/articles.json", "_size=1000"),
    ("/archive/articles", "body_text__contains=covid"), ("/archive/articles", "body_text=covid"),
    ("/archive/articles", "title__glob=*a*b*"), ("/archive/articles_per_event_month", ""),
    ("/archive/articles_per_event_month.json", ""), ("/archive/search.csv", "q=covid"), ("/-/export.csv", ""),
    ("/-/chart", ""), ("/archive.json", "sql=select+1"), ("/archive/articles", "_search_title=x"),
])
def test_every_argument_that_runs_sql_a_visitor_chose_waits_at_the_gate(path, query):
    assert is_expensive(path, query.encode(), CANNED)


@pytest.mark.parametrize("path,query", [
    ("/", ""), ("/archive/articles", ""), ("/archive/articles/-3", ""), ("/archive/articles", "_event=x&_tag=y"),
    ("/archive/articles", "published_at__startswith=2021-05&section=Chính+trị"),
    ("/archive/articles", "from=2021-05-01&to=2021-05-31&lang=en"), ("/archive/articles.json", "_size=50&_next=40"),
    ("/archive/articles", "_col=title&_nocol=body_html&_labels=on"), ("/-/search", "event=x"),
    ("/-/edits", "all=1"), ("/-/person/Ngọc", "lang=en"),
])
def test_pages_a_reader_opens_without_choosing_sql_never_wait(path, query):
    assert not is_expensive(path, query.encode(), CANNED)


def test_the_gate_knows_the_ready_made_queries_of_the_metadata(sql_ds):
    paths = canned_paths(sql_ds)
    assert {"/archive/search", "/archive/articles_per_event_month", "/archive/event_between_dates"} <= paths
    assert "/archive/articles" not in paths


# -- the real server's memory ----------------------------------------------------------------------------
def peak_resident_mb(pid: int) -> float:
    """The process's peak resident size (VmHWM), in MB: what the issue measured (1.76 GB before)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


HUGE = ["select hex(zeroblob(143000000))",                             # the 80 bytes
        "select hex(zeroblob(4000000)) from articles limit 20",        # 160 MB in 20 values
        "select " + ", ".join(["hex(zeroblob(8388607))"] * 12),       # one row of 12 x 16 MB
        "select replace(hex(zeroblob(8000000)), '0', char(1)) as c"]  # 16 MB that JSON writes six times over


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the server's peak memory from /proc")
def test_the_server_stays_small_whatever_values_sql_asks_for(crawled, tmp_path):
    db = copy_archive(crawled[0], tmp_path / "memory")
    with served_with_pid(db) as (base, pid):
        for query in HUGE:
            for fmt in (".json", "", ".csv"):
                url = f"{base}/archive{fmt}?" + urllib.parse.urlencode({"sql": query})
                try:
                    with urllib.request.urlopen(url, timeout=120) as answer:
                        body = answer.read()
                except urllib.error.HTTPError as error:
                    body = error.read()
                    assert error.code in (400, 503)
                assert len(body) < 20 * MB, (query, fmt, len(body))
        assert peak_resident_mb(pid) < 600  # before: 1,760 MB for the first query alone


@contextmanager
def served_with_pid(db: Path):
    """`kinhtedothi serve` (which becomes Datasette: the same pid) on a free port: (base URL, pid)."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "scraper.cli", "serve", "--db", str(db), "--port", str(port)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/-/versions.json", process)
        yield base, process.pid
    finally:
        stop_group(process)
