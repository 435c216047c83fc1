"""--db handed the wrong file: refused in one line, non-zero exit, no traceback, the file untouched."""

import hashlib
import os
import sqlite3
import subprocess
import sys

import pytest

from pipelines.schema import SCHEMA_VERSION
from scraper.dbcheck import NotAnArchive, check_db
from tests.support import ROOT

pytestmark = pytest.mark.slow

DEAD_SITE = "http://127.0.0.1:9"  # nothing is fetched: the check comes first


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def kinhtedothi(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scraper.cli", *args], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)


COMMANDS = {
    "crawl": lambda db: kinhtedothi("crawl", "--db", str(db), "--base-url", DEAD_SITE, "--delay", "0"),
    "reparse": lambda db: kinhtedothi("reparse", "--db", str(db), "--quiet"),
    "serve": lambda db: kinhtedothi("serve", "--db", str(db), "--port", "9"),
}


def other_schema(path):
    with sqlite3.connect(path) as conn:
        conn.execute("create table invoices (id integer primary key, total real)")
        conn.execute("insert into invoices values (1, 9.5)")
    return path


def other_user_version(path):
    with sqlite3.connect(path) as conn:
        for table in ("articles", "raw_pages", "crawl_runs"):
            conn.execute(f"create table {table} (id integer primary key, url text)")
        conn.execute(f"pragma user_version = {SCHEMA_VERSION + 40}")
    return path


def not_sqlite(path):
    path.write_text("Tên,Ngày\nHà Nội,2021-05-23\n", encoding="utf-8")
    return path


CASES = {
    "another schema": (other_schema, "other tables: invoices"),
    "another user_version": (other_user_version, "newer version"),
    "not SQLite": (not_sqlite, "not an SQLite database"),
}


def assert_refused(process, message):
    assert process.returncode != 0
    assert "Traceback" not in process.stderr
    last = process.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: ") and message in last, process.stderr


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", CASES)
def test_a_file_that_is_not_an_archive_is_refused_and_left_untouched(tmp_path, command, case):
    make, message = CASES[case]
    db = make(tmp_path / "data.db")
    before = digest(db)
    assert_refused(COMMANDS[command](db), message)
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.db"]  # no -wal, -shm, lock file


@pytest.mark.parametrize("command", ["crawl", "reparse"])
def test_a_missing_directory_is_one_line(tmp_path, command):
    process = COMMANDS[command](tmp_path / "nowhere" / "archive.db")
    assert process.returncode != 0 and "Traceback" not in process.stderr
    assert process.stderr.strip().splitlines()[-1].startswith("Error")
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("command", ["crawl", "reparse"])
def test_a_read_only_archive_is_not_written_to(tmp_path, command):
    db = tmp_path / "archive.db"
    with sqlite3.connect(db) as conn:  # a real (empty) archive
        from pipelines.schema import ensure_schema
        import sqlite_utils

        ensure_schema(sqlite_utils.Database(conn))
        conn.execute("pragma journal_mode = delete")
    db.chmod(0o444)
    before = digest(db)
    assert_refused(COMMANDS[command](db), "read-only")
    assert digest(db) == before


def test_a_new_or_empty_file_and_a_real_archive_pass(tmp_path):
    check_db(tmp_path / "new.db")
    (tmp_path / "empty.db").write_bytes(b"")
    check_db(tmp_path / "empty.db")
    with pytest.raises(NotAnArchive):
        check_db(tmp_path / "new.db", writing=False)  # nothing to serve
    archive = tmp_path / "archive.db"
    import sqlite_utils
    from pipelines.schema import ensure_schema

    database = sqlite_utils.Database(archive)
    ensure_schema(database)
    database.conn.commit()
    check_db(archive)
    check_db(archive, writing=False)
    assert os.access(archive, os.R_OK)


def test_an_archive_with_a_table_added_beside_its_own_is_still_an_archive(tmp_path):
    import sqlite_utils
    from pipelines.schema import ensure_schema

    archive = tmp_path / "archive.db"
    database = sqlite_utils.Database(archive)
    ensure_schema(database)
    database.conn.commit()
    database.execute("create table my_notes (article_id integer, note text)")
    database.conn.commit()
    check_db(archive)
