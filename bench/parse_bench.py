"""Benchmark: ``kinhtedothi parse`` against trafilatura on the same saved pages, as whole processes.

    .venv/bin/python bench/parse_bench.py [--runs 3] [--pages bench/pages] [--regenerate]

Makes the pages first when ``bench/pages/truth.jsonl`` is missing
(``bench/make_pages.py``).  Then, ``--runs`` times each, alternating, after one
untimed warm-up of each (so both read the pages from the OS cache):

* ours:     ``.venv/bin/kinhtedothi parse bench/pages > bench/out/ours.jsonl``
* baseline: ``.venv/bin/python bench/trafilatura_run.py bench/pages > bench/out/trafilatura.jsonl``

Wall time (median, min) and CPU time (user + sys, median) are recorded for
each, plus the start-up cost of each process (same command on an empty
folder).  Then both outputs are checked against ``truth.jsonl``: every field
of every page for ours; for trafilatura the fields it has (title, author,
date, text), plus how often its text carries captions or related-link titles.
Prints a Markdown summary and writes it to ``bench/RESULTS.md``.
Exit status 1 when any page of ours has any field wrong, or a run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIELDS = ("url", "site_id", "title", "sapo", "author", "published_at", "published_raw", "section",
          "subsection", "body_text", "tags", "images", "related_links", "layout")


@dataclass
class Timing:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    startup: list[float] = field(default_factory=list)


def run(cmd: list[str], out: Path) -> tuple[float, float]:
    """Run ``cmd`` with stdout to ``out``; (wall seconds, child CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(out, "wb") as stdout:
        done = subprocess.run(cmd, stdout=stdout, stderr=subprocess.PIPE, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def by_file(path: Path) -> dict[str, dict[str, Any]]:
    records = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {Path(r.get("path") or r["file"]).name: r for r in records}


def check_ours(truth: dict[str, dict], ours: dict[str, dict]) -> dict[str, Any]:
    wrong: dict[str, int] = {name: 0 for name in FIELDS}
    examples: list[str] = []
    all_right = 0
    for name, want in truth.items():
        got = ours.get(name)
        bad = [f for f in FIELDS if got is None or got.get(f) != want[f]]
        all_right += not bad
        for f in bad:
            wrong[f] += 1
            if len(examples) < 20:
                examples.append(f"`{name}` {f}: expected {want[f]!r:.200}, got {(got or {}).get(f)!r:.200}")
    return {"all_right": all_right, "missing": sum(n not in ours for n in truth), "wrong": wrong,
            "examples": examples}


def paragraphs(text: str | None) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def as_baseline(ours: dict[str, dict]) -> dict[str, dict]:
    """Our records in trafilatura's terms, to score both the same way."""
    return {name: {"title": r.get("title"), "author": r.get("author"), "date": r.get("published_at"),
                   "text": r.get("body_text")} for name, r in ours.items()}


def compare(truth: dict[str, dict], theirs: dict[str, dict]) -> dict[str, tuple[int, int]]:
    """The fields trafilatura has, scored against the truth: metric -> (pages, out of pages).

    Values are NFC-normalized first (the truth is NFC; two sample pages are served in NFD, which
    trafilatura passes through), so only real differences count against it.
    """
    n = len(truth)
    counts = dict.fromkeys(("title", "author", "date", "datetime", "has_time", "body_exact", "body_paragraphs",
                            "caption_in_body", "related_in_body"), 0)
    with_caption = with_related = 0
    for name, want in truth.items():
        got = {k: unicodedata.normalize("NFC", v) if isinstance(v, str) else v
               for k, v in (theirs.get(name) or {}).items()}
        text, date = got.get("text") or "", got.get("date") or ""
        counts["title"] += got.get("title") == want["title"]
        counts["author"] += got.get("author") == want["author"]
        counts["date"] += date[:10] == want["published_at"][:10]
        counts["datetime"] += date == want["published_at"]
        counts["has_time"] += ":" in date
        counts["body_exact"] += text == want["body_text"]
        counts["body_paragraphs"] += paragraphs(text) == want["body_text"].split("\n\n")
        captions = [i["caption"] for i in want["images"] if i["caption"]]
        with_caption += bool(captions)
        counts["caption_in_body"] += any(c in " ".join(text.split()) for c in captions)
        related = [link["title"] for link in want["related_links"]]
        with_related += bool(related)
        counts["related_in_body"] += any(t in " ".join(text.split()) for t in related)
    out = {k: (v, n) for k, v in counts.items()}
    out["caption_in_body"] = (counts["caption_in_body"], with_caption)
    out["related_in_body"] = (counts["related_in_body"], with_related)
    return out


def report(pages: Path, n_pages: int, runs: int, ours_t: Timing, theirs_t: Timing, ours: dict[str, Any],
           mine: dict[str, tuple[int, int]], theirs: dict[str, tuple[int, int]]) -> str:
    import trafilatura

    med = statistics.median
    size = sum(p.stat().st_size for p in pages.glob("*.html"))
    ratio = med(theirs_t.wall) / med(ours_t.wall)
    net = (med(theirs_t.wall) - med(theirs_t.startup)) / (med(ours_t.wall) - med(ours_t.startup))
    pct = lambda v: f"{v[0]}/{v[1]}"  # noqa: E731
    wrong = ", ".join(f"{f} {c}" for f, c in ours["wrong"].items() if c) or "none"
    lines = [
        "# `kinhtedothi parse` vs trafilatura",
        "",
        f"{n_pages} saved pages ({size / 1e6:.1f} MB, {size / n_pages / 1e3:.1f} KB a page) made by "
        "`bench/make_pages.py` from the sample site; both tools run as whole processes over the folder, "
        f"{runs} timed runs each after one warm-up.  Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, trafilatura {trafilatura.__version__}.  "
        "trafilatura's values are NFC-normalized before comparing.",
        "",
        "| | kinhtedothi parse | trafilatura | ratio |",
        "| --- | ---: | ---: | ---: |",
        f"| wall time, median (min) | {med(ours_t.wall):.2f} s ({min(ours_t.wall):.2f}) | "
        f"{med(theirs_t.wall):.2f} s ({min(theirs_t.wall):.2f}) | **{ratio:.2f}×** |",
        f"| CPU time (user+sys), median | {med(ours_t.cpu):.2f} s | {med(theirs_t.cpu):.2f} s | "
        f"{med(theirs_t.cpu) / med(ours_t.cpu):.2f}× |",
        f"| start-up (empty folder), median | {med(ours_t.startup):.2f} s | {med(theirs_t.startup):.2f} s | |",
        f"| per page, start-up excluded | {1e3 * (med(ours_t.wall) - med(ours_t.startup)) / n_pages:.2f} ms | "
        f"{1e3 * (med(theirs_t.wall) - med(theirs_t.startup)) / n_pages:.2f} ms | {net:.2f}× |",
        f"| pages with every field right | **{ours['all_right']}/{n_pages}** | n/a (no sapo, section, tags, "
        "images, related links) | |",
        *(f"| {label} | {pct(mine[key])} | {pct(theirs[key])} | |" for key, label in (
            ("title", "title exact"), ("author", "author exact"), ("date", "publication day right"),
            ("datetime", "publication date and time right (ISO, +07:00)"), ("has_time", "gives a time of day"),
            ("body_exact", "body text exact"), ("body_paragraphs", "body paragraphs right (whitespace aside)"),
            ("caption_in_body", "body contains an image caption (of pages with one)"),
            ("related_in_body", "body contains a related-link title (of pages with one)"))),
        "",
        f"Target: at least 5× faster, every field right — speed {'met' if ratio >= 5 else 'NOT met'} "
        f"({ratio:.2f}×), fields {'met' if ours['all_right'] == n_pages else 'NOT met'}.  "
        f"Fields of ours wrong (pages): {wrong}; pages missing from our output: {ours['missing']}.",
    ]
    if ours["examples"]:
        lines += ["", "First mismatches of ours:", ""] + [f"* {e}" for e in ours["examples"]]
    lines += ["", "Reproduce: `.venv/bin/python bench/parse_bench.py --runs " f"{runs}`", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", type=Path, default=HERE / "pages")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where the outputs go (git-ignored)")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--regenerate", action="store_true", help="remake the pages even if present")
    args = parser.parse_args(argv)
    if args.regenerate or not (args.pages / "truth.jsonl").exists():
        subprocess.run([sys.executable, str(HERE / "make_pages.py"), "--out", str(args.pages)], check=True)
    args.out.mkdir(parents=True, exist_ok=True)
    bindir = Path(sys.executable).parent
    ours_cmd = [str(bindir / "kinhtedothi"), "parse"]
    theirs_cmd = [sys.executable, str(HERE / "trafilatura_run.py")]
    ours_out, theirs_out = args.out / "ours.jsonl", args.out / "trafilatura.jsonl"
    ours_t, theirs_t = Timing(), Timing()
    with tempfile.TemporaryDirectory() as empty:
        for i in range(args.runs + 1):  # run 0 is the warm-up
            for cmd, out, timing in ((ours_cmd, ours_out, ours_t), (theirs_cmd, theirs_out, theirs_t)):
                wall, cpu = run(cmd + [str(args.pages)], out)
                startup, _ = run(cmd + [empty], args.out / "empty.jsonl")
                if i:
                    timing.wall.append(wall)
                    timing.cpu.append(cpu)
                    timing.startup.append(startup)
                    who = "ours" if timing is ours_t else "trafilatura"
                    print(f"run {i} {who}: {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)
    truth = by_file(args.pages / "truth.jsonl")
    ours_records = by_file(ours_out)
    ours = check_ours(truth, ours_records)
    mine, theirs = compare(truth, as_baseline(ours_records)), compare(truth, by_file(theirs_out))
    text = report(args.pages, len(truth), args.runs, ours_t, theirs_t, ours, mine, theirs)
    print(text)
    args.results.write_text(text, encoding="utf-8")
    return 0 if ours["all_right"] == len(truth) and not ours["missing"] else 1


if __name__ == "__main__":
    sys.exit(main())
