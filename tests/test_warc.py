"""WARC out and in: the archive's raw pages as a WARC/1.1 file that replay tools open, and WARC files
(ours or anyone's) read back into an archive through the same pipelines as a crawl."""

import base64
import hashlib
import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.support import ROOT, connect

pytestmark = pytest.mark.slow


def kinhtedothi(*args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scraper.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONUNBUFFERED": "1"})


@pytest.fixture(scope="module")
def exported(crawled, tmp_path_factory):
    db, process, _ = crawled
    assert process.returncode == 0, process.stderr[-2000:]
    out = tmp_path_factory.mktemp("warc") / "archive.warc.gz"
    done = kinhtedothi("export-warc", "--db", str(db), str(out))
    assert done.returncode == 0, done.stderr
    return db, out


def records(path: Path) -> list[dict]:
    with open(path, "rb") as stream:
        return [{"type": r.rec_type, "headers": dict(r.rec_headers.headers), "status": r.http_headers and
                 r.http_headers.get_statuscode(), "payload": r.content_stream().read(), "offset": None}
                for r in ArchiveIterator(stream)]


def test_every_raw_page_leaves_as_one_response_record_under_its_site_url(exported):
    db, out = exported
    stored = [dict(r) for r in connect(db).execute("select id, url, sha1, status from raw_pages order by id")]
    responses = [r for r in records(out) if r["type"] == "response"]
    assert [r["headers"]["WARC-Target-URI"] for r in responses] == [s["url"] for s in stored]
    assert [hashlib.sha1(r["payload"]).hexdigest() for r in responses] == [s["sha1"] for s in stored]
    assert [int(r["status"]) for r in responses] == [s["status"] for s in stored]
    for record in responses:
        digest = base64.b32encode(hashlib.sha1(record["payload"]).digest()).decode()
        assert record["headers"]["WARC-Payload-Digest"] == f"sha1:{digest}"
        assert record["headers"]["WARC-Target-URI"].startswith("https://kinhtedothi.vn/")


def test_the_file_is_warc_1_1_with_request_and_metadata_records_linked_to_each_response(exported):
    db, out = exported
    with open(out, "rb") as stream:
        all_records = list((r.rec_type, r.rec_headers, r.content_stream().read()) for r in ArchiveIterator(stream))
    assert all_records[0][0] == "warcinfo"
    assert {h.protocol for _, h, _ in all_records} == {"WARC/1.1"}
    ids = {h.get_header("WARC-Record-ID") for t, h, _ in all_records if t == "response"}
    requests = [h for t, h, _ in all_records if t == "request"]
    metadata = [(h, body) for t, h, body in all_records if t == "metadata"]
    assert len(metadata) == len(ids) and {h.get_header("WARC-Refers-To") for h, _ in metadata} == ids
    assert requests and {h.get_header("WARC-Concurrent-To") for h in requests} <= ids
    fetched_from = {r[0] for r in connect(db).execute("select fetched_from from raw_pages")}
    for _header, body in metadata:
        fields = dict(line.split(": ", 1) for line in body.decode().splitlines())
        assert fields["source"] == "live" and fields["fetched-from"] in fetched_from
        assert fields["fetched-from"].startswith("http://127.0.0.1:")  # the mirror the bytes came from


def test_since_exports_only_the_pages_fetched_from_that_date(exported, tmp_path):
    db, _ = exported
    out = tmp_path / "later.warc"
    done = kinhtedothi("export-warc", "--db", str(db), "--since", "2999-01-01", str(out))
    assert done.returncode == 0 and "0 pages" in done.stderr
    assert [r["type"] for r in records(out)] == ["warcinfo"]
    bad = kinhtedothi("export-warc", "--db", str(db), "--since", "last week", str(tmp_path / "x.warc"))
    assert bad.returncode == 1 and "not a date" in bad.stderr and not (tmp_path / "x.warc").exists()


def test_a_replay_index_made_by_cdxj_indexer_finds_each_article_at_its_offset(exported):
    # pywb itself is not used: it installs a top-level `tests` package that shadows this suite's.
    # cdxj-indexer is the indexer pywb and ReplayWeb.page use; a replay tool serves a page from these lines.
    db, out = exported
    made = subprocess.run([str(Path(sys.executable).parent / "cdxj-indexer"), str(out)], capture_output=True,
                          text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    index = {}
    for line in made.stdout.splitlines():
        urlkey, timestamp, fields = line.split(" ", 2)
        index.setdefault(json.loads(fields)["url"], []).append((timestamp, json.loads(fields)))
    articles = [dict(r) for r in connect(db).execute(
        "select a.url, a.last_fetched_at, r.sha1 from articles a join raw_pages r on r.id = a.raw_page_id")]
    assert articles and {a["url"] for a in articles} <= set(index)
    for article in articles:
        timestamp, entry = index[article["url"]][-1]
        assert entry["status"] == "200" and entry["mime"] == "text/html" and timestamp[:8] == \
            article["last_fetched_at"][:10].replace("-", "")
        with open(out, "rb") as stream:
            stream.seek(int(entry["offset"]))
            record = next(iter(ArchiveIterator(stream)))
            assert record.rec_headers.get_header("WARC-Target-URI") == article["url"]
            assert hashlib.sha1(record.content_stream().read()).hexdigest() == article["sha1"]


# -- WARC in -----------------------------------------------------------------------------------

SAME = ("id", "url", "site_id", "title", "sapo", "author", "published_at", "published_raw", "section", "subsection",
        "body_text", "body_html", "word_count", "layout", "field_sources", "content_hash", "version", "removed_at")


def article_rows(db: Path) -> dict[str, dict]:
    conn = connect(db)
    out = {}
    for row in conn.execute(f"select {', '.join(SAME)} from articles"):
        record = dict(row)
        aid = record["id"]
        record["tags"] = [r[0] for r in conn.execute("select tag from article_tags where article_id = ? order by tag",
                                                     [aid])]
        record["images"] = [tuple(r) for r in conn.execute(
            "select position, src, caption from images where article_id = ? order by position", [aid])]
        record["related"] = [tuple(r) for r in conn.execute(
            "select position, url, title from related_links where article_id = ? order by position", [aid])]
        record["events"] = [r[0] for r in conn.execute(
            "select event_slug from article_events where article_id = ? order by event_slug", [aid])]
        out[record["url"]] = record
    return out


def import_warc(db: Path, *paths: Path | str) -> subprocess.CompletedProcess:
    return kinhtedothi("crawl", "--source", "warc", "--db", str(db), *map(str, paths))


@pytest.fixture(scope="module")
def imported(exported, tmp_path_factory):
    _, out = exported
    db = tmp_path_factory.mktemp("imported") / "archive.db"
    return db, import_warc(db, out)


def test_an_exported_archive_imported_into_an_empty_one_gives_the_same_articles_field_for_field(exported, imported):
    db, process = imported
    assert process.returncode == 0, process.stderr[-3000:]
    original, copy = article_rows(exported[0]), article_rows(db)
    assert original and set(copy) == set(original)
    for url, fields in original.items():
        assert copy[url] == fields, url
    feed_links = "select event_slug, url, feed_page, position from feed_links order by 1, 2"
    assert [tuple(r) for r in connect(db).execute(feed_links)] == [tuple(r) for r in connect(exported[0]).execute(
        feed_links)]


def test_imported_articles_name_the_warc_file_and_record_offset(exported, imported):
    db, _ = imported
    rows = [dict(r) for r in connect(db).execute(
        "select a.source, a.capture_url, a.capture_timestamp, r.fetched_from, r.source as raw_source "
        "from articles a join raw_pages r on r.id = a.raw_page_id")]
    assert rows and {r["source"] for r in rows} == {r["raw_source"] for r in rows} == {"warc"}
    for row in rows:
        path, offset = row["capture_url"].removeprefix("warc:").rsplit("#", 1)
        assert row["fetched_from"] == row["capture_url"] and Path(path) == exported[1].resolve()
        with open(path, "rb") as stream:
            stream.seek(int(offset))
            assert next(iter(ArchiveIterator(stream))).rec_type == "response"
        assert len(row["capture_timestamp"]) == 14


def test_importing_the_same_file_again_adds_nothing(exported, imported, tmp_path):
    import shutil

    db = tmp_path / "archive.db"
    shutil.copy(imported[0], db)
    before = {t: connect(db).execute(f"select count(*) from {t}").fetchone()[0]
              for t in ("articles", "raw_pages", "article_versions", "feed_links")}
    again = import_warc(db, exported[1])
    assert again.returncode == 0, again.stderr[-2000:]
    after = {t: connect(db).execute(f"select count(*) from {t}").fetchone()[0] for t in before}
    assert after == before
    assert "0 new, 0 updated" in again.stderr


def test_importing_into_the_archive_it_came_from_adds_nothing(exported, tmp_path):
    import shutil

    db = tmp_path / "archive.db"
    shutil.copy(exported[0], db)
    before = article_rows(db), connect(db).execute("select count(*) from raw_pages").fetchone()[0]
    again = import_warc(db, exported[1])
    assert again.returncode == 0, again.stderr[-2000:]
    assert (article_rows(db), connect(db).execute("select count(*) from raw_pages").fetchone()[0]) == before


def _fetch(site, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(site.url + path, timeout=60) as answer:
            return answer.status, list(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, list(error.headers.items()), error.read()


def write_foreign_warc(site, path: Path, pages: list[str], revisit: str, other: str) -> None:
    """A WARC as a crawler like wget or Browsertrix writes it: http:// and www. forms, uncompressed,
    request records, a revisit of an unchanged page, a page from another site, a resource record."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test-crawler/1.0"}))
        originals = {}
        for n, page in enumerate(pages):
            status, headers, body = _fetch(site, page)
            uri = ("http://www.kinhtedothi.vn" if n % 2 else "http://kinhtedothi.vn") + page
            http = StatusAndHeaders(f"{status} OK", [(k, v) for k, v in headers if k.lower() != "content-length"]
                                    + [("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "request", payload=BytesIO(b""), http_headers=
                                StatusAndHeaders(f"GET {page} HTTP/1.1", [("Host", "kinhtedothi.vn")],
                                                 is_http_request=True)))
            record = writer.create_warc_record(uri, "response", payload=BytesIO(body), http_headers=http,
                                               warc_headers_dict={"WARC-Date": "2021-06-01T08:00:00Z"})
            writer.write_record(record)
            originals[page] = record
        first = originals[revisit]
        writer.write_record(writer.create_revisit_record(
            first.rec_headers.get_header("WARC-Target-URI"), first.rec_headers.get_header("WARC-Payload-Digest"),
            first.rec_headers.get_header("WARC-Target-URI"), "2021-06-01T08:00:00Z",
            http_headers=first.http_headers, warc_headers_dict={"WARC-Date": "2021-09-01T08:00:00Z"}))
        writer.write_record(writer.create_warc_record("https://example.org" + other, "response",
                            payload=BytesIO(b"<html><body>elsewhere</body></html>"),
                            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                                          protocol="HTTP/1.1")))
        writer.write_record(writer.create_warc_record("https://kinhtedothi.vn/logo.png", "resource",
                            payload=BytesIO(b"\x89PNG"), warc_content_type="image/png"))


def test_a_warc_written_by_another_tool_imports_with_a_revisit_resolved_and_non_articles_left_out(tmp_path):
    from kinhtedothi.sample_site import FAULT_URLS, SampleSite, expected_articles

    from scrapy.http import HtmlResponse

    from scraper.pages import ListingPage

    expected = {a["url"]: a for a in expected_articles()}
    feed = "/su-kien/719/dai-dich-covid-19.html"
    warc = tmp_path / "wget-like.warc"
    with SampleSite() as site:
        listed = ListingPage(HtmlResponse("https://kinhtedothi.vn" + feed, body=_fetch(site, feed)[2])).article_urls()
        articles = [u.removeprefix("https://kinhtedothi.vn") for u in listed if u in expected][:4]
        write_foreign_warc(site, warc, ["/", feed, *articles, FAULT_URLS["gallery"], "/robots.txt"],
                           revisit=articles[0], other=articles[1])
    db = tmp_path / "archive.db"
    process = import_warc(db, tmp_path)  # a folder: every WARC file in it
    assert process.returncode == 0, process.stderr[-3000:]
    got = article_rows(db)
    assert set(got) == {f"https://kinhtedothi.vn{p}" for p in articles}
    for url, row in got.items():
        for field in ("title", "sapo", "author", "published_at", "published_raw", "section", "body_text", "layout"):
            assert row[field] == expected[url][field], (url, field)
        assert row["tags"] == sorted(expected[url]["tags"]) and row["version"] == 1
        assert row["events"] == ["dai-dich-covid-19"]
    conn = connect(db)
    raw = [dict(r) for r in conn.execute("select url, kind, capture_timestamp from raw_pages order by id")]
    gallery_url = "https://kinhtedothi.vn" + FAULT_URLS["gallery"]
    # each article page stored once (the revisit stored nothing new); the gallery too, as a live crawl keeps it
    assert sorted(r["url"] for r in raw if r["kind"] == "article") == sorted([*got, gallery_url])
    assert conn.execute("select count(*) from article_versions").fetchone()[0] == 0
    assert [r[0] for r in conn.execute("select slug from events")] == ["dai-dich-covid-19"]
    gallery = conn.execute("select reason from crawl_errors where url like ?", ["%392415.html"]).fetchone()
    assert gallery and gallery[0].startswith("not an article")
    stats = json.loads(conn.execute("select stats from crawl_runs").fetchone()[0])
    assert stats["archive/warc_skipped_other_hosts"] == 1
    assert stats["archive/warc_pages_already_stored"] == 1  # the revisit's payload, resolved to its original


def test_a_warc_that_is_not_a_warc_fails_clearly_and_changes_nothing(tmp_path):
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(b"this is not a WARC file at all\n")
    db = tmp_path / "archive.db"
    process = import_warc(db, bad)
    assert process.returncode != 0
    assert "bad.warc.gz" in process.stderr.splitlines()[-1]


def test_a_warc_file_cut_short_imports_what_comes_before_the_damage_and_says_so(exported, tmp_path):
    data = exported[1].read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) // 2] + b"\x1f\x8b\x08\x00garbage")
    db = tmp_path / "archive.db"
    process = import_warc(db, cut)
    assert process.returncode == 5, process.stderr[-2000:]  # incomplete: cron must notice
    assert "could not be read" in process.stderr.splitlines()[-1]
    whole = article_rows(exported[0])
    got = article_rows(db)
    assert got and len(got) < len(whole)
    for url, row in got.items():
        assert row["content_hash"] == whole[url]["content_hash"]
    errors = [r[0] for r in connect(db).execute("select reason from crawl_errors where reason like '%cut.warc.gz%'")]
    # the file is named; a record cut in the middle is refused, not archived with half its text
    assert any("cut.warc.gz: unreadable after some records" in e for e in errors)
    assert all("unreadable" in e or "cut short" in e for e in errors)


def _member_ends(data: bytes) -> set[int]:
    """The offsets where the gzip members of a file end (cutting there leaves a valid, shorter WARC)."""
    ends, offset = {0}, 0
    while offset < len(data):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        inflater.decompress(data[offset:])
        offset = len(data) - len(inflater.unused_data)
        ends.add(offset)
    return ends


def test_a_cut_is_noticed_wherever_the_file_ends(exported, tmp_path):
    from scraper.warc_import import scan

    data = exported[1].read_bytes()
    whole, _, problems = scan([exported[1]])
    assert not problems
    ends = _member_ends(data)
    assert len(ends) > len(whole), "one gzip member per record"
    for k in range(1, 40):
        size = len(data) * k // 40
        size += size in ends  # between two members the file is whole, only shorter: move into a record
        cut = tmp_path / f"cut{k}.warc.gz"
        cut.write_bytes(data[:size])
        entries, _, problems = scan([cut])
        assert len(problems) == 1 and "ends inside a record" in problems[0], (size, problems)
        assert len(entries) < len(whole)


def test_a_cut_in_the_first_bytes_of_a_record_is_noticed_as_a_cut(exported, tmp_path):
    """Where the tenths above fall changes with each crawl's dates; here the cut lands byte by byte just
    inside the second gzip member, where warcio sees half a header line ('WARC/1')."""
    import zlib

    from scraper.warc_import import scan

    data = exported[1].read_bytes()
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    inflater.decompress(data)
    second = len(data) - len(inflater.unused_data)  # where the second record's member starts
    assert 0 < second < len(data)
    for extra in range(1, 80):
        cut = tmp_path / "cut.warc.gz"
        cut.write_bytes(data[:second + extra])
        entries, _, problems = scan([cut])
        assert len(problems) == 1 and "ends inside a record" in problems[0], (extra, problems)
