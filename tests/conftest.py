"""Shared fixtures: the sample site on loopback and a real crawl of it into a temporary archive."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

from kinhtedothi.sample_site import SampleSite

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


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    """Until ``url`` answers (a generous backstop, not a measurement)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            assert process.poll() is None, f"exited with status {process.returncode}"
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@contextmanager
def served(db: Path, *extra: str):
    """`kinhtedothi serve` on a free loopback port, as a separate process; yields its base URL."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "scraper.cli", "serve", "--db", str(db), "--port", str(port),
                                *extra], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/-/versions.json", process)
        yield base
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM to the process and everything it started (it was started with start_new_session=True)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return conn


def _adopt_orphans() -> None:
    """Linux: a process whose parent dies (Datasette under a killed `serve`) is re-parented to pytest,
    not to init, so the check below sees it too."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_CHILD_SUBREAPER = 36
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


_adopt_orphans()


def _children() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True)}


def _fail_on_children_left(before: set[int], what: str) -> None:
    """Children not in ``before`` get a short grace period to exit; the rest are killed and fail the test."""
    left = [p for p in psutil.Process().children(recursive=True) if p.pid not in before and not _owned(p, before)]
    _, alive = psutil.wait_procs(left, timeout=3)
    if alive:
        described = [f"{p.pid} {' '.join(_cmdline(p))[:200]}" for p in alive]
        for process in alive:
            process.kill()
        psutil.wait_procs(alive, timeout=5)
        pytest.fail(f"{what} left processes running:\n" + "\n".join(described), pytrace=False)


@pytest.fixture(autouse=True)
def no_process_left_behind():
    """Fails a test that leaves a child process running (a server it started and did not stop)."""
    before = _children()
    yield
    _fail_on_children_left(before, "the test")


@pytest.fixture(scope="module", autouse=True)
def no_process_left_behind_by_the_module():
    """The same for processes started by module-wide fixtures."""
    before = _children()
    yield
    _fail_on_children_left(before, "the module's fixtures")


def _owned(process: psutil.Process, before: set[int]) -> bool:
    """Started by a process that was already running (a module-wide browser's renderer): its owner's."""
    try:
        return any(parent.pid in before for parent in process.parents())
    except psutil.Error:
        return False


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return ["?"]


@pytest.fixture(scope="module")
def site():
    with SampleSite() as site:
        yield site


@pytest.fixture(scope="session")
def crawled(tmp_path_factory):
    """One complete crawl of a pristine sample site of its own, shared by the whole session:
    (database path, finished process, request log as a tuple).

    Read-only for every test: a test that changes the archive works on a copy
    (`tests/datasette_support.copy_archive`, `shutil.copy`). The session checks it at the end:
    the file's bytes must be what the crawl left."""
    db = tmp_path_factory.mktemp("crawl") / "archive.db"
    with SampleSite() as site:
        process = run_crawl(db, site.url)
        requests = tuple(site.requests)
    before = _checksum(db)
    yield db, process, requests
    assert _checksum(db) == before, "a test wrote to the shared crawled archive: work on a copy"


def _checksum(db: Path) -> str:
    """The archive's bytes once its WAL is folded in (what any write would change)."""
    import hashlib

    if not db.exists():
        return "missing"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return hashlib.sha256(db.read_bytes()).hexdigest()
