"""Bounds in bytes on what one SQL query can make the server hold (docs/security.md "Answers in bytes").

Datasette bounds a query in time (``sql_time_limit_ms``) and in rows (``max_returned_rows``), not in
bytes: an 80-byte ``?sql=select hex(zeroblob(…))`` made a 286 MB answer and a 1.76 GB server. On every
connection Datasette opens:

* **one value** (a string or blob, made by the query or read from the file) is at most
  ``MAX_VALUE_BYTES`` (SQLite's ``SQLITE_LIMIT_LENGTH``): SQLite stops the query with "string or blob
  too big". The limit is above anything the crawler stores from the web (a page is at most 8 MiB:
  ``DOWNLOAD_MAXSIZE``), so every stored value can still be read; only a page of 16 to 20 MiB read from a
  WARC file (``MAX_PAYLOAD``) and stored uncompressible could not be shown, and says so;
* **one answer**: the values of a query's rows take at most ``MAX_ANSWER_BYTES`` once written out
  (counted row by row as they are fetched, by :func:`counting_rows`, with an upper bound of their JSON:
  six bytes a character for text JSON must escape, ``\u00e0`` or ``\u0001``); past it the query stops
  with :class:`AnswerTooLarge`, before the next row is read, let alone rendered. So no answer, JSON, CSV
  or HTML, is over about 32 MB, and a request holds a few times that at most while it is written;
* **SQLite's own memory** in the whole server process is at most ``SQLITE_HEAP_BYTES``
  (``PRAGMA hard_heap_limit``): a single row of many large values (each under the value limit) is
  computed inside SQLite before any row reaches Python; past the limit the query fails with "out of
  memory" instead of growing the server.

``datasette_kinhtedothi.errors`` turns each of these failures into a 400 page that says which limit was
passed and how to ask for less.
"""

from __future__ import annotations

import re
import sqlite3
import sys
import weakref
from typing import Any

MAX_VALUE_BYTES = 16 * 1024 * 1024     # one string or blob
MAX_ANSWER_BYTES = 32 * 1024 * 1024    # the values of one query's rows, as written out (JSON's bound)
SQLITE_HEAP_BYTES = 128 * 1024 * 1024  # SQLite's heap, the whole server process (page caches included)


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # what JSON writes as \u00XX


class AnswerTooLarge(sqlite3.DataError):
    """A query's rows passed MAX_ANSWER_BYTES (a DataError, so Datasette shows it as a query's error)."""

    def __init__(self, rows: int):
        super().__init__(f"the answer is too large: its first {rows} row(s) already take more than "
                         f"{MAX_ANSWER_BYTES // (1024 * 1024)} MB")
        self.rows = rows


def written_size(value: Any) -> int:
    """An upper bound of the bytes ``value`` takes in an answer, JSON being the largest: ASCII text as it is
    (a quote, backslash, tab or line break twice); any other text six bytes a character (``\u0001``,
    ``\u1ea1``), twelve when a character is past U+FFFF (a surrogate pair); a blob in base64. O(1), or a
    few C passes over ASCII text."""
    if isinstance(value, str):
        count = len(value)
        if value.isascii():
            if CONTROL.search(value):
                return 6 * count
            return count + sum(value.count(c) for c in '"\\\n\r\t')  # JSON writes these as two bytes
        wide = sys.getsizeof(value) > 3 * count + 100  # CPython keeps it 4 bytes a character (header ~80)
        return (12 if wide else 6) * count
    if isinstance(value, bytes):
        return 4 * len(value) // 3 + 4
    return 24


class _Tally:
    __slots__ = ("rows", "held")

    def __init__(self) -> None:
        self.rows, self.held = 0, 0


_tallies: weakref.WeakKeyDictionary[sqlite3.Cursor, _Tally] = weakref.WeakKeyDictionary()


def counting_rows(cursor: sqlite3.Cursor, values: tuple) -> sqlite3.Row:
    """A row factory: Datasette's ``sqlite3.Row``, counted against the cursor's MAX_ANSWER_BYTES."""
    tally = _tallies.get(cursor)
    if tally is None:
        tally = _tallies[cursor] = _Tally()
    tally.rows += 1
    tally.held += sum(written_size(v) for v in values)
    if tally.held > MAX_ANSWER_BYTES:
        raise AnswerTooLarge(tally.rows)
    return sqlite3.Row(cursor, values)


def bound(conn: sqlite3.Connection) -> None:
    """The limits above, on one of Datasette's connections (``prepare_connection``)."""
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.execute(f"PRAGMA hard_heap_limit = {SQLITE_HEAP_BYTES}")
    conn.row_factory = counting_rows
