"""``crawl_errors``: URLs not archived, and whether asking again could ever help."""

from __future__ import annotations

import sqlite_utils

from pipelines.writing import now, table

# Errors that will not go away by asking again: the link is settled, an incremental crawl skips it.
PERMANENT_STATUSES = {404, 410}


def is_permanent(status: int | None, reason: str, kind: str = "error") -> bool:
    return kind == "missing" or status in PERMANENT_STATUSES or reason.startswith(("not an article", "IgnoreRequest"))


def record_error(db: sqlite_utils.Database, run_id: int | None, url: str, status: int | None, reason: str,
                 kind: str = "error", event_slug: str | None = None) -> None:
    """A URL not archived: ``kind`` 'error', or 'missing' (the Wayback Machine never captured it);
    ``event_slug`` the event it was refused for ('outside-dates')."""
    table(db, "crawl_errors").insert({"run_id": run_id, "url": url, "status": status, "reason": reason,
                                      "at": now(), "permanent": int(is_permanent(status, reason, kind)),
                                      "kind": kind, "event_slug": event_slug})
