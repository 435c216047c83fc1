"""The words of an article's ``narrowing`` column in the search index: what a search can be narrowed by.

Each value an article can be narrowed by (its events, its day, month and year of publication, its
section, its tags, the people of its byline, the places it names) is one word of the folded search
index (``articles_fts.narrowing``), so that a narrowed search is one full-text query: FTS5 intersects
the word lists and a narrowed search costs what its narrowed result costs. A word is a kind's prefix
and the value's UTF-8 bytes in hexadecimal (``đe`` + hex of ``dai-dich-covid-19``), so that two values
are one word only when they are equal byte for byte, as the ``=`` of SQL compares them; no word of a
text folds to one of them. A place is the word of its key and, for a ward, that of its district's key
too, so that narrowing to a district takes in its wards (as the place facet counts them). ``đb<n>``
puts every article in one of ``BUCKETS`` buckets by its id: a search counts its facets on a few
buckets of a huge result (a sample read from the index alone).

The store writes the column (``pipelines.search_index``), the schema's rebuild fills it for an
older archive, and the search page asks for it (``datasette_kinhtedothi.archive.search_engine``);
this module is the one spelling of its words for all three.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Iterable

COLUMN = "narrowing"
BUCKETS = 256
# "đ": the search index keeps it as a letter of its own, and folding turns every "đ" typed into "d", so no
# search (folded: the search page, the list's ?_search=, the export) can ever name or prefix these words
PREFIX = {"event": "đe", "section": "đs", "tag": "đt", "person": "đp", "year": "đy", "month": "đm",
          "day": "đd", "bucket": "đb", "place": "đl"}
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
SEPARATOR = "\x1f"   # between the values of one kind, as the schema's rebuild groups them in SQL


def term(kind: str, value: str) -> str:
    """The index word for one value of one kind (``event``, ``section``, ``tag``, ``person``, ``place``)."""
    return PREFIX[kind] + value.encode("utf-8").hex()


def date_terms(published_at: str | None) -> list[str]:
    """Day, month and year words of a ``published_at`` that starts with a day (``2021-05-23…``)."""
    found = _DAY.match(published_at or "")
    if not found:
        return []
    y, m, d = found.groups()
    return [f"{PREFIX['year']}{y}", f"{PREFIX['month']}{y}{m}", f"{PREFIX['day']}{y}{m}{d}"]


def words(article_id: int, published_at: str | None, section: str | None, events: Iterable[str],
          tags: Iterable[str], people: Iterable[str], places: Iterable[str] = ()) -> str:
    """The ``narrowing`` column of one article; ``places``: the keys of the places it names and of the districts
    of its wards."""
    out = [f"{PREFIX['bucket']}{article_id % BUCKETS}", *date_terms(published_at)]
    if section:
        out.append(term("section", section))
    for kind, values in (("event", events), ("tag", tags), ("person", people), ("place", places)):
        out += [term(kind, v) for v in sorted(set(values)) if v]
    return " ".join(out)


def grouped_words(article_id: int, published_at: str | None, section: str | None, events: str | None,
                  tags: str | None, people: str | None, places: str | None) -> str:
    """``words`` from values grouped in SQL (``group_concat(x, char(31))``): the schema's rebuild calls it."""
    def split(grouped: str | None) -> list[str]:
        return grouped.split(SEPARATOR) if grouped else []
    return words(article_id, published_at, section, split(events), split(tags), split(people), split(places))


def _day_of(prefix: str) -> date:
    """A ``published_at`` bound (``2021``, ``2021-05``, ``2021-05-23``) as the first day it stands for."""
    parts = [int(p) for p in prefix.split("-")[:3]]
    year, month, day = (parts + [1, 1])[:3]
    return date(year, month, day)


def period_terms(low: str | None, high: str | None, first: date, last: date,
                 years: set[str] | None = None) -> list[str] | None:
    """The words of every article published from ``low`` (included) to ``high`` (excluded), bounds as
    ``SearchState.bounds`` gives them (ISO prefixes); an open end is the archive's ``first`` or ``last`` day.
    Whole years as a year word (only those of ``years``, the years the archive holds, when given), whole
    months as a month word, the rest day by day. None when nothing can match."""
    start = max(_day_of(low) if low else first, first)
    if high and _day_of(high) == date.min:
        return None
    final = min(_day_of(high) - timedelta(days=1) if high else last, last)   # the last day included
    out: list[str] = []
    day = start
    while day <= final:
        year_end, month_end = date(day.year, 12, 31), _month_end(day)
        if day.month == 1 and day.day == 1 and year_end <= final:
            if years is None or f"{day.year:04d}" in years:
                out.append(f"{PREFIX['year']}{day.year:04d}")
            day = year_end
        elif day.day == 1 and month_end <= final:
            out.append(f"{PREFIX['month']}{day.year:04d}{day.month:02d}")
            day = month_end
        else:
            out.append(f"{PREFIX['day']}{day.year:04d}{day.month:02d}{day.day:02d}")
        if day == date.max:
            break
        day += timedelta(days=1)
    return out or None


def _month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    if day.month == 12:
        return date(day.year, 12, 31)
    return date(day.year, day.month + 1, 1) - timedelta(days=1)


def bucket_terms(buckets: int) -> list[str]:
    """The words of ``buckets`` buckets spread over the ids (a sample of about buckets / BUCKETS)."""
    step = BUCKETS / max(1, min(buckets, BUCKETS))
    return [f"{PREFIX['bucket']}{int(i * step)}" for i in range(min(buckets, BUCKETS))]
