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
* facet pages: the articles list as HTML with its seven facets, without and with a search;
* the search page ``/-/search?q=`` as HTML (the total count, seven facets, 20 results ranked by relevance
  with highlighted passages), with and without diacritics, its exact-spelling switch, sorted newest first,
  and narrowed to an event and a date range; with the server's own split of the time (``timings_ms`` of
  ``/-/search.json``: matching, facets, the phrase's count, ranking the page, reading its rows).

``--size N`` measures the synthetic archive of N articles, ``bench/out/archive-200k.db`` for 200,000 (the
default) or ``archive-1m.db`` for 1,000,000, and builds it first with ``make_synthetic_archive.py`` when it
is missing. At 1,000,000 the tables of docs/search.md's section "Measured at one million articles" are
written again from the run. Above 300,000 articles the ``LIKE`` comparison (a full scan of the file each
time) is left out. ``--quick`` runs everything once on bench/out/archive-quick.db
(``make_synthetic_archive.py --quick``): the test suite does this so that a broken benchmark breaks the build.

The load average of the machine (``os.getloadavg``) is recorded before and after every measurement: the
machine is shared, and a figure means little without it.

Each URL is fetched once to warm up, then ``--repeat`` times; p50 and p95 are
over those. Results also go to bench/out/search_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
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
SPLIT = ("match", "facets", "phrase", "page", "rows")   # the server's timings_ms of a search page
TOO_LONG = b"took too long"   # Datasette's words when a query ran past the time limit
LIKE_UP_TO = 300_000           # larger archives: no LIKE (each one a full scan of the file)
DOCS = ROOT / "docs" / "search.md"
DOCS_START, DOCS_END = "<!-- search-bench 1m: written by bench/search_bench.py --size 1000000 -->", \
    "<!-- /search-bench 1m -->"


def archive_path(size: int) -> Path:
    """bench/out/archive-200k.db, archive-1m.db, archive-2500.db …"""
    label = f"{size // 1_000_000}m" if size % 1_000_000 == 0 else f"{size // 1000}k" if size % 1000 == 0 \
        else str(size)
    return ROOT / "bench" / "out" / f"archive-{label}.db"


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
    load = os.getloadavg()[0]
    first_ms, status, body = fetch(url)
    fetched = [fetch(url) for _ in range(repeat)]
    times = [f[0] for f in fetched]
    too_long = sum(TOO_LONG in f[2] for f in [(first_ms, status, body), *fetched])
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return {"url": url, "status": status, "first_ms": round(first_ms, 1), "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(p95, 1), "max_ms": round(times[-1], 1), "body": body, "too_long": too_long,
            "load": [round(load, 2), round(os.getloadavg()[0], 2)]}


def memory(pid: int) -> dict:
    """The server's memory from /proc (Linux): resident anonymous memory (its own), resident pages of files
    (the memory-mapped archive, shared with the page cache) and the peak resident size, in MB."""
    fields = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("RssAnon", "RssFile", "VmHWM", "VmRSS"):
                fields[key] = round(int(value.split()[0]) / 1024)
    except OSError:
        pass
    return {"anon_mb": fields.get("RssAnon"), "file_mb": fields.get("RssFile"), "peak_mb": fields.get("VmHWM"),
            "rss_mb": fields.get("VmRSS")}


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
    parser.add_argument("--size", type=int, default=200_000,
                        help="articles of the synthetic archive (built when missing); 1000000 rewrites docs/search.md")
    parser.add_argument("--rebuild", action="store_true", help="build the archive of --size anew first")
    parser.add_argument("--db", type=Path, help="an archive to measure instead (default: the one of --size)")
    parser.add_argument("--repeat", type=int, default=20, help="timed fetches per search URL")
    parser.add_argument("--facet-repeat", type=int, default=5, help="timed fetches per facet page")
    parser.add_argument("--report", type=Path, help="only print the tables of an earlier run's JSON")
    parser.add_argument("--quick", action="store_true", help="bench/out/archive-quick.db, one timed fetch each")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "search_bench.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat = args.facet_repeat = 1
        args.db = args.db or ROOT / "bench" / "out" / "archive-quick.db"
    if args.report:
        print(report(json.loads(args.report.read_text(encoding="utf-8"))))
        return
    if args.db is None:
        args.db = archive_path(args.size)
        if args.rebuild or not args.db.exists():
            subprocess.run([sys.executable, str(ROOT / "bench" / "make_synthetic_archive.py"), "--articles",
                            str(args.size), "--out", str(args.db)], check=True)
    if not args.db.exists():
        sys.exit(f"{args.db} is missing: run bench/make_synthetic_archive.py first")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    name = urllib.parse.quote(args.db.stem)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))   # a benchmark stopped stops its server (finally)
    server = subprocess.Popen([sys.executable, "-m", "scraper.cli", "serve", "--db", str(args.db), "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "PYTHONUNBUFFERED": "1"})
    results = []
    try:
        deadline = time.monotonic() + 1800   # an archive made by an older version is upgraded first
        while time.monotonic() < deadline and server.poll() is None:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        count = json.loads(fetch(f"{base}/{name}.json?sql=select+count(*)+from+articles&_shape=array")[2])[0]
        articles = list(count.values())[0]
        like = articles <= LIKE_UP_TO
        print(f"Archive: {args.db.name}, {articles:,} articles; server {base}", file=sys.stderr)
        results.append({"kind": "archive", "query": args.db.name, "rows": articles,
                        "bytes": args.db.stat().st_size, "load": [round(os.getloadavg()[0], 2)],
                        "started": time.strftime("%Y-%m-%d %H:%M")})

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
                if like:
                    run("LIKE newest 50", q, f"{base}/{name}.json?sql={urllib.parse.quote(LIKE_PAGE)}"
                                         f"&p={urllib.parse.quote('%' + q + '%')}", args.repeat)
            q = pair[0]
            enc = urllib.parse.quote(q)
            run("exact spelling", q, f"{base}/{name}/articles.json?_exact={enc}&_nofacet=1&_size=50", args.repeat)
            if like:
                run("LIKE count (scan)", q, f"{base}/{name}.json?sql={urllib.parse.quote(LIKE_COUNT)}"
                                        f"&p={urllib.parse.quote('%' + q + '%')}", max(1, args.facet_repeat))
        for pair in QUERIES:
            for q in pair:
                page_run("search page", q, {"q": q}, args.repeat)
            page_run("search page, exact", pair[0], {"q": pair[0], "exact": "1"}, args.repeat)
            page_run("search page, newest", pair[0], {"q": pair[0], "sort": "newest"}, args.repeat)
            page_run("search page, event + dates", pair[1], {"q": pair[1], "event": "dai-dich-covid-19",
                                                              "from": "1/1/2021", "to": "2021-12-31"}, args.repeat)
        page_run("search page", "(no search)", {}, args.facet_repeat)
        run("facet page", "(no search)", f"{base}/{name}/articles", args.facet_repeat)
        for q in ("dang bo", "vac xin", "bau cu"):
            run("facet page", q, f"{base}/{name}/articles?_search={urllib.parse.quote(q)}", args.facet_repeat)
        results.append({"kind": "memory", "query": "serve", **memory(server.pid)})
    finally:
        server.terminate()
        server.wait(timeout=20)
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(report(results))
    if args.size == 1_000_000 and not args.quick and args.db == archive_path(args.size):
        write_docs(report(results))
        print(f"{DOCS.relative_to(ROOT)}: its tables at one million articles written again", file=sys.stderr)


def _n(value) -> str:
    """A count as the tables show it; an error text (a query past the time limit) as it is."""
    return f"{value:,}" if isinstance(value, int) else str(value)


def report(results: list[dict]) -> str:
    """Markdown tables: one row per query, ``p50 / p95`` in ms, and the load average beside them."""
    by = {(r["kind"], r["query"]): r for r in results}

    def cell(kind, query):
        r = by.get((kind, query))
        return f"{r['p50_ms']:.0f} / {r['p95_ms']:.0f}" if r else "–"

    timed = [r for r in results if "p95_ms" in r]
    loads = [x for r in timed for x in r.get("load", [])]
    archive = next((r for r in results if r["kind"] == "archive"), None)
    lines = []
    if archive:
        lines += [f"Archive: {archive['query']}, {archive['rows']:,} articles, {archive['bytes'] / 1e9:.1f} GB; "
                  f"run started {archive.get('started', '?')}."]
    if loads:
        lines += [f"Load average (1 min) during the run: {min(loads):.1f}–{max(loads):.1f} "
                  f"(median {statistics.median(loads):.1f})."]
    mem = by.get(("memory", "serve"))
    if mem and mem.get("rss_mb") is not None:
        lines += [f"`kinhtedothi serve` at the end: {mem['anon_mb']} MB of its own (anonymous) resident memory, "
                  f"{mem['file_mb']} MB of the memory-mapped file resident, peak resident {mem['peak_mb']} MB."]
    too_long = [f"{r['kind']} {r['query']}" for r in timed if r.get("too_long")]
    lines += [f"Pages that answered \"query took too long\": {', '.join(too_long) if too_long else 'none'}.", ""]
    summary = [("search page, plain query", "search page"), ("search page, exact spelling", "search page, exact"),
               ("search page narrowed to an event and dates", "search page, event + dates"),
               ("search page sorted newest first", "search page, newest"),
               ("ranked JSON (`search.json`)", "ranked search"), ("facet pages of the article list", "facet page"),
               ("article list `?_search=`", "list search")]
    lines += ["| what | p95, lowest–highest (ms) | over 300 ms at p95 |", "| --- | ---: | --- |"]
    for label, kind in summary:
        rows = [r for r in timed if r["kind"] == kind]
        if rows:
            over = [f"{r['query']} {r['p95_ms']:.0f}" for r in rows if r["p95_ms"] > 300]
            lines.append(f"| {label} | {min(r['p95_ms'] for r in rows):,.0f}–{max(r['p95_ms'] for r in rows):,.0f} "
                         f"| {', '.join(over) if over else 'none'} |")
    lines += ["", "| search page `/-/search` (HTML: count, seven facets, 20 ranked with passages) "
                  "| matches | p50 / p95 | "
                  "server: match / facets / phrase / rank page / rows (ms) | exact spelling | newest first "
                  "| + event and 2021 |",
              "| --- | ---: | ---: | --- | ---: | ---: | ---: |"]
    for pair in QUERIES:
        for q in pair:
            r = by.get(("search page", q))
            if not r:
                continue
            split = r.get("server_ms") or {}
            lines.append(f"| {q} | {_n(r['rows'])} | {r['p50_ms']:.0f} / {r['p95_ms']:.0f} | "
                         f"{' / '.join(str(round(split.get(k, 0))) for k in SPLIT)} | "
                         f"{cell('search page, exact', q)} | {cell('search page, newest', q)} | "
                         f"{cell('search page, event + dates', q)} |")
    r = by.get(("search page", "(no search)"))
    if r:
        lines.append(f"| (no search: newest first) | {_n(r['rows'])} | {r['p50_ms']:.0f} / {r['p95_ms']:.0f} | "
                     + ' / '.join(str(round((r.get('server_ms') or {}).get(k, 0)))
                                  for k in SPLIT)
                     + " | – | – | – |")
    lines += ["", "| facet page of the article list (HTML, seven facets) | p50 / p95 |", "| --- | ---: |"]
    lines += [f"| {r['query']} | {r['p50_ms']:.0f} / {r['p95_ms']:.0f} |" for r in timed if r["kind"] == "facet page"]
    like = any(r["kind"].startswith("LIKE") for r in timed)
    lines += ["", "| query | ranked search | list search (newest 50 + count) | matches | exact spelling |"
              + (" LIKE, newest 50 | LIKE, count (full scan) | LIKE matches |" if like else ""),
              "| --- | ---: | ---: | ---: | ---: |" + (" ---: | ---: | ---: |" if like else "")]
    for pair in QUERIES:
        for q in pair:
            if ("list search", q) not in by:
                continue
            line = (f"| {q} | {cell('ranked search', q)} | {cell('list search', q)} | "
                    f"{_n(by[('list search', q)]['rows'])} | {cell('exact spelling', q)} |")
            if like:
                count = by.get(("LIKE count (scan)", q))
                page = by.get(("LIKE newest 50", q))
                matches = count["rows"] if count else ("0" if page and page["rows"] == 0 else "–")
                line += f" {cell('LIKE newest 50', q)} | {cell('LIKE count (scan)', q)} | {matches} |"
            lines.append(line)
    searches = [r for r in timed if r["kind"] == "ranked search"]
    if searches:
        worst = max(searches, key=lambda r: r["p95_ms"])
        lines += ["", f"Ranked search: highest p95 {worst['p95_ms']:.0f} ms ({worst['query']}), "
                      f"median p50 {statistics.median(r['p50_ms'] for r in searches):.0f} ms."]
    return "\n".join(lines)


def write_docs(text: str, path: Path = DOCS) -> None:
    """Put a run's tables between the markers of docs/search.md."""
    doc = path.read_text(encoding="utf-8")
    start, end = doc.index(DOCS_START) + len(DOCS_START), doc.index(DOCS_END)
    path.write_text(doc[:start] + "\n\n" + text + "\n\n" + doc[end:], encoding="utf-8")


if __name__ == "__main__":
    main()
