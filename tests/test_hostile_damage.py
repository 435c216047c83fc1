"""A damaged archive (docs/security.md "A damaged archive"): garbage over four pages in the middle, or over
the last eight pages. Commands that write refuse it before writing (PRAGMA quick_check), naming the
damage and what to do; `serve` answers the pages that read the damaged part with a clear 503, the others
as usual; a write that meets damage quick_check cannot see stops the crawl with the same words."""

import hashlib
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.archive import Archive
from pipelines.disk import ArchiveDamaged
from scraper.cli import cli
from scraper.dbcheck import DamagedArchive, NotAnArchive, check_db, damage
from tests.support import ROOT, run_crawl, served
from tests.support.datasette import copy_archive, datasette_for, get

pytestmark = pytest.mark.fast  # the crawl and `kinhtedothi serve` are slow, one by one

PAGE = 4096


def pages_of(db: Path, table: str | None = None) -> list[int]:
    """The pages in use (the b-tree pages of one table, or any page), from SQLite's dbstat: garbage over a
    free page would damage nothing, and the test would prove nothing."""
    conn = sqlite3.connect(db)
    try:
        query = "SELECT pageno FROM dbstat" + (" WHERE name = ? AND pagetype != 'overflow'" if table else "") + \
            " ORDER BY pageno"
        return [r[0] for r in conn.execute(query, [table] if table else [])]
    finally:
        conn.close()


def garbage_over(db: Path, where: str, pages: int, table: str | None = None) -> Path:
    """``pages`` pages of random bytes (the same each run) over the file: in its middle (from the first page in
    use there), at its end, or over ``pages`` b-tree pages of ``table`` from the middle of its own."""
    count = db.stat().st_size // PAGE
    if table:
        own = pages_of(db, table)
        targets = own[len(own) // 2:len(own) // 2 + pages]
    elif where == "middle":
        first = next(p for p in pages_of(db) if p >= count // 2)
        targets = list(range(first, first + pages))
    else:
        targets = list(range(count - pages + 1, count + 1))
    with open(db, "r+b") as out:
        for page in targets:  # SQLite numbers pages from 1
            out.seek((page - 1) * PAGE)
            out.write(random.Random(page).randbytes(PAGE))
    return db


@pytest.fixture(params=[("middle", 4), ("end", 8)], ids=["four pages in the middle", "the last eight pages"])
def damaged(request, crawled, tmp_path):
    where, pages = request.param
    return garbage_over(copy_archive(crawled[0], tmp_path / where), where, pages)


def digest(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


def test_quick_check_finds_the_damage_and_a_whole_archive_is_whole(damaged, crawled, tmp_path):
    problems = damage(damaged)
    assert problems and len(problems) <= 5
    assert damage(copy_archive(crawled[0], tmp_path / "whole")) == []


def test_the_db_check_refuses_a_damaged_archive_for_writing_and_changes_nothing(damaged):
    before = digest(damaged)
    with pytest.raises(DamagedArchive) as refused:
        check_db(damaged)
    message = str(refused.value)
    assert "damaged" in message and "quick_check" in message and "backup" in message and ".recover" in message
    check_db(damaged, writing=False)  # serve still opens it
    assert digest(damaged) == before


def test_reparse_refuses_a_damaged_archive(damaged):
    before = digest(damaged)
    result = CliRunner().invoke(cli, ["reparse", "--db", str(damaged), "--quiet"])
    assert result.exit_code == 1 and "damaged" in result.output
    assert digest(damaged) == before


@pytest.mark.slow
def test_a_crawl_refuses_a_damaged_archive_before_writing(damaged, site):
    before = digest(damaged)
    process = run_crawl(damaged, site.url)
    assert process.returncode == 1
    last = process.stderr.strip().splitlines()[-1]
    assert last.startswith("Error:") and "damaged" in last and "bug" not in last
    assert digest(damaged) == before


def test_serve_answers_the_damaged_part_with_a_message_and_the_rest_as_usual(crawled, tmp_path):
    db = garbage_over(copy_archive(crawled[0], tmp_path / "middle"), "middle", 4, table="articles")
    ds = datasette_for(db)
    statuses = {}
    for path in ["/", "/archive/articles", "/archive/articles.json", "/-/chart", "/-/export.csv",
                 "/archive/raw_pages", "/archive/crawl_runs", "/archive/events", "/archive/articles/-3"]:
        response = get(ds, path, params={"lang": "en"})
        statuses[path] = response.status_code
        assert response.status_code in (200, 503), (path, response.status_code)
        if response.status_code == 503:
            assert "damaged" in response.text and "backup" in response.text and "Traceback" not in response.text
    # pages that read other tables as usual (the home page lists the latest articles: it may read the damage)
    assert statuses["/archive/crawl_runs"] == statuses["/archive/events"] == statuses["/archive/raw_pages"] == 200
    assert statuses["/archive/articles"] == 503, statuses  # the list reads every page of the table
    json = get(ds, "/archive/articles.json")
    assert json.status_code == 503 and json.json()["ok"] is False and "malformed" in json.json()["error"]


@pytest.mark.slow
def test_kinhtedothi_serve_warns_of_the_damage_and_still_starts(crawled, tmp_path):
    db = garbage_over(copy_archive(crawled[0], tmp_path / "middle"), "middle", 4, table="articles")
    before = digest(db)
    check = subprocess.run([sys.executable, "-c", "from scraper.cli import whole_before_serving; import sys; "
                            f"sys.exit(0 if whole_before_serving({str(db)!r}) else 9)"],
                           cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert check.returncode == 9 and "is damaged" in check.stderr and "restore" in check.stderr
    with served(db) as base:
        import urllib.error
        import urllib.request

        assert urllib.request.urlopen(base + "/archive/crawl_runs").status == 200
        with pytest.raises(urllib.error.HTTPError) as answered:
            urllib.request.urlopen(base + "/archive/articles?lang=en")
        assert answered.value.code == 503 and b"damaged" in answered.value.read()
    assert digest(db) == before  # never upgraded, never written


def test_damage_quick_check_cannot_see_stops_a_write_with_the_same_words(crawled, tmp_path):
    db = copy_archive(crawled[0], tmp_path / "index")
    conn = sqlite3.connect(db)  # an index that no longer matches its table (quick_check does not compare them)
    conn.execute("PRAGMA writable_schema = 1")
    conn.execute("UPDATE sqlite_master SET sql = replace(sql, '([author])', '([removed_at])') "
                 "WHERE name = 'idx_articles_author'")
    conn.commit()
    url = conn.execute("SELECT url FROM articles WHERE author IS NOT NULL LIMIT 1").fetchone()[0]
    conn.close()
    assert damage(db) == []
    archive = Archive(db)
    told = []
    archive.on_storage_failure = told.append
    with pytest.raises(ArchiveDamaged) as raised:
        archive.mark_removed(url)
    archive.close()
    assert told == [raised.value] and "damaged" in str(raised.value) and "backup" in str(raised.value)


def test_a_file_whose_first_page_is_garbage_is_called_damaged_or_foreign_never_a_bug(crawled, tmp_path):
    db = copy_archive(crawled[0], tmp_path / "first")
    with open(db, "r+b") as out:
        out.seek(100)  # past the 100-byte header: the schema's own page
        out.write(random.Random(1).randbytes(PAGE - 100))
    with pytest.raises(NotAnArchive) as refused:
        check_db(db)
    assert "damaged" in str(refused.value) or "not a readable" in str(refused.value)
