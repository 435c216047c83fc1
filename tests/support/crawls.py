"""Crawls for the tests: `kinhtedothi crawl` as a separate process, as cron runs it, or once per
session in this process; and the archive they write, opened read-write."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# The tests crawl a loopback copy: no delay, short backoff. Said here, not hidden in the code.
FAST = ["--delay", "0", "-s", "RETRY_BACKOFF_BASE=0.05"]


def fast_env() -> dict[str, str]:
    """This process's environment with FAST's short backoff, for crawls a test cannot pass options to (a
    benchmark script's, a --help example's): KINHTEDOTHI_<NAME> (docs/operators.md). A Retry-After still holds."""
    return {**os.environ, "KINHTEDOTHI_RETRY_BACKOFF_BASE": "0.05"}


# The fake Wayback Machine, one request at a time through each slot, with delays of its own (3 s and
# 1 s against the real archive: a crawl of the fake makes about 130 requests) and a 429 hold (60 s there).
WAYBACK_CDX_DELAY, WAYBACK_CAPTURE_DELAY, WAYBACK_429_WAIT = 0.01, 0.005, 0.3
WAYBACK_POLITE = ["-s", f"WAYBACK_CDX_DELAY={WAYBACK_CDX_DELAY}",
                  "-s", f"WAYBACK_CAPTURE_DELAY={WAYBACK_CAPTURE_DELAY}",
                  "-s", f"WAYBACK_429_WAIT={WAYBACK_429_WAIT}", "-s", "RETRY_BACKOFF_BASE=0.05"]


def run_crawl(db: Path, base_url: str, *extra: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """`kinhtedothi crawl` as a separate process, as cron would run it."""
    command = [sys.executable, "-m", "scraper.cli", "crawl", "--db", str(db), "--base-url", base_url, *FAST, *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})


def wayback_crawl(db: Path, archive, *extra: str, wait: bool = True):
    """`kinhtedothi crawl --source wayback` of a (fake) Wayback Machine (anything with a ``url``) as a separate
    process: the finished process, or with ``wait=False`` the running one (its output thrown away)."""
    command = [sys.executable, "-m", "scraper.cli", "crawl", "--source", "wayback", "--wayback-url", archive.url,
               "--db", str(db), *WAYBACK_POLITE, *extra]
    if not wait:
        return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


_reactor_used_by: list[str] = []


def crawl_in_process(db: Path, base_url: str, *extra: str) -> subprocess.CompletedProcess:
    """`kinhtedothi crawl` run by its click command in this process: the code a separate process runs,
    without the interpreter's start-up, its output captured as a process's would be.

    Twisted's reactor cannot start twice in one process, so this runs once per pytest session: it
    makes the session's shared archive (the `crawled` fixture). Every other crawl is `run_crawl`.
    What the crawl changes in the process (signal handlers, the logging root handler, the
    environment) is put back afterwards."""
    from click.testing import CliRunner

    from scraper.cli import cli

    if _reactor_used_by or "twisted.internet.reactor" in sys.modules and _reactor_ran():
        raise RuntimeError(f"the reactor already ran in this process ({_reactor_used_by or 'elsewhere'}): "
                           "use run_crawl, a separate process")
    args = ["crawl", "--db", str(db), "--base-url", base_url, *FAST, *extra]
    _reactor_used_by.append(" ".join(args))
    with _process_state_restored():
        result = CliRunner().invoke(cli, args, catch_exceptions=True)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        stderr += "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess(["kinhtedothi", *args], result.exit_code, result.stdout, stderr)


def _reactor_ran() -> bool:
    from twisted.internet import reactor

    return bool(getattr(reactor, "_startedBefore", False))


@contextmanager
def _process_state_restored() -> Iterator[None]:
    """Puts back what a crawl in this process leaves behind: the handlers of SIGINT, SIGTERM and SIGCHLD
    and the signal wake-up fd (Scrapy's and Twisted's), the root logger's handlers and level and
    ``warnings.showwarning`` (Scrapy's logging set-up), and the environment (SCRAPY_SETTINGS_MODULE)."""
    signals = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD)}
    wakeup_fd = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(wakeup_fd)
    handlers, level = list(logging.root.handlers), logging.root.level
    showwarning = warnings.showwarning
    environ = dict(os.environ)
    try:
        yield
    finally:
        for number, handler in signals.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
        signal.set_wakeup_fd(wakeup_fd)
        for handler in [h for h in logging.root.handlers if h not in handlers]:
            logging.root.removeHandler(handler)
            handler.close()
        logging.root.setLevel(level)
        warnings.showwarning = showwarning
        os.environ.clear()
        os.environ.update(environ)


def connect(db: Path) -> sqlite3.Connection:
    """The archive, rows by column name."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return conn
