"""The processes tests start: none may outlive its test, and a fast test starts none at all."""

from __future__ import annotations

import platform
import sys
from typing import Any

import psutil
import pytest

# What starts a process, as Python's audit hooks name it (subprocess, os.fork, os.posix_spawn, os.exec*, os.system).
PROCESS_EVENTS = {"subprocess.Popen", "os.fork", "os.forkpty", "os.posix_spawn", "os.exec", "os.system", "os.spawn"}


def adopt_orphans() -> None:
    """Linux: a process whose parent dies (Datasette under a killed `serve`) is re-parented to pytest,
    not to init, so that the check below sees it too."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_CHILD_SUBREAPER = 36
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def children() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True)}


def fail_on_children_left(before: set[int], what: str) -> None:
    """Children not in ``before`` get a short grace period to exit; the rest are killed and fail the test."""
    left = [p for p in psutil.Process().children(recursive=True) if p.pid not in before and not _owned(p, before)]
    _, alive = psutil.wait_procs(left, timeout=3)
    if alive:
        described = [f"{p.pid} {' '.join(_cmdline(p))[:200]}" for p in alive]
        for process in alive:
            process.kill()
        psutil.wait_procs(alive, timeout=5)
        pytest.fail(f"{what} left processes running:\n" + "\n".join(described), pytrace=False)


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


class ProcessInFastTest(RuntimeError):
    """A fast test tried to start a process."""


class OneProcess:
    """While a fast test runs (its set-up, its call, its tear-down), starting a process is refused with
    an exception at the call that tried and recorded, so that the test fails even if it caught that."""

    def __init__(self) -> None:
        self.watching: str | None = None  # the node id of the fast test running, if one is
        self.started: list[str] = []
        # Python asks `uname -p` (a process) the first time anything reads the processor, as Scrapy's
        # start-up log does, and keeps the answer: ask now, before any test is watched.
        platform.processor()
        sys.addaudithook(self._audit)  # a hook cannot be removed: it does nothing unless watching

    def _audit(self, event: str, args: tuple[Any, ...]) -> None:
        if self.watching is None or event not in PROCESS_EVENTS:
            return
        what = f"{event} {_argv(args)}"
        self.started.append(what)
        raise ProcessInFastTest(f"{self.watching} is a fast test and started a process ({what}): a fast test runs "
                           "in one process; mark it (or its file) slow (tests/support/tiers.py)")

    def watch(self, nodeid: str | None) -> None:
        self.watching, self.started = nodeid, []

    def reported(self) -> None:
        """The refusal failed the test where it happened: no need to fail it again at its tear-down."""
        self.started = []


def _argv(args: tuple[Any, ...]) -> str:
    """The command an audit event names, shortened."""
    for arg in args:
        if isinstance(arg, (list, tuple)) and arg:
            return " ".join(str(a) for a in arg)[:200]
    return " ".join(str(a) for a in args)[:200]
