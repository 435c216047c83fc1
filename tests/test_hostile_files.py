"""WARC files a crash, a bad disk or an attacker left: every record before and after the damage read, each
damaged place named, in memory and work bounded whatever the file holds (docs/security.md, "Web-archive
files and indexes"). The reader in this process first (fast), then whole imports (slow)."""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest

from kinhtedothi.vocab.outcomes import Stat
from scraper.warc_import import MAX_PAYLOAD, MAX_RECORD, check, read_record, scan
from scraper.warc_records import MAX_HEADERS, MAX_LINE, MAX_PROBLEMS, RecordDamage, one_record
from tests.support import ROOT, connect
from tests.support.cost import lines_run
from tests.support.hostile_archives import (MiB, article_record, brotli_bomb, encoded_record, first_member, gzip_member,
                                            http_header_bomb, many_header_lines, response_record, sample_warc,
                                            warc_header_bomb)
from tests.support.hostile_site import SITE

pytestmark = pytest.mark.fast

BOUND = 16 * MiB  # what the reader may hold at once (traced by tracemalloc), whatever the file


@pytest.fixture(scope="module")
def good() -> bytes:
    return sample_warc()


@pytest.fixture(scope="module")
def good_count(good, tmp_path_factory) -> int:
    path = tmp_path_factory.mktemp("good") / "good.warc.gz"
    path.write_bytes(good)
    entries, _, problems = scan([path])
    assert entries and not problems
    return len(entries)


def write(path: Path, *parts: bytes) -> Path:
    with open(path, "wb") as out:
        for part in parts:
            out.write(part)
    return path


def bytes_read() -> int:
    """Bytes this process has read from files so far (the kernel's count, /proc/self/io)."""
    return int(Path("/proc/self/io").read_text().split("rchar:")[1].split()[0])


def bounded_scan(path: Path):
    """``scan`` of one file: its entries, problems, the most memory it held at once (traced) and the bytes
    it read."""
    read = bytes_read()
    tracemalloc.start()
    try:
        entries, _, problems = scan([path])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return entries, problems, peak, bytes_read() - read


# -- what a record may claim ---------------------------------------------------------------------------


def test_a_header_line_that_inflates_to_64_mb_is_refused_and_the_records_after_it_are_read(good, good_count,
                                                                                             tmp_path):
    bomb = warc_header_bomb(64 * MiB)
    assert len(bomb) < 100_000  # a small member: 1,000 times its size once inflated
    path = write(tmp_path / "bomb.warc.gz", first_member(good), bomb, good)
    entries, problems, peak, _ = bounded_scan(path)
    assert len(entries) == good_count
    start = len(first_member(good))
    assert problems == [f"{path}: unreadable from byte {start} to byte {start + len(bomb) - 1} (a record with a "
                        f"header line over {MAX_LINE // 1024} KiB (MAX_LINE)); skipped, the records after it are read"]
    assert peak < BOUND


def test_a_record_of_a_million_short_header_lines_is_refused(good, good_count, tmp_path):
    path = write(tmp_path / "lines.warc.gz", first_member(good), many_header_lines(1_000_000), good)
    entries, problems, peak, _ = bounded_scan(path)
    assert len(entries) == good_count and peak < BOUND
    assert len(problems) == 1 and f"headers over {MAX_HEADERS // 1024} KiB (MAX_HEADERS)" in problems[0]


def test_an_answer_whose_http_header_inflates_to_64_mb_is_refused_within_bounds():
    record = http_header_bomb(SITE + "/bom-dau-2004.html", 64 * MiB)
    tracemalloc.start()
    try:
        with pytest.raises(RecordDamage, match="header line over"):
            one_record(record)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < BOUND


def test_a_record_longer_than_the_bound_is_refused_before_its_payload_is_read(tmp_path):
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {SITE}/lon-1022.html\r\n"
            f"WARC-Date: 2021-05-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http) + 64 * MiB}\r\n\r\n").encode() + http
    path = write(tmp_path / "long.warc.gz", gzip_member(head, repeat=(b"a" * MiB, 64), tail=b"\r\n\r\n"))
    entries, problems, peak, _ = bounded_scan(path)  # the scan reads it (a whole record), the payload is refused
    assert len(entries) == 1 and peak < BOUND
    with pytest.raises(ValueError, match=f"larger than {MAX_RECORD} bytes"):
        read_record(entries[0].path, entries[0].offset)


# -- zero bytes and garbage -----------------------------------------------------------------------------


@pytest.mark.parametrize("gzipped", [True, False], ids=["gzip", "uncompressed"])
def test_a_zero_run_in_the_middle_is_named_and_every_record_around_it_read(good, good_count, gzipped, tmp_path):
    records = good if gzipped else b"".join(article_record(f"/bai-{n}-{3000 + n}.html", f"Bài {n}", gzip=False)
                                            for n in range(30))
    alone = write(tmp_path / ("alone.warc.gz" if gzipped else "alone.warc"), records)
    count = len(scan([alone])[0])
    path = write(tmp_path / ("zeros.warc.gz" if gzipped else "zeros.warc"), records, bytes(32 * MiB), records)
    entries, problems, peak, read = bounded_scan(path)
    assert len(entries) == 2 * count and peak < BOUND
    assert problems == [f"{path}: unreadable from byte {len(records)} to byte {len(records) + 32 * MiB - 1} "
                        f"(33,554,432 bytes, all zero); skipped, the records after it are read"]
    assert read < 3 * path.stat().st_size  # one pass, not one per line


def test_zeros_at_the_start_and_at_the_end_are_named(good, good_count, tmp_path):
    path = write(tmp_path / "both.warc.gz", bytes(MiB), good, bytes(3 * MiB))
    entries, problems, _, _ = bounded_scan(path)
    assert len(entries) == good_count
    assert problems == [f"{path}: unreadable from byte 0 to byte {MiB - 1} (1,048,576 bytes, all zero); skipped, "
                        f"the records after it are read",
                        f"{path}: unreadable after some records (its last 3,145,728 bytes are all zero)"]


def test_garbage_between_records_is_named_and_skipped(good, good_count, tmp_path):
    garbage = random.Random(19).randbytes(4 * MiB)
    path = write(tmp_path / "garbage.warc.gz", good, garbage, good, b"\x1f\x8b\x08" * 1000, good)
    entries, problems, peak, _ = bounded_scan(path)
    assert len(entries) == 3 * good_count and peak < BOUND
    assert len(problems) == 2 and all("no WARC record); skipped, the records after it are read" in p
                                      for p in problems)


def test_the_work_grows_with_the_size_of_a_zero_run_not_its_square(tmp_path):
    def walk(size: int) -> int:
        path = write(tmp_path / f"z{size}.warc.gz", bytes(size * MiB))
        return lines_run(scan, [path])

    small, large = walk(8), walk(64)
    assert large <= 10 * small  # 8 times the bytes: 8 times the work, give or take a constant


def test_many_damaged_places_are_named_up_to_a_bound_then_counted(tmp_path):
    record = article_record("/bai-1-3001.html", "Bài")
    path = write(tmp_path / "many.warc.gz", *([record, b"garbage"] * 50))
    entries, problems, _, _ = bounded_scan(path)
    assert len(entries) == 50
    assert len(problems) == MAX_PROBLEMS + 1 and problems[-1] == f"{path}: unreadable at 30 more place(s)"


def test_a_file_of_zero_bytes_is_refused_clearly_and_one_damaged_at_its_start_is_not(good, tmp_path):
    zeros = write(tmp_path / "crash.warc.gz", bytes(16 * MiB))
    with pytest.raises(ValueError) as refused:
        check([zeros])
    assert str(refused.value) == f"{zeros}: not a WARC file (unreadable: no WARC record in its 16,777,216 bytes, " \
                                 f"all zero)"
    check([write(tmp_path / "late.warc.gz", bytes(MiB), good)])


def test_a_cut_file_still_says_it_ends_inside_a_record(good, tmp_path):
    record = response_record(SITE + "/bai-1-3001.html", b"<html>" + b"x" * 5000 + b"</html>", gzip=False)
    for cut in (10, len(record) // 2, len(record) - 5):
        path = write(tmp_path / "cut.warc", record, record[:cut])
        entries, problems, _, _ = bounded_scan(path)
        assert len(entries) == 1
        assert problems == [f"{path}: unreadable after some records (the file ends inside a record)"], cut


def test_a_target_uri_that_cannot_be_parsed_is_skipped_not_an_error(tmp_path):
    odd = response_record("http://[kinhtedothi.vn/bai-1-3001.html", b"<html></html>", gzip=False)
    path = write(tmp_path / "odd.warc", odd, article_record("/bai-2-3002.html", "Bài", gzip=False))
    entries, skipped, problems = scan([path])
    assert [e.url for e in entries] == [SITE + "/bai-2-3002.html"] and not problems
    assert skipped[Stat.WARC_SKIPPED_OTHER_HOSTS] == 1


def test_a_hundred_random_mutations_never_make_the_reader_raise(good, tmp_path):
    """Bits flipped, zeros written over, bytes cut out or put in, the end cut off: the scan names what it
    cannot read, never raises, and every record it finds reads back or fails as one record."""
    plain = b"".join(article_record(f"/bai-{n}-{3000 + n}.html", f"Bài {n}", gzip=False) for n in range(20))
    rng = random.Random(1919)
    for n in range(100):
        data = bytearray(good if n % 2 else plain)
        for _ in range(rng.randint(1, 5)):
            at = rng.randrange(len(data))
            kind = rng.randrange(5)
            if kind == 0:
                data[at] ^= 1 << rng.randrange(8)
            elif kind == 1:
                data[at:at + 2000] = bytes(2000)
            elif kind == 2:
                del data[at:at + rng.randint(1, 2000)]
            elif kind == 3:
                data[at:at] = rng.randbytes(rng.randint(1, 2000))
            else:
                data = data[:max(at, 1)]
        path = write(tmp_path / ("m.warc.gz" if n % 2 else "m.warc"), bytes(data))
        entries, _, problems = scan([path])
        assert all(p.startswith(f"{path}: unreadable") for p in problems)
        for entry in entries:
            try:
                read_record(entry.path, entry.offset)
            except Exception as error:  # one record: the spider's errback records any error of it
                assert not isinstance(error, (MemoryError, RecursionError))


# -- whole imports ------------------------------------------------------------------------------------------

MEASURE = ("import os, subprocess, sys; p = subprocess.Popen(sys.argv[1:]); _, status, usage = os.wait4(p.pid, 0); "
           "print(usage.ru_maxrss, file=sys.stderr); sys.exit(os.waitstatus_to_exitcode(status))")


def measured_import(db: Path, *paths: Path) -> tuple[subprocess.CompletedProcess, int]:
    """`kinhtedothi crawl --source warc`; the process and its peak resident memory in KB."""
    command = [sys.executable, "-m", "scraper.cli", "crawl", "--source", "warc", "--db", str(db), *map(str, paths)]
    process = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, cwd=ROOT,
                             timeout=300, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    return process, int(process.stderr.strip().splitlines()[-1])


def articles(db: Path) -> dict[str, str]:
    return {url: digest for url, digest in connect(db).execute("select url, content_hash from articles")}


@pytest.mark.slow
def test_an_import_of_damaged_files_archives_every_good_record_names_each_damage_and_stays_small(good, tmp_path):
    folder = tmp_path / "warcs"
    folder.mkdir()
    write(folder / "a-bomb.warc.gz", first_member(good), warc_header_bomb(), good)
    write(folder / "b-zeros.warc.gz", good, bytes(32 * MiB), good)
    write(folder / "c-garbage.warc.gz", good, random.Random(7).randbytes(2 * MiB), good)
    clean = tmp_path / "clean.db"
    alone, _ = measured_import(clean, write(tmp_path / "good.warc.gz", good))
    assert alone.returncode == 0, alone.stderr[-2000:]
    db = tmp_path / "archive.db"
    process, peak = measured_import(db, folder)
    assert process.returncode == 5, process.stderr[-3000:]
    assert "3 damaged place(s) or record(s) of the WARC files could not be read" in process.stderr
    assert articles(db) == articles(clean)
    reasons = [r[0] for r in connect(db).execute("select reason from crawl_errors where url like 'warc:%'")]
    assert sorted(r.split(": ", 1)[0].rsplit("/", 1)[-1] for r in reasons) == \
        ["a-bomb.warc.gz", "b-zeros.warc.gz", "c-garbage.warc.gz"]
    assert any("header line over 64 KiB" in r for r in reasons) and any("all zero" in r for r in reasons)
    assert peak < 400 * 1024  # KB; the 256 MB header line took the import to 754 MB before
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    stats = json.loads(connect(db).execute("select stats from crawl_runs").fetchone()[0])
    assert stats["archive/warc_damaged"] == 3


def read_so_far(pid: int) -> int:
    return int(Path(f"/proc/{pid}/io").read_text().split("rchar:")[1].split()[0])


@pytest.mark.slow
def test_sigterm_stops_an_import_in_the_middle_of_a_long_read(good, tmp_path):
    path = write(tmp_path / "long.warc.gz", good)
    with open(path, "r+b") as out:
        out.truncate(len(good) + 1024 ** 4)  # then a tebibyte of zero bytes: a sparse file, no disk space used
    db = tmp_path / "archive.db"
    process = subprocess.Popen([sys.executable, "-m", "scraper.cli", "crawl", "--source", "warc", "--db", str(db),
                                str(path)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        into_the_zeros = 512 * 1024 ** 2  # bytes read: far past the records and what start-up reads (about 14 MB)
        while read_so_far(process.pid) < into_the_zeros and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, "the import ended before the long read"
        assert read_so_far(process.pid) >= into_the_zeros, "the import never got into the zero run"
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=90)  # reading the whole file would take many minutes
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 1, stderr[-2000:]
    assert stderr.strip().splitlines()[-1] == "Error: crawl stopped early: shutdown"
    run = connect(db).execute("select status, exit_code, reason from crawl_runs").fetchone()
    assert tuple(run) == ("failed", 1, "crawl stopped early: shutdown")
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"


# -- payloads as the server sent them (Content-Encoding) -------------------------------------------------


def page(title: str) -> bytes:
    from tests.support.hostile_site import article_html
    return article_html("/ma-hoa-2031.html", title, "13-01-2021 20:36", f"Nội dung của bài {title}.").encode()


def read_one(tmp_path: Path, record: bytes) -> tuple[bytes, int]:
    """The payload of the one record of a file, and the most memory reading it held at once (traced)."""
    path = write(tmp_path / "one.warc.gz", record)
    entries, _, problems = scan([path])
    assert len(entries) == 1 and not problems
    tracemalloc.start()
    try:
        body = read_record(entries[0].path, entries[0].offset)[2]
        return body, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("encoding", ["br", "gzip", "deflate", "deflate-raw", "gzip-chunked", "br-chunked"])
def test_a_page_stored_in_its_content_encoding_is_read_decoded(encoding, tmp_path):
    """Browsers' and crawlers' WARC files keep what the server sent: brotli (which warcio could not read at
    all with brotli 1.2), gzip, deflate with or without zlib's wrapper, in HTTP chunks or not."""
    import brotli
    body = page(f"Bài mã hóa {encoding}")
    raw_deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    encoded = {"br": brotli.compress(body), "gzip": gzip.compress(body), "deflate": zlib.compress(body),
               "deflate-raw": raw_deflate.compress(body) + raw_deflate.flush()}[encoding.split("-")[0]
                                                                                 if encoding != "deflate-raw"
                                                                                 else encoding]
    name = encoding.split("-")[0]
    got, _ = read_one(tmp_path, encoded_record(SITE + "/ma-hoa-2031.html", encoded, name,
                                               chunked=encoding.endswith("chunked")))
    assert got == body


def test_a_gzip_payload_of_two_members_is_read_whole_and_what_follows_the_stream_is_left_out(tmp_path):
    body = page("Bài hai phần")
    half = len(body) // 2
    encoded = gzip.compress(body[:half]) + gzip.compress(body[half:])
    got, _ = read_one(tmp_path, encoded_record(SITE + "/ma-hoa-2031.html", encoded, "gzip"))
    assert got == body
    got, _ = read_one(tmp_path, encoded_record(SITE + "/ma-hoa-2031.html", gzip.compress(body) + bytes(100), "gzip"))
    assert got == body


def test_a_payload_that_is_not_the_encoding_it_claims_is_read_as_it_is(tmp_path):
    body = page("Bài không nén")
    got, _ = read_one(tmp_path, encoded_record(SITE + "/ma-hoa-2031.html", body, "gzip"))
    assert got == body


def test_a_payload_damaged_inside_its_encoding_is_refused_as_damaged(tmp_path):
    body = page("Bài hỏng") * 200
    encoded = bytearray(gzip.compress(body, 1))
    encoded[len(encoded) // 2:len(encoded) // 2 + 64] = bytes(64)
    with pytest.raises(RecordDamage, match="gzip encoding is damaged"):
        read_one(tmp_path, encoded_record(SITE + "/ma-hoa-2031.html", bytes(encoded), "gzip"))


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_compression_bomb_in_a_payload_is_refused_within_bounds(encoding, tmp_path):
    """1 GiB of zeros in 190 KB of brotli (or 16 MiB of zeros in 16 KB of gzip blocks) is refused at
    MAX_PAYLOAD, decoded a piece at a time: warcio inflated a brotli block whole."""
    encoded = brotli_bomb(1024 * MiB) if encoding == "br" else gzip.compress(bytes(64 * MiB), 9)
    path = write(tmp_path / "bomb.warc.gz", encoded_record(SITE + "/bom-nen-2032.html", encoded, encoding))
    entry = scan([path])[0][0]
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=f"larger than {MAX_PAYLOAD} bytes"):
            read_record(entry.path, entry.offset)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * MAX_PAYLOAD


@pytest.mark.slow
def test_an_import_reads_a_brotli_page_and_names_a_brotli_bomb(tmp_path):
    """Whole import: the page a server sent in brotli is archived, the bomb beside it is one crawl error and
    the run is incomplete (exit 5, not 'site unreachable'), the import stays small."""
    import brotli
    path = write(tmp_path / "br.warc.gz",
                 encoded_record(SITE + "/ma-hoa-2031.html", brotli.compress(page("Bài nén brotli")), "br"),
                 encoded_record(SITE + "/bom-nen-2032.html", brotli_bomb(1024 * MiB), "br"))
    db = tmp_path / "archive.db"
    process, peak = measured_import(db, path)
    assert process.returncode == 5, process.stderr[-3000:]
    assert "1 damaged place(s) or record(s) of the WARC files could not be read" in process.stderr
    assert [title for (title,) in connect(db).execute("select title from articles")] == ["Bài nén brotli"]
    reasons = [r for (r,) in connect(db).execute("select reason from crawl_errors")]
    assert len(reasons) == 1 and f"larger than {MAX_PAYLOAD} bytes" in reasons[0]
    assert peak < 400 * 1024  # KB


@pytest.mark.slow
def test_a_warc_file_of_another_site_says_so_instead_of_blaming_the_network(tmp_path):
    other = response_record("https://example.org/bai-viet-1.html", "<html><body>Trang khác</body></html>".encode())
    db = tmp_path / "archive.db"
    process, _ = measured_import(db, write(tmp_path / "other.warc.gz", other))
    assert process.returncode == 3, process.stderr[-3000:]
    assert "the WARC files hold no page of the site that answered 200 (HTML): nothing to archive (records " \
           "skipped: 1)" in process.stderr
    assert "connection errors" not in process.stderr
    assert connect(db).execute("select count(*) from articles").fetchone()[0] == 0
