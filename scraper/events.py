"""The event catalog: the "Dòng sự kiện" feeds this archive keeps.

Feeds are found on the site by their *names* in the "Dòng sự kiện" bar
(matched with ``fold_name``: case, diacritics, ``khóa``/``khoá`` and quote
style do not matter). ``fallback_url`` is used only when the bar does not
list the event. To add an event, append an ``Event`` here (see docs/operators.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kinhtedothi.vocab.text import fold_name


@dataclass(frozen=True)
class Event:
    slug: str
    name: str
    aliases: tuple[str, ...] = field(default=())
    fallback_url: str | None = None
    # Today's site (no "Dòng sự kiện" bar): the event's tag page, else the site search for
    # ``search_words`` (default: the name), keeping only articles published from ``start`` to ``end``.
    tag_url: str | None = None
    search_words: str | None = None
    start: str | None = None   # ISO date, first day of the event's coverage
    end: str | None = None     # ISO date, last day

    def within(self, published_at: str | None) -> bool:
        """True when an article published at ``published_at`` (ISO) falls in the event's dates."""
        if not published_at:
            return False
        day = published_at[:10]
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

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
        tag_url="https://kinhtedothi.vn/tag/bau-cu-dai-bieu-quoc-hoi-khoa-xv",  # a guess (docs/site.md: unknown)
        start="2020-06-01", end="2021-12-31",  # election day 23 May 2021, with the run-up and the results
    ),
    Event(
        slug="dai-dich-covid-19",
        name="Đại dịch Covid-19",
        aliases=("Dịch Covid-19", "Đại dịch Covid 19"),
        fallback_url="https://kinhtedothi.vn/su-kien/719/dai-dich-covid-19.html",
        tag_url="https://kinhtedothi.vn/tag/dai-dich-covid-19",  # a guess (docs/site.md: unknown)
        start="2020-01-01", end="2022-12-31",
    ),
    Event(
        slug="cuoc-thi-bao-ve-moi-truong",
        name='Cuộc thi viết "Bảo vệ môi trường trên địa bàn TP Hà Nội"',
        aliases=('Cuộc thi viết "Bảo vệ môi trường trên địa bàn Thành phố Hà Nội"',),
        fallback_url=None,  # id not known (docs/site.md)
        tag_url="https://kinhtedothi.vn/tag/cuoc-thi-viet-bao-ve-moi-truong",  # a guess (docs/site.md: unknown)
        search_words="Bảo vệ môi trường trên địa bàn TP Hà Nội",
        start="2020-01-01", end="2020-12-31",  # the 2020 contest: works published 1 Jan – 31 Dec 2020
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
