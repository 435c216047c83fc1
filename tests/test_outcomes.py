"""One table of run outcomes: every stats key and what it does to the exit status live in
kinhtedothi/vocab/outcomes.py; the code names them from there, and the operators' documentation is written
from it."""

import re
import subprocess
import sys

import pytest

from kinhtedothi.vocab.outcomes import (RULES, STATUS_DOCS, ExitStatus, ScrapyStat, Stat, StatFamily, exit_summary,
                                        exit_table, verdict)
from tests.support import ROOT

pytestmark = pytest.mark.fast

OK_FETCH = {ScrapyStat.ANSWERED_200: 10}


def python_files(*packages: str):
    for package in packages:
        yield from (path for path in (ROOT / package).rglob("*.py") if ".venv" not in path.parts)


def test_no_stats_key_is_spelled_outside_the_outcomes_module():
    bare = re.compile(r"""["'](archive/|spider_exceptions/|downloader/(response_status|exception))""")
    found = [f"{path.relative_to(ROOT)}:{n}" for path in python_files("scraper", "pipelines", "kinhtedothi")
             if path.name != "outcomes.py"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if bare.search(line)]
    assert not found, found


def test_our_request_meta_keys_are_named_constants():
    """A request.meta key written as a string is one of Scrapy's own, never one of ours (scraper/meta.py)."""
    from scraper import meta

    ours = {value for name, value in vars(meta).items() if name.isupper()}
    # meta["key"], meta.get("key"), {"key": …} beside a meta, meta.update(key=…)
    literal = re.compile(r"""meta(?:\[|\.(?:get|pop|setdefault)\()\s*["']([a-z_]+)["']|["']([a-z_]+)["']\s*:"""
                         r"""|meta\.update\(([a-z_]+)=""")
    found = [f"{path.relative_to(ROOT)}:{n}: {key}" for path in python_files("scraper") if path.name != "meta.py"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "meta" in line
             for key in (k for keys in literal.findall(line) for k in keys) if key in ours]
    assert not found, found


def test_the_keys_are_unique_and_spelled_as_the_stats_record_them():
    names = [s.value for s in Stat] + [s.value for s in ScrapyStat]
    assert len(names) == len(set(names))
    assert all(s.value.startswith("archive/") for s in Stat)
    assert StatFamily.MISSING.of("title") == "archive/missing/title"
    assert repr(Stat.PAGES_FETCHED) == "'archive/pages_fetched'"  # Scrapy's stats dump shows the key


def test_every_rule_counts_known_keys_and_every_status_is_documented():
    known = set(Stat) | set(ScrapyStat)
    assert all(key in known for rule in RULES for key in rule.stats)
    assert set(STATUS_DOCS) == set(ExitStatus)


@pytest.mark.parametrize("stats, status", [
    ({}, ExitStatus.UNREACHABLE),
    (OK_FETCH, ExitStatus.OK),
    ({**OK_FETCH, Stat.FEED_PAGES_FAILED: 1}, ExitStatus.INCOMPLETE),
    ({**OK_FETCH, Stat.WARC_DAMAGED: 2}, ExitStatus.INCOMPLETE),
    ({Stat.WARC_DAMAGED: 1}, ExitStatus.INCOMPLETE),   # a file read and found damaged: not an unreachable site
    ({Stat.WARC_NO_SITE_PAGE: 3}, ExitStatus.UNREACHABLE),
    ({**OK_FETCH, Stat.SAVED_PAGES_UNREADABLE: 1}, ExitStatus.INCOMPLETE),
    ({**OK_FETCH, Stat.EVENTS_NOT_FOUND: "a, b"}, ExitStatus.INCOMPLETE),
    ({**OK_FETCH, Stat.FEED_PAGES_FALLBACK: 1, Stat.FEED_PAGES_FAILED: 3}, ExitStatus.DRIFT),
    ({**OK_FETCH, Stat.ARTICLE_PAGES: 10, Stat.ARTICLES_FAILED: 2}, ExitStatus.OK),   # 20 %: not over
    ({**OK_FETCH, Stat.ARTICLE_PAGES: 10, Stat.ARTICLES_FAILED: 2, Stat.ARTICLES_INCOMPLETE: 1}, ExitStatus.DRIFT),
    ({**OK_FETCH, Stat.ARTICLES_LOST: 1, Stat.WARC_DAMAGED: 1}, ExitStatus.FAILED),
    ({ScrapyStat.SPIDER_EXCEPTIONS: 1}, ExitStatus.FAILED),  # a bug, even with nothing fetched
    ({**OK_FETCH, Stat.PAGES_FETCHED: 9, Stat.MISSING_CAPTURES: 4, Stat.ARTICLES_REMOVED: 1}, ExitStatus.OK),
])
def test_the_first_rule_that_holds_decides_the_exit_status(stats, status):
    assert verdict(stats, 0.2)[0] is status


def test_the_reasons_name_the_counts():
    stats = {**OK_FETCH, Stat.ARTICLE_PAGES: 4, Stat.ARTICLES_FAILED: 3, StatFamily.MISSING.of("title"): 1,
             StatFamily.MISSING.of("body_text"): 3}
    drift = "layout drift: extraction failed on 3 of 4 article pages (missing body_text, title)"
    assert verdict(stats, 0.2)[1] == drift
    unreachable = "site unreachable: no page answered 200 (7 connection errors)"
    assert verdict({ScrapyStat.DOWNLOAD_ERRORS: 7}, 0.2)[1] == unreachable
    assert verdict({**OK_FETCH, Stat.EVENTS_NOT_FOUND: "x, y"}, 0.2)[1] == "event feed not found for: x, y"
    assert verdict({Stat.WARC_NO_SITE_PAGE: 3}, 0.2)[1] == \
        "the WARC files hold no page of the site that answered 200 (HTML): nothing to archive (records skipped: 3)"


@pytest.mark.slow
def test_the_operators_table_of_exit_statuses_is_the_one_the_crawl_decides_by():
    check = subprocess.run([sys.executable, str(ROOT / "docs" / "make_exit_statuses.py"), "--check"],
                           capture_output=True, text=True, cwd=ROOT)
    assert check.returncode == 0, check.stderr
    doc = (ROOT / "docs" / "operators.md").read_text(encoding="utf-8")
    assert "\n".join(exit_table()) in doc
    for status in ExitStatus:  # every status, and every count that leads to it, is in the table
        row = next(line for line in exit_table() if line.startswith(f"| {status.value} |"))
        assert all(f"`{key}`" in row for rule in RULES if rule.status is status for key in rule.stats)


def test_a_changed_rule_makes_the_check_fail(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        import make_exit_statuses
    finally:
        sys.path.remove(str(ROOT / "docs"))
    from kinhtedothi.vocab import outcomes

    doc = (ROOT / "docs" / "operators.md").read_text(encoding="utf-8")
    assert make_exit_statuses.rewritten(doc) == doc
    changed = outcomes.Rule(ExitStatus.DRIFT, (Stat.FEED_WALKS_STOPPED,), "a feed walk stopped early", "{n} walks")
    monkeypatch.setattr(outcomes, "RULES", (*outcomes.RULES, changed))
    assert make_exit_statuses.rewritten(doc) != doc


def test_the_crawl_help_states_the_exit_statuses_from_the_table():
    from click.testing import CliRunner

    from scraper.cli import cli

    text = " ".join(CliRunner().invoke(cli, ["crawl", "--help"]).output.split())
    assert exit_summary() in text
    assert all(f"{status.value} " in exit_summary() for status in ExitStatus)
