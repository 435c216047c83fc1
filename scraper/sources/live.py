"""The site itself (or a mirror of it, --base-url): the event feeds and their articles, politely."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import click

from kinhtedothi.vocab.sources import LIVE
from scraper.sources.base import EVENTS, FEED_EVENT, FEED_URLS, Plan, Source, with_option

BASE_URL = click.Option(["--base-url"], help="Fetch every site URL from this mirror instead (e.g. "
                                             "http://127.0.0.1:8000)")
FULL = click.Option(["--full"], is_flag=True,
                    help="Read every page of every feed and fetch every article again (default: incremental, stop "
                         "at the first feed page with nothing new)")
# The tests crawl a loopback copy: no delay, short backoff.
FAKE_SETTINGS = ["--delay", "0", "-s", "RETRY_BACKOFF_BASE=0.05"]


def plan(options: dict[str, Any], settings: Any, db: Path) -> Plan:
    base_url = options.get("base_url")
    if base_url:
        settings.set("BASE_URL", base_url.rstrip("/"), priority="cmdline")
    arguments = dict(base_url=base_url, events=options.get("events"), full=options.get("full", False),
                     feed_urls=list(options.get("feed_urls") or ()), event=options.get("feed_event"))
    return Plan(arguments, f"crawling {base_url or 'https://kinhtedothi.vn'} into {db} "
                           f"(download delay {settings.getfloat('DOWNLOAD_DELAY')}s, AutoThrottle "
                           f"{'on' if settings.getbool('AUTOTHROTTLE_ENABLED') else 'off'})")


@contextmanager
def fake(argv: list[str], paths: list[Path]) -> Iterator[list[str]]:
    """The sample site on loopback, crawled without a delay."""
    from kinhtedothi.sample_site import SampleSite

    with SampleSite() as site:
        yield [*with_option(argv, "--base-url", site.url), *FAKE_SETTINGS]


SOURCE = Source(
    kind=LIVE, summary="the site itself (or --base-url)", spider_path="scraper.spiders.events:EventsSpider",
    options=(BASE_URL, EVENTS, FEED_URLS, FEED_EVENT, FULL), plan=plan, fake=fake, address_options=("base_url",),
    examples=("kinhtedothi crawl --db archive.db",
              "kinhtedothi crawl --base-url http://127.0.0.1:8000 --delay 0 --events dai-dich-covid-19",
              "kinhtedothi crawl --feed-url https://kinhtedothi.vn/tag/bau-cu-2021 --event bau-cu-quoc-hoi-khoa-xv",
              "kinhtedothi crawl --fill-gaps --db archive.db"))
