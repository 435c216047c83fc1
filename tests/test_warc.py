"""WARC out and in: the archive's raw pages as a WARC/1.1 file that replay tools open, and WARC files
(ours or anyone's) read back into an archive through the same pipelines as a crawl."""

import base64
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import ROOT, connect


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
    for header, body in metadata:
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
