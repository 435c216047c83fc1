"""What Nagle's algorithm costs a crawl of the fakes: the same 1,000-article sample site crawled
through the fakes' shared handler (kinhtedothi/sample_site/loopback.py) with TCP_NODELAY, as it
is now, and without it, as it was.

    .venv/bin/python bench/nagle_bench.py              # 5 paired runs, 1,000 extra articles
    .venv/bin/python bench/nagle_bench.py --runs 3 --articles 200

Each run is a whole `kinhtedothi crawl --delay 0` process into a new archive, against one
SampleSite in this process holding the sample site's articles plus ``--articles`` published ones.
The two kinds of run alternate (which goes first alternates too); the figure is the median wall
time of each, beside the pages the site served. An answer leaves the handler as two writes (the
headers, then the body): with Nagle's algorithm on, the body waits for the client's delayed ACK.
Results also go to bench/out/nagle_bench.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kinhtedothi.sample_site import SampleSite  # noqa: E402
from kinhtedothi.sample_site.loopback import FakeHandler  # noqa: E402

OUT = ROOT / "bench" / "out"
FEEDS = ("elections", "covid", "environment")


def big_site(articles: int) -> SampleSite:
    """The sample site with ``articles`` more articles, spread over the three feeds."""
    site = SampleSite()
    for n in range(articles):
        site.publish_article(FEEDS[n % 3], f"Bài thử nghiệm số {n} về tốc độ thu thập", 900_000 + n)
    return site


def crawl(site: SampleSite, nodelay: bool, folder: Path) -> tuple[float, int]:
    """One whole crawl process: (wall seconds, requests the site answered)."""
    FakeHandler.disable_nagle_algorithm = nodelay  # read when each connection is set up
    site.clear_requests()
    site.reset_faults()
    db = folder / f"archive-{time.monotonic_ns()}.db"
    command = [sys.executable, "-m", "scraper.cli", "crawl", "--db", str(db), "--base-url", site.url, "--delay", "0",
               "-s", "RETRY_BACKOFF_BASE=0.05", "--quiet"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"the crawl failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, len(site.requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="paired runs (default 5)")
    parser.add_argument("--articles", type=int, default=1000, help="articles added to the sample site (default 1000)")
    args = parser.parse_args()
    times: dict[str, list[float]] = {"nodelay": [], "nagle": []}
    pages = 0
    with big_site(args.articles) as site, tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            order = ("nodelay", "nagle") if run % 2 == 0 else ("nagle", "nodelay")
            for kind in order:
                wall, pages = crawl(site, kind == "nodelay", Path(tmp))
                times[kind].append(wall)
                print(f"run {run + 1} {kind:8} {wall:6.1f} s  {pages} pages", flush=True)
    FakeHandler.disable_nagle_algorithm = True
    median = {kind: statistics.median(values) for kind, values in times.items()}
    print(f"\n{pages} pages, median of {args.runs}: Nagle on {median['nagle']:.1f} s, "
          f"TCP_NODELAY {median['nodelay']:.1f} s ({median['nagle'] / median['nodelay']:.1f}x)")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "nagle_bench.json").write_text(json.dumps({"pages": pages, "runs": times, "median": median}, indent=1),
                                          encoding="utf-8")


if __name__ == "__main__":
    main()
