"""Dates, read and written in one place: what the paper prints, ISO timestamps, a reader's day, web-archive
timestamps. Nothing else in the project calls ``strptime`` or ``fromisoformat`` (a test checks).

Two clocks meet here. The paper prints Hanoi time (UTC+7, no daylight saving), and ``published_at`` is
stored in it with its offset (``2021-01-13T20:36:00+07:00``), or as a bare day (``2021-01-13``) when the
paper printed no time of day; a reader's day (``from``/``to`` in a search) is a whole Hanoi day. Everything
the archive itself stamps (``fetched_at``, ``first_seen_at``, runs) is UTC, and so are the Wayback
Machine's and WARC files' timestamps.

Reading: :func:`parse_published` (the page's date, garbled text raises :class:`GarbledDate`),
:func:`parse_iso`, :func:`parse_day` with :func:`day_range`, :func:`parse_timestamp`, :func:`parse_mail_date`
(a saved MHTML page's ``Date``), :func:`file_time`; they return None for text that is not what they read.
Writing: :func:`paper_date`, :func:`hanoi_time`, :func:`archive_time`, :func:`utc_time`, :func:`timestamp`,
:func:`warc_date`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime

HANOI = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")
UTC = timezone.utc

_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DAY = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)")
_HM = re.compile(r"(?<!\d)(\d{1,2})[:h](\d{2})(?::(\d{2}))?(?!\d)")
_READER_DAY = re.compile(r"^\s*(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}))\s*$")
_STAMP = re.compile(r"[0-9]{4,14}")
_STAMP_PAD = "19700101000000"  # a partial Wayback timestamp means the earliest moment it names
_BARE_DAY = 10                 # len("2021-01-13")


class GarbledDate(ValueError):
    """A date text that names no real day and time."""


# -- reading ---------------------------------------------------------------------------------------------

def parse_published(raw: str | None) -> str | None:
    """The date a page prints, as stored in ``published_at``: ISO 8601 in Hanoi time.

    ``13-01-2021 20:36``, ``Thứ tư, 20:36 13/01/2021``, ``Cập nhật: 05-07-2020 | 09:15`` (words around the
    date are ignored) or ISO metadata (``2021-01-13T13:36:00Z``, converted to Hanoi's offset) ->
    ``2021-01-13T20:36:00+07:00``. A date with no time of day stays a bare date (``13/01/2021`` or
    ``2021-01-13`` -> ``2021-01-13``). None for no text; :class:`GarbledDate` for text that is no date
    (``hôm qua``), an impossible one (``31-02-2021``, ``24:00``) or one out of range.
    """
    if not raw:
        return None
    iso = _ISO_MOMENT.search(raw)
    if iso:
        text = raw[iso.start():].strip()
        for candidate in (text, text.split()[0], text[:19]):
            try:
                moment = datetime.fromisoformat(candidate)
                break
            except ValueError:
                continue
        else:
            raise GarbledDate(f"not a date: {raw!r}")
        try:
            moment = moment.replace(tzinfo=HANOI) if moment.tzinfo is None else moment.astimezone(HANOI)
        except OverflowError as error:  # 9999-12-31T23:00Z is past the last day in Hanoi time
            raise GarbledDate(f"date out of range in {raw!r}: {error}") from error
        return moment.isoformat()
    dmy = _DMY.search(raw)
    if not dmy:
        day = _ISO_DAY.search(raw)
        if not day:
            raise GarbledDate(f"no day-month-year in {raw!r}")
        try:
            return date(*(int(g) for g in day.groups())).isoformat()
        except ValueError as error:
            raise GarbledDate(f"impossible date in {raw!r}: {error}") from error
    day_, month, year = (int(g) for g in dmy.groups())
    rest = raw[: dmy.start()] + " " + raw[dmy.end():]
    hm = _HM.search(rest)
    try:
        if not hm:
            return date(year, month, day_).isoformat()
        hour, minute, second = int(hm.group(1)), int(hm.group(2)), int(hm.group(3) or 0)
        return datetime(year, month, day_, hour, minute, second, tzinfo=HANOI).isoformat()
    except (ValueError, OverflowError) as error:
        raise GarbledDate(f"impossible date in {raw!r}: {error}") from error


def parse_iso(text: str | None, assume: tzinfo | None = None) -> datetime | None:
    """An ISO 8601 timestamp (``2021-01-13T20:36:00+07:00``, ``…Z``, fractions, ``2021-01-13 20:36``, a bare
    ``2021-01-13``) as a datetime; None when there is no text or it is not one.

    A moment without an offset (a bare day is its midnight) is read in ``assume`` when given, else left
    naive. Nothing is converted: the offset written is the offset returned.
    """
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=assume) if moment.tzinfo is None and assume is not None else moment


def parse_day(text: str | None) -> date | None:
    """A day as a reader writes it: ``2021-05-23``, ``23/5/2021``, ``23-05-2021`` or ``23.5.2021`` (the whole
    text, spaces around allowed); None when it is not a day of the calendar (``31/2/2021``, ``mai``)."""
    match = _READER_DAY.match(text or "")
    if not match:
        return None
    year, month, day = match.group(1, 2, 3) if match.group(1) else match.group(6, 5, 4)
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def day_range(day: date) -> tuple[str, str]:
    """The whole Hanoi day ``day`` as bounds on ``published_at``: included from the first, excluded from the
    second (``2021-05-23`` -> ``("2021-05-23", "2021-05-24")``). They are ISO prefixes, to compare with the
    stored text, which is Hanoi time, so a bare-day ``published_at`` falls in its day too."""
    return day.isoformat(), (day + timedelta(days=1)).isoformat()


def parse_timestamp(stamp: str | None) -> datetime | None:
    """A Wayback Machine / WARC timestamp (``20210523101500``, UTC) as a datetime in UTC. A shorter one
    (4 to 13 digits) is its earliest moment, as the Wayback Machine reads it (``2021`` -> 1 January 00:00).
    None when it is not one (not digits, or no real day and time)."""
    if not stamp or not _STAMP.fullmatch(stamp):
        return None
    stamp += _STAMP_PAD[len(stamp):]
    try:
        return datetime(int(stamp[0:4]), int(stamp[4:6]), int(stamp[6:8]), int(stamp[8:10]), int(stamp[10:12]),
                        int(stamp[12:14]), tzinfo=UTC)
    except ValueError:
        return None


def parse_mail_date(text: str | None) -> datetime | None:
    """An Internet Message date (``Tue, 14 May 2024 10:00:00 +0700``: the ``Date`` a browser writes in an MHTML
    file) as a datetime; one without a zone is read as UTC; None when it is not one."""
    try:
        moment = parsedate_to_datetime(text) if text else None
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def file_time(seconds: float) -> datetime | None:
    """A file's modification time (seconds since the epoch) as a datetime in UTC; None when out of range."""
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


# -- writing ---------------------------------------------------------------------------------------------

def _in(moment: datetime, zone: tzinfo) -> datetime | None:
    try:
        return moment.astimezone(zone)
    except OverflowError:  # a first or last day of the calendar, moved past its end
        return None


def _shown(value: str | datetime | None, zone: tzinfo, assume: tzinfo | None, fmt: str) -> str:
    moment = parse_iso(value, assume) if isinstance(value, str) or value is None else value
    if moment is None:
        return value if isinstance(value, str) else ""
    if moment.tzinfo is None and assume is None:
        return moment.strftime(fmt)
    moved = _in(moment.replace(tzinfo=assume) if moment.tzinfo is None else moment, zone)
    return moved.strftime(fmt) if moved else (value if isinstance(value, str) else "")


def hanoi_time(value: str | datetime | None, fmt: str) -> str:
    """A stored ISO date (or a datetime) in Hanoi time, formatted with ``fmt``; one without offset is shown as
    written, text that is not a date is kept as it is, no text is ``""``."""
    return _shown(value, HANOI, None, fmt)


def paper_date(value: str | datetime | None, with_time: bool = True) -> str:
    """A stored ISO date as the paper prints it, in Hanoi time: ``13/01/2021 20:36`` (``13/01/2021`` without
    the time, or when the stored value is a bare day: the paper gave no time of day)."""
    bare = isinstance(value, str) and len(value.strip()) == _BARE_DAY
    return hanoi_time(value, "%d/%m/%Y %H:%M" if with_time and not bare else "%d/%m/%Y")


def archive_time(value: str | datetime | None) -> str:
    """One of the archive's own stamps (UTC; one without offset is read as UTC) in Hanoi time, as the pages
    show every time: ``13/01/2021 20:36``."""
    return _shown(value, HANOI, UTC, "%d/%m/%Y %H:%M")


def utc_time(value: str | datetime | None, fmt: str = "%Y-%m-%d %H:%M UTC") -> str:
    """A stored ISO timestamp (or a datetime) in UTC: ``2021-01-13 13:36 UTC``; one without offset is read as
    UTC, as the archive stamps its own times; text that is not one is kept as it is, no text is ``""``."""
    return _shown(value, UTC, UTC, fmt)


def timestamp(moment: datetime) -> str:
    """A moment as a Wayback / WARC-index timestamp: ``20210523101500``, UTC (naive is read as UTC); ``""``
    when it cannot be moved to UTC."""
    return _shown(moment, UTC, UTC, "%Y%m%d%H%M%S")


def warc_date(moment: datetime) -> str:
    """A moment as a ``WARC-Date``: ``2021-05-23T10:15:00Z`` (naive is read as UTC); ``""`` when it cannot be
    moved to UTC."""
    return _shown(moment, UTC, UTC, "%Y-%m-%dT%H:%M:%SZ")
