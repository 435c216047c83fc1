"""How true is the archive's history after a move to the site's new software? A journalist's check, measured.

    .venv/bin/python bench/history_check.py            # the legacy site, then today's site, into one archive
    .venv/bin/python bench/history_check.py --wayback  # the Wayback copy first instead of the legacy site

Crawls the sample site's legacy half (or its Wayback copy), then its current half, into one new archive in a
temporary folder (real crawls over loopback, `kinhtedothi crawl` as cron runs it) and prints, after each crawl:
the stories and rows, the stories shown edited (`edit_count > 0`, what the banner and /-/edits show), the
captions that are the CMS default (``‹headline› - Ảnh n``), the stories a caption search finds, the Atom entry ids
that moved, and the exit statuses. The sample site's truth says one story was really edited (v01). Results also go
to bench/out/history_check.json.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kinhtedothi.sample_site import FakeWayback, SampleSite  # noqa: E402

CAPTION_WORDS = "Quang cảnh hội nghị"   # real captions of several election stories on the legacy site


def crawl(db: Path, *args: str) -> int:
    command = [sys.executable, "-m", "scraper.cli", "crawl", "--db", str(db), "--delay", "0", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600).returncode


def figures(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        one = lambda sql, *a: conn.execute(sql, a).fetchone()[0]  # noqa: E731
        return {
            "rows": one("select count(*) from articles"),
            "shown_edited": one("select count(*) from articles where coalesce(edit_count, 0) > 0"),
            "edits": one("select coalesce(sum(edit_count), 0) from articles"),
            "readings_kept": one("select count(*) from article_versions"),
            "default_captions": one("select count(*) from images where caption like '% - Ảnh _' or caption is null"),
            "captions": one("select count(*) from images"),
            "caption_search_hits": one("select count(distinct article_id) from images where caption like ?",
                                       f"{CAPTION_WORDS}%"),
            "addresses": one("select count(*) from article_urls"),
            "atom_ids": atom_ids(db, conn),
        }
    finally:
        conn.close()


def atom_ids(db: Path, conn: sqlite3.Connection) -> dict[str, str]:
    """{an address the story was first read at: its Atom entry id}, read from the archive's real feeds (a few
    searches that cover the three events), so that the same story is found again after it moved."""
    import asyncio
    from xml.etree import ElementTree

    import yaml
    from datasette.app import Datasette

    from scraper.publish import METADATA

    ds = Datasette([str(db)], metadata=yaml.safe_load(METADATA.read_text(encoding="utf-8")))
    first_address = dict(conn.execute("select article_id, url from article_urls order by first_seen_at desc"))
    out = {}
    for q in ("covid", "bau cu", "moi truong", "ha noi"):
        response = asyncio.run(ds.client.get(f"/{db.stem}/feed.atom", params={"q": q}))
        for entry in ElementTree.fromstring(response.content).findall("{http://www.w3.org/2005/Atom}entry"):
            links = {link.get("rel"): link.get("href") for link in entry.findall("{http://www.w3.org/2005/Atom}link")}
            aid = int(links["alternate"].rsplit("/", 1)[-1])
            out[first_address.get(aid, str(aid))] = entry.findtext("{http://www.w3.org/2005/Atom}id")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wayback", action="store_true", help="read the Wayback copy first, not the legacy site")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "archive.db"
        if args.wayback:
            with FakeWayback(throttle=False) as archive:
                first = crawl(db, "--source", "wayback", "--wayback-url", archive.url)
        else:
            with SampleSite() as site:
                first = crawl(db, "--base-url", site.url)
        before = figures(db)
        with SampleSite(generation="current") as site:
            second = crawl(db, "--base-url", site.url)
        after = figures(db)
    # the same story after the move: the one that now owns the address it was first read at
    moved = sum(1 for url, atom in before["atom_ids"].items() if after["atom_ids"].get(url) != atom)
    report = {"first": "wayback" if args.wayback else "legacy site", "exit_statuses": [first, second],
              "before": {k: v for k, v in before.items() if k != "atom_ids"},
              "after": {k: v for k, v in after.items() if k != "atom_ids"}, "atom_ids_moved": moved}
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "history_check.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"first crawl: {report['first']}, exit {first}; today's site, exit {second}")
    for name in ("rows", "shown_edited", "edits", "readings_kept", "default_captions", "captions",
                 "caption_search_hits", "addresses"):
        print(f"  {name:20} {before[name]:>5} -> {after[name]:>5}")
    print(f"  {'atom_ids_moved':20} {moved:>5} of {len(before['atom_ids'])} stories in the feeds before")


if __name__ == "__main__":
    main()
