"""A full disk and a damaged file, said as such, never as a bug.

SQLite answers a full disk with "database or disk is full" (``SQLITE_FULL``), or, when it cannot even
make the ``-shm`` file a reader of a WAL archive needs, "disk I/O error"; Python with ``ENOSPC``. Every
writer of the archive turns these into :class:`DiskFull` (``pipelines.archive.Archive``), whose message
names the file and the filesystem, and says that what was archived is intact: SQLite rolls the
unfinished transaction back, so a rerun with space just works. A write that finds the file damaged
("database disk image is malformed") is :class:`ArchiveDamaged`. Either ends a crawl at once.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

FULL_BELOW = 1024 * 1024    # free bytes under which a filesystem counts as full (SQLite needs room for its -shm)
SQLITE_FULL = 13
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11


class StorageFailure(Exception):
    """The archive file cannot take more writes: the crawl stops, and this is its verdict."""


class DiskFull(StorageFailure):
    """The archive's disk is full: the message names the file, the filesystem and the free space."""

    def __init__(self, path: str | Path, what: str = "the archive could not be written"):
        self.path = Path(path)
        super().__init__(full_message(self.path, what))


class ArchiveDamaged(StorageFailure):
    """A write found the archive file damaged (SQLITE_CORRUPT)."""

    def __init__(self, path: str | Path, why: str):
        self.path = Path(path)
        super().__init__(f"the archive is damaged: {why} ({path}); nothing more was written to it. Restore it "
                         f"from a backup, or save what can still be read: sqlite3 {path} .recover | sqlite3 "
                         "recovered.db")


def is_corrupt(error: BaseException) -> bool:
    """SQLITE_CORRUPT: the file is SQLite's, but damaged ("database disk image is malformed")."""
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    return (code is not None and code & 0xFF == SQLITE_CORRUPT) or str(error) == "database disk image is malformed"


def mount_point(path: Path) -> Path:
    """The mount point of the filesystem that holds ``path`` (or would hold it)."""
    current = _existing(path.resolve())
    while not os.path.ismount(current) and current != current.parent:
        current = current.parent
    return current


def free_bytes(path: Path) -> int:
    """Bytes this process may still write on the filesystem that holds ``path``."""
    return shutil.disk_usage(_existing(path.resolve())).free


def is_full(path: Path) -> bool:
    return free_bytes(path) < FULL_BELOW


def where(path: Path) -> str:
    """The file, and the free space on its filesystem: ``/srv/archive.db; 12 KB free on /srv``."""
    return f"{path}; {_size(free_bytes(path))} free on {mount_point(path)}"


def full_message(path: Path, what: str = "the archive could not be written") -> str:
    return (f"the disk is full: {what} ({where(path)}). What was archived before is intact; free some space "
            "there and run the command again")


def is_disk_full(error: BaseException, path: Path) -> bool:
    """``error`` is the disk holding ``path`` being full (not a bug, not a damaged file)."""
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if code is not None else None
    if primary == SQLITE_FULL or str(error) == "database or disk is full":
        return True
    # no room for the -shm or -wal file: SQLite calls it an I/O error
    return (primary == SQLITE_IOERR or str(error) == "disk I/O error") and is_full(path)


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _size(count: int) -> str:
    for unit, size in (("GB", 1024 ** 3), ("MB", 1024 ** 2), ("KB", 1024)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{count} bytes"
