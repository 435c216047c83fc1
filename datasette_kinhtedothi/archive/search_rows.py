"""One page of a search read: its ranking tier by tier, the facets counted over the matches (or a sample of
them), the page's articles with what they link to, and how long each step took."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any, Sequence

from datasette_kinhtedothi.archive.facet_defs import BY_NAME, FACETS

# title, sapo, body_text, captions, tags, people, and the narrowing words (no part of a score)
WEIGHTS = "10.0, 4.0, 1.0, 1.0, 3.0, 3.0, 0.0"
FACET_INDEX = "idx_articles_id_published_at_section_author"


class Laps:
    """How long each step of a page took, one after the other, in ms (``timings_ms`` of ``/-/search.json``)."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, step: str) -> None:
        """The time since the last lap (or the start) is ``step``'s."""
        now = time.perf_counter()
        self.ms[step] = round((now - self._last) * 1000, 1)
        self._last = now


def ranked_ids(conn, tiers: list[tuple[str, str]], need: int, in_hits: bool = True) -> list[int]:
    """The ``need`` best ids: tier after tier (phrase in the headline, in the lead, anywhere, words apart),
    each by bm25, until the page is full; a tier past the page is never scored. ``in_hits`` False: the tiers
    hold every filter already (``search_sample``), no ``temp.kt_hits`` to check."""
    found: dict[int, None] = {}
    hits = " and +f.rowid in (select id from temp.kt_hits)" if in_hits else ""
    for table, expression in tiers:
        weights = WEIGHTS if table == "articles_fts" else "10.0, 4.0, 1.0"
        rows = conn.execute(
            f"select f.rowid from {table} f where {table} match :m{hits} "
            f"order by bm25({table}, {weights}), f.rowid desc limit :k", {"m": expression, "k": need + len(found)})
        for (rowid,) in rows:
            found.setdefault(rowid)
        if len(found) >= need:
            break
    return list(found)[:need]


def _row_columns(tables: set[str]) -> list[str]:
    """The articles columns the facets count from the matching rows (one pass over a covering index)."""
    columns = ["published_at"] + [f.column for f in FACETS if f.column]
    columns += [f.link.without_column for f in FACETS
                if f.link and f.link.table not in tables and f.link.without_column]
    return list(dict.fromkeys(columns))


def facet_sqls(tables: set[str]) -> dict[str, str]:
    """Facet queries over ``{hits}`` (the matches, or a sample of them): one per linked facet, and one pass over
    the matching rows for the periods and the columns."""
    sqls = {}
    for facet in FACETS:
        link = facet.link
        if link and link.table in tables:   # a nested facet counts every value (its page shows them by group)
            sqls[facet.name] = link.count_sql(f"{{hits}} h cross join {link.table} t on t.article_id = h.id",
                                              limit=0 if facet.nesting else facet.size + 1)
    covering = f" indexed by {FACET_INDEX}" if FACET_INDEX in tables else ""
    columns = ", ".join(f"a.{c}" for c in _row_columns(tables))
    sqls["articles"] = f"select {columns} from {{hits}} h cross join articles a{covering} on a.id = h.id"
    return sqls


def _rows(conn, sql: str, params: dict | Sequence[Any] | None = None) -> list[dict]:
    cursor = conn.execute(sql, params or {})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _article_facets(rows: list[dict], every: float, tables: set[str]) -> dict[str, list[dict]]:
    """Periods, columns (and a linked facet whose table the archive lacks yet) counted from the matching rows."""
    counters: dict[str, Counter[str]] = {}   # counts of the sample: scaled by ``every`` at the end
    for facet in FACETS:
        if facet.period:
            counters[facet.name] = Counter()
        elif facet.column:
            counters[facet.name] = Counter()
        elif facet.link and facet.link.table not in tables and facet.link.without_column:
            counters[facet.name] = Counter()
    for row in rows:
        published = row["published_at"] or ""
        dated = len(published) >= 7 and published[:4].isdigit() and published[4] == "-"
        for facet in FACETS:
            if facet.name not in counters:
                continue
            if facet.period:
                if dated:
                    counters[facet.name][published[:facet.period]] += 1
                continue
            value = row[facet.column] if facet.column else row[facet.link.without_column]  # type: ignore[union-attr]
            if value:
                counters[facet.name][value] += 1
    out = {}
    for name, counter in counters.items():
        facet = BY_NAME[name]
        if facet.period:   # newest first, every one
            out[name] = [{"value": k, "n": round(v * every)} for k, v in sorted(counter.items(), reverse=True)]
        else:
            ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:facet.size + 1]
            out[name] = [{"value": k, "n": round(v * every)} for k, v in ranked]
    return out


ARTICLE_SQL = """
select a.id, a.title, a.sapo, a.body_text, a.author, a.published_at, a.section, a.url,
  (select group_concat(coalesce(e.name, ae.event_slug), ' | ') from article_events ae
     left join events e on e.slug = ae.event_slug where ae.article_id = a.id) as events,
  (select group_concat(tag, ' | ') from article_tags where article_id = a.id) as tags,
  (select group_concat(caption, char(31)) from images where article_id = a.id and caption <> '') as captions
  {people}
from articles a where a.id in ({marks})
"""
PEOPLE_SQL = ", (select group_concat(name, char(31)) from article_authors where article_id = a.id) as people"


def count_facets(conn, tables: set[str], hits: str, every: float) -> dict[str, list[dict]]:
    """Every facet counted over ``hits`` (the matches, or one in ``every`` of them), scaled by ``every``."""
    facet_rows = {}
    for name, facet_sql in facet_sqls(tables).items():
        rows = _rows(conn, facet_sql.format(hits=hits))
        facet_rows[name] = rows if name == "articles" else [dict(r, n=round(r["n"] * every)) for r in rows]
    facet_rows.update(_article_facets(facet_rows.pop("articles"), every, tables))
    return facet_rows


def page_articles(conn, tables: set[str], ids: list[int], phrase_ids: set[int] | None) -> dict[int, dict]:
    """The page's articles with their events, tags, captions and people; ``phrase``: whether each holds the
    phrase (None when the query is no phrase)."""
    articles = {}
    people = PEOPLE_SQL if "article_authors" in tables else ""
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        for row in _rows(conn, ARTICLE_SQL.format(marks=", ".join("?" for _ in part), people=people), part):
            row["phrase"] = row["id"] in phrase_ids if phrase_ids is not None else None
            articles[row["id"]] = row
    return articles
