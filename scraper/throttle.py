"""Throttle policies: how a source's servers ask us to slow down, and how we obey.

A source that reads a shared server (the Wayback Machine, Common Crawl) declares one ``ThrottlePolicy``
(``scraper/sources/<name>.py``); its spider sends each request through the policy's download slots with
``meta[THROTTLE]`` naming it (``policy.meta``). ``BackoffRetryMiddleware`` (scraper/middlewares.py) is
the one reader of every policy: it knows no source by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from scraper import meta
from kinhtedothi.vocab.outcomes import Stat
from scraper.settings import MIN_DOWNLOAD_DELAY


@dataclass(frozen=True)
class ThrottlePolicy:
    """One server's manners, in settings (each can be changed with ``-s NAME=value``)."""

    name: str                        # what request.meta[THROTTLE] says
    slots: Mapping[str, str]         # download slot -> the setting of its delay (seconds between two requests)
    statuses: frozenset[int]         # answers that mean "slow down": the server is held, not only the request
    wait_setting: str                # the first hold, in seconds, doubled for each such answer in a row
    retry_times_setting: str         # how many times one request is tried again
    holds_stat: Stat                 # the list of holds decided, in crawl_runs.stats
    message: str                     # logged with each hold (%.1f: its seconds)

    def download_slots(self, settings: Any) -> dict[str, dict[str, Any]]:
        """DOWNLOAD_SLOTS with this policy's slots added: one request at a time, no jitter, and a delay
        above 0 (with 0, Scrapy would not look at the time a hold moved)."""
        slots = dict(settings.getdict("DOWNLOAD_SLOTS"))
        for slot, delay in self.slots.items():
            slots[slot] = {"concurrency": 1, "delay": max(MIN_DOWNLOAD_DELAY, settings.getfloat(delay)),
                           "jitter": 0}
        return slots

    def install(self, settings: Any) -> None:
        """Give the crawl this policy's slots (a spider's ``from_crawler``, before the downloader starts)."""
        settings.set("DOWNLOAD_SLOTS", self.download_slots(settings), priority="spider")

    def meta(self, settings: Any, slot: str) -> dict[str, Any]:
        """What a request to this server carries: its slot, this policy, and its number of retries."""
        if slot not in self.slots:
            raise KeyError(f"{slot!r} is not a download slot of the {self.name} policy")
        return {"download_slot": slot, meta.THROTTLE: self.name,
                "max_retry_times": settings.getint(self.retry_times_setting)}
