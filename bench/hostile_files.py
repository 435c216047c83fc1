"""Hostile web-archive files, indexes and pages against the real commands: peak memory and time of each
(docs/security.md, "Web-archive files and indexes" and "Pages").

    .venv/bin/python bench/hostile_files.py                 # every case (a few minutes)
    .venv/bin/python bench/hostile_files.py --case zeros    # the cases whose name holds "zeros"
    .venv/bin/python bench/hostile_files.py --root ../other-checkout --python ../other-checkout/.venv/bin/python

Each case is one whole process (`kinhtedothi crawl --source warc|commoncrawl`, or `kinhtedothi parse`): its
exit status, wall time and peak resident memory (ru_maxrss of that process, from wait4). A case still
running after its time limit is sent SIGTERM; one still running 15 s later is killed (said as "ignored
SIGTERM"). The `sigterm` case sends SIGTERM a few seconds into a long read on purpose and reports how long
the process took to stop. The inputs are made by tests/support/hostile_archives.py; `--root` and
`--python` run another checkout's code against the same inputs (its "before"). Results also go to
bench/out/hostile_files.json. Loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.hostile_archives import (MiB, HostileCommonCrawl, brotli_bomb, encoded_record,  # noqa: E402
                                            first_member, many_header_lines, sample_warc, warc_header_bomb)
from tests.support.hostile_site import SITE, article_html  # noqa: E402

GRACE = 15.0  # seconds between SIGTERM and SIGKILL


def run(command: list[str], cwd: Path, limit: float, term_after: float | None = None) -> dict:
    """Run ``command``; its exit status, wall time, peak RSS (MB), and what SIGTERM did."""
    import subprocess

    started = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    stderr_file = process.stderr
    assert stderr_file is not None
    os.set_blocking(stderr_file.fileno(), False)
    tail = b""
    termed = killed = None
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        chunk = stderr_file.read() or b""
        tail = (tail + chunk)[-4000:]
        if pid:
            break
        elapsed = time.monotonic() - started
        if termed is None and elapsed > (term_after if term_after is not None else limit):
            os.kill(process.pid, signal.SIGTERM)
            termed = elapsed
        elif termed is not None and killed is None and elapsed > termed + GRACE:
            os.killpg(process.pid, signal.SIGKILL)
            killed = elapsed
        time.sleep(0.05)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    lines = [line for line in tail.decode("utf-8", "replace").splitlines() if line.strip()]
    result = {"exit": process.returncode, "seconds": round(wall, 2), "peak_mb": round(usage.ru_maxrss / 1024),
              "last_line": lines[-1][:300] if lines else ""}
    if termed is not None:
        result["sigterm_at"] = round(termed, 2)
        result["after_sigterm"] = "ignored SIGTERM: killed" if killed else f"stopped {wall - termed:.2f} s later"
    return result


def archived(db: Path) -> dict:
    """What the crawl left in its archive: articles, crawl_errors rows, and whether the file is whole."""
    if not db.exists():
        return {"articles": None}
    with sqlite3.connect(db) as conn:
        return {"articles": conn.execute("select count(*) from articles").fetchone()[0],
                "errors": conn.execute("select count(*) from crawl_errors").fetchone()[0],
                "integrity": conn.execute("pragma integrity_check").fetchone()[0]}


def crawl(python: str, db: Path, *args: str) -> list[str]:
    return [python, "-m", "scraper.cli", "crawl", "--db", str(db), *args]


def write(path: Path, *parts: bytes) -> Path:
    with open(path, "wb") as out:
        for part in parts:
            out.write(part)
    return path


def zeros(size: int) -> bytes:
    return b"\0" * size


def warc_cases(work: Path) -> dict[str, tuple[list[str], float, float | None]]:
    """name -> (arguments after `crawl --db DB`, time limit, SIGTERM at)."""
    good = sample_warc()
    cases: dict[str, tuple[list[str], float, float | None]] = {}
    for size in (16, 32, 64):
        path = write(work / f"zeros-{size}.warc.gz", zeros(size * MiB))
        cases[f"zeros-{size}MiB"] = (["--source", "warc", str(path)], 150, None)
    cases["record-then-zeros-32MiB"] = (["--source", "warc", str(write(work / "then-zeros.warc.gz", good,
                                                                      zeros(32 * MiB)))], 150, None)
    cases["zeros-in-the-middle-32MiB"] = (["--source", "warc", str(write(work / "middle-zeros.warc.gz", good,
                                                                        zeros(32 * MiB), good))], 150, None)
    garbage = os.urandom(8 * MiB)
    cases["garbage-in-the-middle-8MiB"] = (["--source", "warc", str(write(work / "garbage.warc.gz", good, garbage,
                                                                         good))], 150, None)
    bomb = warc_header_bomb()
    cases[f"header-line-bomb-{len(bomb) // 1024}KB"] = (["--source", "warc", str(write(
        work / "bomb.warc.gz", first_member(good), bomb, good))], 150, None)
    lines = many_header_lines(5_000_000)
    cases[f"5M-header-lines-{len(lines) // 1024}KB"] = (["--source", "warc", str(write(
        work / "lines.warc.gz", first_member(good), lines, good))], 150, None)
    br = encoded_record(SITE + "/bom-nen-2032.html", brotli_bomb(1024 * MiB), "br")
    cases[f"brotli-bomb-1GiB-in-{len(br) // 1024}KB"] = (["--source", "warc", str(write(
        work / "brotli.warc.gz", good, br))], 150, None)
    sparse = work / "sparse.warc.gz"  # a good record, then 64 GiB of zeros that take no disk space
    write(sparse, good)
    with open(sparse, "r+b") as out:
        out.truncate(len(good) + 64 * 1024 * MiB)
    cases["sigterm-during-a-64GiB-zero-run"] = (["--source", "warc", str(sparse)], 150, 5.0)
    return cases


def page_cases(work: Path) -> dict[str, tuple[list[str], float, float | None]]:
    """`kinhtedothi parse` of pages nested deep (name -> (arguments after `parse`, limit, None))."""
    cases: dict[str, tuple[list[str], float, float | None]] = {}
    for name, depth, tag in (("1,100 nested div", 1100, "div"), ("100,000 nested div", 100_000, "div"),
                             ("100,000 nested blockquote", 100_000, "blockquote"),
                             ("1,200 unclosed div p", 1200, "div><p")):
        close = "" if tag.endswith("<p") else f"</{tag}>" * depth
        inner = f"<{tag}>" * depth + "Đoạn văn ở rất sâu." + close + "<p>Đoạn cuối bài.</p>"
        html = article_html("/sau-1011.html", "Bài lồng sâu", "20-01-2021 14:00", "").replace("<p></p>", inner)
        path = work / f"deep-{depth}-{tag[:3]}.html"
        path.write_text(html, encoding="utf-8")
        cases[f"parse {name}"] = ([str(path)], 150, None)
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default="", help="run only the cases whose name holds this")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose code runs (default: this one)")
    parser.add_argument("--python", default=str(ROOT / ".venv/bin/python"), help="its interpreter")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/out/hostile_files.json")
    args = parser.parse_args()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="hostile-files-") as tmp:
        work = Path(tmp)

        def report(name: str, result: dict) -> None:
            results[name] = result
            extra = f", SIGTERM at {result['sigterm_at']} s: {result['after_sigterm']}" if "sigterm_at" in result \
                else ""
            if result.get("articles") is not None:
                extra += f", {result['articles']} articles, {result['errors']} errors, {result['integrity']}"
            print(f"{name:42} exit {result['exit']:>3}  {result['seconds']:8.2f} s  {result['peak_mb']:6} MB{extra}"
                  f"\n{'':42} {result['last_line'][:160]}", flush=True)

        for name, (argv, limit, term) in warc_cases(work).items():
            if args.case in name:
                db = work / f"{name}.db"
                report(name, {**run(crawl(args.python, db, *argv), args.root, limit, term), **archived(db)})
        for name, pages, index_down in (("commoncrawl-index-claims-1e9-pages", 1_000_000_000, False),
                                        ("commoncrawl-lying-index-and-records", 1, False),
                                        ("commoncrawl-index-down", 1, True)):
            if args.case in name:
                with HostileCommonCrawl(claimed_pages=pages, index_down=index_down) as cc:
                    result = run(crawl(args.python, work / f"{name}.db", *cc.argv()), args.root, 60)
                    result.update(requests=len(cc.requests), **archived(work / f"{name}.db"))
                report(name, result)
        for name, (argv, limit, term) in page_cases(work).items():
            if args.case in name:
                report(name, run([args.python, "-m", "scraper.cli", "parse", *argv], args.root, limit, term))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"root": str(args.root), "results": results}, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
