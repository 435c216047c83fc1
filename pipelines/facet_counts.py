"""``facet_counts``: how many articles (or link rows) hold each value of each facet, kept by triggers.

The articles list without a filter shows every facet of the whole archive: counting them there
reads every link row and every article (millions at a million articles). The archive keeps the
counts instead, exact, in one small table: ``facet`` (``event``, ``tag``, ``person``, ``place``,
``section``, ``year``, ``month``), ``value``, ``n``. Triggers on the tables the values live in keep it
in step with every write, whoever makes it (the store, ``reparse``, the upgrade, SQL typed by hand);
``ensure_schema`` creates it and fills it once for an archive made before it, and fills a facet
added since (its triggers missing) once before its triggers keep it.

A linked facet counts link rows (``article_tags`` rows with that tag), as the list's facet counts
them; ``place`` counts the articles that hold a place, a district held by an article naming it or one
of its wards (``article_places.district_key``), as the list's place facet counts them; ``section``
counts articles with that section (NULL is no value); ``year`` and ``month`` the articles whose
``published_at`` starts with a year (``2021-…``). A value whose count falls to 0 keeps its row with
``n = 0``.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

TABLE = "facet_counts"
# facet -> (table, value expression over its row; NEW./OLD. are put in front of the columns by the triggers)
LINKED = {"event": ("article_events", "event_slug"), "tag": ("article_tags", "tag"),
          "person": ("article_authors", "name")}
# facet -> (table, key column, the column naming the value a row lies within): an article holds a value when one
# of its rows names it in either column (a ward's row holds its district too)
WITHIN = {"place": ("article_places", "place_key", "district_key")}
DATED = "{row}.published_at GLOB '[0-9][0-9][0-9][0-9]-*'"
OF_ARTICLE = {"year": ("substr({row}.published_at, 1, 4)", DATED), "month": ("substr({row}.published_at, 1, 7)", DATED),
              "section": ("{row}.section", "{row}.section IS NOT NULL")}

CREATE_SQL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    facet TEXT NOT NULL,
    value TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (facet, value)
) WITHOUT ROWID
"""


@dataclass(frozen=True)
class Kept:
    """Facets kept by the triggers on one table: their names, the table, the triggers and the fresh counts."""

    facets: tuple[str, ...]
    table: str
    triggers: tuple[tuple[str, str], ...]   # (name, CREATE TRIGGER statement)
    fill: tuple[str, ...]                   # INSERT statements counting the facets afresh


def _add(facet: str, value: str, condition: str, sign: str) -> str:
    if sign == "+":
        return (f"INSERT INTO {TABLE} (facet, value, n) SELECT '{facet}', {value}, 1 WHERE {condition} "
                f"ON CONFLICT (facet, value) DO UPDATE SET n = n + 1;")
    return f"UPDATE {TABLE} SET n = n - 1 WHERE facet = '{facet}' AND value = {value} AND {condition};"


def _trigger(name: str, event: str, table: str, body: str, when: str = "") -> tuple[str, str]:
    full = f"{TABLE}_{name}"
    when = f" WHEN {when}" if when else ""
    return full, f"CREATE TRIGGER IF NOT EXISTS {full} AFTER {event} ON {table}{when} BEGIN {body} END"


def _linked(facet: str, table: str, column: str) -> Kept:
    new, old = f"new.{column}", f"old.{column}"
    triggers = (
        _trigger(f"{facet}_insert", "INSERT", table, _add(facet, new, f"{new} IS NOT NULL", "+")),
        _trigger(f"{facet}_delete", "DELETE", table, _add(facet, old, f"{old} IS NOT NULL", "-")),
        _trigger(f"{facet}_update", f"UPDATE OF {column}", table,
                 f"{_add(facet, old, f'{old} IS NOT NULL', '-')} {_add(facet, new, f'{new} IS NOT NULL', '+')}",
                 when=f"{old} IS NOT {new}"),
    )
    fill = (f"INSERT INTO {TABLE} (facet, value, n) SELECT '{facet}', {column}, count(*) FROM {table} "
            f"WHERE {column} IS NOT NULL GROUP BY {column}",)
    return Kept((facet,), table, triggers, fill)


def _within(facet: str, table: str, key: str, within: str) -> Kept:
    """A value held by an article when any of its rows names it as ``key`` or ``within``: counted once per
    article, so a row's value changes the count only when no other row of its article holds it."""
    def holds(row: str, value: str, besides: str | None = None) -> str:
        other = f" AND p.{key} <> {besides}" if besides else ""
        return (f"EXISTS (SELECT 1 FROM {table} p WHERE p.article_id = {row}.article_id "
                f"AND (p.{key} = {value} OR p.{within} = {value}){other})")

    def values(row: str) -> list[tuple[str, str]]:   # (value, condition that it is one, once)
        return [(f"{row}.{key}", f"{row}.{key} IS NOT NULL AND {row}.{key} <> ''"),
                (f"{row}.{within}", f"{row}.{within} IS NOT NULL AND {row}.{within} <> '' "
                                    f"AND {row}.{within} IS NOT {row}.{key}")]

    def added(exclude_old: bool) -> str:
        # after the write, the new row is in the table: the value is new to its article when no other row holds it
        # (and, for an update of the same article, the old row did not hold it)
        def held_before(v: str) -> str:
            return f" AND NOT (old.article_id IS new.article_id AND ({v} IS old.{key} OR {v} IS old.{within}))"
        return " ".join(_add(facet, v, f"{c} AND NOT {holds('new', v, besides='new.' + key)}"
                             + (held_before(v) if exclude_old else ""), "+") for v, c in values("new"))

    def removed() -> str:   # after the write, the old row is gone: the article lost the value when no row holds it
        return " ".join(_add(facet, v, f"{c} AND NOT {holds('old', v)}", "-") for v, c in values("old"))

    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in ("article_id", key, within))
    triggers = (
        _trigger(f"{facet}_insert", "INSERT", table, added(False)),
        _trigger(f"{facet}_delete", "DELETE", table, removed()),
        _trigger(f"{facet}_update", f"UPDATE OF article_id, {key}, {within}", table,
                 f"{removed()} {added(True)}", when=changed),
    )
    pairs = " UNION ".join(f"SELECT {c} AS value, article_id FROM {table} WHERE {c} IS NOT NULL AND {c} <> ''"
                           for c in (key, within))
    fill = (f"INSERT INTO {TABLE} (facet, value, n) SELECT '{facet}', value, count(*) FROM ({pairs}) "
            f"GROUP BY value",)
    return Kept((facet,), table, triggers, fill)


def _of_article() -> Kept:
    inserts = " ".join(_add(f, v.format(row="new"), c.format(row="new"), "+") for f, (v, c) in OF_ARTICLE.items())
    deletes = " ".join(_add(f, v.format(row="old"), c.format(row="old"), "-") for f, (v, c) in OF_ARTICLE.items())
    triggers = (
        _trigger("articles_insert", "INSERT", "articles", inserts),
        _trigger("articles_delete", "DELETE", "articles", deletes),
        _trigger("articles_update", "UPDATE OF published_at, section", "articles", f"{deletes} {inserts}",
                 when="old.published_at IS NOT new.published_at OR old.section IS NOT new.section"),
    )
    fill = []
    for facet, (value, condition) in OF_ARTICLE.items():
        expression, where = value.format(row="articles"), condition.format(row="articles")
        fill.append(f"INSERT INTO {TABLE} (facet, value, n) SELECT '{facet}', {expression}, count(*) FROM articles "
                    f"WHERE {where} GROUP BY {expression}")
    return Kept(tuple(OF_ARTICLE), "articles", triggers, tuple(fill))


def kept() -> list[Kept]:
    """Every facet the table keeps, by the table whose triggers keep it."""
    return [*(_linked(f, t, c) for f, (t, c) in LINKED.items()),
            *(_within(f, t, k, w) for f, (t, k, w) in WITHIN.items()), _of_article()]


def triggers() -> list[str]:
    """The triggers that keep the counts: insert, delete and update on each table a facet's values live in."""
    return [sql for part in kept() for _, sql in part.triggers]


def fill_sql() -> list[str]:
    """The counts of an archive as it is (for an archive made before the table existed)."""
    return [f"DELETE FROM {TABLE}", *(sql for part in kept() for sql in part.fill)]


def _missing(db: sqlite_utils.Database) -> list[Kept]:
    """The facets whose triggers the archive lacks (all of them without the table; one added since)."""
    have = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return [part for part in kept() if not {name for name, _ in part.triggers} <= have]


def ensure(db: sqlite_utils.Database) -> None:
    """The table and its triggers; each facet counted from the archive's rows before its triggers keep it (a new
    table, or a facet added since). Nothing is written when every trigger is there."""
    tables = set(db.table_names())
    if not {"articles", *(t for t, _ in LINKED.values()), *(t for t, _, _ in WITHIN.values())} <= tables:
        return
    missing = _missing(db) if TABLE in tables else kept()
    if not missing:
        return
    # one savepoint: the table, its counts and its triggers together or not at all (a facet left without its
    # counts would never be filled), inside the caller's transaction when there is one
    db.execute("SAVEPOINT facet_counts")
    try:
        db.execute(CREATE_SQL)
        for part in missing:
            marks = ", ".join("?" for _ in part.facets)
            db.execute(f"DELETE FROM {TABLE} WHERE facet IN ({marks})", list(part.facets))
            for sql in [*part.fill, *(sql for _, sql in part.triggers)]:
                db.execute(sql)
    except BaseException:
        db.execute("ROLLBACK TO facet_counts")
        db.execute("RELEASE facet_counts")
        raise
    db.execute("RELEASE facet_counts")
