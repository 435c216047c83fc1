"""Sources as units: one module per source declares its name, whether it is a capture, its options, its
spider, its throttle policy and its fake; the command line, the retry middleware, the pipelines and the
Datasette plugins ask the registry (or, for the facts they share, kinhtedothi/vocab/sources.py)."""

import re

import click
import pytest
import scrapy
from click.testing import CliRunner

from kinhtedothi.vocab.sources import CAPTURE_SOURCES, KINDS, is_capture, kind_of
from scraper import sources
from scraper.cli import cli
from tests.support import ROOT

pytestmark = pytest.mark.fast


def read(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


def test_every_source_kind_has_one_module_and_every_module_one_kind():
    registry = sources.registry()
    assert list(registry) == list(KINDS)
    assert sorted(p.stem for p in (ROOT / "scraper" / "sources").glob("*.py")) == sorted([*KINDS, "__init__", "base"])
    assert all(registry[name].kind is KINDS[name] for name in KINDS)


def test_only_a_visit_to_the_site_is_not_a_capture():
    assert CAPTURE_SOURCES == {"wayback", "commoncrawl", "warc", "pages"}
    assert not is_capture(None) and not is_capture("live") and is_capture("a-source-of-a-later-version")
    assert kind_of(None).name == "live"
    assert KINDS["pages"].place("file:Bài viết.mhtml") == "Bài viết.mhtml"
    assert KINDS["pages"].place("warc:/x.warc#1") is None and KINDS["warc"].address("/x.warc#1") == "warc:/x.warc#1"


def test_each_source_names_a_spider_and_its_throttle_policy_names_its_slots_and_settings():
    from scraper import settings

    for name, source in sources.registry().items():
        spider = source.spider()
        assert issubclass(spider, scrapy.Spider) and spider.name == (name if name != "live" else "events")
        policy = source.throttle
        if policy is not None:
            assert policy.slots and all(hasattr(settings, s) for s in policy.slots.values())
            assert hasattr(settings, policy.wait_setting) and hasattr(settings, policy.retry_times_setting)
            assert getattr(spider, "throttle", None) is policy
    assert set(sources.throttle_policies()) == {"wayback", "commoncrawl"}


def test_the_retry_middleware_names_no_source_and_scrapys_inner_state_stays_in_its_adapter():
    middleware = read("scraper/middlewares.py")
    assert not re.search(r"\b(wayback|commoncrawl|warc|WAYBACK|COMMONCRAWL)\b", middleware.split("class Backoff")[1])
    private = re.compile(r"\.lastseen\b|\._retry\b|engine\.downloader\.slots")
    found = [str(path.relative_to(ROOT)) for package in ("scraper", "pipelines") for path in (ROOT / package).rglob(
        "*.py") if path.name != "scrapy_internals.py" and private.search(path.read_text(encoding="utf-8"))]
    assert found == []


def test_no_module_outside_the_vocabulary_decides_by_a_source_name():
    names = "|".join(KINDS)
    compare = re.compile(rf"""source["')\]]*\s*(==|!=|in|not in)\s*\(?\s*(None,\s*)?["']({names})["']"""
                         r"|coalesce\(\w*\.?source, 'live'\) !=")
    found = [f"{path.relative_to(ROOT)}:{n}" for package in ("scraper", "pipelines", "datasette_kinhtedothi")
             for path in (ROOT / package).rglob("*.py")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if compare.search(line)]
    assert found == []


def test_the_crawl_command_offers_every_source_and_every_sources_options_once():
    crawl = cli.commands["crawl"]
    source = next(p for p in crawl.params if p.name == "source")
    assert isinstance(source.type, click.Choice) and list(source.type.choices) == list(KINDS)
    names = [p.name for p in crawl.params]
    assert len(names) == len(set(names))
    for each in sources.registry().values():
        assert all(option in crawl.params for option in each.options)
    text = CliRunner().invoke(cli, ["crawl", "--help"]).output
    examples = [line for each in sources.registry().values() for line in each.examples]
    assert all(line in text for line in examples) and all(f"--source {n}" in text for n in KINDS if n != "live")


def test_an_option_of_another_source_is_refused_not_ignored(tmp_path):
    db = tmp_path / "archive.db"
    runner = CliRunner()
    for argv, said in ((["--from", "2020"], "--from is an option of --source wayback, not of --source live"),
                       (["--source", "wayback", "--full"], "--full is an option of --source live"),
                       (["--source", "commoncrawl", "--wayback-url", "http://x"], "--wayback-url is an option of "
                                                                                "--source wayback")):
        result = runner.invoke(cli, ["crawl", "--db", str(db), *argv])
        assert result.exit_code == 2 and said in " ".join(result.output.split()), result.output
    assert not db.exists()


def test_every_source_has_words_on_the_versions_page():
    from datasette_kinhtedothi.archive.i18n import LANGUAGES, catalog

    for lang in LANGUAGES:
        words = catalog(lang)
        assert all(f"versions.source.{name}" in words for name in KINDS), lang
        assert all(f"versions.cause.{name}" in words for name in CAPTURE_SOURCES), lang


def test_the_developers_guide_tells_how_to_add_a_source_and_the_sources_guide_names_each_one():
    guide, sources_doc = read("docs/developers.md"), read("docs/sources.md")
    assert "## Adding a source" in guide
    assert all(f"`--source {name}`" in sources_doc or f"| {name} |" in sources_doc for name in KINDS)
