"""What a source declares: ``Source``, and the options several sources share.

A source is one module of this package holding one ``SOURCE``: its kind (name, capture or not:
``kinhtedothi.vocab.sources``), its command-line options, its spider (imported only when a crawl starts,
so that the command line starts without Scrapy), its throttle policy, how it turns the options into the
spider's arguments, and its fake for the tests.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ContextManager

import click

from kinhtedothi.vocab.sources import SourceKind
from scraper.throttle import ThrottlePolicy

if TYPE_CHECKING:
    from scrapy import Spider

# The options several sources share (one object each, so that the command line declares it once)
EVENTS = click.Option(["--events"], help="Comma-separated event slugs (default: all in the catalog)")
FEED_URLS = click.Option(["--feed-url", "feed_urls"], multiple=True, metavar="URL",
                         help="Crawl this listing page instead of the catalog's feeds: a legacy feed or category, "
                              "or a current /tag/<slug> page (repeatable)")
FEED_EVENT = click.Option(["--event", "feed_event"], metavar="SLUG",
                          help="File the --feed-url articles (or the saved pages) under this event")
CAPTURES = click.Option(["--captures"], type=click.Choice(["all", "latest"]), default="all", show_default=True,
                        help="Wayback, Common Crawl: every different capture of an article (its versions) or "
                             "only the latest")


@dataclass(frozen=True)
class Plan:
    """What a crawl of one source is given: the spider's arguments, and the line it announces at start."""

    arguments: dict[str, Any]
    announce: str


@dataclass(frozen=True)
class Source:
    """One source of pages (see the module docstring)."""

    kind: SourceKind
    summary: str                                  # for --source's help: what it reads
    spider_path: str                              # "module:Class"
    options: tuple[click.Parameter, ...]          # the options it reads (besides --db, --delay, -s, --quiet)
    plan: Callable[[dict[str, Any], Any, Path], Plan]  # (options, settings, db path) -> Plan; click errors
    fake: Callable[[list[str], list[Path]], ContextManager[list[str]]]  # (argv, its paths) -> argv reading the fake
    throttle: ThrottlePolicy | None = None
    takes_paths: bool = False                     # FILE_OR_DIR… arguments: files it reads
    examples: tuple[str, ...] = field(default=())  # for `kinhtedothi crawl --help` (each one run by the tests)
    address_options: tuple[str, ...] = field(default=())  # the options saying where it is read: naming one of
                                                          # them makes `crawl --fill-gaps` ask this source

    @property
    def name(self) -> str:
        return self.kind.name

    def spider(self) -> type[Spider]:
        module, _, name = self.spider_path.partition(":")
        return getattr(importlib.import_module(module), name)


def with_option(argv: list[str], name: str, value: str) -> list[str]:
    """argv with ``name value`` set (replaced when present, added otherwise)."""
    if name in argv:
        argv = list(argv)
        argv[argv.index(name) + 1] = value
        return argv
    return [*argv, name, value]
