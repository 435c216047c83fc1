"""The command line: demo, serve and parse as a person runs them."""

import json
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from kinhtedothi.sample_site import expected_articles
from scraper.cli import cli
from tests.support import ROOT, connect, free_port, served, wait_for

pytestmark = pytest.mark.slow

PAGES = ROOT / "tests" / "pages"


def test_demo_without_serving_crawls_the_sample_site(tmp_path):
    db = tmp_path / "archive.db"
    process = subprocess.run([sys.executable, "-m", "scraper.cli", "demo", "--no-serve", "--db", str(db),
                              "--site-port", str(free_port())], capture_output=True, text=True, timeout=180,
                             cwd=ROOT)
    assert process.returncode == 0, process.stderr[-2000:]
    assert "sample site: http://127.0.0.1:" in process.stdout
    assert connect(db).execute("select count(*) from articles").fetchone()[0] == len(expected_articles())


def test_parse_prints_one_json_object_per_page():
    result = CliRunner().invoke(cli, ["parse", str(PAGES / "legacy_seed_article.html"),
                                      str(PAGES / "current_article.html")])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["layout"] for r in records] == ["legacy", "current"]
    assert records[0]["author"] == "Hồng Thái"


def test_parse_reads_a_folder_and_reports_a_broken_file_without_stopping(tmp_path):
    (tmp_path / "a.html").write_bytes((PAGES / "legacy_seed_article.html").read_bytes())
    (tmp_path / "b.html").write_bytes(b"")
    result = CliRunner().invoke(cli, ["parse", str(tmp_path)])
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1 and json.loads(lines[0])["site_id"] == 405813
    assert result.exit_code == 1 and "b.html" in result.stderr


def test_crawl_rejects_an_unknown_event_in_one_line():
    result = CliRunner().invoke(cli, ["crawl", "--events", "covid"])
    assert result.exit_code == 1
    assert "unknown event 'covid'" in result.output


def test_serve_publishes_the_archive_read_only(crawled):
    db, _, _ = crawled
    with served(db) as base:
        query = "select count(*) as n from articles_fts where articles_fts match fold_vi('Đảng bộ')"
        url = base + "/archive.json?_shape=array&sql=" + urllib.parse.quote(query)
        assert json.load(urllib.request.urlopen(url))[0]["n"] > 0
        table = json.load(urllib.request.urlopen(base + "/archive/articles.json?_shape=array&_search=dang+bo"))
        assert table and all("url" in row for row in table)
        write = base + "/archive.json?sql=" + urllib.parse.quote("delete from articles")
        try:
            urllib.request.urlopen(write)
            refused = False
        except urllib.error.HTTPError as error:
            refused = error.code in (400, 403)
        assert refused
        assert connect(Path(db)).execute("select count(*) from articles").fetchone()[0] == len(expected_articles())


def test_sample_site_command_serves_the_copy_until_stopped():
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "scraper.cli", "sample-site", "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == f"sample site: http://127.0.0.1:{port}  (Ctrl-C to stop)"
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/").read().decode()
        assert "DÒNG SỰ KIỆN" in page
    finally:
        server.terminate()
        server.wait(timeout=30)


def port_is_free(port: int) -> bool:
    """Nothing listens on it: a server could bind it now (SO_REUSEADDR, as servers do: TIME_WAIT is no owner)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            sock.listen()
            return True
        except OSError:
            return False


def test_serve_is_datasette_itself_and_sigterm_to_its_pid_frees_the_port(crawled):
    db, _, _ = crawled
    port = free_port()
    serve = subprocess.Popen([sys.executable, "-m", "scraper.cli", "serve", "--db", str(db), "--port", str(port)],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/-/versions.json", serve)
        assert "datasette" in psutil.Process(serve.pid).cmdline()  # the same pid: exec, not a child
        assert psutil.Process(serve.pid).children() == []
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=30) in (0, -signal.SIGTERM)  # Datasette's own answer to SIGTERM
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
    assert port_is_free(port)
    assert not [p for p in psutil.process_iter(["cmdline"]) if str(db) in " ".join(p.info["cmdline"] or [])]


def test_demo_serves_after_the_crawl_and_sigterm_stops_it_with_its_datasette(tmp_path):
    site_port, port = free_port(), free_port()
    demo = subprocess.Popen([sys.executable, "-m", "scraper.cli", "demo", "--db", str(tmp_path / "demo.db"),
                             "--site-port", str(site_port), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/-/versions.json", demo, seconds=180)
        articles = json.loads(urllib.request.urlopen(
            f"http://127.0.0.1:{port}/demo.json?sql=select+count(*)+from+articles&_shape=array").read())
        assert list(articles[0].values()) == [len(expected_articles())]
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=30) == 0
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
    assert port_is_free(port) and port_is_free(site_port)
