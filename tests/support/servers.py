"""Servers for the tests: a free loopback port, waiting until a server answers, and `kinhtedothi serve`
as a separate process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.crawls import ROOT


def free_port() -> int:
    """A loopback port nobody listens on now."""
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
def served(db: Path, *extra: str) -> Iterator[str]:
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
