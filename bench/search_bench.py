"""Search benchmark: the published archive, over HTTP, as a reporter's browser or script meets it.

    .venv/bin/python bench/make_synthetic_archive.py     # once: 200,000 articles -> bench/out/archive-200k.db
    .venv/bin/python bench/search_bench.py               # serves it with `kinhtedothi serve`, measures, prints Markdown

Runs ``kinhtedothi serve`` on a loopback port (the real server, settings and
plugins) and times, client side, for each query with and without diacritics:

* ranked search: the ``search`` canned query (100 best, with snippets), JSON;
* list search: ``/articles.json?_search=`` (newest 50 and the total count, no facets);
* exact spelling: ``/articles.json?_exact=`` (newest 50 and the count);
* the same search as a plain ``LIKE '%term%'`` over title, lead and body: the
  newest 50 matches, and the count of all matches (a full scan);
* facet pages: the articles list as HTML with its six facets, without and with a search;
* the search page ``/-/search?q=`` as HTML (the total count, six facets, 20 results ranked by relevance
  with highlighted passages), with and without diacritics, its exact-spelling switch, and the page
  narrowed to an event and a date range; with the server's own split of the time (``timings_ms`` of
  ``/-/search.json``: matching, facets, ranking the page, reading its rows).

``--quick`` runs everything once on bench/out/archive-quick.db (``make_synthetic_archive.py --quick``):
the test suite does this so that a broken benchmark breaks the build.

Each URL is fetched once to warm up, then ``--repeat`` times; p50 and p95 are
over those. Results also go to bench/out/search_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = [("Đảng bộ", "dang bo"), ("bầu cử", "bau cu"), ("HĐND", "HDND"), ("khóa XV", "khoa XV"),
           ("vắc xin", "vac xin"), ("giãn cách xã hội", "gian cach xa hoi"), ("Thanh Xuân", "thanh xuan")]
LIKE_PAGE = ("select id, title, published_at from articles where title like :p or sapo like :p or body_text like :p "
             "order by published_at desc limit 50")
LIKE_COUNT = "select count(*) as n from articles where title like :p or sapo like :p or body_text like :p"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            body, status = response.read(), response.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    return (time.perf_counter() - started) * 1000, status, body


def measure(url: str, repeat: int) -> dict:
    first_ms, status, body = fetch(url)
    times = [fetch(url)[0] for _ in range(repeat)]
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return {"url": url, "status": status, "first_ms": round(first_ms, 1), "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(p95, 1), "max_ms": round(times[-1], 1), "body": body}


def rows_of(body: bytes) -> int | str:
    try:
        data = json.loads(body)
    except ValueError:
        return "-"
    if isinstance(data, list):
        return len(data)
    if data.get("filtered_table_rows_count") is not None:
        return data["filtered_table_rows_count"]
    if data.get("rows") and "n" in (data.get("columns") or []):
        return data["rows"][0][0]
    if data.get("error"):
        return "error: " + str(data["error"])[:60]
    return len(data.get("rows") or [])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "archive-200k.db")
    parser.add_argument("--repeat", type=int, default=20, help="timed fetches per search URL")
    parser.add_argument("--facet-repeat", type=int, default=5, help="timed fetches per facet page")
    parser.add_argument("--report", type=Path, help="only print the tables of an earlier run's JSON")
    parser.add_argument("--quick", action="store_true", help="bench/out/archive-quick.db, one timed fetch each")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "search_bench.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat = args.facet_repeat = 1
        if args.db == ROOT / "bench" / "out" / "archive-200k.db":
            args.db = ROOT / "bench" / "out" / "archive-quick.db"
    if args.report:
        print(report(json.loads(args.report.read_text(encoding="utf-8"))))
        return
    if not args.db.exists():
        sys.exit(f"{args.db} is missing: run bench/make_synthetic_archive.py first")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    name = urllib.parse.quote(args.db.stem)
    server = subprocess.Popen([sys.executable, "-m", "scraper.cli", "serve", "--db", str(args.db), "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "PYTHONUNBUFFERED": "1"})
    results = []
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        count = json.loads(fetch(f"{base}/{name}.json?sql=select+count(*)+from+articles&_shape=array")[2])[0]
        print(f"Archive: {args.db.name}, {list(count.values())[0]:,} articles; server {base}", file=sys.stderr)

        def run(kind, label, url, repeat):
            result = measure(url, repeat)
            result.update(kind=kind, query=label, rows=rows_of(result.pop("body")))
            results.append(result)
            print(f"{kind:<22} {label:<20} p50 {result['p50_ms']:7.1f}  p95 {result['p95_ms']:7.1f}  "
                  f"first {result['first_ms']:7.1f} ms  rows {result['rows']}  (HTTP {result['status']})",
                  file=sys.stderr)

        def page_run(kind, label, params, repeat):
            query = urllib.parse.urlencode(params)
            run(kind, label, f"{base}/-/search?{query}", repeat)
            data = json.loads(fetch(f"{base}/-/search.json?{query}")[2])
            results[-1].update(rows=data.get("count", "error"), server_ms=data.get("timings_ms"))

        for pair in QUERIES:
            for q in pair:
                enc = urllib.parse.quote(q)
                run("ranked search", q, f"{base}/{name}/search.json?q={enc}&_shape=array", args.repeat)
                run("list search", q, f"{base}/{name}/articles.json?_search={enc}&_nofacet=1&_size=50", args.repeat)
                run("LIKE newest 50", q, f"{base}/{name}.json?sql={urllib.parse.quote(LIKE_PAGE)}"
                                         f"&p={urllib.parse.quote('%' + q + '%')}", args.repeat)
            q = pair[0]
            enc = urllib.parse.quote(q)
            run("exact spelling", q, f"{base}/{name}/articles.json?_exact={enc}&_nofacet=1&_size=50", args.repeat)
            run("LIKE count (scan)", q, f"{base}/{name}.json?sql={urllib.parse.quote(LIKE_COUNT)}"
                                        f"&p={urllib.parse.quote('%' + q + '%')}", max(1, args.facet_repeat))
        for pair in QUERIES:
            for q in pair:
                page_run("search page", q, {"q": q}, args.repeat)
            page_run("search page, exact", pair[0], {"q": pair[0], "exact": "1"}, args.repeat)
            page_run("search page, event + dates", pair[1], {"q": pair[1], "event": "dai-dich-covid-19",
                                                              "from": "1/1/2021", "to": "2021-12-31"}, args.repeat)
        page_run("search page", "(no search)", {}, args.facet_repeat)
        run("facet page", "(no search)", f"{base}/{name}/articles", args.facet_repeat)
        for q in ("dang bo", "vac xin", "bau cu"):
            run("facet page", q, f"{base}/{name}/articles?_search={urllib.parse.quote(q)}", args.facet_repeat)
    finally:
        server.terminate()
        server.wait(timeout=20)
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(report(results))


def report(results: list[dict]) -> str:
    """Markdown tables: one row per query, ``p50 / p95`` in ms."""
    by = {(r["kind"], r["query"]): r for r in results}

    def cell(kind, query):
        r = by.get((kind, query))
        return f"{r['p50_ms']:.0f} / {r['p95_ms']:.0f}" if r else "–"

    lines = ["| query | ranked search | list search (newest 50 + count) | matches | exact spelling | "
             "LIKE, newest 50 | LIKE, count (full scan) | LIKE matches |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for pair in QUERIES:
        for q in pair:
            like = by.get(("LIKE count (scan)", q))
            lines.append(f"| {q} | {cell('ranked search', q)} | {cell('list search', q)} | "
                         f"{by[('list search', q)]['rows']:,} | {cell('exact spelling', q)} | "
                         f"{cell('LIKE newest 50', q)} | {cell('LIKE count (scan)', q)} | "
                         f"{like['rows'] if like else ('0' if by[('LIKE newest 50', q)]['rows'] == 0 else '–')} |")
    lines += ["", "| facet page (HTML, six facets) | p50 / p95 |", "| --- | ---: |"]
    lines += [f"| {r['query']} | {r['p50_ms']:.0f} / {r['p95_ms']:.0f} |" for r in results if r["kind"] == "facet page"]
    lines += ["", "| search page `/-/search` (HTML: count, six facets, 20 ranked with passages) "
                  "| matches | p50 / p95 | "
                  "server: match / facets / rank page / rows (ms) | exact spelling | + event and 2021 |",
              "| --- | ---: | ---: | --- | ---: | ---: |"]
    for pair in QUERIES:
        for q in pair:
            r = by.get(("search page", q))
            if not r:
                continue
            split = r.get("server_ms") or {}
            lines.append(f"| {q} | {r['rows']:,} | {r['p50_ms']:.0f} / {r['p95_ms']:.0f} | "
                         f"{' / '.join(str(round(split.get(k, 0))) for k in ('match', 'facets', 'page', 'rows'))} | "
                         f"{cell('search page, exact', q)} | {cell('search page, event + dates', q)} |")
    r = by.get(("search page", "(no search)"))
    if r:
        lines.append(f"| (no search: newest first) | {r['rows']:,} | {r['p50_ms']:.0f} / {r['p95_ms']:.0f} | "
                     + ' / '.join(str(round((r.get('server_ms') or {}).get(k, 0)))
                                  for k in ('match', 'facets', 'page', 'rows'))
                     + " | – | – |")
    searches = [r for r in results if r["kind"] == "ranked search"]
    worst = max(searches, key=lambda r: r["p95_ms"])
    lines += ["", f"Ranked search: highest p95 {worst['p95_ms']:.0f} ms ({worst['query']}), "
                  f"median p50 {statistics.median(r['p50_ms'] for r in searches):.0f} ms."]
    return "\n".join(lines)

if __name__ == "__main__":
    main()
