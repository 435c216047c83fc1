"""The recheck schedule: how often an archived article is fetched again, by its age."""

from datetime import datetime, timedelta, timezone

import pytest

from pipelines.recheck import DEFAULT_SCHEDULE, interval, is_due, parse_schedule

pytestmark = pytest.mark.fast

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
RULES = parse_schedule(DEFAULT_SCHEDULE)


@pytest.mark.parametrize("age, every", [
    (timedelta(hours=1), timedelta(hours=6)),
    (timedelta(days=1, hours=23), timedelta(hours=6)),
    (timedelta(days=2), timedelta(days=1)),       # the limit itself belongs to the next rule
    (timedelta(days=6), timedelta(days=1)),
    (timedelta(days=7), timedelta(days=7)),
    (timedelta(days=29), timedelta(days=7)),
    (timedelta(days=30), timedelta(days=30)),
    (timedelta(days=364), timedelta(days=30)),
    (timedelta(days=365), timedelta(days=180)),
    (timedelta(days=5 * 365), timedelta(days=180)),
])
def test_the_default_schedule_thins_out_with_age(age, every):
    assert interval(age, RULES) == every


def test_an_article_is_due_once_its_interval_has_passed_since_the_last_check():
    published = (NOW - timedelta(days=1)).isoformat()  # a day old: every 6 hours
    assert not is_due(published, None, (NOW - timedelta(hours=5, minutes=59)).isoformat(), RULES, NOW)
    assert is_due(published, None, (NOW - timedelta(hours=6)).isoformat(), RULES, NOW)


def test_an_old_article_waits_half_a_year():
    published = "2021-05-20T10:00:00+07:00"
    assert not is_due(published, None, (NOW - timedelta(days=179)).isoformat(), RULES, NOW)
    assert is_due(published, None, (NOW - timedelta(days=180)).isoformat(), RULES, NOW)


def test_age_counts_from_first_seen_when_the_date_is_unknown_and_a_bare_date_counts_too():
    assert not is_due(None, (NOW - timedelta(days=3)).isoformat(), (NOW - timedelta(hours=23)).isoformat(), RULES, NOW)
    assert is_due(None, (NOW - timedelta(days=3)).isoformat(), (NOW - timedelta(hours=24)).isoformat(), RULES, NOW)
    assert is_due("2026-05-31", None, "2026-05-31T17:00:00+00:00", RULES, NOW)  # 1 day old, checked 19 h ago


def test_a_never_checked_article_is_due():
    assert is_due("2021-05-20T10:00:00+07:00", None, None, RULES, NOW)


def test_a_schedule_without_a_catch_all_gets_half_a_year_for_the_oldest():
    rules = parse_schedule("1d:1h")
    assert interval(timedelta(hours=2), rules) == timedelta(hours=1)
    assert interval(timedelta(days=900), rules) == timedelta(days=180)


@pytest.mark.parametrize("text", ["soon", "2d", "2d:6x", "*:"])
def test_a_malformed_schedule_is_refused_with_its_reason(text):
    with pytest.raises(ValueError):
        parse_schedule(text)
