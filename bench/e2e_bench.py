"""Benchmark: the numbers a user feels, each beside its floor on the same machine in the same run.

    .venv/bin/python bench/e2e_bench.py [--runs 7] [--articles 1000] [--quick] [--profile]

* **WARC import**: ``kinhtedothi crawl --source warc FILE`` into a new archive, beside its floor
  (``bench/floor.py warc FILE``: warcio iterating the same records and lxml parsing each page,
  nothing else).
* **reparse**: ``kinhtedothi reparse`` of that archive (a fresh copy each run), beside its floor
  (``bench/floor.py reparse``: the same stored pages read, inflated and parsed by lxml).
* **crawl**: ``kinhtedothi crawl --delay 0`` of a loopback copy of the site with ``--articles``
  articles more than the sample site's (its articles again under new titles and ids), beside
  ``scrapy bench`` (Scrapy's own crawl of its own loopback site).

Each is a whole process; the pair (ours, floor) runs one after the other, in alternating order,
``--runs`` times after one untimed warm-up (interleaved, so that a neighbour's load falls on both);
the figures are medians, the ratio the median of each pair's ratio. The WARC file is made by
crawling the loopback site once and ``kinhtedothi export-warc``. Checks, whatever the timings:
every import holds the articles the crawl holds (same URLs, same ``content_hash``), reparse finds
every article unchanged, every crawl fetches as many pages. The table goes to stdout and
``--results`` (bench/out/e2e/RESULTS.md). ``--quick`` (CI): 60 articles, one run, a 3 s ``scrapy bench``.

Beside each ratio, what this design cannot go under (each run): the start of the same whole process on
almost nothing (an import of a file of the WARC file's first three page records, a reparse of the archive it
makes), plus ``bench/bound.py``'s parts that every page needs (our page objects alone, SQLite storing the
archive's rows in one transaction).
Exit status 1 when a check fails or a command fails; the goals are reported, not enforced (a
shared machine's timings are no verdict).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
GOALS = {"import": 4.0, "reparse": 3.0, "crawl": 0.9}  # ours ÷ floor at most; crawl: ours ÷ scrapy bench at least


@dataclass
class Pair:
    """The timed runs of one of ours beside its floor: walls and CPU seconds, pages per run."""

    ours: list[float] = field(default_factory=list)
    ours_cpu: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    floor_cpu: list[float] = field(default_factory=list)
    ours_pages: list[int] = field(default_factory=list)
    floor_pages: list[int] = field(default_factory=list)

    def ratio(self) -> float:
        """Median of each run's wall ratio, ours ÷ floor."""
        return statistics.median(o / f for o, f in zip(self.ours, self.floor))

    def rate_ratio(self) -> float:
        """Median of each run's pages-per-second ratio, ours ÷ floor."""
        return statistics.median((op / o) / (fp / f) for o, f, op, fp in
                                 zip(self.ours, self.floor, self.ours_pages, self.floor_pages))


def run(cmd: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run ``cmd``; (wall seconds, its CPU seconds, stdout and stderr). A failure stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = done.stdout + done.stderr
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{output[-3000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), output


@contextmanager
def bench_site(articles: int) -> Iterator[str]:
    """The sample site with ``articles`` more articles (its legacy ones again, new titles and ids), on loopback."""
    from kinhtedothi.sample_site import SampleSite
    from kinhtedothi.sample_site import content

    site = SampleSite()
    legacy = [a for a in content.ARTICLES if a["layout"] == "legacy" and not a.get("redirect_from")]
    feeds = ("elections", "covid", "environment")
    for i in range(articles):
        like = legacy[i % len(legacy)]
        site.publish_article(feeds[i % len(feeds)], f"{like['title']} (bản {i + 1})", 500001 + i, like=like["key"])
    with site:
        yield site.url


def crawl_cmd(db: Path, url: str) -> list[str]:
    return [str(BIN / "kinhtedothi"), "crawl", "--db", str(db), "--base-url", url, "--delay", "0", "--quiet"]


def import_cmd(warc: Path, db: Path) -> list[str]:
    return [str(BIN / "kinhtedothi"), "crawl", "--source", "warc", str(warc), "--db", str(db), "--quiet"]


def reparse_cmd(db: Path) -> list[str]:
    return [str(BIN / "kinhtedothi"), "reparse", "--db", str(db), "--quiet"]


def pages_fetched(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT pages_fetched FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()[0]


def articles(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT url, content_hash FROM articles ORDER BY url").fetchall()


def scrapy_bench(seconds: int, cwd: Path) -> tuple[int, float]:
    """``scrapy bench`` outside the project (no scrapy.cfg, no project settings): (pages, seconds crawling)."""
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE" and not k.startswith("KINHTEDOTHI_")}
    _, _, output = run([str(BIN / "scrapy"), "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}"], cwd=cwd, env=env)
    pages = re.search(r"'response_received_count': (\d+)", output)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", output)
    if not pages or not elapsed:
        sys.exit(f"scrapy bench printed no stats:\n{output[-3000:]}")
    return int(pages.group(1)), float(elapsed.group(1))


def profile(cmd: list[str], out: Path) -> None:
    """cProfile of one of our commands (``kinhtedothi …`` as ``python -m scraper.cli …``): the top of the table."""
    import pstats

    raw = out.with_suffix(".prof")
    run([sys.executable, "-m", "cProfile", "-o", str(raw), "-m", "scraper.cli", *cmd[1:]])
    with open(out, "w", encoding="utf-8") as stream:
        stats = pstats.Stats(str(raw), stream=stream)
        stats.sort_stats("tottime").print_stats(40)
        stats.sort_stats("cumulative").print_stats(80)
    print(f"profile: {out}", file=sys.stderr)


def first_records(source: Path, target: Path, pages: int) -> None:
    """A WARC file of ``source``'s first ``pages`` response records."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.warcwriter import WARCWriter

    with open(source, "rb") as stream, open(target, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for record in ArchiveIterator(stream):
            if record.rec_type == "response" and pages > 0:
                writer.write_record(record)
                pages -= 1


class Failures(list):
    def check(self, ok: bool, message: str) -> None:
        if not ok:
            self.append(message)
            print("CHECK FAILED: " + message, file=sys.stderr)


class Bench:
    """The commands of one benchmark run and their work files (the archives each run starts afresh)."""

    def __init__(self, work: Path, url: str, scrapy_bench_seconds: int, elsewhere: Path, failures: Failures):
        self.work, self.url, self.failures = work, url, failures
        self.scrapy_bench_seconds, self.elsewhere = scrapy_bench_seconds, elsewhere
        self.warc, self.imported, self.reparsed = work / "site.warc.gz", work / "imported.db", work / "reparsed.db"
        self.import_cmd, self.reparse_cmd = import_cmd(self.warc, self.imported), reparse_cmd(self.reparsed)
        self.tiny_warc, self.tiny_db = work / "tiny.warc.gz", work / "tiny.db"
        self.sizes: dict[str, int] = {}
        self.expected: list[tuple[str, str]] = []
        self.bound: dict[str, list[float]] = {"import_start": [], "reparse_start": [], "page_objects": [],
                                              "write_floor": []}

    def prepare(self) -> None:
        """Crawl the site once, export the WARC file, import it once: what every run starts from."""
        site_db = self.work / "site.db"
        for path in (site_db, self.warc):
            path.unlink(missing_ok=True)
        run(crawl_cmd(site_db, self.url))
        run([str(BIN / "kinhtedothi"), "export-warc", "--db", str(site_db), str(self.warc)])
        self.sizes["warc_bytes"] = self.warc.stat().st_size
        self.expected = articles(site_db)
        self.ours("import")
        shutil.copy(self.imported, self.reparsed)
        self.sizes["records"], self.sizes["stored"] = self.floor("import")[2], self.floor("reparse")[2]
        first_records(self.warc, self.tiny_warc, 3)

    def measure_bound(self) -> None:
        """One run of what the design cannot go under: both starts, and bench/bound.py's parts."""
        for path in (self.tiny_db, self.tiny_db.with_name(self.tiny_db.name + "-wal")):
            path.unlink(missing_ok=True)
        self.bound["import_start"].append(run(import_cmd(self.tiny_warc, self.tiny_db))[0])
        self.bound["reparse_start"].append(run(reparse_cmd(self.tiny_db))[0])
        parts = json.loads(run([sys.executable, str(HERE / "bound.py"), str(self.imported)])[2].splitlines()[-1])
        self.bound["page_objects"].append(parts["page_objects_s"])
        self.bound["write_floor"].append(parts["write_floor_s"])

    def ours(self, name: str) -> tuple[float, float, int]:
        """(wall, CPU, pages) of our command, its output checked."""
        check = self.failures.check
        if name == "import":
            self.imported.unlink(missing_ok=True)
            wall, cpu, _ = run(self.import_cmd)
            check(articles(self.imported) == self.expected, "the import's articles differ from the crawl's")
            return wall, cpu, self.sizes.get("records", 0)
        if name == "reparse":
            shutil.copy(self.imported, self.reparsed)
            wall, cpu, output = run(self.reparse_cmd)
            check(" 0 new, 0 updated," in f" {output}", f"reparse changed articles: {output[-500:]}")
            return wall, cpu, self.sizes["stored"]
        crawled = self.work / "crawled.db"
        crawled.unlink(missing_ok=True)
        wall, cpu, _ = run(crawl_cmd(crawled, self.url))
        fetched = pages_fetched(crawled)
        # The site answers its scripted faults (a 503, two 500s) to the first crawl only: later ones fetch alike.
        check(self.sizes.setdefault("crawl", fetched) == fetched, "two crawls fetched different numbers of pages")
        check(articles(crawled) == self.expected, "a crawl's articles differ from the first crawl's")
        return wall, cpu, fetched

    def floor(self, name: str) -> tuple[float, float, int]:
        """(wall, CPU, pages) of the floor beside ours (for the crawl: scrapy bench's crawl, CPU unknown)."""
        if name == "crawl":
            pages, elapsed = scrapy_bench(self.scrapy_bench_seconds, self.elsewhere)
            return elapsed, 0.0, pages
        source = self.warc if name == "import" else self.reparsed
        wall, cpu, output = run([sys.executable, str(HERE / "floor.py"), name, str(source)])
        return wall, cpu, int(output.split()[0])


def measure(args: argparse.Namespace, failures: Failures
            ) -> tuple[dict[str, Pair], dict[str, int], dict[str, list[float]]]:
    pairs = {name: Pair() for name in ("import", "reparse", "crawl")}
    with bench_site(args.articles) as url, tempfile.TemporaryDirectory() as elsewhere:
        bench = Bench(args.out, url, args.scrapy_bench_seconds, Path(elsewhere), failures)
        bench.prepare()
        for i in range(args.runs + 1):  # run 0 is the warm-up
            for name, pair in pairs.items():
                if i % 2 == 0:  # ours first on even runs, the floor first on odd ones
                    (o_wall, o_cpu, o_pages), (f_wall, f_cpu, f_pages) = bench.ours(name), bench.floor(name)
                else:
                    (f_wall, f_cpu, f_pages), (o_wall, o_cpu, o_pages) = bench.floor(name), bench.ours(name)
                print(f"run {i}{' (warm-up)' if not i else ''} {name}: ours {o_wall:.2f} s ({o_pages} pages), "
                      f"{'scrapy bench' if name == 'crawl' else 'floor'} {f_wall:.2f} s ({f_pages} pages)",
                      file=sys.stderr)
                if i and name == "import":
                    bench.measure_bound()
                if i:
                    pair.ours.append(o_wall)
                    pair.ours_cpu.append(o_cpu)
                    pair.floor.append(f_wall)
                    pair.floor_cpu.append(f_cpu)
                    pair.ours_pages.append(o_pages)
                    pair.floor_pages.append(f_pages)
        if args.profile:
            bench.imported.unlink(missing_ok=True)
            profile(bench.import_cmd, args.out / "profile-import.txt")
            shutil.copy(bench.imported, bench.reparsed)
            profile(bench.reparse_cmd, args.out / "profile-reparse.txt")
    return pairs, bench.sizes, bench.bound


def report(pairs: dict[str, Pair], sizes: dict[str, int], bound: dict[str, list[float]],
           args: argparse.Namespace) -> str:
    med = statistics.median

    def rate(pages: list[int], walls: list[float]) -> str:
        return f"{med(p / w for p, w in zip(pages, walls)):,.0f}"

    imp, rep, crawl = pairs["import"], pairs["reparse"], pairs["crawl"]
    met = lambda ok: "met" if ok else "**not met**"  # noqa: E731
    lines = [
        "# What a user feels: a whole WARC import, a whole reparse, a crawl",
        "",
        f"The loopback site: the sample site with {args.articles} more articles ({sizes['crawl']} pages a crawl); "
        f"its WARC file (`kinhtedothi export-warc`): {sizes['records']} page records, "
        f"{sizes['warc_bytes'] / 1e6:.1f} MB; reparse reads {sizes['stored']} stored article pages. "
        f"Whole processes, median of {args.runs} paired run(s) after a warm-up, interleaved. "
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        f"{' (quick mode: figures are rough)' if args.quick else ''}.",
        "",
        "| whole process, median wall (CPU) | ours | floor | ours ÷ floor | pages/s ours | pages/s floor | goal |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        f"| WARC import (`kinhtedothi crawl --source warc`; floor: warcio + lxml) | {med(imp.ours):.2f} s "
        f"({med(imp.ours_cpu):.2f}) | {med(imp.floor):.2f} s ({med(imp.floor_cpu):.2f}) | **{imp.ratio():.1f}×** | "
        f"{rate(imp.ours_pages, imp.ours)} | {rate(imp.floor_pages, imp.floor)} | within {GOALS['import']:g}×: "
        f"{met(imp.ratio() <= GOALS['import'])} |",
        f"| `kinhtedothi reparse` (floor: SQLite read, zlib, lxml) | {med(rep.ours):.2f} s ({med(rep.ours_cpu):.2f}) "
        f"| {med(rep.floor):.2f} s ({med(rep.floor_cpu):.2f}) | **{rep.ratio():.1f}×** | "
        f"{rate(rep.ours_pages, rep.ours)} | {rate(rep.floor_pages, rep.floor)} | within {GOALS['reparse']:g}×: "
        f"{met(rep.ratio() <= GOALS['reparse'])} |",
        "",
        "| crawl of the loopback site, median | ours (`kinhtedothi crawl --delay 0`, whole process) | "
        "`scrapy bench` (its crawl's own time) | ours ÷ scrapy bench | goal |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| pages per second | {rate(crawl.ours_pages, crawl.ours)} ({sizes['crawl']} pages in {med(crawl.ours):.2f} s,"
        f" CPU {med(crawl.ours_cpu):.2f} s) | {rate(crawl.floor_pages, crawl.floor)} "
        f"({med(crawl.floor_pages):.0f} pages in {med(crawl.floor):.1f} s) | **{crawl.rate_ratio():.2f}×** | "
        f"at least {GOALS['crawl']:g}×: {met(crawl.rate_ratio() >= GOALS['crawl'])} |",
        "",
        *bound_table(pairs, sizes, bound),
        "Ratios are medians of each pair's ratio. Ours is one request at a time (the crawler's manners, "
        "`CONCURRENT_REQUESTS_PER_DOMAIN = 1`), parses every page and writes the archive; `scrapy bench` runs 16 "
        "requests at once, follows links and writes nothing.",
        "",
        f"Reproduce: `make bench` (`.venv/bin/python bench/e2e_bench.py --runs {args.runs}"
        f"{' --quick' if args.quick else ''}`)",
        "",
    ]
    return "\n".join(lines)


def bound_table(pairs: dict[str, Pair], sizes: dict[str, int], bound: dict[str, list[float]]) -> list[str]:
    """What the design cannot go under: each part's median, their sum beside the floor's median."""
    med = statistics.median
    start_i, start_r = med(bound["import_start"]), med(bound["reparse_start"])
    pages, writes = med(bound["page_objects"]), med(bound["write_floor"])
    floor_i, floor_r = med(pairs["import"].floor), med(pairs["reparse"].floor)
    least_i, least_r = start_i + pages + writes, start_r + pages

    def verdict(least: float, floor: float, goal: float) -> str:
        return f"within {goal:g}×: " + ("reachable" if least / floor <= goal else "**out of reach in this design**")

    return [
        "What this design cannot go under, each part measured alone (medians), and their sum beside the floor:",
        "",
        "| | start of the whole process | + page objects | + SQLite writes | = at least | ÷ floor | goal |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        f"| WARC import | {start_i:.2f} s (a file of 3 page records) | {pages:.2f} s ({sizes['stored']} pages) | "
        f"{writes:.2f} s (floor: `INSERT … SELECT` of the archive's rows, one transaction) | {least_i:.2f} s | "
        f"{least_i / floor_i:.1f}× | {verdict(least_i, floor_i, GOALS['import'])} |",
        f"| `reparse` | {start_r:.2f} s (the archive of those 3 records) | {pages:.2f} s | none (every page unchanged) "
        f"| {least_r:.2f} s | {least_r / floor_r:.1f}× | {verdict(least_r, floor_r, GOALS['reparse'])} |",
        "",
        "The start is Python, Scrapy (for the import) and our modules loading, the archive's check and its schema. "
        "The page objects (`bench/bound.py`: `scraper.pages` and `pipelines.normalize` over the stored pages, "
        "in one process) include lxml's parse, which the floor also does. Left out, so the sum is a lower bound: "
        "reading and inflating the records, the places and people of each article, identity and history, "
        "Scrapy's per-request machinery, and Python's part of every write.",
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--articles", type=int, default=1000, help="articles added to the sample site")
    parser.add_argument("--scrapy-bench-seconds", type=int, default=10, help="how long scrapy bench crawls")
    parser.add_argument("--quick", action="store_true", help="60 articles, one run, a 3 s scrapy bench (CI)")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile one import and one reparse (bench/out/e2e/profile-*.txt)")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "e2e", help="where the work goes (git-ignored)")
    parser.add_argument("--results", type=Path, default=HERE / "out" / "e2e" / "RESULTS.md")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.articles, args.scrapy_bench_seconds = 1, 60, 3
    args.out.mkdir(parents=True, exist_ok=True)
    failures = Failures()
    pairs, sizes, bound = measure(args, failures)
    text = report(pairs, sizes, bound, args)
    print(text)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text, encoding="utf-8")
    for failure in failures:
        print("FAILED: " + failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
