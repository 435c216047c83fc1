"""``crawl_runs``: one row per crawl, opened when it starts and closed with its outcome and counts."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from pipelines.writing import now, table

COUNTED = ("pages_fetched", "articles_new", "articles_updated", "articles_unchanged", "articles_failed",
           "articles_removed")


def start_run(db: sqlite_utils.Database, base_url: str | None, events: list[str], mode: str = "incremental",
              source: str | None = None) -> int:
    """A new crawl_runs row (``source``: the source the run reads); runs left 'running' by a killed crawler
    become 'interrupted'."""
    db.execute("UPDATE crawl_runs SET status = 'interrupted' WHERE status = 'running'")
    rows = table(db, "crawl_runs")
    rows.insert({"started_at": now(), "status": "running", "base_url": base_url,
                 "events": ",".join(events), "mode": mode, "source": source})
    db.conn.commit()
    run_id = rows.last_pk
    assert isinstance(run_id, int)
    return run_id


def finish_run(db: sqlite_utils.Database, run_id: int, status: str, exit_code: int, reason: str | None,
               counts: dict[str, Any]) -> None:
    """Close the run with its status, exit code, counts, field coverage and Scrapy's stats."""
    record: dict[str, Any] = {"finished_at": now(), "status": status, "exit_code": exit_code, "reason": reason}
    record.update({k: counts.get(k, 0) for k in COUNTED})
    record["coverage"] = json.dumps(counts.get("coverage", {}), ensure_ascii=False)
    record["stats"] = json.dumps(counts.get("stats", {}), ensure_ascii=False, default=str)
    table(db, "crawl_runs").update(run_id, record)
