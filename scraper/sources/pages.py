"""Article pages a journalist saved from a browser ("Save page as…": .html, with or without its _files/
folder, or .mhtml), without the network (scraper/saved_pages.py)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import click

from kinhtedothi.vocab.sources import PAGES
from scraper.sources.base import FEED_EVENT, Plan, Source


def plan(options: dict[str, Any], settings: Any, db: Path) -> Plan:
    from scraper.saved_pages import check

    paths = options.get("paths") or ()
    if not paths:
        raise click.UsageError("--source pages needs one or more saved pages or folders of them")
    try:
        check(paths)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    return Plan(dict(paths=[str(Path(p).resolve()) for p in paths], event=options.get("feed_event")),
                f"reading the saved pages in {len(paths)} path(s) into {db} (no network)")


@contextmanager
def fake(argv: list[str], paths: list[Path]) -> Iterator[list[str]]:
    """Sample-site articles saved from a browser in each of the folders ``paths`` name."""
    from kinhtedothi.sample_site import write_saved_pages

    for path in paths:
        write_saved_pages(path)
    yield argv


SOURCE = Source(
    kind=PAGES, summary="article pages saved from a browser (FILE_OR_DIR…: .html, .mhtml), without the network",
    spider_path="scraper.spiders.pages:PagesSpider", options=(FEED_EVENT,), plan=plan, fake=fake, takes_paths=True,
    examples=("kinhtedothi crawl --source pages saved-pages/ --event dai-dich-covid-19",))
