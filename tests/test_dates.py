"""The one date module (kinhtedothi/vocab/dates.py): what the paper prints, ISO timestamps, a reader's day, web-archive
timestamps, and how the archive writes them back. Tables first; then the rule that nobody else parses dates."""

import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from kinhtedothi.vocab import dates as D
from kinhtedothi.vocab.dates import GarbledDate
from tests.support.cost import lines_run

pytestmark = pytest.mark.fast

ROOT = Path(__file__).resolve().parent.parent
HANOI = timezone(timedelta(hours=7))  # written out here, so the tests do not check the module against itself


# -- what the site prints -> published_at ---------------------------------------------------------------

@pytest.mark.parametrize("raw, published_at", [
    ("13-01-2021 20:36", "2021-01-13T20:36:00+07:00"),                     # legacy layout
    ("Thứ Tư, 13-01-2021 20:36 (GMT+7)", "2021-01-13T20:36:00+07:00"),     # words around it
    ("Cập nhật: 05-07-2020 | 09:15", "2020-07-05T09:15:00+07:00"),
    ("Thứ tư, 20:36 13/01/2021", "2021-01-13T20:36:00+07:00"),             # current layout: time first
    ("20:36 13/01/2021", "2021-01-13T20:36:00+07:00"),                     # without weekday
    ("13/01/2021 20:36", "2021-01-13T20:36:00+07:00"),
    ("13.1.2021 9h05", "2021-01-13T09:05:00+07:00"),
    ("1/1/2021 00:00:59", "2021-01-01T00:00:59+07:00"),
    ("29/02/2020 10:00", "2020-02-29T10:00:00+07:00"),                     # a leap day
    ("13/01/2021", "2021-01-13"),                                          # no time of day: a bare date
    ("2021-01-13", "2021-01-13"),
    ("2021-01-13T20:36:00+07:00", "2021-01-13T20:36:00+07:00"),            # article:published_time
    ("2021-01-13T20:36", "2021-01-13T20:36:00+07:00"),                     # no offset: Hanoi time
    ("2021-01-13 20:36", "2021-01-13T20:36:00+07:00"),
    ("2021-01-13T13:36:00Z", "2021-01-13T20:36:00+07:00"),                 # UTC, moved to Hanoi's offset
    ("2021-01-13T13:36:00.250+00:00", "2021-01-13T20:36:00.250000+07:00"),
    ("2021-01-12T17:00:00Z", "2021-01-13T00:00:00+07:00"),                 # midnight in Hanoi is 17:00 UTC
    ("2021-01-12T16:59:59Z", "2021-01-12T23:59:59+07:00"),                 # ... and a second before: the day before
    ("2020-12-31T17:00:00Z", "2021-01-01T00:00:00+07:00"),                 # a new year in Hanoi, not yet in UTC
])
def test_what_the_site_prints_becomes_hanoi_time(raw, published_at):
    assert D.parse_published(raw) == published_at


@pytest.mark.parametrize("raw", [
    "hôm qua",                    # no date at all
    "32-13-2021 25:61",           # out of range everywhere
    "31-02-2021 10:00",           # no such day
    "29/02/2021 10:00",           # not a leap year
    "29/02/2021",
    "2021-02-30",
    "13/01/2021 24:00",           # 24:00 is not a time of day here
    "2021-01-13T24:00:00+07:00",
    "2021-13-01T10:00:00",
    "9999-12-31T23:00Z",          # past the calendar's last day once in Hanoi time
])
def test_garbled_dates_raise_one_error_naming_the_text(raw):
    with pytest.raises(GarbledDate) as caught:
        D.parse_published(raw)
    assert repr(raw) in str(caught.value)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("raw", [None, ""])
def test_no_text_is_no_date(raw):
    assert D.parse_published(raw) is None


def saved_pages():
    for path in sorted((ROOT / "tests" / "pages").rglob("*.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(expected, dict) and expected.get("published_raw"):
            yield pytest.param(expected["published_raw"], expected.get("published_at"), id=path.stem)


@pytest.mark.parametrize("raw, published_at", list(saved_pages()))
def test_every_saved_page_date_reads_as_its_page_says(raw, published_at):
    """The dates of the saved real and sample pages, as printed, and what a person reads in them."""
    assert D.parse_published(raw) == published_at


# -- ISO timestamps ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, assume, expected", [
    ("2021-01-13T20:36:00+07:00", None, datetime(2021, 1, 13, 20, 36, tzinfo=HANOI)),
    ("2021-01-13T13:36:00Z", None, datetime(2021, 1, 13, 13, 36, tzinfo=timezone.utc)),
    ("2021-01-13T13:36:00.123456789Z", None, datetime(2021, 1, 13, 13, 36, 0, 123456, tzinfo=timezone.utc)),
    (" 2021-01-13T13:36:00+00:00\n", None, datetime(2021, 1, 13, 13, 36, tzinfo=timezone.utc)),
    ("2021-01-13T20:36:00", None, datetime(2021, 1, 13, 20, 36)),              # naive stays naive
    ("2021-01-13T20:36:00", timezone.utc, datetime(2021, 1, 13, 20, 36, tzinfo=timezone.utc)),
    ("2021-01-13", HANOI, datetime(2021, 1, 13, tzinfo=HANOI)),                 # a bare day is its midnight
    ("2021-01-13T20:36:00+07:00", timezone.utc, datetime(2021, 1, 13, 20, 36, tzinfo=HANOI)),  # offset kept
    ("2020-02-29T00:00:00+07:00", None, datetime(2020, 2, 29, tzinfo=HANOI)),
    ("2021-02-29T00:00:00+07:00", None, None),
    ("2021-01-13T24:00:00", None, None),
    ("13/01/2021", None, None),
    ("garbage", None, None),
    ("", None, None),
    (None, None, None),
])
def test_iso_timestamps_with_and_without_offset(text, assume, expected):
    moment = D.parse_iso(text, assume=assume)
    assert moment == expected
    if expected is not None:
        assert moment.utcoffset() == expected.utcoffset()


# -- a reader's day ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, day", [
    ("2021-05-23", date(2021, 5, 23)),
    ("23/5/2021", date(2021, 5, 23)),
    ("23-05-2021", date(2021, 5, 23)),
    ("23.5.2021", date(2021, 5, 23)),
    ("  1/5/2021 ", date(2021, 5, 1)),
    ("2021-5-3", date(2021, 5, 3)),
    ("29/2/2020", date(2020, 2, 29)),
    ("29/2/2021", None),                 # no leap day in 2021
    ("31/2/2021", None),
    ("32/1/2021", None),
    ("0/1/2021", None),
    ("1/13/2021", None),
    ("5/23/2021", None),                 # month/day order is not read
    ("mai", None),
    ("1/5/2021x", None),                 # the whole text must be the day
    ("2021-05-23T10:00", None),
    ("", None),
    (None, None),
])
def test_a_readers_day(text, day):
    assert D.parse_day(text) == day


def test_a_readers_day_is_the_whole_hanoi_day():
    first, after = D.day_range(date(2021, 5, 23))
    assert (first, after) == ("2021-05-23", "2021-05-24")
    midnight, next_midnight = D.parse_published("2021-05-22T17:00:00Z"), D.parse_published("2021-05-23T17:00:00Z")
    assert midnight and next_midnight                                       # Hanoi's midnights, written in UTC
    inside = ["2021-05-23", "2021-05-23T00:00:00+07:00", "2021-05-23T23:59:59+07:00", midnight]
    outside = ["2021-05-22T23:59:59+07:00", "2021-05-24", "2021-05-24T00:00:00+07:00", next_midnight]
    assert all(first <= stored < after for stored in inside)
    assert not any(first <= stored < after for stored in outside)


def test_a_readers_day_range_crosses_months_years_and_leap_days():
    assert D.day_range(date(2020, 2, 28)) == ("2020-02-28", "2020-02-29")
    assert D.day_range(date(2020, 2, 29)) == ("2020-02-29", "2020-03-01")
    assert D.day_range(date(2021, 2, 28)) == ("2021-02-28", "2021-03-01")
    assert D.day_range(date(2021, 12, 31)) == ("2021-12-31", "2022-01-01")


# -- web-archive timestamps -----------------------------------------------------------------------------

@pytest.mark.parametrize("stamp, moment", [
    ("20210523101500", datetime(2021, 5, 23, 10, 15, tzinfo=timezone.utc)),
    ("20200229235959", datetime(2020, 2, 29, 23, 59, 59, tzinfo=timezone.utc)),
    ("202105231015", datetime(2021, 5, 23, 10, 15, tzinfo=timezone.utc)),       # partial: its earliest moment
    ("20210523", datetime(2021, 5, 23, tzinfo=timezone.utc)),
    ("2021", datetime(2021, 1, 1, tzinfo=timezone.utc)),
    ("20210229000000", None),
    ("20211399000000", None),
    ("20210523240000", None),
    ("202105231015001", None),           # 15 digits
    ("202", None),
    ("2021-05-23", None),
    ("", None),
    (None, None),
])
def test_wayback_and_warc_timestamps(stamp, moment):
    assert D.parse_timestamp(stamp) == moment


def test_timestamps_are_written_in_utc():
    hanoi_midnight = datetime(2021, 5, 23, tzinfo=HANOI)
    assert D.timestamp(hanoi_midnight) == "20210522170000"
    assert D.warc_date(hanoi_midnight) == "2021-05-22T17:00:00Z"
    assert D.timestamp(datetime(2021, 5, 23, 10, 15)) == "20210523101500"   # naive: UTC already
    assert D.timestamp(datetime(1, 1, 1, tzinfo=HANOI)) == ""               # before the calendar in UTC
    for stamp in ("20210523101500", "20200229235959", "19991231235959"):
        moment = D.parse_timestamp(stamp)
        assert moment and D.timestamp(moment) == stamp


# -- as the archive writes them -------------------------------------------------------------------------

@pytest.mark.parametrize("stored, printed, day", [
    ("2021-01-13T20:36:00+07:00", "13/01/2021 20:36", "13/01/2021"),
    ("2021-01-13T13:36:00+00:00", "13/01/2021 20:36", "13/01/2021"),        # shown in Hanoi time
    ("2021-01-12T17:00:00Z", "13/01/2021 00:00", "13/01/2021"),             # Hanoi's midnight: the next day
    ("2021-01-12T16:59:00Z", "12/01/2021 23:59", "12/01/2021"),
    ("2021-01-13", "13/01/2021", "13/01/2021"),                             # the paper gave no time: none shown
    ("2021-01-13T20:36:00", "13/01/2021 20:36", "13/01/2021"),              # no offset: shown as written
    ("hôm qua", "hôm qua", "hôm qua"),                                      # not a date: kept as it is
    (None, "", ""),
])
def test_dates_as_the_paper_prints_them(stored, printed, day):
    assert D.paper_date(stored) == printed
    assert D.paper_date(stored, with_time=False) == day


@pytest.mark.parametrize("stored, shown", [
    ("2021-01-13T13:36:00+00:00", "2021-01-13 13:36 UTC"),
    ("2021-01-13T20:36:00+07:00", "2021-01-13 13:36 UTC"),                  # moved to UTC
    ("2021-01-13T00:30:00+07:00", "2021-01-12 17:30 UTC"),                  # ... across midnight
    ("2021-01-13T13:36:00", "2021-01-13 13:36 UTC"),                        # no offset: the archive's UTC
    ("0001-01-01T00:00:00+07:00", "0001-01-01T00:00:00+07:00"),             # cannot be moved: kept
    ("not yet", "not yet"),
    (None, ""),
])
def test_the_archives_own_times_in_utc(stored, shown):
    assert D.utc_time(stored) == shown


def test_hanoi_time_takes_any_format_and_datetimes():
    assert D.hanoi_time("2021-01-12T17:00:00+00:00", "%Y-%m-%d %H:%M") == "2021-01-13 00:00"
    assert D.hanoi_time(datetime(2021, 1, 12, 17, tzinfo=timezone.utc), "%d/%m/%Y") == "13/01/2021"
    assert D.utc_time(datetime(2021, 1, 13, 0, 30, tzinfo=HANOI), "%Y-%m-%d") == "2021-01-12"


def test_hanoi_is_utc_plus_seven_all_year():
    assert D.HANOI.utcoffset(datetime(2021, 1, 1)) == timedelta(hours=7)
    assert D.HANOI.utcoffset(datetime(2021, 7, 1)) == timedelta(hours=7)


# -- where the archive shows them ----------------------------------------------------------------------------

def test_the_wayback_link_asks_for_the_utc_moment():
    from datasette_kinhtedothi.archive.article import wayback_url

    url = "https://kinhtedothi.vn/a-1.html"
    assert wayback_url(url, "2021-01-13T20:36:00+07:00") == f"https://web.archive.org/web/20210113133600/{url}"
    assert wayback_url(url, "2021-01-13T13:36:00+00:00") == f"https://web.archive.org/web/20210113133600/{url}"
    assert wayback_url(url, None) == f"https://web.archive.org/web/2/{url}"    # the latest capture


def test_a_feed_is_updated_at_its_latest_moment_whatever_the_offsets(tmp_path):
    import sqlite3
    from xml.etree import ElementTree

    from tests.support.datasette import datasette_for, get

    db = tmp_path / "feeds.db"
    with sqlite3.connect(db) as conn:
        conn.execute("create table t (atom_id text, atom_title text, atom_updated text)")
        conn.executemany("insert into t values (?, ?, ?)", [
            ("a", "A", "2021-01-13T20:00:00+07:00"),     # 13:00 UTC: the greatest text, not the latest moment
            ("b", "B", "2021-01-13T14:00:00+00:00"),     # the latest moment
            ("c", "C", "2021-01-13"),                    # a bare day, no offset: UTC
        ])
    response = get(datasette_for(db), "/feeds/t.atom")
    feed = ElementTree.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert feed.findtext("a:updated", namespaces=ns) == "2021-01-13T14:00:00+00:00"
    assert [e.findtext("a:updated", namespaces=ns) for e in feed.findall("a:entry", ns)] == [
        "2021-01-13T20:00:00+07:00", "2021-01-13T14:00:00+00:00", "2021-01-13T00:00:00+00:00"]


# -- cost: hostile text is read in one pass --------------------------------------------------------------

def test_long_hostile_texts_cost_a_few_lines():
    assert D.parse_day(" " * 100_000 + "1/5/2021" + "x") is None
    assert 0 < lines_run(D.parse_day, "9" * 1_000_000) < 20
    assert 0 < lines_run(D.parse_timestamp, "9" * 1_000_000) < 20
    with pytest.raises(GarbledDate):
        D.parse_published("9" * 1_000_000)
    assert lines_run(lambda: pytest.raises(GarbledDate, D.parse_published, "9" * 100_000)) < 40


# -- one date parser --------------------------------------------------------------------------------------

READERS = re.compile(r"\b(strptime|fromisoformat)\(|timezone\(timedelta\(")


def test_nobody_but_vocab_dates_parses_dates():
    """Dates are read in kinhtedothi/vocab/dates.py only: no strptime, fromisoformat or home-made Hanoi zone
    elsewhere in the packages (the sample site is the world we crawl: it keeps its own)."""
    found = []
    for package in ("kinhtedothi/vocab", "scraper", "pipelines", "datasette_kinhtedothi"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "kinhtedothi" / "vocab" / "dates.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if READERS.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
    # the check can see them
    assert READERS.search((ROOT / "kinhtedothi" / "vocab" / "dates.py").read_text(encoding="utf-8"))
