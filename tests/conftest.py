"""Shared fixtures: the sample site on loopback and a real crawl of it into a temporary archive."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sample_site import SampleSite

ROOT = Path(__file__).parent.parent
# The tests crawl a loopback copy: no delay, short backoff. Said here, not hidden in the code.
FAST = ["--delay", "0", "-s", "RETRY_BACKOFF_BASE=0.05"]


def run_crawl(db: Path, base_url: str, *extra: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """`kinhtedothi crawl` as a separate process, as cron would run it."""
    command = [sys.executable, "-m", "scraper.cli", "crawl", "--db", str(db), "--base-url", base_url, *FAST, *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})


def connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return conn


@pytest.fixture(scope="module")
def site():
    with SampleSite() as site:
        yield site


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    """One complete crawl of the sample site: (database path, finished process, request log)."""
    db = tmp_path_factory.mktemp("crawl") / "archive.db"
    process = run_crawl(db, site.url)
    return db, process, site.requests
