"""What a visitor can make the published archive do: every SQL function bounded, long searches refused,
huge articles and impossible dates served fast and small (docs/security.md)."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from datasette_kinhtedothi import vi_search as V
from scraper.publish import datasette_command, read_only
from tests.support import ROOT, free_port
from tests.support.cost import lines_run
from tests.support.datasette import add_article, copy_archive, datasette_for, get

pytestmark = pytest.mark.fast

# A hang guard (pytest-timeout stops the test), not a measurement: the costs are checked by counting
# the lines of our code executed (tests/support/cost.py: lines_run), which a loaded machine cannot change.
BACKSTOP = 120


def words(n: int, word: str = "covid") -> str:
    return " ".join([word] * n)


# -- the functions, with hostile sizes ---------------------------------------------------------------
def test_a_query_past_the_limits_is_refused_by_every_function():
    too_long, too_many = "a" * (V.MAX_QUERY_CHARS + 1), words(V.MAX_QUERY_TERMS + 1)
    for query in (too_long, too_many):
        for call in (lambda query=query: V.fts_match(query), lambda query=query: V.fts_match_in(query, 2, "title"),
                     lambda query=query: V.phrase_match(query), lambda query=query: V.exact_match(query),
                     lambda query=query: V.exact("x", query),
                     lambda query=query: V.snippet("covid", query),
                     lambda query=query: V.snippet_exact("covid", query)):
            with pytest.raises(V.QueryTooLong):
                call()
    assert V.query_problem(words(V.MAX_QUERY_TERMS)) is None


def test_the_highlight_pattern_grows_linearly_with_the_query():
    small, large = V._folded_pattern(words(4, "dang")), V._folded_pattern(words(V.MAX_QUERY_TERMS, "dang"))
    # distinct terms only, phrases at most MAX_PHRASE_WORDS long: bounded by the limits, not their square
    assert large.pattern.count("|") + 1 <= V.MAX_PHRASE_WORDS
    distinct = " ".join(f"w{i}" for i in range(V.MAX_QUERY_TERMS))
    assert len(V._highlight_terms(distinct)) <= 2 * V.MAX_QUERY_TERMS
    assert len(V._folded_pattern(distinct).pattern) < 40 * V.MAX_QUERY_TERMS * V.MAX_PHRASE_WORDS
    assert small.search("dang dang")


@pytest.mark.timeout(BACKSTOP)
def test_a_snippet_of_a_huge_article_costs_no_more_than_one_of_a_long_article():
    query = words(V.MAX_QUERY_TERMS)
    long_article = lines_run(V.snippet, words(10_000), query)
    huge_article = lines_run(V.snippet, words(100_000), query)
    assert huge_article <= long_article * 1.1 + 100  # the scan window and the span cap bound the work
    text = V.snippet(words(100_000), query)
    assert len(text) <= V.MAX_SNIPPET_WIDTH * 20  # a bounded passage, however often the word appears


def test_choosing_the_passage_is_linear_in_the_matches():
    def cost(n):
        return lines_run(V._best_window, [(6 * i, 6 * i + 5) for i in range(n)], words(n), 220)

    assert cost(400) <= 2.2 * cost(200)


def test_a_match_far_into_a_long_text_is_still_shown():
    text = words(20_000, "lorem") + " Đảng bộ thành phố"
    assert "<mark>Đảng bộ</mark>" in V.snippet(text, "dang bo")
    assert "<mark>Đảng bộ</mark>" in V.snippet_exact(text, "Đảng bộ")


def test_an_asked_width_is_capped():
    text = words(5_000, "lorem")
    assert len(V.snippet(text, "lorem", 10_000_000)) <= V.MAX_SNIPPET_WIDTH * 4  # <mark> tags included
    assert len(V.snippet(text, "nothing", 10_000_000)) <= V.MAX_SNIPPET_WIDTH + 2


def test_exact_spelling_is_linear():
    assert lines_run(V.exact, words(100_000, "bàn"), "bàn bán") < 200  # regex work is done in C, once
    # vi_date reads with kinhtedothi.vocab.dates.parse_day: tests/test_dates.py counts its lines on hostile text


# -- the server ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_db(crawled, tmp_path_factory):
    db = copy_archive(crawled[0], tmp_path_factory.mktemp("hostile"))
    add_article(db, 990301, title="Bài rất dài về covid", body_text="\n\n".join([words(300)] * 100))
    add_article(db, 990302, title="Bài ngày 0001", body_text="covid", published_at="0001-01-01T00:00:00+07:00")
    add_article(db, 990303, title="Bài ngày 9999", body_text="covid", published_at="9999-12-31T23:59:00+07:00")
    # as a crawl before control characters were removed could have stored it
    add_article(db, 990304, title="Tin\x01 điều\x08 khiển\x1b zơlăng", body_text="Nội\x00 dung zơlăng\x0b.")
    return db


@pytest.fixture(scope="module")
def hostile_ds(hostile_db):
    return datasette_for(hostile_db)


@pytest.mark.parametrize("path,arg", [("/archive/search", "q"), ("/archive/articles", "_search"),
                                      ("/archive/exact_search", "exact"), ("/archive/term_over_time", "term"),
                                      ("/-/chart", "q"), ("/archive/articles.json", "_search"),
                                      ("/-/search", "q"), ("/-/search.json", "q"), ("/-/export.csv", "q")])
@pytest.mark.timeout(BACKSTOP)
def test_a_search_of_3000_words_is_a_message_not_a_search(hostile_ds, path, arg):
    response = get(hostile_ds, path, params={arg: words(3000)})
    assert response.status_code == 400
    assert "too long" in response.text and len(response.text) < 50_000


@pytest.mark.timeout(BACKSTOP)
def test_a_search_of_a_huge_article_answers_with_a_short_passage(hostile_ds):
    response = get(hostile_ds, "/archive/search.json", params={"q": "covid", "_shape": "array"})
    assert response.status_code == 200
    hit = next(r for r in response.json() if r["article_id"] == 990301)
    assert "<mark>" in hit["snippet"] and len(hit["snippet"]) < 5_000


# Datasette turns on SQLite's callback tracebacks, so the function's refusal is also printed through
# sys.unraisablehook: expected here, and the answer (a 400) is what the test checks.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_sql_calling_a_function_with_a_huge_query_is_an_error_not_a_hang(hostile_ds):
    sql = f"select vi_snippet(body_text, '{words(3000)}') from articles"
    response = get(hostile_ds, "/archive.json", params={"sql": sql})
    assert response.status_code == 400


def test_a_feed_of_text_with_control_characters_is_still_xml(hostile_ds):
    from xml.etree import ElementTree

    response = get(hostile_ds, "/archive/feed.atom", params={"q": "zolang"})
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Tin điều khiển zơlăng" in titles


def test_articles_dated_0001_and_9999_are_counted_not_plotted(hostile_ds):
    response = get(hostile_ds, "/-/chart")
    assert response.status_code == 200
    html = response.text
    assert len(html) < 300_000
    assert "2 bài có ngày đăng trước năm 2008" in html   # the page's language (the catalogs say it in both)
    assert "2 articles dated before 2008" in get(hostile_ds, "/-/chart?lang=en").text
    assert "0001" not in html.split("<svg", 1)[1].split("</svg>")[0]


# -- read-only media ------------------------------------------------------------------------------------
# `kinhtedothi serve` starts Datasette with sys.executable: that must work as the user too.
PROBE = "import subprocess, sys, datasette, scraper.cli; subprocess.run([sys.executable, '-c', ''], check=True)"


def unprivileged_python() -> tuple[list[str], dict]:
    """A command prefix and environment that run this venv's Python as `nobody`: root ignores permission
    bits, so a chmod'ed directory only stops writes for another user (setpriv, from util-linux). The venv's
    interpreter may live where `nobody` cannot reach (/root): then the same version from the system, given
    the venv's packages on PYTHONPATH. As a non-root user, simply this Python."""
    if os.geteuid() != 0:
        return [sys.executable], {}
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: no user here for whom a directory is read-only")
    drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    env = {"PYTHONPATH": os.pathsep.join([*[p for p in sys.path if p.endswith("site-packages")], str(ROOT)])}
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for python in (sys.executable, shutil.which(version), f"/usr/bin/{version}"):
        if python and subprocess.run([*drop, python, "-c", PROBE], cwd="/",
                                     env={**os.environ, **env}, capture_output=True).returncode == 0:
            return [*drop, python], env
    pytest.skip("no Python that the unprivileged user can run")


@contextmanager
def read_only_copy(crawled, name="archive.db"):
    """A checkpointed copy of the archive in a directory nobody may write to, the file mode 0444."""
    parent = Path(tempfile.mkdtemp(prefix="kt-readonly-"))
    try:
        folder = parent / "media"
        db = copy_archive(crawled[0], folder)
        if name != "archive.db":
            db = db.rename(folder / name)
        db.chmod(0o444)
        folder.chmod(0o555)
        parent.chmod(0o755)
        yield db
    finally:
        folder.chmod(0o755)
        shutil.rmtree(parent)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["archive.db", "backup-2021.db"])
def test_serve_works_on_a_read_only_directory_and_file(crawled, name):
    with read_only_copy(crawled, name) as db:
        before = sorted(p.name for p in db.parent.iterdir())
        port = free_port()
        python, env = unprivileged_python()
        command = [*python, "-m", "scraper.cli", "serve", "--db", str(db), "--port", str(port)]
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   env={**os.environ, **env, "PYTHONDONTWRITEBYTECODE": "1"}, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120  # a backstop against a hang: a loaded machine starts slowly
            while True:
                try:
                    urllib.request.urlopen(base + "/-/versions.json", timeout=5)
                    break
                except OSError:
                    if process.poll() is not None:
                        raise AssertionError(process.stderr.read().decode()[-2000:]) from None
                    assert time.monotonic() < deadline, "kinhtedothi serve did not answer within 120 s"
                    time.sleep(0.1)
            table = Path(name).stem
            found = json.load(urllib.request.urlopen(f"{base}/{table}/articles.json?_shape=array&_search=covid"))
            assert found, "the search answered nothing"
            assert urllib.request.urlopen(base + "/-/chart").status == 200
        finally:
            os.killpg(process.pid, signal.SIGTERM)  # serve and the Datasette it started
            process.wait(timeout=10)
            process.stderr.close()
        assert sorted(p.name for p in db.parent.iterdir()) == before  # no -wal, -shm, metadata file


def test_the_read_only_decision_follows_the_file_and_its_directory(tmp_path):
    db = tmp_path / "archive.db"
    db.write_bytes(b"")
    assert not read_only(str(db)) or os.geteuid() != 0
    assert datasette_command(str(db), "127.0.0.1", 8001)[4] == str(db)  # writable: not immutable


# -- the gate for expensive requests ------------------------------------------------------------------
def test_searches_sql_and_the_chart_pass_the_gate_and_plain_pages_do_not():
    from datasette_kinhtedothi.gate import is_expensive

    assert is_expensive("/archive/search", b"q=covid") and is_expensive("/archive.json", b"sql=select+1")
    assert is_expensive("/archive/articles", b"_search_title=x") and is_expensive("/-/chart", b"")
    assert not is_expensive("/archive/articles", b"event=dai-dich-covid-19") and not is_expensive("/", b"")


def test_the_gate_lets_a_few_through_and_turns_the_rest_away():
    import asyncio

    from datasette_kinhtedothi.gate import Gate

    async def scenario():
        gate, release, outcome = Gate(size=1, wait=0.2), asyncio.Event(), []

        async def slow():
            outcome.append("first ran")
            await release.wait()

        async def refused():
            outcome.append("second refused")

        first = asyncio.create_task(gate.run(slow, refused))
        await asyncio.sleep(0)
        await gate.run(lambda: asyncio.sleep(0), refused)  # the one turn is taken: waits, then refused
        release.set()
        await first
        await gate.run(lambda: asyncio.sleep(0, outcome.append("third ran")), refused)
        return outcome

    assert asyncio.run(scenario()) == ["first ran", "second refused", "third ran"]
