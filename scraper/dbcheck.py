"""Is this file an archive of this project, and whole? Checked before anything opens it for writing.

``ensure_schema`` switches WAL on, sets ``user_version`` and adds tables: on the wrong file (another
project's database, a document, a backup on read-only media) that would damage it. ``check_db`` reads
the file without writing (SQLite's read-only, or immutable mode on read-only media) and says in one
line why it will not be used; the command line turns that into an error and a non-zero exit.

A damaged archive (a bad disk, garbage written over some pages) is found by ``PRAGMA quick_check``
(:func:`damage`: at most ``MAX_PROBLEMS`` problems, at most ``QUICK_CHECK_SECONDS``) before a command
writes to it: writing into a damaged b-tree spreads the damage. ``serve`` only warns: it still answers
every page that reads an undamaged part.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from pathlib import Path

from pipelines.disk import DiskFull, is_corrupt, is_disk_full
from pipelines.schema import SCHEMA_VERSION, TABLES

SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every archive of this project has had from the start; a database without them is another
# project's. (Tables added later, here or by newer code, are allowed beside them.)
CORE_TABLES = {"articles", "raw_pages", "crawl_runs"}


QUICK_CHECK_SECONDS = 120.0   # a 2 GB archive takes 1.5 s warm, 6.4 s from a cold disk
MAX_PROBLEMS = 5              # quick_check stops after this many


class NotAnArchive(Exception):
    """The file given as --db cannot be used; the message says why, in one line."""


class DamagedArchive(NotAnArchive):
    """PRAGMA quick_check found the file damaged."""

    def __init__(self, db: str | Path, problems: list[str]):
        shown = "; ".join(problems[:3]) + (" …" if len(problems) > 3 else "")
        super().__init__(f"{db}: the archive is damaged (PRAGMA quick_check: {shown}); nothing was written to it. "
                         f"Restore it from a backup, or save what can still be read: "
                         f"sqlite3 {db} .recover | sqlite3 recovered.db")
        self.problems = problems


def _writable(path: Path) -> bool:
    """Writable for this process, and not stripped of every write bit (root ignores the bits)."""
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _contents(path: Path, immutable: bool) -> tuple[int, list[str]]:
    """``user_version`` and table names, read without writing anything to the file."""
    uri = f"{path.resolve().as_uri()}?{'immutable=1' if immutable else 'mode=ro'}"
    conn = sqlite3.connect(uri, uri=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    finally:
        conn.close()
    return version, tables


def check_db(db: str | Path, writing: bool = True) -> None:
    """Raise NotAnArchive unless ``db`` is an archive of this project, or a new (missing or empty) file.

    ``writing``: the command will write (crawl, reparse), so the file and its folder must be writable.
    """
    path = Path(db)
    folder = path.resolve().parent
    if not folder.is_dir():
        raise NotAnArchive(f"{db}: the directory {folder} does not exist")
    if path.exists() and not path.is_file():
        raise NotAnArchive(f"{db}: not a file")
    if writing and not _writable(folder):
        raise NotAnArchive(f"{db}: the directory {folder} is read-only (the archive needs its -wal and lock files)")
    if not path.exists() or path.stat().st_size == 0:
        if not writing and not path.exists():
            raise NotAnArchive(f"{db}: no such file")
        return  # a new archive
    if writing and not _writable(path):
        raise NotAnArchive(f"{db}: the file is read-only")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise NotAnArchive(f"{db}: not an SQLite database")
    full = False
    try:
        version, tables = _contents(path, immutable=not _writable(path) or not _writable(folder))
    except sqlite3.DatabaseError as error:
        if is_corrupt(error):
            raise DamagedArchive(db, [str(error)]) from None
        if not is_disk_full(error, path):
            raise NotAnArchive(f"{db}: not a readable SQLite database ({error})") from None
        # no room for the -shm file a reader of a WAL archive makes: read the file as it is on disk
        full = True
        try:
            version, tables = _contents(path, immutable=True)
        except sqlite3.DatabaseError as again:
            raise NotAnArchive(f"{db}: not a readable SQLite database ({again})") from None
    if tables and version == 0 and _unfinished(path, tables, immutable=full):
        tables = []  # an earlier version's schema creation cut short: completed like a new archive
    if tables and not CORE_TABLES <= set(tables):
        foreign = sorted(t for t in tables if t not in TABLES and not t.startswith("sqlite_"))
        shown = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
        raise NotAnArchive(f"{db}: not an archive of this project (it has other tables: {shown or 'none of ours'})")
    if version > SCHEMA_VERSION:
        raise NotAnArchive(f"{db}: made by a newer version of this project (schema {version}, "
                           f"this one knows {SCHEMA_VERSION})")
    if tables and version == 0:
        raise NotAnArchive(f"{db}: not an archive of this project (user_version 0)")
    if writing and tables:
        problems = damage(path, immutable=full)
        if problems:
            raise DamagedArchive(db, problems)
    if full and writing:
        raise DiskFull(path, "the archive is healthy and was not changed, but nothing can be written")


def damage(path: Path, immutable: bool = False) -> list[str] | None:
    """What ``PRAGMA quick_check`` finds wrong with the file ([] when it is whole), at most MAX_PROBLEMS;
    None when the check ran out of QUICK_CHECK_SECONDS (a huge file on a slow disk: not known)."""
    uri = f"{path.resolve().as_uri()}?{'immutable=1' if immutable or not _writable(path) else 'mode=ro'}"
    conn = sqlite3.connect(uri, uri=True)
    deadline = time.monotonic() + QUICK_CHECK_SECONDS
    conn.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
    try:
        rows = conn.execute(f"PRAGMA quick_check({MAX_PROBLEMS})").fetchall()
    except sqlite3.OperationalError as error:
        if str(error) == "interrupted":
            return None
        return [str(error)]
    except sqlite3.DatabaseError as error:  # the schema itself unreadable
        return [str(error)]
    finally:
        conn.close()
    problems = [line for row in rows for line in str(row[0]).splitlines() if not line.startswith("***")]
    return [] if problems == ["ok"] else problems


def _unfinished(path: Path, tables: list[str], immutable: bool) -> bool:
    """Only tables of ours, every one empty: the schema of a new archive, cut short by an older version of
    this code (a full disk while creating it); ensure_schema now makes it whole or not at all."""
    ours = [t for t in tables if not t.startswith("sqlite_")]
    if any(t not in TABLES and not t.startswith("articles_fts") for t in ours):
        return False
    uri = f"{path.resolve().as_uri()}?{'immutable=1' if immutable else 'mode=ro'}"
    conn = sqlite3.connect(uri, uri=True)
    try:
        return not any(conn.execute(f"SELECT EXISTS (SELECT 1 FROM [{t}])").fetchone()[0]
                       for t in ours if t in TABLES)
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def needs_upgrade(db: str | Path) -> bool:
    """An archive made by an older version of this project, in a file this process may upgrade."""
    path = Path(db)
    if not path.is_file() or path.stat().st_size == 0 or not _writable(path) or not _writable(path.resolve().parent):
        return False
    try:
        version, tables = _contents(path, immutable=False)
    except sqlite3.DatabaseError:
        return False
    return bool(tables) and 0 < version < SCHEMA_VERSION
