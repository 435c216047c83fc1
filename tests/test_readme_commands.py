"""Every example in every command's --help runs, against the sample site (and each source's fake: the fake
Wayback Machine, the fake Common Crawl, WARC files and saved pages of the sample site) instead of the live
sites, with its files in a temporary folder, and FAST's short backoff in the environment (the fakes' scripted
errors are retried at once). Commands that serve until stopped are started, asked for a page, and stopped with
SIGTERM."""

import shlex
import shutil
import signal
import subprocess
import sys

from contextlib import nullcontext
from pathlib import Path

import click
import pytest

from kinhtedothi.vocab.outcomes import CoverageStatus
from scraper import sources
from scraper.sources.base import with_option
from scraper.cli import cli
from tests.support import ROOT, free_port, wait_for
from tests.support.crawls import fast_env

pytestmark = pytest.mark.slow

SERVES_UNTIL_STOPPED = {"serve", "sample-site", "demo"}  # unless --no-serve
# A command whose exit status reports on the archive: `coverage` exits 3 when something known is missing, as the
# sample site's dead link is (tests/test_coverage.py checks when it must be 0 and when 3).
REPORTS = {"coverage": (CoverageStatus.COMPLETE, CoverageStatus.MISSING)}


def help_examples():
    """(command name, argv after `kinhtedothi`) for each line of each command's `Example:` block."""
    for name, command in sorted(cli.commands.items()):
        assert "Example:" in (command.help or ""), f"kinhtedothi {name} --help has no example"
        for line in command.help.split("Example:", 1)[1].splitlines():
            if line.strip().startswith("kinhtedothi "):
                yield pytest.param(name, shlex.split(line)[2:], id=line.strip())


def option_value(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv else None


def needs_existing_db(name: str) -> bool:
    db = next((p for p in cli.commands[name].params if p.name == "db"), None)
    return db is not None and isinstance(db.type, click.Path) and db.type.exists


def source_fake(argv: list[str], cwd: Path):
    """The fake a `crawl` example's source declares (scraper/sources/<name>.py): it serves, or writes the files
    the example names in ``cwd``, and gives the example's arguments pointed at it."""
    crawl = cli.commands["crawl"]
    given, _, _ = crawl.make_parser(click.Context(crawl)).parse_args(list(argv))  # as typed, nothing checked
    named = given.get("paths")  # a tuple, or click's mark for "not given"
    paths = [cwd / p for p in named] if isinstance(named, tuple) else []
    source = given.get("source")
    return sources.source(source if isinstance(source, str) else "live").fake(argv, paths)


@pytest.mark.parametrize("name, argv", list(help_examples()))
def test_the_help_example_runs(name, argv, crawled, tmp_path):
    argv, stdout_to = list(argv), None
    if ">" in argv:
        argv, stdout_to = argv[:argv.index(">")], tmp_path / argv[argv.index(">") + 1]
    db = option_value(argv, "--db")
    if db and db.startswith("/"):
        argv = with_option(argv, "--db", str(tmp_path / db.rsplit("/", 1)[-1]))
    if needs_existing_db(name):
        shutil.copy(crawled[0], tmp_path / (option_value(argv, "--db") or "archive.db"))
    cwd = ROOT if name == "parse" else tmp_path  # parse's examples name the repository's saved pages
    with source_fake(argv, cwd) if name == "crawl" else nullcontext(argv) as argv:
        run_example(name, argv, cwd, stdout_to)


def run_example(name: str, argv: list[str], cwd: Path, stdout_to: Path | None) -> None:
    port = None
    if name in SERVES_UNTIL_STOPPED and "--no-serve" not in argv:
        port = free_port()
        argv = with_option(argv, "--port", str(port))
    if name == "demo":
        argv = with_option(argv, "--site-port", str(free_port()))
    command = [sys.executable, "-m", "scraper.cli", name, *argv]
    if port is None:
        out = stdout_to.open("w") if stdout_to else subprocess.PIPE
        process = subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.PIPE, text=True, timeout=300,
                                 env=fast_env())
        assert process.returncode in REPORTS.get(name, (0,)), process.stderr[-3000:]
        if stdout_to:
            out.close()
            assert stdout_to.read_text(encoding="utf-8").count('"title"') >= 2
    else:
        server = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  env=fast_env())
        try:
            wait_for(f"http://127.0.0.1:{port}/", server, seconds=180)
            server.send_signal(signal.SIGTERM)
            assert server.wait(timeout=30) in (0, -signal.SIGTERM)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
