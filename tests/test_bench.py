"""The parse benchmark's quick mode runs to the end and finds every field of ours right, so a benchmark
that breaks breaks the build (CI also runs `make bench-quick`)."""

import importlib.util
import sqlite3
import subprocess
import sys

import pytest

from tests.support import ROOT
from tests.support.crawls import fast_env

pytestmark = pytest.mark.slow


def test_the_parse_benchmark_runs_in_quick_mode(tmp_path):
    pytest.importorskip("trafilatura", reason="the bench extra is not installed (make bench-quick installs it)")
    results = tmp_path / "RESULTS.md"
    process = subprocess.run([sys.executable, str(ROOT / "bench" / "parse_bench.py"), "--quick", "--out",
                              str(tmp_path / "out"), "--results", str(results)],
                             cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stderr[-3000:] + process.stdout[-3000:]
    text = results.read_text(encoding="utf-8")
    assert "| distinct (49 pages) |" in text and "| every field right | **294/294** |" in text
    assert "| headline | 10/10 |" in text


def test_the_stage_breakdown_of_the_parse_runs_on_saved_pages():
    process = subprocess.run([sys.executable, str(ROOT / "bench" / "parse_stages.py"), str(ROOT / "tests" / "pages")],
                             cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stderr[-3000:]
    lines = process.stdout.splitlines()
    assert [line.split("  ")[0] for line in lines[:6]] == ["decode, NFC, lxml parse", "layout markers",
                                                           "the fields but the body", "body cleaning",
                                                           "body_html (serialize, nh3)",
                                                           "the record and normalize_article (content_hash)"]
    assert lines[6].startswith("parse_page in all") and lines[6].endswith(" ms")


def test_the_stage_breakdown_explains_itself_when_given_no_pages(tmp_path):
    usage = subprocess.run([sys.executable, str(ROOT / "bench" / "parse_stages.py"), "--help"],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    empty = subprocess.run([sys.executable, str(ROOT / "bench" / "parse_stages.py"), str(tmp_path)],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert usage.returncode == 1 and "parse_stages.py DIR" in usage.stderr
    assert empty.returncode == 1 and f"no saved pages (*.html) in {tmp_path}" in empty.stderr
    assert "Traceback" not in usage.stderr + empty.stderr


def test_the_history_check_reports_one_row_per_story_and_only_the_real_edit(tmp_path):
    """bench/history_check.py as `make history-check` runs it: its figures are the archive's, not its own."""
    import json
    import subprocess
    import sys

    process = subprocess.run([sys.executable, str(ROOT / "bench" / "history_check.py")], cwd=ROOT,
                             capture_output=True, text=True, timeout=900, env=fast_env())
    assert process.returncode == 0, process.stderr[-2000:]
    report = json.loads((ROOT / "bench" / "out" / "history_check.json").read_text(encoding="utf-8"))
    assert report["exit_statuses"] == [0, 0]
    assert report["after"]["rows"] == 51 and report["after"]["shown_edited"] == 1
    assert report["after"]["caption_search_hits"] >= report["before"]["caption_search_hits"]
    assert report["atom_ids_moved"] == 0 and "shown_edited" in process.stdout


def test_the_end_to_end_benchmark_runs_and_checks_what_it_times(tmp_path):
    results = tmp_path / "RESULTS.md"
    process = subprocess.run([sys.executable, str(ROOT / "bench" / "e2e_bench.py"), "--runs", "1", "--articles", "1",
                              "--scrapy-bench-seconds", "1", "--out", str(tmp_path / "out"), "--results",
                              str(results)], cwd=ROOT, capture_output=True, text=True, timeout=600, env=fast_env())
    assert process.returncode == 0, process.stderr[-3000:] + process.stdout[-3000:]
    text = results.read_text(encoding="utf-8")
    assert "| WARC import (`kinhtedothi crawl --source warc`; floor: warcio + lxml) |" in text
    assert "| `kinhtedothi reparse` (floor: SQLite read, zlib, lxml) |" in text and "| pages per second |" in text
    assert "CHECK FAILED" not in process.stderr
    assert "| WARC import | " in text and "| `reparse` | " in text   # what the design cannot go under
    imported, floor = tmp_path / "out" / "imported.db", tmp_path / "floor.db"
    bench_module("bound").write_floor(imported, floor)   # the write floor stores every row the import stored
    assert table_counts(floor) == table_counts(imported)


def bench_module(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def table_counts(path):
    with sqlite3.connect(path) as conn:
        names = [n for (n,) in conn.execute("select name from sqlite_master where type = 'table' "
                                            "and name not like 'sqlite_%' and name not like '%fts%data' "
                                            "and name not like '%fts%idx'")]
        return {n: conn.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}


def test_the_floors_explain_themselves_when_given_nothing():
    usage = subprocess.run([sys.executable, str(ROOT / "bench" / "floor.py")], cwd=ROOT, capture_output=True,
                           text=True, timeout=120)
    assert usage.returncode == 1 and "floor.py import FILE.warc.gz" in usage.stderr
