"""The event catalog: the "Dòng sự kiện" feeds this archive keeps.

Feeds are found on the site by their *names* in the "Dòng sự kiện" bar
(matched with ``fold_name``: case, diacritics, ``khóa``/``khoá`` and quote
style do not matter). ``fallback_url`` is used only when the bar does not
list the event. To add an event, append an ``Event`` here (see docs/operators.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.text import fold_name


@dataclass(frozen=True)
class Event:
    slug: str
    name: str
    aliases: tuple[str, ...] = field(default=())
    fallback_url: str | None = None

    def matches(self, text: str) -> bool:
        """True when a link text in the bar names this event."""
        key = fold_name(text)
        return bool(key) and key in {fold_name(n) for n in (self.name, *self.aliases)}


EVENTS: tuple[Event, ...] = (
    Event(
        slug="bau-cu-quoc-hoi-khoa-xv",
        name="Bầu cử đại biểu Quốc hội khóa XV và HĐND các cấp",
        aliases=(
            "Bầu cử đại biểu Quốc hội khóa XV và đại biểu HĐND các cấp",
            "Bầu cử đại biểu Quốc hội khóa XV và đại biểu Hội đồng nhân dân các cấp",
            "Bầu cử đại biểu Quốc hội khóa XV và Hội đồng nhân dân các cấp",
        ),
        fallback_url=None,  # id not known (docs/site.md)
    ),
    Event(
        slug="dai-dich-covid-19",
        name="Đại dịch Covid-19",
        aliases=("Dịch Covid-19", "Đại dịch Covid 19"),
        fallback_url="https://kinhtedothi.vn/su-kien/719/dai-dich-covid-19.html",
    ),
    Event(
        slug="cuoc-thi-bao-ve-moi-truong",
        name='Cuộc thi viết "Bảo vệ môi trường trên địa bàn TP Hà Nội"',
        aliases=('Cuộc thi viết "Bảo vệ môi trường trên địa bàn Thành phố Hà Nội"',),
        fallback_url=None,  # id not known (docs/site.md)
    ),
)


def by_slug(slug: str) -> Event:
    for event in EVENTS:
        if event.slug == slug:
            return event
    known = ", ".join(e.slug for e in EVENTS)
    raise KeyError(f"unknown event {slug!r} (known: {known})")


def select(slugs: str | list[str] | None) -> list[Event]:
    """Events named in a comma-separated list (all of them when empty)."""
    if not slugs:
        return list(EVENTS)
    if isinstance(slugs, str):
        slugs = [s for s in slugs.split(",")]
    return [by_slug(s.strip()) for s in slugs if s.strip()]
