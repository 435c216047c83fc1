"""What every writer of archive.db shares: the time stamp and a typed handle on a table."""

from __future__ import annotations

from datetime import datetime, timezone

import sqlite_utils
from sqlite_utils.db import Table


def now() -> str:
    """The current UTC time to the second, ISO 8601 (as every ``*_at`` column holds it)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def table(db: sqlite_utils.Database, name: str) -> Table:
    """``db[name]``, known to be a table (not a view) so that it can be written to."""
    found = db[name]
    assert isinstance(found, Table), f"{name} is a view"
    return found
