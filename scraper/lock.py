"""One crawl at a time: an exclusive lock next to the database."""

from __future__ import annotations

import fcntl
import os
import sys
import time
from pathlib import Path
from contextlib import contextmanager
from typing import IO, Any, Iterator

import click

from kinhtedothi.vocab.outcomes import ExitStatus


class CrawlLock:
    """An exclusive lock on ``<db>.lock``; the kernel releases it when the process dies."""

    def __init__(self, db: Path):
        self.path = db.with_name(db.name + ".lock")
        self.handle: IO[str] | None = None

    def __enter__(self) -> CrawlLock:
        self.handle = handle = open(self.path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            click.echo(f"Error: another crawl holds {self.path} ({holder}); not starting", err=True)
            sys.exit(ExitStatus.LOCKED)
        handle.truncate(0)
        handle.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        handle.flush()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


@contextmanager
def held_if_free(db: Path) -> Iterator[bool]:
    """The crawl lock when no crawl holds it (True), else nothing (False): for work a running crawl does
    anyway, such as upgrading an archive made by an older version."""
    with open(db.with_name(db.name + ".lock"), "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
