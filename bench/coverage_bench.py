"""How long the coverage report takes on a large archive: `kinhtedothi coverage`, the `/-/coverage` page, the
progress bars (read every few seconds during a crawl) and each source's targets for `crawl --fill-gaps`.

    .venv/bin/python bench/coverage_bench.py                      # 3 events, 30,000 known articles
    .venv/bin/python bench/coverage_bench.py --known 100000 --runs 5
    .venv/bin/python bench/coverage_bench.py --quick                # 3,000 known articles

The archive has the real schema (pipelines.schema) and the shapes a crawl leaves: every known article a
feed link (a tenth of them linked under two events, a tenth by a second form of their address); 95 % archived,
each with its addresses in article_urls and its events; the rest missing, each with what the site, the
Wayback Machine and Common Crawl answered in crawl_errors (one row per source and run, three runs). Times are
wall-clock medians of --runs runs after one warm-up, in milliseconds; the file goes to bench/out/.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.coverage import gap_targets, progress, report  # noqa: E402
from pipelines.schema import ensure_schema  # noqa: E402

EVENTS = ("bau-cu-quoc-hoi-khoa-xv", "dai-dich-covid-19", "cuoc-thi-bao-ve-moi-truong")
SOURCES = ("live", "wayback", "commoncrawl")
ANSWERS = {"live": (404, "dead link (404)", "error"), "wayback": (None, "missing: no capture", "missing"),
           "commoncrawl": (None, "missing: no capture", "missing")}


def build(path: Path, known: int, seed: int) -> None:
    """A synthetic archive with ``known`` known articles (see the module docstring)."""
    rng = random.Random(seed)
    path.unlink(missing_ok=True)
    db = sqlite_utils.Database(path)
    ensure_schema(db)
    stamp = datetime(2024, 1, 1, tzinfo=timezone.utc)
    conn = db.conn
    with conn:
        conn.executemany("INSERT INTO events (slug, name) VALUES (?, ?)", [(s, s) for s in EVENTS])
        runs = []
        for n in range(9):
            source = SOURCES[n % 3]
            conn.execute("INSERT INTO crawl_runs (id, started_at, status, mode, source) VALUES (?, ?, 'ok', "
                         "'fill-gaps', ?)", [n + 1, (stamp + timedelta(days=n)).isoformat(), source])
            runs.append((n + 1, source))
        articles, urls, links, filed, errors = [], [], [], [], []
        for i in range(known):
            site_id = 300000 + i
            url = f"https://kinhtedothi.vn/bai-bao-so-{i}-{site_id}.html"
            events = [EVENTS[i % 3]] + ([EVENTS[(i + 1) % 3]] if i % 10 == 0 else [])
            forms = [url] + ([f"https://kinhtedothi.vn/bai-bao-so-{i}.html"] if i % 10 == 1 else [])
            seen = (stamp + timedelta(minutes=i)).isoformat()
            for event in events:
                links += [(event, form, site_id, "https://kinhtedothi.vn/su-kien/1/x.html", 1, seen, seen, "live")
                          for form in forms]
            if rng.random() < 0.95:
                published = (datetime(2020, 1, 1) + timedelta(hours=i)).isoformat() + "+07:00"
                articles.append((site_id, url, site_id, f"Bài {i}", published, "live", seen, seen))
                urls += [(form, site_id, seen, seen, "fetched", site_id if form == url else None,
                          "legacy" if form == url else None) for form in forms]
                filed += [(site_id, event) for event in events]
            else:
                for run, source in runs:
                    status, reason, kind = ANSWERS[source]
                    errors.append((run, url, status, reason, (stamp + timedelta(days=run)).isoformat(), 1, kind))
        conn.executemany("INSERT INTO articles (id, url, site_id, title, published_at, source, first_seen_at, "
                         "last_fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", articles)
        conn.executemany("INSERT INTO article_urls (url, article_id, first_seen_at, last_seen_at, learned_by, "
                         "site_id, numbering) VALUES (?, ?, ?, ?, ?, ?, ?)", urls)
        conn.executemany("INSERT OR IGNORE INTO feed_links (event_slug, url, site_id, feed_page, position, "
                         "first_seen_at, last_seen_at, sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", links)
        conn.executemany("INSERT OR IGNORE INTO article_events (article_id, event_slug) VALUES (?, ?)", filed)
        conn.executemany("INSERT INTO crawl_errors (run_id, url, status, reason, at, permanent, kind) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", errors)
    db.close()


def timed(work, runs: int) -> float:
    work()  # warm-up (SQLite's page cache, Python's imports)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--known", type=int, default=30000, help="known articles (default 30,000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="3,000 known articles, one run")
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args(argv)
    known, runs = (3000, 1) if args.quick else (args.known, args.runs)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"coverage-{known}.db"
    build(path, known, args.seed)
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    now = datetime(2024, 6, 1, tzinfo=timezone.utc)
    found = report(conn)
    rows = [
        ("report (kinhtedothi coverage, /-/coverage)", timed(lambda: report(conn), runs)),
        ("progress (the bars, each reading)", timed(lambda: progress(conn), runs)),
        ("gap_targets, one source", timed(lambda: gap_targets(conn, "wayback", retry_after=timedelta(0),
                                                               limit=500, now=now), runs)),
    ]
    conn.close()
    totals = found["totals"]
    print(f"{known:,} known articles: {totals['known']:,} known per event in all, {totals['archived']:,} archived, "
          f"{totals['missing_count']:,} missing ({path})")
    print("| what | median ms |\n| --- | ---: |")
    for name, ms in rows:
        print(f"| {name} | {ms:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
