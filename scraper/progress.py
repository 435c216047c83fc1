"""Progress on a terminal: per event, a bar of the articles archived of those known and the time left at the
current pace (``rich``). A Wayback or Common Crawl walk takes hours at its politeness; this says how far it is.

Only when the crawl's standard error is a terminal (``PROGRESS = "auto"``, the default); a run from cron or
into a pipe keeps the plain log, untouched. ``-s PROGRESS=off`` turns it off, ``on`` forces it. The log lines
still appear, printed above the bars. The figures are ``pipelines.coverage.progress``'s, read from the archive
every ``PROGRESS_INTERVAL`` seconds, or less often on an archive so large that reading them takes long
(``COST_SHARE``).
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any, cast

from scrapy import signals
from scrapy.exceptions import NotConfigured

from pipelines.component import archive_for
from pipelines.coverage import progress

COST_SHARE = 0.05   # at most this share of the crawl's time spent reading the figures


class ProgressExtension:
    """The bars of one crawl (see the module docstring)."""

    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.bars: Any = None
        self.tasks: dict[str, Any] = {}
        self.loop: Any = None
        self.rerouted: list[tuple[logging.StreamHandler, Any]] = []

    @classmethod
    def from_crawler(cls, crawler):
        mode = str(crawler.settings.get("PROGRESS", "auto")).lower()
        if mode == "off" or (mode == "auto" and not sys.stderr.isatty()):
            raise NotConfigured("no terminal")
        extension = cls(crawler, crawler.settings.getfloat("PROGRESS_INTERVAL", 2.0))
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self, spider) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bars = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TextColumn("archived, left:"), TimeRemainingColumn(),
                             console=Console(file=sys.stderr), redirect_stderr=True, redirect_stdout=False)
        self.bars.start()
        self._reroute_logs()
        self.tick()

    def tick(self) -> None:
        """Read the figures, then again after PROGRESS_INTERVAL, or after COST_SHARE⁻¹ times what reading them
        took, whichever is longer: the bars never cost the crawl more than a small share of its time."""
        from twisted.internet import reactor

        started = time.monotonic()
        self.update()
        wait = max(self.interval, (time.monotonic() - started) / COST_SHARE)
        self.loop = cast(Any, reactor).callLater(wait, self.tick)

    def update(self) -> None:
        """Read the figures again and move the bars (a bar per event, the time left from its pace)."""
        try:
            figures = progress(archive_for(self.crawler).db.conn)
        except Exception as error:  # the progress must never stop a crawl
            logging.getLogger(__name__).debug("progress not read: %s", error)
            return
        for slug, (name, wanted, archived) in figures.items():
            if slug not in self.tasks:
                self.tasks[slug] = self.bars.add_task(name, total=wanted)
            self.bars.update(self.tasks[slug], total=wanted, completed=archived)

    def closed(self, spider, reason: str) -> None:
        if self.loop is not None and self.loop.active():
            self.loop.cancel()
        self.update()
        if self.bars is not None:
            self.bars.stop()
        for handler, stream in self.rerouted:
            handler.setStream(stream)

    def _reroute_logs(self) -> None:
        """Scrapy's log handler writes to the stream it was given at start: give it rich's, so that each log
        line is printed above the bars instead of through them."""
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream in (sys.__stderr__, self._original()):
                self.rerouted.append((handler, handler.setStream(sys.stderr)))

    def _original(self) -> Any:
        proxy = sys.stderr
        return getattr(proxy, "rich_proxied_file", proxy)
