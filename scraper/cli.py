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
from click.core import ParameterSource

from scraper import sources
from scraper.dbcheck import NotAnArchive, check_db
from scraper.lock import CrawlLock
from scraper.publish import datasette_command
from scraper.sources.base import Source
from kinhtedothi.vocab.dates import parse_iso
from kinhtedothi.vocab.outcomes import CoverageStatus, ExitStatus, Stat, exit_summary

if TYPE_CHECKING:  # scrapy is imported only by the commands that crawl
    from scrapy.settings import Settings


@click.group()
@click.version_option(package_name="kinhtedothi-archive")
def cli():
    """Kinhtedothi event archive: crawl the 'Dòng sự kiện' feeds into SQLite, publish with Datasette."""


class DiskFullError(click.ClickException):
    """The archive's disk is full (pipelines.disk.DiskFull): its own exit status, the message says where."""

    exit_code = int(ExitStatus.DISK_FULL)


def checked_db(db: str, writing: bool = True) -> None:
    """--db must be an archive of this project (or a new file): refused before anything is written."""
    from pipelines.disk import DiskFull

    try:
        check_db(db, writing=writing)
    except DiskFull as error:
        raise DiskFullError(str(error)) from None
    except NotAnArchive as error:
        raise click.ClickException(str(error)) from None


def opened_for_writing(db: Path) -> None:
    """The archive's schema made or brought up to date before a crawl starts (all or nothing, see
    pipelines.schema.ensure_schema): a full disk is said here, before any page is fetched."""
    from pipelines.archive import Archive
    from pipelines.disk import ArchiveDamaged, DiskFull

    try:
        Archive(db).close()
    except DiskFull as error:
        raise DiskFullError(str(error)) from None
    except ArchiveDamaged as error:
        raise click.ClickException(str(error)) from None


def _setting(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for value in values:
        if "=" not in value:
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint="-s")
        name, _, setting = value.partition("=")
        out[name.strip()] = setting
    return out


CRAWL_HELP = """Crawl the catalog's event feeds into the archive: from the site, a web archive or files.

Example:

\b
{examples}

Incremental by default: once a feed has been read to its end, a run reads
it only until a page lists nothing new, fetches links an interrupted run
left pending and re-checks articles due under RECHECK_SCHEDULE. A Wayback
crawl never fetches a capture twice, so a second run resumes the first
(a Common Crawl crawl likewise never fetches a record twice). --source warc
and --source pages read files (FILE_OR_DIR…), without the network.

--fill-gaps looks for the articles `kinhtedothi coverage` says are missing:
each in the site, then the Wayback Machine, then Common Crawl, each source
with its own politeness, and asks no source again for an article it said no
to until FILL_GAPS_RETRY_AFTER (30d) has passed.

{exit_summary}
"""


def _crawl_help() -> str:
    examples = [line for each in sources.registry().values() for line in each.examples]
    return CRAWL_HELP.format(examples="\n".join(f"    {line}" for line in examples), exit_summary=exit_summary())


def _source_help() -> str:
    return "Where to read: " + "; ".join(f"{name}: {each.summary}" for name, each in sources.registry().items())


REMOTE_CONTROL = "scrapy.extensions.remote_control.RemoteControl"


def crawl_settings(db_path: Path, delay: float | None, settings: tuple[str, ...], quiet: bool) -> Settings:
    """The project's Scrapy settings with the command line's: the archive, the delay, -s NAME=VALUE, --quiet."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "scraper.settings")
    from scrapy.utils.project import get_project_settings

    from scraper.settings import MIN_DOWNLOAD_DELAY

    project_settings = get_project_settings()
    project_settings.set("ARCHIVE_DB", str(db_path), priority="cmdline")
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
    if not project_settings.getbool("REMOTE_CONTROL_ENABLED"):   # closed, not even imported (aiohttp)
        extensions = {**project_settings.getdict("EXTENSIONS"), REMOTE_CONTROL: None}
        project_settings.set("EXTENSIONS", extensions, priority="cmdline")
    return project_settings


def refuse_other_sources_options(chosen: Source, paths: tuple[str, ...]) -> None:
    """An option (or a file) that the chosen source does not read is a mistake, never silently ignored."""
    if paths and not chosen.takes_paths:
        readers = " or ".join(f"--source {n}" for n, each in sources.registry().items() if each.takes_paths)
        raise click.UsageError(f"FILE_OR_DIR arguments are files to read: use them with {readers}")
    context = click.get_current_context()
    own = {option.name for option in chosen.options}
    for option in sources.options():
        given = context.get_parameter_source(str(option.name)) is ParameterSource.COMMANDLINE
        if given and option.name not in own:
            flag = max(option.opts, key=len)
            readers = " or ".join(f"--source {n}" for n in sources.owners(str(option.name)))
            raise click.UsageError(f"{flag} is an option of {readers}, not of --source {chosen.name}")


@cli.command(help=_crawl_help())
@click.option("--db", default="archive.db", show_default=True, type=click.Path(dir_okay=False),
              help="SQLite archive to write")
@click.option("--source", type=click.Choice(list(sources.registry())), default="live", show_default=True,
              help=_source_help())
@click.argument("paths", nargs=-1, metavar="[FILE_OR_DIR]...", type=click.Path(exists=True))
@click.option("--delay", type=float, help="Seconds between requests to one host (default 2, AutoThrottle on; "
              "0 also turns AutoThrottle off: for a loopback mirror only; never below 1 ms, one request at a time)")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help="Any Scrapy setting")
@click.option("--quiet", is_flag=True, help="Log only warnings and errors")
@click.option("--fill-gaps", is_flag=True,
              help="Instead of walking the feeds, look for every known but missing article (see `kinhtedothi "
                   "coverage`) in the site, then the Wayback Machine, then Common Crawl: only the sources whose "
                   "address is given (--base-url, --wayback-url, --cc-index-url), or --source, or else all three")
def crawl(db, source, paths, delay, settings, quiet, fill_gaps, **options):
    from scraper import events as catalog
    from scraper import fill_gaps as gaps

    chosen = sources.source(source)
    explicit = click.get_current_context().get_parameter_source("source") is ParameterSource.COMMANDLINE
    asked = gaps.sources_to_ask(source if explicit else None) if fill_gaps else []
    if fill_gaps:
        gaps.refuse_options(asked, paths)
    else:
        refuse_other_sources_options(chosen, paths)
    try:
        catalog.select(options.get("events"))
    except KeyError as error:
        raise click.ClickException(str(error.args[0])) from None
    checked_db(db)
    db_path = Path(db).resolve()
    project_settings = crawl_settings(db_path, delay, settings, quiet)
    if fill_gaps:
        with CrawlLock(db_path):
            sys.exit(gaps.run(db_path, project_settings, {**options, "paths": paths}, asked,
                              lambda line: click.echo(line, err=True)))
    plan = chosen.plan({**options, "paths": paths}, project_settings, db_path)
    if not quiet or delay is not None:  # --quiet prints problems only, but a changed delay is never silent
        click.echo(plan.announce, err=True)
    from scrapy.crawler import CrawlerProcess

    with CrawlLock(db_path):
        opened_for_writing(db_path)
        process = CrawlerProcess(project_settings)
        crawler = process.create_crawler(chosen.spider())
        process.crawl(crawler, **plan.arguments)
        process.start()
    code = crawler.stats.get_value(Stat.EXIT_CODE, ExitStatus.FAILED)
    reason = crawler.stats.get_value(Stat.REASON)
    if code:
        click.echo(f"Error: {reason or 'the crawl did not finish'}", err=True)
    elif not quiet:
        click.echo(f"ok: {crawler.stats.get_value(Stat.ARTICLES_NEW, 0)} new, "
                   f"{crawler.stats.get_value(Stat.ARTICLES_UPDATED, 0)} updated, "
                   f"{crawler.stats.get_value(Stat.ARTICLES_UNCHANGED, 0)} unchanged articles", err=True)
    sys.exit(code)


crawl.params.extend(sources.options())  # after the shared ones: each source's own options, once each


@cli.command()
@click.option("--db", default="archive.db", show_default=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--event", "events", multiple=True, metavar="SLUG", help="Only this event (repeatable)")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (for scripts) instead of text")
@click.option("--all", "show_all", is_flag=True, help="List the archived articles too, and where each was learned")
def coverage(db, events, as_json, show_all):
    """How complete each event is: the articles known to belong to it, how many are archived (and from which
    sources), which are missing and why (not fetched yet, failed, gone from the site, no capture), which were
    refused (outside the event's dates, off-site, too long, robots.txt, not an article).

    Exit status: 0 when no known article is missing, 3 when some are (so that cron can alert), 1 when the
    archive cannot be read. `kinhtedothi crawl --fill-gaps` looks for the missing ones in every source.

    Example:

    \b
        kinhtedothi coverage --db archive.db
        kinhtedothi coverage --db archive.db --event dai-dich-covid-19 --json
    """
    from pipelines.coverage import events_of, report
    from scraper.coverage_text import render

    checked_db(db, writing=False)
    upgrade_before_serving(db)   # an archive made by an older version, when it may be written
    try:
        conn = sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True)
        try:
            known = [slug for slug, _ in events_of(conn)]
            unknown = [e for e in events if e not in known]
            if unknown:
                raise click.ClickException(f"no event {', '.join(unknown)} in {db} (it has: {', '.join(known)})")
            found = report(conn, list(events) or None, archived_list=show_all)
        finally:
            conn.close()
    except sqlite3.Error as error:
        raise click.ClickException(f"could not read {db}: {error}") from None
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=1))
    else:
        click.echo("\n".join(render(found, show_all)))
    sys.exit(CoverageStatus.COMPLETE if found["complete"] else CoverageStatus.MISSING)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--url", help="The page's URL (default: its canonical link or og:url)")
def parse(paths, url):
    """Parse saved article pages: one JSON object per page on stdout.

    Each object has the archive's fields, and the places the article names
    ("places": Hanoi's districts and wards, provinces; docs/search.md).

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
    running it twice changes nothing the second time. It also rebuilds the
    places each article names (article_places), for an archive made before
    them. A stored page that cannot be read (empty, binary, compressed beyond
    repair) is named, and the exit status is then 1.

    Example:

        kinhtedothi reparse --db archive.db
    """
    from pipelines.archive import Archive
    from scraper.reparse import count_pages
    from scraper.reparse import reparse as run_reparse

    from pipelines.disk import ArchiveDamaged, DiskFull

    checked_db(db)
    unreadable: list[tuple[str, str]] = []
    with CrawlLock(Path(db).resolve()):
        try:
            archive = Archive(db)
            try:
                with click.progressbar(length=count_pages(archive), label="re-parsing stored pages",
                                       file=sys.stderr, hidden=quiet) as bar:
                    outcome = run_reparse(archive, bar.update, unreadable)
            finally:
                archive.close()
        except DiskFull as error:
            raise DiskFullError(str(error)) from None
        except ArchiveDamaged as error:
            raise click.ClickException(str(error)) from None
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
    no crawl is running. A damaged archive (PRAGMA quick_check) is served with
    a warning: pages that read its damaged part say so.

    Example:

        kinhtedothi serve --db archive.db --port 8001
    """
    checked_db(db, writing=False)
    if whole_before_serving(db):
        upgrade_before_serving(db)
    warn_before_serving(db)
    command = datasette_command(db, host, port, cors=cors)
    click.echo(f"archive: http://{host}:{port}/", err=True)
    _become(command)


def upgrade_before_serving(db: str) -> None:
    """An archive made by an older version gets the newer schema and data first, when the file may be
    written and no crawl is running (a crawl upgrades it itself); otherwise it is served as it is."""
    from pipelines.archive import Archive
    from pipelines.disk import DiskFull
    from scraper.dbcheck import needs_upgrade
    from scraper.lock import held_if_free

    if not needs_upgrade(db):
        return
    with held_if_free(Path(db)) as free:
        if free:
            click.echo(f"upgrading {db}, made by an older version of kinhtedothi …", err=True)
            try:
                Archive(db).close()
            except DiskFull as error:  # the upgrade is all or nothing: served as it was
                click.echo(f"warning: not upgraded: {error}", err=True)


def whole_before_serving(db: str) -> bool:
    """False, with a warning, for a damaged archive: served as it is (the pages that read a damaged part
    answer 503 with a message), never upgraded (writing into it would spread the damage)."""
    from scraper.dbcheck import damage
    from scraper.publish import read_only

    problems = damage(Path(db), immutable=read_only(db)) if Path(db).stat().st_size else []
    if problems:
        click.echo(f"warning: {db} is damaged (PRAGMA quick_check: {'; '.join(problems[:3])}): pages that read "
                   "the damaged part answer 503; restore the file from a backup", err=True)
    return not problems


def warn_before_serving(db: str) -> None:
    """A full disk: the archive is served as it is on disk (immutable), so say so."""
    from pipelines.disk import is_full, where

    if is_full(Path(db)):
        click.echo(f"warning: the disk is full ({where(Path(db))}): the archive is served read-only, as it is "
                   "on disk, until serve is started again", err=True)


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
