"""How Datasette reads the archive: memory-mapped connections, and exact search on archives made
before the diacritics-keeping index existed."""

from __future__ import annotations

from typing import Any

# Memory-mapped reads: a search that touches thousands of rows reads them without a system call
# each (about twice as fast on 200,000 articles). Read-only connections only; the crawler's own
# connection is not Datasette's. SQLite caps it at its compile-time maximum.
MMAP_BYTES = 2 * 1024 ** 3

# Without the diacritics-keeping index (archives made before it existed) exact search takes its
# candidates from the folded index and checks the spelling in Python: right, but slow on big archives.
EXACT_FALLBACK_SQL = """\
select a.id as article_id, a.title, substr(a.published_at, 1, 10) as published, a.author,
  vi_snippet_exact(coalesce(a.title, '') || ' — ' || coalesce(a.sapo, '') || ' ' || coalesce(a.body_text, ''),
                   :exact) as snippet,
  a.url
from articles a
where a.id in (select rowid from articles_fts where articles_fts match vi_phrase(:exact))
  and vi_exact(coalesce(a.title, '') || ' ' || coalesce(a.sapo, '') || ' ' || coalesce(a.body_text, ''), :exact)
order by a.published_at desc
limit 200"""


def memory_map(conn: Any) -> None:
    conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")


async def fallback_queries(datasette: Any, database: str) -> dict[str, Any]:
    """metadata.yml's exact_search, on the folded index, where the archive lacks articles_fts_exact."""
    db = datasette.get_database(database)
    configured = (datasette.metadata("queries", database=database, fallback=False) or {}).get("exact_search")
    if not configured or await db.table_exists("articles_fts_exact") or not await db.table_exists("articles_fts"):
        return {}
    return {"exact_search": dict(configured, sql=EXACT_FALLBACK_SQL)}
