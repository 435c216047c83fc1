"""What a WARC import and a reparse cannot go under in this design: the parts of the work that every page
needs, each measured alone (bench/e2e_bench.py adds them to the start of a whole process and sets the sum
beside the floor).

    .venv/bin/python bench/bound.py ARCHIVE.db

* **page objects**: our page objects and normalisation (``scraper.pages``, ``pipelines.normalize``) over the
  pages ``reparse`` reads, in this one process: the extraction every imported or reparsed page goes through,
  nothing stored.
* **SQLite writes**: SQLite storing exactly the rows the archive holds (articles, their children, readings,
  addresses, people, places, raw pages, both full-text indexes, the facet counts' triggers) into a new
  archive of the same schema, in one transaction, by ``INSERT … SELECT``: no Python per row at all.

Prints one JSON object: pages, page_objects_s, write_floor_s.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import sqlite_utils

from pipelines.archive import Archive
from pipelines.normalize import normalize_article
from pipelines.schema import ensure_schema
from scraper.pages import article_page_for
from scraper.reparse import stored_article_pages

FIRST = ("crawl_runs", "events", "articles")   # the tables others refer to
LEFT_TO_TRIGGERS = ("articles_fts_exact", "facet_counts")   # filled by the schema's triggers


def page_objects(path: Path) -> tuple[int, float]:
    """(pages, seconds) of extracting and normalising every page reparse reads."""
    archive = Archive(path)
    pages = [page for _, page in stored_article_pages(archive)]
    archive.close()
    start = time.perf_counter()
    for page in pages:
        normalize_article(article_page_for(page).extract())
    return len(pages), time.perf_counter() - start


def _columns(conn: sqlite3.Connection, table: str) -> str:
    return ", ".join(f'"{row[1]}"' for row in conn.execute(f'PRAGMA source.table_info("{table}")'))


def write_floor(path: Path, target: Path) -> float:
    """Seconds for SQLite to store the archive's rows again, into ``target``, a new archive, in one transaction."""
    ensure_schema(sqlite_utils.Database(target))
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA synchronous = NORMAL")   # as the archive writes (pipelines.archive)
    conn.execute("ATTACH ? AS source", [str(path)])
    tables = [name for (name,) in conn.execute(
        "SELECT name FROM source.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'articles_fts%' AND name NOT IN (?, ?)", LEFT_TO_TRIGGERS)]
    tables = [*FIRST, *sorted(set(tables) - set(FIRST))]
    start = time.perf_counter()
    conn.execute("BEGIN")
    for table in tables:
        columns = _columns(conn, table)
        conn.execute(f'INSERT INTO main."{table}" ({columns}) SELECT {columns} FROM source."{table}"')
    columns = _columns(conn, "articles_fts")   # the ranked index: written by our code, not by a trigger
    conn.execute(f"INSERT INTO main.articles_fts (rowid, {columns}) SELECT rowid, {columns} FROM source.articles_fts")
    conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 1
    path = Path(argv[0])
    pages, seconds = page_objects(path)
    with tempfile.TemporaryDirectory() as work:
        writes = write_floor(path, Path(work) / "floor.db")
    print(json.dumps({"pages": pages, "page_objects_s": round(seconds, 4), "write_floor_s": round(writes, 4)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
