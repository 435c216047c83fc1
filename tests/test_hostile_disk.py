"""A full disk (docs/security.md "A full disk"): the schema is made whole or not at all, the message says
the disk is full and where, the exit status is 74, nothing archived is lost, a rerun with space just
works, and a healthy archive on a full disk is called healthy (and still served).

Tested for real on a tmpfs of a few hundred KB, mounted for the test (root only: `mount -t tmpfs`);
where no mount is possible, the schema's all-or-nothing is still tested through SQLite's own
``PRAGMA max_page_count``, which makes SQLite answer "database or disk is full" as a full disk does."""

import os
import shutil
import sqlite3
import subprocess
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlite_utils

from pipelines.archive import Archive
from pipelines.disk import DiskFull, is_disk_full, mount_point
from pipelines.schema import SCHEMA_VERSION, ensure_schema
from scraper.dbcheck import check_db
from tests.support import run_crawl, served

pytestmark = pytest.mark.fast  # the crawls on a real small disk are slow, one by one

EXIT_DISK_FULL = 74


def tables(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    finally:
        conn.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


# -- the schema, all or nothing (any user: SQLite's page limit stands for the disk) ------------------------
def test_the_schema_is_made_whole_or_not_at_all_at_every_size(tmp_path):
    whole = None
    for pages in range(2, 400, 7):
        db_path = tmp_path / f"archive-{pages}.db"
        db = sqlite_utils.Database(db_path)
        db.execute(f"PRAGMA max_page_count = {pages}")
        try:
            ensure_schema(db)
            whole = pages if whole is None else whole
        except sqlite3.OperationalError as error:
            assert is_disk_full(error, db_path), error
            assert db.execute("PRAGMA user_version").fetchone()[0] == 0
            assert db.table_names() == [], f"{pages} pages: a schema cut short"
        finally:
            db.close()
        check_db(db_path)  # never refused: either a new archive or a whole one
        db = sqlite_utils.Database(db_path)  # with room again, the same file just works
        assert ensure_schema(db) in (0, SCHEMA_VERSION)
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        db.close()
    assert whole is not None, "the page limits tried never let the schema fit: try larger ones"


def test_a_full_disk_in_a_write_is_raised_as_disk_full_and_rolled_back(tmp_path):
    db_path = tmp_path / "archive.db"
    Archive(db_path).close()
    archive = Archive(db_path)
    run = archive.start_run(None, [], "incremental")
    told = []
    archive.on_storage_failure = told.append
    pages = archive.db.execute("PRAGMA page_count").fetchone()[0]
    archive.db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFull) as raised:
        archive.save_raw_page("https://kinhtedothi.vn/a.html", "https://kinhtedothi.vn/a.html", 200, "text/html",
                              os.urandom(200_000))
    assert told == [raised.value]
    assert str(db_path) in str(raised.value) and "the disk is full" in str(raised.value)
    archive.close()
    assert integrity(db_path) == "ok"
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM raw_pages").fetchone()[0] == 0
    assert conn.execute("SELECT status FROM crawl_runs WHERE id = ?", [run]).fetchone()[0] == "running"
    conn.close()


def test_an_archive_cut_short_by_an_older_version_is_completed_not_refused(tmp_path):
    db_path = tmp_path / "archive.db"
    db = sqlite_utils.Database(db_path)  # what the old, step-by-step schema left on a full disk
    db["events"].create({"slug": str, "name": str}, pk="slug")
    db["articles"].create({"id": int, "url": str}, pk="id")
    db.close()
    check_db(db_path)
    Archive(db_path).close()
    assert "crawl_runs" in tables(db_path)
    other = tmp_path / "other.db"  # the same tables holding rows: not ours to complete
    db = sqlite_utils.Database(other)
    db["events"].insert({"slug": "x"})
    db.close()
    with pytest.raises(Exception, match="not an archive of this project"):
        check_db(other)


# -- a real disk, full (root: a tmpfs of a few hundred KB) ------------------------------------------------
@contextmanager
def small_disk(tmp_path: Path, size: str):
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root (the page-limit tests above stand in for it)")
    where = tmp_path / "disk"
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                             capture_output=True, text=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


def grow(where: Path) -> None:
    subprocess.run(["mount", "-o", "remount,size=32m", str(where)], check=True)


def fill(where: Path) -> None:
    with open(where / "filler", "wb", buffering=0) as out:
        for block in (65536, 512, 1):
            try:
                while True:
                    out.write(b"\0" * block)
            except OSError:
                pass


def last_line(process: subprocess.CompletedProcess) -> str:
    return process.stderr.strip().splitlines()[-1]


@pytest.mark.slow
@pytest.mark.parametrize("size", ["128k", "1m"])  # the first dies making the schema, the second mid-crawl
def test_a_crawl_on_a_full_disk_says_so_loses_nothing_and_a_rerun_with_space_just_works(site, tmp_path, size):
    with small_disk(tmp_path, size) as where:
        db = where / "archive.db"
        first = run_crawl(db, site.url)
        assert first.returncode == EXIT_DISK_FULL, first.stderr[-3000:]
        line = last_line(first)
        assert line.startswith("Error: the disk is full") and str(db) in line and str(mount_point(db)) in line
        assert integrity(db) == "ok"
        grow(where)
        second = run_crawl(db, site.url)
        assert second.returncode == 0, second.stderr[-3000:]
        conn = sqlite3.connect(db)
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 49
        runs = conn.execute("SELECT status, exit_code FROM crawl_runs ORDER BY id").fetchall()
        conn.close()
        # the full run is recorded as failed with 74 when the end could still be written, else 'interrupted'
        assert runs[-1] == ("ok", 0) and all(r in (("failed", 74), ("interrupted", None)) for r in runs[:-1]), runs
        assert integrity(db) == "ok"


@pytest.mark.slow
def test_a_healthy_archive_on_a_full_disk_is_called_healthy_and_still_served(crawled, site, tmp_path):
    with small_disk(tmp_path, "4m") as where:
        db = where / "archive.db"
        shutil.copy(crawled[0], db)
        fill(where)
        before = db.read_bytes()
        crawl = run_crawl(db, site.url)
        assert crawl.returncode == EXIT_DISK_FULL
        assert "healthy" in last_line(crawl) and "not a readable" not in crawl.stderr
        assert db.read_bytes() == before
        with served(db) as base:
            answer = urllib.request.urlopen(base + "/archive/articles.json?_shape=array&_size=3&_col=title")
            assert answer.status == 200
        (where / "filler").unlink()
        assert integrity(db) == "ok"
