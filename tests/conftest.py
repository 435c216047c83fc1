"""Shared fixtures: the sample site on loopback and a real crawl of it into a temporary archive."""

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(db: Path, *extra: str):
    """`kinhtedothi serve` on a free loopback port, as a separate process; yields its base URL."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "scraper.cli", "serve", "--db", str(db), "--port", str(port),
                                *extra], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"kinhtedothi serve exited with status {process.returncode}")
                time.sleep(0.1)
        else:
            raise RuntimeError("kinhtedothi serve did not answer within 15 s")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


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
