"""KINHTEDOTHI_<NAME> environment variables override the crawler's settings, as the operator's guide says."""

import os
import subprocess
import sys

import pytest

from scraper.cli import REMOTE_CONTROL, crawl_settings
from scraper.spiders.pages import PagesSpider
from scraper.spiders.warc import WarcSpider
from tests.support import ROOT, connect, run_crawl

pytestmark = pytest.mark.slow

SHOW = ("from scrapy.utils.project import get_project_settings; s = get_project_settings(); "
        "print(s.getfloat('DOWNLOAD_DELAY'), s.get('RECHECK_SCHEDULE'), s.getbool('ROBOTSTXT_OBEY'), "
        "s.get('NOT_A_SETTING'))")


def settings_seen_with(**env) -> str:
    return subprocess.run([sys.executable, "-c", SHOW], capture_output=True, text=True, check=True, cwd=ROOT,
                          env={**os.environ, "SCRAPY_SETTINGS_MODULE": "scraper.settings", **env}).stdout.strip()


def test_without_overrides_the_polite_defaults_hold():
    assert settings_seen_with() == "2.0 2d:6h, 7d:1d, 30d:7d, 365d:30d, *:180d True None"


def test_an_environment_variable_overrides_a_setting_and_unknown_names_are_ignored():
    seen = settings_seen_with(KINHTEDOTHI_DOWNLOAD_DELAY="7.5", KINHTEDOTHI_RECHECK_SCHEDULE="*:1d",
                              KINHTEDOTHI_ROBOTSTXT_OBEY="False", KINHTEDOTHI_NOT_A_SETTING="x")
    assert seen == "7.5 *:1d False None"


def test_a_crawl_sends_the_user_agent_set_in_the_environment(site, tmp_path, monkeypatch):
    agent = "kinhtedothi-archive/0.1 (test newsroom; +https://newsroom.example/contact)"
    monkeypatch.setenv("KINHTEDOTHI_USER_AGENT", agent)
    site.clear_requests()
    process = run_crawl(tmp_path / "archive.db", site.url, "--events", "dai-dich-covid-19")
    assert process.returncode == 0, process.stderr[-2000:]
    agents = {r["user_agent"] for r in site.requests}
    assert agents == {agent}


def test_a_crawl_that_goes_wrong_otherwise_exits_1_says_why_and_keeps_the_archive(site, tmp_path):
    db = tmp_path / "archive.db"
    assert run_crawl(db, site.url).returncode == 0
    before = connect(db).execute("select count(*), total(length(body_text)) from articles").fetchone()
    process = run_crawl(db, site.url, "-s", "RECHECK_SCHEDULE=whenever")  # a setting the crawl cannot use
    assert process.returncode == 1
    assert process.stderr.strip().splitlines()[-1].startswith("Error: ")
    conn = connect(db)
    assert tuple(conn.execute("select count(*), total(length(body_text)) from articles").fetchone()) == tuple(before)
    last = conn.execute("select status, exit_code from crawl_runs order by id desc limit 1").fetchone()
    assert tuple(last) == ("failed", 1)


def test_the_telnet_console_and_the_remote_control_stay_closed_unless_asked_for(site, tmp_path):
    quiet = run_crawl(tmp_path / "a.db", site.url, "--events", "dai-dich-covid-19")
    assert quiet.returncode == 0 and "Telnet console listening" not in quiet.stderr
    assert "Remote control HTTP server listening" not in quiet.stderr
    asked = run_crawl(tmp_path / "b.db", site.url, "--events", "dai-dich-covid-19", "-s", "TELNETCONSOLE_ENABLED=True",
                      "-s", "REMOTE_CONTROL_ENABLED=True", "-s", f"REMOTE_CONTROL_JOBS_DIR={tmp_path / 'jobs'}")
    assert asked.returncode == 0 and "Telnet console listening on 127.0.0.1" in asked.stderr
    assert "Remote control HTTP server listening on port" in asked.stderr


def test_a_closed_remote_control_is_not_even_loaded_and_opens_when_asked_for(tmp_path):
    closed = crawl_settings(tmp_path / "a.db", None, (), quiet=True).getdict("EXTENSIONS")
    assert closed[REMOTE_CONTROL] is None   # Scrapy leaves it out before importing it (aiohttp)
    opened = crawl_settings(tmp_path / "a.db", None, ("REMOTE_CONTROL_ENABLED=True",), quiet=True)
    assert REMOTE_CONTROL not in opened.getdict("EXTENSIONS")


@pytest.mark.parametrize("spider", [WarcSpider, PagesSpider])
def test_a_spider_reading_files_has_no_way_onto_the_network(spider):
    assert spider.custom_settings["DOWNLOAD_HANDLERS"] == {"http": None, "https": None}
