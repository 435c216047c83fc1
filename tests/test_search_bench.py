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
    assert all(r["status"] == 200 for r in results), [r for r in results if r["status"] != 200]
    pages = [r for r in results if r["kind"] == "search page"]
    assert len(pages) == 15 and all(isinstance(r["rows"], int) for r in pages)
    assert {"match", "facets", "page", "rows"} <= set(pages[0]["server_ms"])
    by = {r["query"]: r["rows"] for r in pages}
    assert by["dang bo"] == by["Đảng bộ"] > 0  # with or without diacritics, the same matches
    assert "| search page `/-/search`" in measured.stdout
