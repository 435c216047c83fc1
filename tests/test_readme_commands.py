"""Every example in every command's --help runs, against the sample site (and the fake Wayback Machine)
instead of the live sites, with its files in a temporary folder. Commands that serve until stopped are
started, asked for a page, and stopped with SIGTERM."""

import shlex
import shutil
import signal
import subprocess
import sys

import click
import pytest

from kinhtedothi.sample_site import FakeCommonCrawl, FakeWayback
from scraper.cli import cli
from scraper.warc_export import export
from tests.conftest import FAST, ROOT, free_port, wait_for

SERVES_UNTIL_STOPPED = {"serve", "sample-site", "demo"}  # unless --no-serve
# No delays: these tests check that each example runs; politeness is test_wayback's and test_commoncrawl's.
WAYBACK_FAST = ["-s", "WAYBACK_CDX_DELAY=0", "-s", "WAYBACK_CAPTURE_DELAY=0", "-s", "WAYBACK_429_WAIT=0.05"]
COMMONCRAWL_FAST = ["-s", "COMMONCRAWL_DELAY=0", "-s", "COMMONCRAWL_THROTTLE_WAIT=0.05",
                    "-s", "RETRY_BACKOFF_BASE=0.05"]


def help_examples():
    """(command name, argv after `kinhtedothi`) for each line of each command's `Example:` block."""
    for name, command in sorted(cli.commands.items()):
        assert "Example:" in (command.help or ""), f"kinhtedothi {name} --help has no example"
        for line in command.help.split("Example:", 1)[1].splitlines():
            if line.strip().startswith("kinhtedothi "):
                yield pytest.param(name, shlex.split(line)[2:], id=line.strip())


def option_value(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv else None


def with_option(argv: list[str], name: str, value: str) -> list[str]:
    """argv with ``name value`` set (replaced when present, added otherwise)."""
    if name in argv:
        argv = list(argv)
        argv[argv.index(name) + 1] = value
        return argv
    return [*argv, name, value]


def needs_existing_db(name: str) -> bool:
    db = next((p for p in cli.commands[name].params if p.name == "db"), None)
    return db is not None and isinstance(db.type, click.Path) and db.type.exists


def write_warcs(argv: list[str], db, cwd) -> None:
    """The WARC files and folders a `--source warc` example names, holding the sample crawl's pages."""
    for name in (a for a in argv if not a.startswith("-")):
        if name.endswith("/"):
            (cwd / name).mkdir(parents=True, exist_ok=True)
            with (cwd / name / "pages.warc").open("wb") as out:
                export(db, out, gzip=False)
        else:
            with (cwd / name).open("wb") as out:
                export(db, out, gzip=name.endswith(".gz"))


@pytest.mark.parametrize("name, argv", list(help_examples()))
def test_the_help_example_runs(name, argv, site, crawled, tmp_path):
    argv, stdout_to = list(argv), None
    if ">" in argv:
        argv, stdout_to = argv[:argv.index(">")], tmp_path / argv[argv.index(">") + 1]
    db = option_value(argv, "--db")
    if db and db.startswith("/"):
        argv = with_option(argv, "--db", str(tmp_path / db.rsplit("/", 1)[-1]))
    if needs_existing_db(name):
        shutil.copy(crawled[0], tmp_path / (option_value(argv, "--db") or "archive.db"))
    cwd = ROOT if name == "parse" else tmp_path  # parse's examples name the repository's saved pages
    archive = None
    if name == "crawl" and option_value(argv, "--source") == "wayback":
        archive = FakeWayback().start()
        argv = [*with_option(argv, "--wayback-url", archive.url), *WAYBACK_FAST]
    elif name == "crawl" and option_value(argv, "--source") == "commoncrawl":
        archive = FakeCommonCrawl().start()  # the crawls it holds: the example's two lack some feeds (exit 5)
        argv = with_option(with_option(argv, "--cc-index-url", archive.url), "--cc-data-url", archive.url)
        argv = [*with_option(argv, "--crawls", ",".join(archive.crawls)), *COMMONCRAWL_FAST]
    elif name == "crawl" and option_value(argv, "--source") == "warc":
        write_warcs(argv[argv.index("warc") + 1:], crawled[0], cwd)
    elif name == "crawl":
        argv = [*with_option(argv, "--base-url", site.url), *FAST]
    port = None
    if name in SERVES_UNTIL_STOPPED and "--no-serve" not in argv:
        port = free_port()
        argv = with_option(argv, "--port", str(port))
    if name == "demo":
        argv = with_option(argv, "--site-port", str(free_port()))
    command = [sys.executable, "-m", "scraper.cli", name, *argv]
    try:
        if port is None:
            out = stdout_to.open("w") if stdout_to else subprocess.PIPE
            process = subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.PIPE, text=True, timeout=300)
            assert process.returncode == 0, process.stderr[-3000:]
            if stdout_to:
                out.close()
                assert stdout_to.read_text(encoding="utf-8").count('"title"') >= 2
        else:
            server = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_for(f"http://127.0.0.1:{port}/", server, seconds=180)
                server.send_signal(signal.SIGTERM)
                assert server.wait(timeout=30) in (0, -signal.SIGTERM)
            finally:
                if server.poll() is None:
                    server.kill()
                    server.wait()
    finally:
        if archive is not None:
            archive.stop()
