"""When to look at an archived article again: often while it is fresh, rarely once it is old.

The schedule is the ``RECHECK_SCHEDULE`` setting: comma-separated ``AGE:EVERY``
pairs, checked in order; ``*`` is any age. The default

    2d:6h, 7d:1d, 30d:7d, 365d:30d, *:180d

re-checks an article younger than 2 days every 6 hours, one younger than a week
daily, one younger than a month weekly, one younger than a year monthly, and
older ones twice a year. Age counts from ``published_at`` (or ``first_seen_at``).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from kinhtedothi.vocab.dates import HANOI, UTC, parse_iso

DEFAULT_SCHEDULE = "2d:6h, 7d:1d, 30d:7d, 365d:30d, *:180d"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def duration(text: str) -> timedelta:
    """``6h`` -> 6 hours; units s, m, h, d, w."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (use e.g. 30m, 6h, 7d)")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


def parse_schedule(text: str) -> list[tuple[timedelta | None, timedelta]]:
    """``"2d:6h, *:180d"`` -> [(2 days, 6 hours), (None, 180 days)]."""
    rules = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        age, _, every = part.partition(":")
        if not every:
            raise ValueError(f"schedule entry {part!r} is not AGE:EVERY")
        rules.append((None if age.strip() == "*" else duration(age), duration(every)))
    if not rules or rules[-1][0] is not None:
        rules.append((None, timedelta(days=180)))
    return rules


def interval(age: timedelta, rules: list[tuple[timedelta | None, timedelta]]) -> timedelta:
    for limit, every in rules:
        if limit is None or age < limit:
            return every
    return rules[-1][1]


def is_due(published_at: str | None, first_seen_at: str | None, last_checked_at: str | None,
           rules: list[tuple[timedelta | None, timedelta]], now: datetime) -> bool:
    """True when the article's last check is older than its age's interval. ``published_at`` without a time
    (a bare day) or an offset is Hanoi time; the archive's own stamps without an offset are UTC; a value that is
    not a date counts as missing."""
    checked = parse_iso(last_checked_at, assume=UTC)
    if checked is None:
        return True
    born = parse_iso(published_at, assume=HANOI) or parse_iso(first_seen_at, assume=UTC) or checked
    return now - checked >= interval(now - born, rules)
