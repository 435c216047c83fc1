"""One crawl at a time: an exclusive lock next to the database."""

from __future__ import annotations

import fcntl
import os
import sys
import time
from pathlib import Path

import click

from scraper.status import EXIT_LOCKED


class CrawlLock:
    """An exclusive lock on ``<db>.lock``; the kernel releases it when the process dies."""

    def __init__(self, db: Path):
        self.path = db.with_name(db.name + ".lock")
        self.handle = None

    def __enter__(self):
        self.handle = open(self.path, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "another process"
            self.handle.close()
            click.echo(f"Error: another crawl holds {self.path} ({holder}); not starting", err=True)
            sys.exit(EXIT_LOCKED)
        self.handle.truncate(0)
        self.handle.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        self.handle.flush()
        return self

    def __exit__(self, *exc):
        self.handle.close()
