"""WARC files anyone made (our export, Browsertrix, ``wget --warc-file``, Common Crawl's), without the network."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import click

from kinhtedothi.vocab.sources import WARC
from scraper.sources.base import EVENTS, Plan, Source


def plan(options: dict[str, Any], settings: Any, db: Path) -> Plan:
    from scraper.warc_import import check, warc_files

    paths = options.get("paths") or ()
    if not paths:
        raise click.UsageError("--source warc needs one or more WARC files or folders")
    try:
        check(warc_files(paths))
    except (OSError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    return Plan(dict(paths=[str(Path(p).resolve()) for p in paths], events=options.get("events")),
                f"reading {len(paths)} WARC path(s) into {db} (no network)")


@contextmanager
def fake(argv: list[str], paths: list[Path]) -> Iterator[list[str]]:
    """WARC files holding the sample site's pages (the fake Common Crawl's files), written where ``paths``
    say: a name ending in .warc or .warc.gz is a file, any other a folder."""
    from kinhtedothi.sample_site import warc_files

    files = list(warc_files().values())
    for n, path in enumerate(paths):
        if path.name.endswith((".warc", ".warc.gz")):
            path.write_bytes(files[n % len(files)])
        else:
            path.mkdir(parents=True, exist_ok=True)
            for k, data in enumerate(files):
                (path / f"{k:03d}.warc.gz").write_bytes(data)
    yield argv


SOURCE = Source(
    kind=WARC, summary="WARC files (FILE_OR_DIR…), without the network", spider_path="scraper.spiders.warc:WarcSpider",
    options=(EVENTS,), plan=plan, fake=fake, takes_paths=True,
    examples=("kinhtedothi crawl --source warc crawl.warc.gz warcs/",))
