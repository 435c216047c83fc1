"""Shared fixtures and hooks: the sample site on loopback, the session's crawl of it, the tiers (fast,
slow), and the checks that no test leaves a process behind and that a fast test starts none.

Helpers live in tests/support/ (``from tests.support import run_crawl, connect, …``), not here."""

import hashlib
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest

from kinhtedothi.sample_site import FakeWayback, SampleSite
from tests.support import tiers
from tests.support.browser import offline_chromium
from tests.support.crawls import crawl_in_process, run_crawl, wayback_crawl
from tests.support.edits import edited_archive
from tests.support.processes import (OneProcess, ProcessInFastTest, adopt_orphans, children,
                                     fail_on_children_left)

adopt_orphans()
ONE_PROCESS = OneProcess()


def pytest_configure(config):
    config.addinivalue_line("markers", "fast: one process: no crawl process, no server process, no browser "
                                       "(tests/support/tiers.py)")
    config.addinivalue_line("markers", "slow: starts processes: crawls, `kinhtedothi serve`, the browser")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Every file declares its tier (before -m picks the tests of one)."""
    tiers.check(items)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """A fast test, its fixtures' set-up and tear-down included, starts no process."""
    ONE_PROCESS.watch(item.nodeid if tiers.is_fast(item) else None)
    try:
        yield
    finally:
        ONE_PROCESS.watch(None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A refusal to start a process that failed the set-up or the test itself has been reported."""
    yield
    if call.excinfo is not None and call.excinfo.errisinstance(ProcessInFastTest):
        ONE_PROCESS.reported()


@pytest.fixture(autouse=True)
def no_process_left_behind():
    """Fails a test that leaves a child process running (a server it started and did not stop), and a
    fast test that started a process at all (even if it caught the refusal)."""
    before = children()
    yield
    started = list(ONE_PROCESS.started)
    fail_on_children_left(before, "the test")
    if started:
        pytest.fail("a fast test started processes and hid the refusal (mark it slow):\n" + "\n".join(started),
                    pytrace=False)


@pytest.fixture(scope="module", autouse=True)
def no_process_left_behind_by_the_module():
    """The same for processes started by module-wide fixtures."""
    before = children()
    yield
    fail_on_children_left(before, "the module's fixtures")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Debian's Chromium, headless and offline but for loopback (tests/support/browser.py), for the module."""
    with offline_chromium(tmp_path_factory.mktemp("chromium-profile")) as context:
        yield context


@pytest.fixture
def page(browser):
    """A new tab of the module's browser."""
    page = browser.new_page()
    yield page
    page.close()


@pytest.fixture(scope="module")
def site():
    with SampleSite() as site:
        yield site


@pytest.fixture(scope="session")
def crawled(tmp_path_factory):
    """One complete crawl of a pristine sample site of its own, shared by the whole session:
    (database path, finished crawl, request log as a tuple). The crawl is `kinhtedothi crawl` run in
    this process (`crawl_in_process`: once per session), so that fast tests can read it too.

    Read-only for every test: a test that changes the archive works on a copy
    (`tests.support.datasette.copy_archive`, `shutil.copy`). The session checks it at the end:
    the file's bytes must be what the crawl left."""
    with _shared_crawl(tmp_path_factory, "crawled", crawl_in_process) as shared:
        yield shared


@pytest.fixture(scope="session")
def edited(crawled, tmp_path_factory):
    """The session's crawl after the paper edited one article and a re-check crawl (a separate process)
    archived its new version (`tests.support.edits`): the archive's path. Read-only, like `crawled`."""
    db = edited_archive(crawled[0], tmp_path_factory.mktemp("edited"))
    with _unchanged(db, "edited"):
        yield db


@pytest.fixture(scope="session")
def today(tmp_path_factory):
    """A crawl of today's site alone (the sample site's current generation), a separate process:
    (database path, finished crawl, request log as a tuple). Read-only, like `crawled`."""
    with _shared_crawl(tmp_path_factory, "today", run_crawl, generation="current") as shared:
        yield shared


@pytest.fixture(scope="session")
def today_then_wayback(today, tmp_path_factory):
    """`today`'s archive, then the fake Wayback Machine (no 429s) crawled into it: (database path, today's
    crawl, the Wayback crawl). Read-only."""
    db = tmp_path_factory.mktemp("today-then-wayback") / "archive.db"
    shutil.copy(today[0], db)
    with FakeWayback(throttle=False) as archive:
        second = wayback_crawl(db, archive)
    with _unchanged(db, "today_then_wayback"):
        yield db, today[1], second


@pytest.fixture(scope="session")
def wayback_then_today(tmp_path_factory):
    """The fake Wayback Machine (no 429s), then today's site, crawled into one new archive: (database path,
    the Wayback crawl, today's crawl). Read-only."""
    db = tmp_path_factory.mktemp("wayback-then-today") / "archive.db"
    with FakeWayback(throttle=False) as archive:
        first = wayback_crawl(db, archive)
    with SampleSite(generation="current") as site:
        second = run_crawl(db, site.url)
    with _unchanged(db, "wayback_then_today"):
        yield db, first, second


@contextmanager
def _shared_crawl(tmp_path_factory, name: str, crawl, **site_options):
    """A crawl (``crawl(db, url)``) of a pristine sample site of its own, shared read-only: (database path,
    finished crawl, request log as a tuple), the file checked unchanged when the session ends."""
    db = tmp_path_factory.mktemp(name) / "archive.db"
    with SampleSite(**site_options) as site:
        process = crawl(db, site.url)
        requests = tuple(site.requests)
    with _unchanged(db, name):
        yield db, process, requests


@contextmanager
def _unchanged(db: Path, name: str):
    """Fails the session if the archive's bytes changed while it was shared."""
    before = _checksum(db)
    yield
    assert _checksum(db) == before, f"a test wrote to the shared {name} archive: work on a copy"


def _checksum(db: Path) -> str:
    """The archive's bytes once its WAL is folded in (what any write would change)."""
    if not db.exists():
        return "missing"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return hashlib.sha256(db.read_bytes()).hexdigest()
