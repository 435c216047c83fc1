"""The ``kinhtedothi`` command line: crawl, parse, sample-site, serve, demo."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from scraper.dbcheck import NotAnArchive, check_db
from scraper.lock import CrawlLock
from scraper.publish import datasette_command
from kinhtedothi.vocab.dates import parse_iso

if TYPE_CHECKING:  # scrapy is imported only by the commands that crawl
    from scrapy import Spider


@click.group()
@click.version_option(package_name="kinhtedothi-archive")
def cli():
    """Kinhtedothi event archive: crawl the 'Dòng sự kiện' feeds into SQLite, publish with Datasette."""


def checked_db(db: str, writing: bool = True) -> None:
    """--db must be an archive of this project (or a new file): refused before anything is written."""
    try:
        check_db(db, writing=writing)
    except NotAnArchive as error:
        raise click.ClickException(str(error)) from None


def _setting(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for value in values:
        if "=" not in value:
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint="-s")
        name, _, setting = value.partition("=")
        out[name.strip()] = setting
    return out


@cli.command()
@click.option("--db", default="archive.db", show_default=True, type=click.Path(dir_okay=False),
              help="SQLite archive to write")
@click.option("--source", type=click.Choice(["live", "wayback", "commoncrawl", "warc"]), default="live",
              show_default=True, help="Read the site itself (or --base-url), its captures in the Wayback Machine "
              "or Common Crawl, or WARC files (FILE_OR_DIR…)")
@click.argument("warc_paths", nargs=-1, metavar="[FILE_OR_DIR]...", type=click.Path(exists=True))
@click.option("--base-url", help="Fetch every site URL from this mirror instead (e.g. http://127.0.0.1:8000)")
@click.option("--events", help="Comma-separated event slugs (default: all in the catalog)")
@click.option("--feed-url", "feed_urls", multiple=True, metavar="URL",
              help="Crawl this listing page instead of the catalog's feeds: a legacy feed or category, or a "
                   "current /tag/<slug> page (repeatable)")
@click.option("--event", "feed_event", metavar="SLUG", help="File the --feed-url articles under this event")
@click.option("--full", is_flag=True, help="Read every page of every feed and fetch every article again "
              "(default: incremental, stop at the first feed page with nothing new)")
@click.option("--wayback-url", default="https://web.archive.org", show_default=True,
              help="The Wayback Machine to read (with --source wayback)")
@click.option("--from", "date_from", metavar="YYYY[MMDD…]", help="Wayback: captures from this date on")
@click.option("--to", "date_to", metavar="YYYY[MMDD…]", help="Wayback: captures up to this date")
@click.option("--captures", type=click.Choice(["all", "latest"]), default="all", show_default=True,
              help="Wayback: every different capture of an article (its versions) or only the latest")
@click.option("--crawls", metavar="CC-MAIN-…,…", help="Common Crawl: the monthly crawls to read (default: "
              "those of 2020-2022, COMMONCRAWL_CRAWLS)")
@click.option("--cc-index-url", default="https://index.commoncrawl.org", show_default=True,
              help="Common Crawl: the index server (or a mirror, or a fake)")
@click.option("--cc-data-url", default="https://data.commoncrawl.org", show_default=True,
              help="Common Crawl: where the WARC files are read by byte range")
@click.option("--delay", type=float, help="Seconds between requests to one host (default 2, AutoThrottle on; "
              "0 also turns AutoThrottle off: for a loopback mirror only; never below 1 ms, one request at a time)")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help="Any Scrapy setting")
@click.option("--quiet", is_flag=True, help="Log only warnings and errors")
def crawl(db, source, warc_paths, base_url, events, feed_urls, feed_event, full, wayback_url, date_from, date_to,
          captures, crawls, cc_index_url, cc_data_url, delay, settings, quiet):
    """Crawl the catalog's event feeds into the archive.

    Example:

    \b
        kinhtedothi crawl --db archive.db
        kinhtedothi crawl --base-url http://127.0.0.1:8000 --delay 0 --events dai-dich-covid-19
        kinhtedothi crawl --source wayback --from 2020 --to 2022
        kinhtedothi crawl --source commoncrawl --crawls CC-MAIN-2021-17,CC-MAIN-2021-21
        kinhtedothi crawl --source warc crawl.warc.gz warcs/
        kinhtedothi crawl --feed-url https://kinhtedothi.vn/tag/bau-cu-2021 --event bau-cu-quoc-hoi-khoa-xv

    Incremental by default: once a feed has been read to its end, a run reads
    it only until a page lists nothing new, fetches links an interrupted run
    left pending and re-checks articles due under RECHECK_SCHEDULE. A Wayback
    crawl never fetches a capture twice, so a second run resumes the first
    (a Common Crawl crawl likewise never fetches a record twice). --source warc
    reads WARC files (FILE_OR_DIR…), without the network.

    Exit status: 0 ok, 3 site unreachable, 4 layout drift (too many pages
    failed extraction), 5 incomplete (an event, a feed page or a damaged WARC file),
    75 another crawl is running, 1 anything else.
    """
    from scraper import events as catalog

    try:
        catalog.select(events)
    except KeyError as error:
        raise click.ClickException(str(error.args[0])) from None
    checked_db(db)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "scraper.settings")
    from scrapy.crawler import CrawlerProcess

    from scraper.settings import MIN_DOWNLOAD_DELAY
    from scrapy.utils.project import get_project_settings

    db_path = Path(db).resolve()
    project_settings = get_project_settings()
    project_settings.set("ARCHIVE_DB", str(db_path), priority="cmdline")
    if base_url:
        project_settings.set("BASE_URL", base_url.rstrip("/"), priority="cmdline")
    if delay is not None:
        project_settings.set("DOWNLOAD_DELAY", delay, priority="cmdline")
        if delay == 0:
            project_settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
    for name, value in _setting(settings).items():
        project_settings.set(name, value, priority="cmdline")
    if project_settings.getfloat("DOWNLOAD_DELAY") < MIN_DOWNLOAD_DELAY:  # 0 lets Scrapy send a burst to one host
        project_settings.set("DOWNLOAD_DELAY", MIN_DOWNLOAD_DELAY, priority="cmdline")
    if quiet:
        project_settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    if warc_paths and source != "warc":
        raise click.UsageError("FILE_OR_DIR arguments are WARC files: use them with --source warc")
    spider_class: type[Spider]
    if source == "warc":
        from scraper.spiders.warc import WarcSpider as spider_class

        if not warc_paths:
            raise click.UsageError("--source warc needs one or more WARC files or folders")
        from scraper.warc_import import check, warc_files

        try:
            check(warc_files(warc_paths))
        except (OSError, ValueError) as error:
            raise click.ClickException(str(error)) from None
        arguments = dict(paths=[str(Path(p).resolve()) for p in warc_paths], events=events)
        announce = f"reading {len(warc_paths)} WARC path(s) into {db_path} (no network)"
    elif source == "commoncrawl":
        from scraper.commoncrawl import crawl_list
        from scraper.spiders.commoncrawl import CommonCrawlSpider as spider_class

        try:
            crawl_list(crawls)
        except ValueError as error:
            raise click.ClickException(f"--crawls: {error}") from None

        arguments = dict(index_url=cc_index_url, data_url=cc_data_url, crawls=crawls, events=events,
                         captures=captures, feed_urls=list(feed_urls), event=feed_event)
        announce = (f"reading Common Crawl ({cc_index_url}, {cc_data_url}) into {db_path} (one request at a time, "
                    f"{project_settings.getfloat('COMMONCRAWL_DELAY')}s apart at least)")
    elif source == "wayback":
        from scraper.spiders.wayback import WaybackSpider as spider_class

        arguments = dict(wayback_url=wayback_url, events=events, date_from=date_from, date_to=date_to,
                         captures=captures, feed_urls=list(feed_urls), event=feed_event)
        announce = (f"reading {wayback_url} into {db_path} (a CDX query every "
                    f"{project_settings.getfloat('WAYBACK_CDX_DELAY')}s, a capture every "
                    f"{project_settings.getfloat('WAYBACK_CAPTURE_DELAY')}s at most)")
    else:
        from scraper.spiders.events import EventsSpider as spider_class

        arguments = dict(base_url=base_url, events=events, full=full, feed_urls=list(feed_urls), event=feed_event)
        announce = (f"crawling {base_url or 'https://kinhtedothi.vn'} into {db_path} "
                    f"(download delay {project_settings.getfloat('DOWNLOAD_DELAY')}s, AutoThrottle "
                    f"{'on' if project_settings.getbool('AUTOTHROTTLE_ENABLED') else 'off'})")
    if not quiet or delay is not None:  # --quiet prints problems only, but a changed delay is never silent
        click.echo(announce, err=True)
    with CrawlLock(db_path):
        process = CrawlerProcess(project_settings)
        crawler = process.create_crawler(spider_class)
        process.crawl(crawler, **arguments)
        process.start()
    code = crawler.stats.get_value("archive/exit_code", 1)
    reason = crawler.stats.get_value("archive/reason")
    if code:
        click.echo(f"Error: {reason or 'the crawl did not finish'}", err=True)
    elif not quiet:
        click.echo(f"ok: {crawler.stats.get_value('archive/articles_new', 0)} new, "
                   f"{crawler.stats.get_value('archive/articles_updated', 0)} updated, "
                   f"{crawler.stats.get_value('archive/articles_unchanged', 0)} unchanged articles", err=True)
    sys.exit(code)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--url", help="The page's URL (default: its canonical link or og:url)")
def parse(paths, url):
    """Parse saved article pages: one JSON object per page on stdout.

    Example:

    \b
        kinhtedothi parse tests/pages/legacy_seed_article.html
        kinhtedothi parse tests/pages/ > articles.jsonl
    """
    from scraper.parse import parse_page, saved_pages

    failures = 0
    out = sys.stdout
    for path in saved_pages(list(paths)):
        try:
            record = parse_page(path.read_bytes(), url)
        except Exception as error:  # one bad file must not stop the others
            failures += 1
            click.echo(f"Error: {path}: {type(error).__name__}: {error}", err=True)
            continue
        out.write(json.dumps({"path": str(path), **record}, ensure_ascii=False) + "\n")
    if failures:
        sys.exit(1)


@cli.command()
@click.option("--db", default="archive.db", show_default=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--quiet", is_flag=True, help="No progress bar")
def reparse(db, quiet):
    """Re-extract every stored article page with the current parsers (no network).

    After a parser fix, this repairs the archive without crawling again;
    running it twice changes nothing the second time. A stored page that
    cannot be read (empty, binary, compressed beyond repair) is named, and
    the exit status is then 1.

    Example:

        kinhtedothi reparse --db archive.db
    """
    from pipelines.archive import Archive
    from scraper.reparse import count_pages
    from scraper.reparse import reparse as run_reparse

    checked_db(db)
    unreadable: list[tuple[str, str]] = []
    with CrawlLock(Path(db).resolve()):
        archive = Archive(db)
        try:
            with click.progressbar(length=count_pages(archive), label="re-parsing stored pages",
                                   file=sys.stderr, hidden=quiet) as bar:
                outcome = run_reparse(archive, bar.update, unreadable)
        finally:
            archive.close()
    for url, why in unreadable:
        click.echo(f"could not read {url}: {why}", err=True)
    click.echo(", ".join(f"{outcome[k]} {k}" for k in ("new", "updated", "unchanged", "failed", "unreadable")),
               err=True)
    if unreadable:
        raise click.ClickException(f"{len(unreadable)} stored page(s) could not be read (named above)")


@cli.command("sample-site")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--paging", type=click.Choice(["path", "query"]), default="path", show_default=True,
              help="How the copy spells its feed page URLs")
@click.option("--generation", type=click.Choice(["legacy", "current"]), default="legacy", show_default=True,
              help="legacy: the 2021 site with the event bar; current: the site as it is today (tag pages, "
                   "JSON paging, search, legacy URLs answering 301)")
def sample_site(port, host, paging, generation):
    """Serve the offline copy of the site (kinhtedothi/sample_site/) on loopback.

    Example:

    \b
        kinhtedothi sample-site --port 8000
        kinhtedothi sample-site --port 8000 --generation current
    """
    from kinhtedothi.sample_site import SampleSite

    with SampleSite(port=port, host=host, paging=paging, generation=generation) as site:
        click.echo(f"sample site: {site.url}  (Ctrl-C to stop)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


@cli.command()
@click.option("--db", default="archive.db", show_default=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (0.0.0.0 for every interface: then put it behind your proxy)")
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--cors", is_flag=True, help="Send Access-Control-Allow-Origin: * so that web pages on other "
              "sites can read the JSON (only for an archive that is public anyway)")
def serve(db, host, port, cors):
    """Publish the archive with Datasette, read-only.

    Search ignores diacritics; /robots.txt turns crawlers away; CORS is off
    unless --cors. A crawl may write to the file while it is served. An archive
    made by an older version is upgraded first, when the file is writable and
    no crawl is running.

    Example:

        kinhtedothi serve --db archive.db --port 8001
    """
    checked_db(db, writing=False)
    upgrade_before_serving(db)
    command = datasette_command(db, host, port, cors=cors)
    click.echo(f"archive: http://{host}:{port}/", err=True)
    _become(command)


def upgrade_before_serving(db: str) -> None:
    """An archive made by an older version gets the newer schema and data first, when the file may be
    written and no crawl is running (a crawl upgrades it itself); otherwise it is served as it is."""
    from pipelines.archive import Archive
    from scraper.dbcheck import needs_upgrade
    from scraper.lock import held_if_free

    if not needs_upgrade(db):
        return
    with held_if_free(Path(db)) as free:
        if free:
            click.echo(f"upgrading {db}, made by an older version of kinhtedothi …", err=True)
            Archive(db).close()


def _become(command: list[str]) -> None:
    """Replace this process with ``command`` (Datasette): signals, the exit status and a supervisor's
    stop reach it directly, and no child is left holding the port when this pid is stopped."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)


def _run_beside(command: list[str]) -> int:
    """Run ``command`` (Datasette) as a child while this process keeps serving something else (the demo's
    sample site); Ctrl-C or SIGTERM stops both, and the child's exit status is returned."""
    import signal

    child = subprocess.Popen(command)
    previous = signal.signal(signal.SIGTERM, lambda *_: child.terminate())
    try:
        return child.wait()
    except KeyboardInterrupt:  # the child had the Ctrl-C too
        child.terminate()
        return child.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
        if child.poll() is None:
            child.kill()
            child.wait()


@cli.command()
@click.option("--db", default="archive.db", show_default=True, type=click.Path(dir_okay=False))
@click.option("--site-port", default=8000, show_default=True, type=int)
@click.option("--port", default=8001, show_default=True, type=int, help="Datasette's port")
@click.option("--no-serve", is_flag=True, help="Stop after the crawl")
def demo(db, site_port, port, no_serve):
    """Serve the sample site, crawl it into the archive, then publish the archive.

    Example:

    \b
        kinhtedothi demo
        kinhtedothi demo --no-serve --db /tmp/demo.db
    """
    from kinhtedothi.sample_site import SampleSite

    with SampleSite(port=site_port) as site:
        click.echo(f"sample site: {site.url}")
        code = subprocess.call([sys.executable, "-m", "scraper.cli", "crawl", "--db", db,
                                "--base-url", site.url, "--delay", "0",
                                "-s", "RETRY_BACKOFF_BASE=0.2", "--quiet"])
        click.echo(f"crawl finished with exit status {code}; archive: {Path(db).resolve()}")
        if no_serve:
            sys.exit(code)
        click.echo(f"archive: http://127.0.0.1:{port}/  (Ctrl-C to stop)")
        code = _run_beside(datasette_command(db, "127.0.0.1", port))
    sys.exit(0 if code in (0, -2, -15) else code)  # stopped by Ctrl-C or SIGTERM: a normal end


@cli.command("export-warc")
@click.option("--db", default="archive.db", show_default=True, type=click.Path(exists=True, dir_okay=False))
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--since", metavar="DATE", help="Only pages fetched on or after this date (YYYY-MM-DD[THH:MM]), "
              "for an increment")
def export_warc(db, out, since):
    """Write every stored raw page to a WARC/1.1 file (gzip when OUT ends in .gz).

    Response records carry the site's own URL and the fetch or capture time,
    metadata records the provenance; replay tools (pywb, ReplayWeb.page) open it.

    Example:

    \b
        kinhtedothi export-warc --db archive.db archive.warc.gz
        kinhtedothi export-warc --db archive.db --since 2024-06-01 june.warc.gz
    """
    from scraper.warc_export import export

    if since:
        since = since.strip()
        if parse_iso(since) is None:
            raise click.ClickException(f"--since: not a date: {since!r} (expected YYYY-MM-DD)")
    partial = Path(out).with_name(Path(out).name + ".part")
    try:
        with open(partial, "wb") as stream:
            count = export(db, stream, since=since, gzip=str(out).endswith(".gz"))
        partial.replace(out)
    except (OSError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"export failed: {error}") from None
    click.echo(f"{count} pages written to {out}", err=True)


if __name__ == "__main__":
    cli()
