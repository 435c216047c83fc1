"""The search benchmark still runs: `make_synthetic_archive.py --quick` and `search_bench.py --quick`
as separate processes (a real `kinhtedothi serve` on loopback), on a few hundred synthetic articles."""

import json
import subprocess
import sys

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.slow


def test_the_quick_search_benchmark_runs_end_to_end(tmp_path):
    db, out = tmp_path / "quick.db", tmp_path / "bench.json"
    made = subprocess.run([sys.executable, "bench/make_synthetic_archive.py", "--quick", "--out", str(db)],
                          cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert made.returncode == 0, made.stderr
    measured = subprocess.run([sys.executable, "bench/search_bench.py", "--quick", "--db", str(db), "--out", str(out)],
                              cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert measured.returncode == 0, measured.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    archive = next(r for r in results if r["kind"] == "archive")
    assert archive["rows"] == 300 and archive["bytes"] == db.stat().st_size
    results = [r for r in results if "status" in r]
    assert all(r["status"] == 200 for r in results), [r for r in results if r["status"] != 200]
    assert all(len(r["load"]) == 2 and r["too_long"] == 0 for r in results)
    pages = [r for r in results if r["kind"] == "search page"]
    assert len(pages) == 15 and all(isinstance(r["rows"], int) for r in pages)
    assert {"match", "facets", "page", "rows"} <= set(pages[0]["server_ms"])
    by = {r["query"]: r["rows"] for r in pages}
    assert by["dang bo"] == by["Đảng bộ"] > 0  # with or without diacritics, the same matches
    newest = {r["query"]: r["rows"] for r in results if r["kind"] == "search page, newest"}
    assert len(newest) == 7 and newest["Đảng bộ"] == by["Đảng bộ"]   # the same matches, sorted by date
    assert "| search page `/-/search`" in measured.stdout
    assert "Load average (1 min) during the run" in measured.stdout
    assert "Pages that answered \"query took too long\": none." in measured.stdout
    floor = subprocess.run([sys.executable, "bench/search_floor.py", str(db), "--narrowed", "--runs", "1"],
                           cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert floor.returncode == 0, floor.stderr
    rows = [line.split(" | ") for line in floor.stdout.splitlines()[2:]]
    tiers = [r for r in rows if "**page**" not in r[1]]
    assert len(tiers) == 3 * 2 * 4 and len(rows) - len(tiers) == 3 * 2   # 3 queries, plain and narrowed, 4 tiers
    assert {r[1] for r in tiers} == {"headline", "lead", "anywhere", "words apart"}
    assert all(r[3] == "–" for r in tiers if r[1] == "words apart")
    assert all(r[3] != "–" for r in tiers if r[1] != "words apart")    # each phrase tier's phrase measured alone
    checked = subprocess.run([sys.executable, "bench/search_paths_check.py", str(db), "--query", "bau cu",
                              "--query", "Hà Nội", "--lazy", "5"],
                             cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("equal ") == 2 * 9 and "0 page(s) differ" in checked.stdout


def test_the_report_shows_a_list_search_that_ran_past_the_time_limit_as_its_error(tmp_path):
    """A list search past the time limit leaves an error text where a count stands: the tables show it."""
    sys.path.insert(0, str(ROOT / "bench"))
    import search_bench
    row = {"status": 200, "p50_ms": 3100.0, "p95_ms": 3200.0, "load": [0.5, 0.6], "too_long": 1}
    results = [{**row, "kind": kind, "query": q, "rows": "error: SQL query took too long" if kind == "list search"
                else 10} for q in ("bầu cử", "bau cu") for kind in ("list search", "ranked search", "search page")]
    text = search_bench.report(results)
    assert "| bầu cử | 3100 / 3200 | 3100 / 3200 | error: SQL query took too long |" in text
    assert "Pages that answered \"query took too long\": list search bầu cử, ranked search bầu cử" in text
