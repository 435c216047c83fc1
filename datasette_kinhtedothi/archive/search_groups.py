"""Honest matches, in SQL: which matching articles hold the phrase as typed and which only its words apart, a
page taken group after group, and the counts of the spellings an unmarked query stands for.

Every function works on the temporary tables of one search (``search_engine``): ``temp.kt_hits`` (every
match), ``temp.kt_phrase`` (those with the phrase, in any field: text, a caption, a tag, a person) and
``temp.kt_loose`` (the rest).
"""

from __future__ import annotations

from typing import Callable

from datasette_kinhtedothi.archive import matches
from datasette_kinhtedothi.vi_search import exact_match, fts_match

SPELLING_SAMPLE = 200    # matching articles read for the spellings of an unmarked query
EXACT_COUNTS = 5_000     # matches up to which each spelling is counted exactly (beyond: estimated from the sample)
GROUPS = ("temp.kt_phrase", "temp.kt_loose")


def split(conn, general: str, fields_expression: str | None) -> int | None:
    """Fill ``temp.kt_phrase`` and ``temp.kt_loose`` when the query's words can be a phrase; the number with the
    phrase, or None when the query is no phrase (one word, an operator, a prefix)."""
    for table in GROUPS:
        conn.execute(f"create temp table if not exists {table.split('.')[1]} (id integer primary key)")
        conn.execute(f"delete from {table}")
    if not matches.query_words(general):
        return None
    expression = fts_match(general, 2)
    if fields_expression:
        expression = f"({expression}) AND ({fields_expression})"
    conn.execute("insert into temp.kt_phrase select f.rowid from articles_fts f where articles_fts match :m "
                 "and +f.rowid in (select id from temp.kt_hits)", {"m": expression})
    conn.execute("insert into temp.kt_loose select id from temp.kt_hits "
                 "where id not in (select id from temp.kt_phrase)")
    return conn.execute("select count(*) from temp.kt_phrase").fetchone()[0]


def grouped_page(sizes: list[int], limit: int, offset: int, page_of: Callable[[str, int, int, int], list[int]]
                 ) -> list[int]:
    """One page over the groups in order (the phrase, then the words apart): ``page_of(table, size, limit,
    offset)`` gives one group's part."""
    ids: list[int] = []
    for table, size in zip(GROUPS, sizes):
        if offset >= size:
            offset -= size
            continue
        ids += page_of(table, size, limit - len(ids), offset)
        offset = 0
        if len(ids) >= limit:
            break
    return ids


def spellings(conn, general: str, phrase_count: int | None, has_exact_index: bool, count: int,
              sample_ids: list[int] | None = None) -> list[dict]:
    """For a query typed without diacritics: the spellings with diacritics the matching articles hold, each with
    the number of matching articles that an exact-spelling search finds, most frequent first.

    Up to EXACT_COUNTS matches, each spelling is counted exactly (one exact-index query); beyond, the count is
    estimated from the sample the spellings were read from (``estimated``), so that a common word costs no more
    than the sample. ``sample_ids``: the articles to read the spellings from, when no temporary table holds the
    matches (``search_sample``: a huge result, whose count is always past EXACT_COUNTS)."""
    words = matches.plain_words(general)
    if not words or not matches.is_unmarked(general) or not has_exact_index:
        return []
    text = "coalesce(a.title, '') || ' . ' || coalesce(a.sapo, '') || ' . ' || coalesce(a.body_text, '')"
    if sample_ids is not None:
        marks = ", ".join("?" for _ in sample_ids)
        rows = conn.execute(f"select {text} from articles a where a.id in ({marks}) order by a.id",
                            sample_ids).fetchall()
    else:
        source = "temp.kt_phrase" if phrase_count else "temp.kt_hits"
        rows = conn.execute(f"select {text} from {source} h cross join articles a on a.id = h.id "
                            f"limit {SPELLING_SAMPLE}").fetchall()
    found = matches.spellings([r[0] for r in rows], words)
    forms = [form for form, _ in found.most_common() if not form.isascii()][:matches.MAX_FORMS]
    population = phrase_count if phrase_count else count
    out = []
    for form in forms:
        if count <= EXACT_COUNTS and sample_ids is None:
            n = conn.execute("select count(*) from articles_fts_exact f where articles_fts_exact match :m "
                             "and +f.rowid in (select id from temp.kt_hits)", {"m": exact_match(form)}).fetchone()[0]
            estimated = False
        else:
            n, estimated = round(found[form] * population / max(1, len(rows))), len(rows) < population
        if n:
            out.append({"form": form, "count": n, "estimated": estimated})
    return sorted(out, key=lambda f: -f["count"])
