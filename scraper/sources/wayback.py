"""The Internet Archive's Wayback Machine: the feeds and articles as it captured them (docs/operators.md)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import click

from kinhtedothi.vocab.outcomes import Stat
from kinhtedothi.vocab.sources import WAYBACK
from scraper.sources.base import CAPTURES, EVENTS, FEED_EVENT, FEED_URLS, Plan, Source, with_option
from scraper.throttle import ThrottlePolicy

CDX_SLOT, CAPTURE_SLOT = "wayback-cdx", "wayback-capture"
# Its published limits are about 60 CDX requests a minute; a 429 ignored for a minute blocks the IP for an hour.
THROTTLE = ThrottlePolicy(
    name="wayback", slots={CDX_SLOT: "WAYBACK_CDX_DELAY", CAPTURE_SLOT: "WAYBACK_CAPTURE_DELAY"},
    statuses=frozenset({429}), wait_setting="WAYBACK_429_WAIT", retry_times_setting="WAYBACK_RETRY_TIMES",
    holds_stat=Stat.WAYBACK_429_HOLDS, message="the Wayback Machine answered 429: sending it nothing for %.1f s")

WAYBACK_URL = click.Option(["--wayback-url"], default="https://web.archive.org", show_default=True,
                           help="The Wayback Machine to read (with --source wayback)")
DATE_FROM = click.Option(["--from", "date_from"], metavar="YYYY[MMDD…]", help="Wayback: captures from this date on")
DATE_TO = click.Option(["--to", "date_to"], metavar="YYYY[MMDD…]", help="Wayback: captures up to this date")
# No delays: the tests that use the fake check that a crawl runs; politeness is tests/test_wayback.py's.
FAKE_SETTINGS = ["-s", "WAYBACK_CDX_DELAY=0", "-s", "WAYBACK_CAPTURE_DELAY=0", "-s", "WAYBACK_429_WAIT=0.05",
                 "-s", "RETRY_BACKOFF_BASE=0.05"]


def plan(options: dict[str, Any], settings: Any, db: Path) -> Plan:
    wayback_url = options["wayback_url"]
    arguments = dict(wayback_url=wayback_url, events=options.get("events"), date_from=options.get("date_from"),
                     date_to=options.get("date_to"), captures=options.get("captures", "all"),
                     feed_urls=list(options.get("feed_urls") or ()), event=options.get("feed_event"))
    return Plan(arguments, f"reading {wayback_url} into {db} (a CDX query every "
                           f"{settings.getfloat('WAYBACK_CDX_DELAY')}s, a capture every "
                           f"{settings.getfloat('WAYBACK_CAPTURE_DELAY')}s at most)")


@contextmanager
def fake(argv: list[str], paths: list[Path]) -> Iterator[list[str]]:
    """The fake Wayback Machine on loopback (the sample site's pages, captured in 2021)."""
    from kinhtedothi.sample_site import FakeWayback

    with FakeWayback() as archive:
        yield [*with_option(argv, "--wayback-url", archive.url), *FAKE_SETTINGS]


SOURCE = Source(
    kind=WAYBACK, summary="its captures in the Wayback Machine", spider_path="scraper.spiders.wayback:WaybackSpider",
    options=(WAYBACK_URL, DATE_FROM, DATE_TO, CAPTURES, EVENTS, FEED_URLS, FEED_EVENT), plan=plan, fake=fake,
    throttle=THROTTLE, examples=("kinhtedothi crawl --source wayback --from 2020 --to 2022",),
    address_options=("wayback_url",))
