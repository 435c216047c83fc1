"""``kinhtedothi crawl --fill-gaps``: every article known to belong to an event and not archived is looked for in
the site, then the Wayback Machine, then Common Crawl (docs/sources.md, "Filling the gaps").

Each source is one crawl, in turn, in one process: its own spider (given only the addresses to ask, ``gap_urls``),
its own politeness (the site's delay, the web archives' throttle policies), its own ``crawl_runs`` row (``mode =
'fill-gaps'``, ``source``) and its own errors in ``crawl_errors``. Before each crawl the archive is asked again
(``pipelines.coverage.gap_targets``), so a story archived by the site is not asked of the Wayback Machine, and a
source that said no to a story (a 404, no capture) is not asked again before ``FILL_GAPS_RETRY_AFTER``. At most
``FILL_GAPS_MAX`` stories are asked of each source in one run; the next run goes on (resumable: everything asked is
recorded, every capture fetched is kept).
"""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, cast

import click
from click.core import ParameterSource

from kinhtedothi.vocab.coverage import FILL_ORDER
from kinhtedothi.vocab.outcomes import ExitStatus, Stat
from pipelines.recheck import duration
from scraper import sources
from scraper.sources.base import FEED_EVENT, FEED_URLS, Source
from scraper.sources.live import FULL

NOT_WITH_GAPS = (FEED_URLS, FEED_EVENT, FULL)   # options that choose listings to walk: --fill-gaps walks none


def sources_to_ask(explicit: str | None) -> list[Source]:
    """The sources asked, in FILL_ORDER: ``--source`` when given; else those whose address is given on the command
    line (``--base-url``, ``--wayback-url``, ``--cc-index-url`` …); else all of them, at their real addresses."""
    fillers = [sources.source(name) for name in FILL_ORDER]
    if explicit is not None:
        chosen = [s for s in fillers if s.name == explicit]
        if not chosen:
            raise click.UsageError(f"--fill-gaps asks {', '.join(FILL_ORDER)}; not --source {explicit}")
        return chosen
    context = click.get_current_context()
    given = [s for s in fillers if any(context.get_parameter_source(str(o.name)) is ParameterSource.COMMANDLINE
                                       for o in s.options if o.name in s.address_options)]
    return given or fillers


def refuse_options(asked: list[Source], paths: tuple[str, ...]) -> None:
    """An option none of the asked sources reads, or one that walks listings, is a mistake, never ignored."""
    context = click.get_current_context()
    if paths:
        raise click.UsageError("--fill-gaps reads no files: it asks the site and the web archives")
    own = {str(o.name) for s in asked for o in s.options if o not in NOT_WITH_GAPS}
    for option in sources.options():
        if context.get_parameter_source(str(option.name)) is ParameterSource.COMMANDLINE and option.name not in own:
            flag = max(option.opts, key=len)
            asking = ", ".join(s.name for s in asked)
            raise click.UsageError(f"{flag} is not an option of --fill-gaps (asking {asking})")


def bounds(settings: Any) -> tuple[timedelta, int]:
    """FILL_GAPS_RETRY_AFTER and FILL_GAPS_MAX, or a click error naming the one that is wrong."""
    try:
        retry_after = duration(str(settings.get("FILL_GAPS_RETRY_AFTER")))
    except ValueError as error:
        raise click.ClickException(f"FILL_GAPS_RETRY_AFTER: {error}") from None
    try:
        limit = settings.getint("FILL_GAPS_MAX")
    except ValueError:
        raise click.ClickException(f"FILL_GAPS_MAX: not a number: {settings.get('FILL_GAPS_MAX')!r}") from None
    if limit < 1:
        raise click.ClickException(f"FILL_GAPS_MAX: at least 1, not {limit}")
    return retry_after, limit


def targets(db: Path, source: str, slugs: list[str] | None, retry_after: timedelta, limit: int) -> list[str]:
    """The addresses to ask ``source`` for now (pipelines.coverage.gap_targets), read from the archive."""
    from pipelines.coverage import gap_targets

    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        return gap_targets(conn, source, slugs=slugs, retry_after=retry_after, limit=limit,
                           now=datetime.now(timezone.utc))
    finally:
        conn.close()


@dataclass
class Step:
    """One source's crawl of the gaps."""

    source: Source
    urls: list[str]
    crawler: Any = None
    arguments: dict[str, Any] | None = None


def run(db: Path, settings: Any, options: dict[str, Any], asked: list[Source], echo: Callable[[str], None]) -> int:
    """Ask each source in turn; the exit status is the first that is not 0 (each step's reason is printed)."""
    from scrapy.crawler import CrawlerProcess
    from twisted.internet import defer   # the reactor itself only once Scrapy has installed its own

    from pipelines.archive import Archive
    from scraper import events as catalog

    retry_after, limit = bounds(settings)
    Archive(db).close()   # a new file gets its tables, an older archive its upgrade, before it is read
    slugs = [e.slug for e in catalog.select(options.get("events"))] if options.get("events") else None
    process = CrawlerProcess(settings)
    done: list[Step] = []

    def steps(remaining: list[Source]) -> Iterator[Step]:
        for source in remaining:
            urls = targets(db, source.name, slugs, retry_after, limit)
            if not urls:
                echo(f"{source.name}: nothing to ask")
                continue
            plan = source.plan(options, settings, db)
            echo(f"{source.name}: asking for {len(urls)} address(es) of missing articles; {plan.announce}")
            yield Step(source, urls, process.create_crawler(source.spider()), {**plan.arguments, "gap_urls": urls})

    pending = steps(asked)
    first = next(pending, None)
    if first is None:
        return ExitStatus.OK

    @defer.inlineCallbacks
    def chain(step: Step | None):
        try:
            while step is not None:
                yield process.crawl(step.crawler, **(step.arguments or {}))
                done.append(step)
                echo(_outcome(step))
                if step.crawler.stats.get_value("finish_reason") != "finished":
                    break   # stopped (Ctrl-C, SIGTERM): ask no other source
                step = next(pending, None)
        finally:
            from twisted.internet import reactor

            with suppress(RuntimeError):   # already stopping (a signal)
                cast(Any, reactor).stop()   # the installed reactor: twisted types the module, not the object

    chain(first)
    process.start(stop_after_crawl=False)
    codes = [s.crawler.stats.get_value(Stat.EXIT_CODE, ExitStatus.FAILED) for s in done]
    return next((code for code in codes if code), ExitStatus.OK if done else ExitStatus.FAILED)


def _outcome(step: Step) -> str:
    stats = step.crawler.stats
    code = stats.get_value(Stat.EXIT_CODE, ExitStatus.FAILED)
    found = stats.get_value(Stat.ARTICLES_NEW, 0) + stats.get_value(Stat.ARTICLES_UPDATED, 0)
    line = f"{step.source.name}: {found} article(s) archived"
    return line + (f"; exit status {code}: {stats.get_value(Stat.REASON)}" if code else "")
