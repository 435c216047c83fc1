"""--source pages: article pages a journalist saved from a browser ("Save page as…": .html with or without its
_files/ folder, .mhtml) read into the archive through the same pipelines as a crawl, without the network."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kinhtedothi.sample_site import expected_articles, write_saved_pages
from tests.support import ROOT, connect

pytestmark = pytest.mark.slow

EXPECTED = {a["url"]: a for a in expected_articles()}
COMPARED = ("title", "sapo", "author", "published_at", "published_raw", "section", "subsection", "body_text",
            "layout", "site_id")
EVENT = "dai-dich-covid-19"


def import_pages(db: Path, *args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scraper.cli", "crawl", "--source", "pages", "--db", str(db),
                           *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})


def rows(db: Path, sql: str, *args) -> list[dict]:
    return [dict(r) for r in connect(db).execute(sql, args)]


def run_stats(db: Path) -> dict:
    return json.loads(rows(db, "select stats from crawl_runs order by id desc limit 1")[0]["stats"])


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("saved") / "Bài đã lưu"
    saved = write_saved_pages(folder)
    db = folder.parent / "archive.db"
    return db, import_pages(db, folder, "--event", EVENT), saved, folder


def test_a_folder_of_saved_pages_imports(imported):
    _, process, saved, _ = imported
    assert process.returncode == 0, process.stderr[-3000:]
    assert f"ok: {len(saved)} new" in process.stderr


def test_every_saved_page_is_one_article_with_the_fields_the_page_shows(imported):
    db, _, saved, _ = imported
    got = {r["url"]: r for r in rows(db, "select * from articles")}
    assert set(got) == {s["url"] for s in saved}
    for page in saved:
        row, truth = got[page["url"]], EXPECTED[page["url"]]
        assert {k: row[k] for k in COMPARED} == {k: truth[k] for k in COMPARED}, page["file"]
        tags = [r["tag"] for r in rows(db, "select tag from article_tags where article_id = ? order by rowid",
                                       row["id"])]
        assert tags == truth["tags"], page["file"]


def test_pictures_keep_their_site_address_and_a_browser_copy_is_never_taken_for_one(imported):
    db, _, saved, _ = imported
    for page in saved:
        article = rows(db, "select id, body_html from articles where url = ?", page["url"])[0]
        images = rows(db, "select src, caption from images where article_id = ? order by position", article["id"])
        if page["pictures"]:  # .html as served, .mhtml: the page's own addresses
            assert images == EXPECTED[page["url"]]["images"], page["file"]
        else:  # "complete": the browser rewrote them to its copies in <name>_files/
            assert not any("_files" in i["src"] for i in images) and "_files" not in article["body_html"]


def test_each_article_names_its_file_and_is_dated_by_the_file_never_before_the_page(imported):
    db, _, saved, _ = imported
    for page in saved:
        row = rows(db, "select source, capture_timestamp, capture_url, raw_page_id from articles where url = ?",
                   page["url"])[0]
        assert (row["source"], row["capture_url"]) == ("pages", f"file:{page['file']}")
        assert row["capture_timestamp"] == page["capture_timestamp"], page  # the reset time: the page's date
        raw = rows(db, "select source, fetched_from, capture_timestamp, kind from raw_pages where id = ?",
                   row["raw_page_id"])[0]
        assert raw == {"source": "pages", "fetched_from": row["capture_url"], "kind": "article",
                       "capture_timestamp": page["capture_timestamp"]}
    assert run_stats(db)["archive/saved_pages_dated_by_page"] == sum(p["how"] == "html-reset-time" for p in saved)


def test_the_pages_are_filed_under_the_event_given_and_the_files_folders_are_not_read(imported):
    db, _, saved, _ = imported
    filed = rows(db, "select a.url from articles a join article_events e on e.article_id = a.id "
                     "where e.event_slug = ?", EVENT)
    assert {r["url"] for r in filed} == {s["url"] for s in saved}
    assert rows(db, "select slug, found_by from events") == [{"slug": EVENT, "found_by": "saved-pages"}]
    stats = run_stats(db)
    assert stats["archive/saved_pages_read"] == len(saved)  # not the frame saved in a _files/ folder
    assert rows(db, "select * from crawl_errors") == []


def test_importing_the_folder_again_adds_nothing(imported, tmp_path):
    db, _, _, folder = imported
    copy = tmp_path / "archive.db"
    shutil.copy(db, copy)
    before = {t: rows(copy, f"select count(*) as n from {t}")[0]["n"] for t in ("articles", "raw_pages",
                                                                                  "article_versions")}
    again = import_pages(copy, folder, "--event", EVENT)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "0 new, 0 updated" in again.stderr
    assert {t: rows(copy, f"select count(*) as n from {t}")[0]["n"] for t in before} == before
    assert run_stats(copy)["archive/saved_pages_already_stored"] == before["articles"]


def test_files_that_are_not_saved_pages_of_the_site_are_named_and_the_others_archived(tmp_path):
    folder = tmp_path / "mixed"
    saved = write_saved_pages(folder)
    (folder / "notes.html").write_text("<html><body><p>my notes</p></body></html>", encoding="utf-8")
    (folder / "elsewhere.html").write_text('<html><head><link rel="canonical" href="https://example.org/a.html">'
                                           "</head><body><h1>Other site</h1></body></html>", encoding="utf-8")
    with open(folder / "huge.html", "wb") as huge:  # over the size bound, not read (a sparse file: no disk used)
        huge.truncate(21 * 1024 * 1024)
    parts = "".join(f"--b\r\nContent-Type: text/plain\r\n\r\n{n}\r\n" for n in range(2001))
    (folder / "many-parts.mhtml").write_text('Content-Type: multipart/related; boundary="b"\r\n\r\n' + parts + "--b--",
                                             encoding="ascii")
    (folder / "empty.mhtml").write_bytes(b"")
    db = tmp_path / "archive.db"
    process = import_pages(db, folder)
    assert process.returncode == 5, process.stderr[-3000:]  # incomplete: cron must notice
    assert "5 saved page(s) could not be read" in process.stderr.splitlines()[-1]
    errors = {r["url"]: r["reason"] for r in rows(db, "select url, reason from crawl_errors")}
    assert set(errors) == {f"file:{name}" for name in ("notes.html", "elsewhere.html", "huge.html",
                                                       "many-parts.mhtml", "empty.mhtml")}
    assert "no address on kinhtedothi.vn" in errors["file:notes.html"]
    assert "no address on kinhtedothi.vn" in errors["file:elsewhere.html"]
    assert "larger than" in errors["file:huge.html"] and "MHTML parts" in errors["file:many-parts.mhtml"]
    assert {r["url"] for r in rows(db, "select url from articles")} == {s["url"] for s in saved}


def test_nothing_to_read_or_a_file_for_another_source_is_refused_before_anything_is_written(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    db = tmp_path / "archive.db"
    nothing = import_pages(db, empty)
    assert nothing.returncode == 1 and "no saved pages found" in nothing.stderr
    missing = import_pages(db)
    assert missing.returncode == 2 and "--source pages needs" in missing.stderr
    wrong = import_pages(db, empty, "--crawls", "CC-MAIN-2021-17")
    assert wrong.returncode == 2 and "--crawls is an option of --source commoncrawl" in wrong.stderr
    live = subprocess.run([sys.executable, "-m", "scraper.cli", "crawl", "--db", str(db), str(empty)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert live.returncode == 2 and "--source pages" in live.stderr
    assert not db.exists()


def test_a_page_without_its_own_address_is_found_by_what_the_browser_recorded(tmp_path):
    from scraper.saved_pages import read_page, saved_file

    url = "https://kinhtedothi.vn/quan-hoang-mai-lap-chot-kiem-soat-vung-xanh-tai-cac-khu-dan-cu-427069.html"
    page = tmp_path / "Bài.html"
    page.write_text(f"<!-- saved from url=({len(url):04d}){url} -->\n<html><head><title>x</title></head><body>"
                    '<h1 class="title_detail_news">Tiêu đề</h1><img src="./Bài_files/a.jpg"><img src="https://cdn.'
                    'kinhtedothi.vn/b.jpg"></body></html>', encoding="utf-8")
    assert saved_file(page, page.name).url == url
    html = read_page(page)[0].decode("utf-8")
    assert 'data-saved-src="./Bài_files/a.jpg"' in html and 'src="https://cdn.kinhtedothi.vn/b.jpg"' in html
