"""``facet_counts``: how many articles (or link rows) hold each value of each facet, kept by triggers.

The articles list without a filter shows every facet of the whole archive: counting them there
reads every link row and every article (millions at a million articles). The archive keeps the
counts instead, exact, in one small table: ``facet`` (``event``, ``tag``, ``person``, ``section``,
``year``, ``month``), ``value``, ``n``. Triggers on the tables the values live in keep it in step with
every write, whoever makes it (the store, ``reparse``, the upgrade, SQL typed by hand);
``ensure_schema`` creates it and fills it once for an archive made before it.

A linked facet counts link rows (``article_tags`` rows with that tag), as the list's facet counts
them; ``section`` counts articles with that section (NULL is no value); ``year`` and ``month`` the
articles whose ``published_at`` starts with a year (``2021-…``). A value whose count falls to 0 keeps
its row with ``n = 0``.
"""

from __future__ import annotations

import sqlite_utils

TABLE = "facet_counts"
# facet -> (table, value expression over its row; NEW./OLD. are put in front of the columns by the triggers)
LINKED = {"event": ("article_events", "event_slug"), "tag": ("article_tags", "tag"),
          "person": ("article_authors", "name")}
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


def _add(facet: str, value: str, condition: str, sign: str) -> str:
    if sign == "+":
        return (f"INSERT INTO {TABLE} (facet, value, n) SELECT '{facet}', {value}, 1 WHERE {condition} "
                f"ON CONFLICT (facet, value) DO UPDATE SET n = n + 1;")
    return f"UPDATE {TABLE} SET n = n - 1 WHERE facet = '{facet}' AND value = {value} AND {condition};"


def triggers() -> list[str]:
    """The triggers that keep the counts: insert, delete and update on each table a facet's values live in."""
    out = []
    for facet, (table, column) in LINKED.items():
        new, old = f"new.{column}", f"old.{column}"
        out += [
            f"CREATE TRIGGER IF NOT EXISTS {TABLE}_{facet}_insert AFTER INSERT ON {table} BEGIN "
            f"{_add(facet, new, f'{new} IS NOT NULL', '+')} END",
            f"CREATE TRIGGER IF NOT EXISTS {TABLE}_{facet}_delete AFTER DELETE ON {table} BEGIN "
            f"{_add(facet, old, f'{old} IS NOT NULL', '-')} END",
            f"CREATE TRIGGER IF NOT EXISTS {TABLE}_{facet}_update AFTER UPDATE OF {column} ON {table} "
            f"WHEN {old} IS NOT {new} BEGIN {_add(facet, old, f'{old} IS NOT NULL', '-')} "
            f"{_add(facet, new, f'{new} IS NOT NULL', '+')} END",
        ]
    inserts = " ".join(_add(f, v.format(row="new"), c.format(row="new"), "+") for f, (v, c) in OF_ARTICLE.items())
    deletes = " ".join(_add(f, v.format(row="old"), c.format(row="old"), "-") for f, (v, c) in OF_ARTICLE.items())
    out += [
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_articles_insert AFTER INSERT ON articles BEGIN {inserts} END",
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_articles_delete AFTER DELETE ON articles BEGIN {deletes} END",
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_articles_update AFTER UPDATE OF published_at, section ON articles "
        f"WHEN old.published_at IS NOT new.published_at OR old.section IS NOT new.section "
        f"BEGIN {deletes} {inserts} END",
    ]
    return out


def fill_sql() -> list[str]:
    """The counts of an archive as it is (for an archive made before the table existed)."""
    out = [f"DELETE FROM {TABLE}"]
    for facet, (table, column) in LINKED.items():
        out.append(f"INSERT INTO {TABLE} (facet, value, n) SELECT '{facet}', {column}, count(*) FROM {table} "
                   f"WHERE {column} IS NOT NULL GROUP BY {column}")
    for facet, (value, condition) in OF_ARTICLE.items():
        expression, where = value.format(row="articles"), condition.format(row="articles")
        out.append(f"INSERT INTO {TABLE} (facet, value, n) SELECT '{facet}', {expression}, count(*) FROM articles "
                   f"WHERE {where} GROUP BY {expression}")
    return out


def ensure(db: sqlite_utils.Database) -> None:
    """The table and its triggers; filled from the archive's rows when the table is new."""
    if db[TABLE].exists():
        for sql in triggers():   # a trigger added since: kept from now on (the counts are already whole)
            db.execute(sql)
        return
    tables = set(db.table_names())
    if not {"articles", *(t for t, _ in LINKED.values())} <= tables:
        return
    # one savepoint: the table, its counts and its triggers together or not at all (a table left without its
    # counts would never be filled), inside the caller's transaction when there is one
    db.execute("SAVEPOINT facet_counts")
    try:
        for sql in [CREATE_SQL, *fill_sql(), *triggers()]:
            db.execute(sql)
    except BaseException:
        db.execute("ROLLBACK TO facet_counts")
        db.execute("RELEASE facet_counts")
        raise
    db.execute("RELEASE facet_counts")
