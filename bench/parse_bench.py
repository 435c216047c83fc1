"""Benchmark: ``kinhtedothi parse`` against trafilatura on the same saved pages, like for like.

    .venv/bin/python bench/parse_bench.py [--runs 3] [--quick] [--profile] [--regenerate]

Three page sets, timed separately: the sample site's 49 distinct article pages,
their variants (``bench/make_pages.py``: the same pages with a new address,
date, headline label or byline; 20 each, 5 with ``--quick``), and ten real
article bodies in a legacy shell (``bench/make_real_pages.py``).  Three tools,
each a whole process over a folder, ``--runs`` times after one untimed warm-up
(``--quick``: one run):

* ours:                ``kinhtedothi parse`` (fields, sanitized ``body_html``
                       and the ``content_hash`` fingerprint: the crawl's whole
                       per-page work);
* trafilatura fast:    ``bench/trafilatura_run.py --fast`` (``fast=True``);
* trafilatura default: ``bench/trafilatura_run.py`` (its default, with fallbacks).

Start-up (the same command on an empty folder) is timed too and taken out of
the per-page figures.  Outputs are checked against the truth: every field of
every page for ours; title, author, date and text for trafilatura.  The table
goes to stdout and ``bench/out/RESULTS.md`` (``--results``); ``bench/RESULTS.md``
changes only when someone copies it there and commits it.  ``--profile`` adds a
cProfile of our parse over the synthetic pages (``bench/out/profile.txt``).
Exit status 1 when any page of ours has any field wrong, or a run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
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
    startup_cpu: list[float] = field(default_factory=list)


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


TOOLS = ("ours", "trafilatura fast", "trafilatura default")
SETS = ("distinct", "variants", "real")
REAL_REPEATS = 20  # copies of each real page in the timed set (scored once)


def commands() -> dict[str, list[str]]:
    bindir = Path(sys.executable).parent
    baseline = [sys.executable, str(HERE / "trafilatura_run.py")]
    return {"ours": [str(bindir / "kinhtedothi"), "parse"], "trafilatura fast": [*baseline, "--fast"],
            "trafilatura default": baseline}


def make_sets(pages: Path, real: Path, sets: Path) -> dict[str, int]:
    """Copies of the pages, one folder per set (each tool walks a folder); -> pages per set."""
    shutil.rmtree(sets, ignore_errors=True)
    truth = [json.loads(line) for line in (pages / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    for record in truth:
        target = sets / ("variants" if record["edits"] else "distinct")
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(pages / record["file"], target / record["file"])
    (sets / "real").mkdir(parents=True)
    for page in real.glob("*.html"):  # ten pages time nothing but start-up: each is read REAL_REPEATS times
        for k in range(REAL_REPEATS):
            shutil.copy(page, sets / "real" / (page.name if k == 0 else f"{page.stem}-copy{k}.html"))
    return {name: len(list((sets / name).glob("*.html"))) for name in SETS}


def check_real(truth: dict[str, dict], ours: dict[str, dict], theirs: dict[str, dict]) -> dict[str, tuple[int, int]]:
    """Real pages: what the scraper that saved them recorded, against ours and trafilatura's."""
    def same(a, b):
        return " ".join((a or "").split()) == " ".join((b or "").split())
    counts = dict.fromkeys(("title", "author", "sapo", "date", "captions", "body", "t_title", "t_author", "t_date",
                            "t_body"), 0)
    for name, want in truth.items():
        got, other = ours.get(name) or {}, theirs.get(name) or {}
        day = "-".join(reversed(want["published_raw"].split()[0].split("-")))
        counts["title"] += got.get("title") == want["title"]
        counts["author"] += got.get("author") == want["author"]
        counts["sapo"] += got.get("sapo") == want["sapo"]
        counts["date"] += got.get("published_raw") == want["published_raw"]
        counts["captions"] += [i["caption"] for i in got.get("images") or [] if i.get("caption")] == want["captions"]
        counts["body"] += bool(got.get("body_text"))
        counts["t_title"] += same(other.get("title"), want["title"])
        counts["t_author"] += same(other.get("author"), want["author"])
        counts["t_date"] += (other.get("date") or "")[:10] == day
        counts["t_body"] += bool(other.get("text"))
    return {k: (v, len(truth)) for k, v in counts.items()}


def net_per_page(timing: Timing, pages: int) -> float:
    """Median CPU time less median start-up CPU time, per page, in ms. CPU rather than wall time: on a
    machine shared with other work, wall time measures the neighbours as much as the parser."""
    med = statistics.median
    return 1e3 * max(0.0, med(timing.cpu) - med(timing.startup_cpu)) / pages


def report(sizes: dict[str, int], runs: int, timings: dict[tuple[str, str], Timing], ours: dict[str, Any],
           scores: dict[str, dict[str, tuple[int, int]]], real: dict[str, tuple[int, int]], quick: bool) -> str:
    import trafilatura

    med = statistics.median
    synthetic = sizes["distinct"] + sizes["variants"]
    pct = lambda v: f"{v[0]}/{v[1]}"  # noqa: E731
    per_page = {key: net_per_page(t, sizes[key[0]]) for key, t in timings.items()}

    def ratio(set_name: str, tool: str) -> str:
        mine = per_page[(set_name, "ours")]
        return f"{per_page[(set_name, tool)] / mine:.2f}×" if mine else "n/a"

    lines = [
        "# `kinhtedothi parse` vs trafilatura, like for like",
        "",
        f"Pages: {sizes['distinct']} distinct article pages of the sample site, {sizes['variants']} variants of "
        f"them (`bench/make_pages.py`), {sizes['real'] // REAL_REPEATS} real article bodies in a legacy shell "
        f"(`bench/make_real_pages.py`, `bench/real/`; timed as {REAL_REPEATS} copies each, {sizes['real']} pages).  "
        "Each tool runs as a whole process over each set, "
        f"{runs} timed run(s) after one warm-up; per-page figures are CPU time (user + sys) less the start-up's "
        "(the same command on an empty folder).  "
        "Ours does the crawl's whole per-page work: fields, sanitized `body_html`, `content_hash`.  "
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"trafilatura {trafilatura.__version__}{' (quick mode: figures are rough)' if quick else ''}.",
        "",
        "| CPU per page, start-up excluded | ours | trafilatura fast=True | trafilatura default | fast ÷ ours "
        "| default ÷ ours |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in SETS:
        lines.append(f"| {name} ({sizes[name]} pages) | {per_page[(name, 'ours')]:.2f} ms | "
                     f"{per_page[(name, 'trafilatura fast')]:.2f} ms | {per_page[(name, 'trafilatura default')]:.2f} ms"
                     f" | **{ratio(name, 'trafilatura fast')}** | {ratio(name, 'trafilatura default')} |")
    lines += [
        "",
        "| whole process, median wall (CPU) | ours | trafilatura fast=True | trafilatura default |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name in SETS:
        cells = [f"{med(timings[(name, tool)].wall):.2f} s ({med(timings[(name, tool)].cpu):.2f})" for tool in TOOLS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    startup = [f"{med(timings[('distinct', tool)].startup):.2f} s ({med(timings[('distinct', tool)].startup_cpu):.2f})"
               for tool in TOOLS]
    lines.append("| start-up alone (empty folder) | " + " | ".join(startup) + " |")
    wrong = ", ".join(f"{f} {c}" for f, c in ours["wrong"].items() if c) or "none"
    lines += [
        "",
        f"Synthetic pages ({synthetic}), against the truth the sample site was made from:",
        "",
        "| | ours | trafilatura fast=True | trafilatura default |",
        "| --- | ---: | ---: | ---: |",
        f"| every field right | **{ours['all_right']}/{synthetic}** | n/a (no sapo, section, tags, images, "
        "related links) | n/a |",
        *(f"| {label} | {pct(scores['ours'][key])} | {pct(scores['trafilatura fast'][key])} | "
          f"{pct(scores['trafilatura default'][key])} |" for key, label in (
            ("title", "title exact"), ("author", "author exact"), ("date", "publication day right"),
            ("datetime", "publication date and time right (ISO, +07:00)"), ("body_exact", "body text exact"),
            ("body_paragraphs", "body paragraphs right (whitespace aside)"),
            ("caption_in_body", "body contains an image caption (of pages with one)"),
            ("related_in_body", "body contains a related-link title (of pages with one)"))),
        "",
        f"Fields of ours wrong (pages): {wrong}; pages missing from our output: {ours['missing']}.",
        "",
        f"Real pages ({sizes['real'] // REAL_REPEATS}), against what the scraper that saved them recorded "
        "(trafilatura fast=True):",
        "",
        "| | ours | trafilatura fast=True |",
        "| --- | ---: | ---: |",
        f"| headline | {pct(real['title'])} | {pct(real['t_title'])} |",
        f"| byline as printed | {pct(real['author'])} | {pct(real['t_author'])} |",
        f"| lead (prefix removed) | {pct(real['sapo'])} | n/a |",
        f"| date as printed (trafilatura: the day) | {pct(real['date'])} | {pct(real['t_date'])} |",
        f"| picture captions, in order | {pct(real['captions'])} | n/a |",
        f"| a body | {pct(real['body'])} | {pct(real['t_body'])} |",
    ]
    if ours["examples"]:
        lines += ["", "First mismatches of ours:", ""] + [f"* {e}" for e in ours["examples"]]
    lines += ["", f"Reproduce: `make bench` (`.venv/bin/python bench/parse_bench.py --runs {runs}"
              f"{' --quick' if quick else ''}`)", ""]
    return "\n".join(lines)


def profile(pages: Path, out: Path) -> str:
    """cProfile of our parse over the pages, in this process (no start-up): the top of the table."""
    import cProfile
    import io
    import pstats

    sys.path.insert(0, str(ROOT))
    from scraper.parse import parse_page, saved_pages

    files = [(p, p.read_bytes()) for p in saved_pages([pages])]
    profiler = cProfile.Profile()
    profiler.enable()
    for _, body in files:
        parse_page(body)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    out.write_text(text.getvalue(), encoding="utf-8")
    return text.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a few hundred pages, one run: checks that it works")
    parser.add_argument("--pages", type=Path, help="synthetic pages (bench/pages; quick: bench/out/pages-quick)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where the outputs go (git-ignored)")
    parser.add_argument("--results", type=Path, default=HERE / "out" / "RESULTS.md")
    parser.add_argument("--regenerate", action="store_true", help="remake the pages even if present")
    parser.add_argument("--profile", action="store_true", help="also profile our parse (bench/out/profile.txt)")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else args.runs
    pages = args.pages or (args.out / "pages-quick" if args.quick else HERE / "pages")
    if args.regenerate or not (pages / "truth.jsonl").exists():
        subprocess.run([sys.executable, str(HERE / "make_pages.py"), "--out", str(pages),
                        "--variants", "5" if args.quick else "20"], check=True)
    args.out.mkdir(parents=True, exist_ok=True)
    real_pages = args.out / "real-pages"
    subprocess.run([sys.executable, str(HERE / "make_real_pages.py"), "--out", str(real_pages)], check=True,
                   stdout=subprocess.DEVNULL)
    sizes = make_sets(pages, real_pages, args.out / "sets")
    timings = {(name, tool): Timing() for name in SETS for tool in TOOLS}
    with tempfile.TemporaryDirectory() as empty:
        for i in range(runs + 1):  # run 0 is the warm-up
            for name in SETS:
                for tool, cmd in commands().items():
                    output = args.out / f"{name}-{tool.replace(' ', '-')}.jsonl"
                    wall, cpu = run(cmd + [str(args.out / "sets" / name)], output)
                    startup, startup_cpu = run(cmd + [empty], args.out / "empty.jsonl")
                    if i:
                        timing = timings[(name, tool)]
                        timing.wall.append(wall)
                        timing.cpu.append(cpu)
                        timing.startup.append(startup)
                        timing.startup_cpu.append(startup_cpu)
                        print(f"run {i} {name} {tool}: {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)

    def outputs(tool: str, *names: str) -> dict[str, dict]:
        merged: dict[str, dict] = {}
        for name in names:
            merged.update(by_file(args.out / f"{name}-{tool.replace(' ', '-')}.jsonl"))
        return merged

    truth = by_file(pages / "truth.jsonl")
    ours_records = outputs("ours", "distinct", "variants")
    ours = check_ours(truth, ours_records)
    scores = {"ours": compare(truth, as_baseline(ours_records)),
              **{tool: compare(truth, outputs(tool, "distinct", "variants")) for tool in TOOLS[1:]}}
    real = check_real(by_file(real_pages / "truth.jsonl"), outputs("ours", "real"),
                      outputs("trafilatura fast", "real"))
    text = report(sizes, runs, timings, ours, scores, real, args.quick)
    print(text)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text, encoding="utf-8")
    if args.profile:
        print(profile(args.out / "sets", args.out / "profile.txt").split("\n\n\n")[0][:6000], file=sys.stderr)
    return 0 if ours["all_right"] == len(truth) and not ours["missing"] else 1


if __name__ == "__main__":
    sys.exit(main())
