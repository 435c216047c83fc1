"""Publication dates as the site writes them, read as Hanoi time (UTC+7, no DST)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

HANOI = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)")
_HM = re.compile(r"(?<!\d)(\d{1,2})[:h](\d{2})(?::(\d{2}))?(?!\d)")


class GarbledDate(ValueError):
    """A date text that names no real day and time."""


def parse_published(raw: str | None) -> str | None:
    """``13-01-2021 20:36`` / ``Thứ tư, 20:36 13/01/2021`` / ISO -> ``2021-01-13T20:36:00+07:00``.

    Returns None for no text; raises GarbledDate for text that is not a date.
    A date with no time of day comes back as the bare date (``2021-01-13``).
    """
    if not raw:
        return None
    iso = _ISO.search(raw)
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
        raise GarbledDate(f"no day-month-year in {raw!r}")
    day, month, year = (int(g) for g in dmy.groups())
    rest = raw[: dmy.start()] + " " + raw[dmy.end():]
    hm = _HM.search(rest)
    try:
        if not hm:
            return datetime(year, month, day).date().isoformat()
        hour, minute, second = int(hm.group(1)), int(hm.group(2)), int(hm.group(3) or 0)
        return datetime(year, month, day, hour, minute, second, tzinfo=HANOI).isoformat()
    except (ValueError, OverflowError) as error:
        raise GarbledDate(f"impossible date in {raw!r}: {error}") from error
