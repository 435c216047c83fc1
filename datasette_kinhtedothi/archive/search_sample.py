"""A huge result read from the search index alone: its count, a sample for its facets, its phrase matches.

When every filter of a search is part of its full-text query (``search_query.narrowing_of``), the
search page need not copy the ids of hundreds of thousands of matches into ``temp.kt_hits``: the total
is one ``count(*)`` of the full-text query (exact); the facets count the matches in a few of the
index's buckets (``kinhtedothi.vocab.narrowing``: every article is in one of 256 by its id; about
``SAMPLE`` matches, at least one bucket), read from the index like any narrowing, and scale them up
(shown with "≈", as any sampled count); the number of matches with the phrase as typed is counted in
the same buckets and scaled (≈); the page is ranked
tier by tier from the index (``search_rows.ranked_ids``), and only its 20 articles are checked for
the phrase. Below ``LAZY`` matches the search page copies the ids as before: every count is exact.

Sorted by date (``date_walk``), its page is found by walking the articles in date order and asking the
index which of each batch match, those with the phrase first, as the copied ids would give it; past ``WALK``
articles without a full page the ids are copied after all.

An exact spelling alone (``exact_scan``) is read the same way from the diacritics-keeping index, which has
no buckets: one pass counts its matches and keeps those whose id is a multiple of ``EXACT_STEP``, and the
facets count one id in a multiple of it (≈).
"""

from __future__ import annotations

from kinhtedothi.vocab import narrowing

LAZY = 20_000   # matches above which a search whose filters are all in its full-text query reads the index alone
SAMPLE = 2_500  # about how many matches its facets and its phrase count are counted on (at least one bucket)
EXACT_STEP = 16  # an exact spelling's pass keeps the ids that are multiples of this (at most 1 in 16 of them)
WALK = 4_096     # articles a date page of a huge result looks at, in date order, before copying the ids instead
BATCH = 256      # articles asked about in one index query


def count(conn, expression: str | None, at_most: int | None = None, table: str = "articles_fts") -> int:
    """Matches of an expression of the folded index (or of ``table``, ``articles_fts_exact``; None: every
    article); stops past ``at_most`` when given."""
    if expression is None and at_most is None:
        return conn.execute("select count(*) from articles").fetchone()[0]   # the smallest index, counted
    if expression is None:
        sql, params = "select id from articles", {}
    else:
        sql, params = f"select rowid from {table} where {table} match :m", {"m": expression}
    if at_most is not None:
        sql += f" limit {at_most + 1}"
    return conn.execute(f"select count(*) from ({sql})", params).fetchone()[0]


def buckets_for(total: int, wanted: int) -> int:
    """How many of the index's buckets hold about ``wanted`` of ``total`` matches (all of them for fewer)."""
    return max(1, min(narrowing.BUCKETS, -(-wanted * narrowing.BUCKETS // max(1, total))))


def scale(buckets: int) -> float:
    """What a count in ``buckets`` buckets is multiplied by."""
    return narrowing.BUCKETS / buckets


def in_buckets(expression: str | None, buckets: int) -> str:
    """``expression`` restricted to ``buckets`` buckets spread over the ids."""
    terms = " OR ".join(f'"{t}"' for t in narrowing.bucket_terms(buckets))
    sample = f"{{{narrowing.COLUMN}}}: ({terms})"
    return f"({expression}) AND {sample}" if expression else sample


def fill_sample(conn, expression: str | None, buckets: int) -> None:
    """``temp.kt_sample``: the matches in ``buckets`` buckets."""
    empty_sample(conn)
    conn.execute("insert into temp.kt_sample select rowid from articles_fts where articles_fts match :m",
                 {"m": in_buckets(expression, buckets)})


def phrase_estimate(conn, phrase: str, buckets: int, total: int) -> int:
    """The matches with the phrase, counted in the sample's buckets and scaled (never more than ``total``)."""
    found = count(conn, in_buckets(phrase, buckets))
    return min(total, round(found * scale(buckets)))


def with_phrase(conn, phrase: str, ids: list[int]) -> set[int]:
    """Which of a page's articles hold the phrase (one index lookup each)."""
    if not ids:
        return set()
    marks = ", ".join("?" for _ in ids)
    return {r[0] for r in conn.execute(
        f"select rowid from articles_fts where articles_fts match ? and rowid in ({marks})", [phrase, *ids])}


def first_ids(conn, expression: str, n: int) -> list[int]:
    """The ``n`` matches of lowest id (as the spellings of an unmarked query read them from ``temp.kt_phrase``)."""
    return [r[0] for r in conn.execute(
        f"select rowid from articles_fts where articles_fts match :m order by rowid limit {n}", {"m": expression})]


def exact_scan(conn, spelled: str) -> tuple[int, list[int]]:
    """One pass over the exact index: how many articles match, and those of them whose id is a multiple of
    ``EXACT_STEP`` (instead of copying every id into ``temp.kt_hits``)."""
    count, ids = conn.execute(
        "select count(*), group_concat(rowid) filter (where rowid % :step = 0) from articles_fts_exact "
        "where articles_fts_exact match :x", {"x": spelled, "step": EXACT_STEP}).fetchone()
    return count, [int(i) for i in ids.split(",")] if ids else []


def exact_every(count: int, dense: int, wanted: int) -> int:
    """One id in how many an exact spelling's facets count: all of them up to ``dense`` matches, else about
    ``wanted`` (``SAMPLE``, as a folded search's buckets), rounded up to a multiple of ``EXACT_STEP`` (the ids
    ``exact_scan`` kept)."""
    every = 1 if count <= dense else -(-count // wanted)
    return EXACT_STEP * -(-every // EXACT_STEP)


def fill_ids(conn, ids: list[int]) -> None:
    """``temp.kt_sample``: these ids."""
    empty_sample(conn)
    conn.executemany("insert into temp.kt_sample (id) values (?)", ((i,) for i in ids))


def empty_sample(conn) -> None:
    conn.execute("create temp table if not exists kt_sample (id integer primary key)")
    conn.execute("delete from temp.kt_sample")


def date_walk(conn, groups: list[str], walk_sql: str, params: dict, need: int, table: str = "articles_fts"
              ) -> list[int] | None:
    """The first ``need`` matches in date order, group after group (each an expression of ``table``: those with
    the phrase, then the rest): ``walk_sql`` gives the articles in the page's date order (at most ``WALK``), and
    the index says which of each ``BATCH`` of them a group matches. Fewer when every article was walked; None
    when the walk stopped at ``WALK`` articles before the page was full (a group may go on past them), or when
    its first quarter found too few to fill the page at that rate."""
    candidates = [r[0] for r in conn.execute(f"{walk_sql} limit {WALK}", params)]
    walked_all = len(candidates) < WALK
    found: list[int] = []
    for group in groups:
        before = len(found)
        for start in range(0, len(candidates), BATCH):
            batch = candidates[start:start + BATCH]
            marks = ", ".join("?" for _ in batch)
            hits = {r[0] for r in conn.execute(
                f"select rowid from {table} where {table} match ? and rowid in ({marks})", [group, *batch])}
            found += [i for i in batch if i in hits]
            if len(found) >= need:
                return found[:need]
            walked = start + len(batch)
            if not walked_all and 4 * walked >= len(candidates) and \
                    (len(found) - before) * len(candidates) < (need - before) * walked:
                return None   # a quarter of the walk says the rest will not fill the page: give up early
        if not walked_all:
            return None
    return found
