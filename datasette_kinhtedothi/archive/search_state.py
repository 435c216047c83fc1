"""What a search page shows, as URL arguments: read them, check them, and make every link from them.

One state, one function for links: :func:`link` takes the page's state and the
changes a link makes (choose a facet value, go to page 2, switch to exact
spelling, another format) and gives the URL. Every link of the search page,
its feed, its exports and its chart goes through it, so none drops a filter.

Arguments (all optional, all combinable):

``q``        the search, in the archive's search language (``title:``, ``tag:``, ``author:`` narrow a word or
             a "phrase" to one field)
``exact``    ``1``: exact spelling (diacritics count) instead of folded search
``from``     first day, ``2021-05-01`` or ``1/5/2021``, included whole (Hanoi time)
``to``       last day, likewise, included whole
``event``, ``tag``, ``person``, ``section``   filters, repeatable (``event``, ``tag``, ``person``: all must hold;
             ``section``: any)
``place``    a place the articles name (``article_places.place_key``: ``quận Tây Hồ``, ``phường Quảng An, quận Tây
             Hồ``; a district takes in its wards), repeatable, all must hold
``year``, ``month``  ``2021``, ``2021-05``
``sort``     ``relevance`` (default with a search), ``newest`` (default without), ``oldest``
``page``     1, 2, …
``lang``     ``vi`` or ``en`` (the interface)
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from datetime import date

from datasette_kinhtedothi.archive.i18n import gettext as _
from datasette_kinhtedothi.archive.i18n import register
from kinhtedothi.vocab.dates import day_range
from kinhtedothi.vocab.dates import parse_day as reader_day

register({
    "search.error.date": {"vi": "Ngày không hợp lệ: “{value}” ({name}). Hãy viết ngày như 2021-05-23 hoặc 23/5/2021.",
                          "en": "Not a date: “{value}” ({name}). Write a date as 2021-05-23 or 23/5/2021."},
    "search.error.range": {"vi": "Ngày bắt đầu ({start}) sau ngày kết thúc ({end}).",
                           "en": "The first day ({start}) is after the last day ({end})."},
    "search.error.year": {"vi": "Năm không hợp lệ: “{value}”.", "en": "Not a year: “{value}”."},
    "search.error.month": {"vi": "Tháng không hợp lệ: “{value}” (viết 2021-05).",
                           "en": "Not a month: “{value}” (write 2021-05)."},
    "search.error.page": {"vi": "Trang không hợp lệ: “{value}”.", "en": "Not a page number: “{value}”."},
    "search.error.too_long": {"vi": "Từ khóa quá dài (tối đa {limit} ký tự).",
                              "en": "The search is too long (at most {limit} characters)."},
    "search.error.filter_too_long": {"vi": "Giá trị lọc “{name}” quá dài (tối đa {limit} ký tự).",
                                     "en": "The {name} filter is too long (at most {limit} characters)."},
    "search.error.too_many_values": {"vi": "Quá nhiều giá trị lọc “{name}”: {count} (tối đa {limit}).",
                                     "en": "Too many {name} filters: {count} (at most {limit})."},
    "search.param.from": {"vi": "từ ngày", "en": "from"},
    "search.param.to": {"vi": "đến ngày", "en": "to"},
})

MULTI = ("event", "tag", "person", "section", "place")
SINGLE = ("q", "exact", "from", "to", "year", "month", "sort", "page", "lang")
ORDER = ("q", "exact", "from", "to", "event", "tag", "person", "section", "place", "year", "month", "sort", "page",
         "lang")
SORTS = ("relevance", "newest", "oldest")
MAX_QUERY = 500          # characters of a search
MAX_VALUES = 10          # values of one repeatable filter
MAX_FILTER = 200         # characters of one filter value (an event, tag, person or section name)
MAX_PAGE = 1000
PAGE_SIZE = 20
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^\d{4}$")


class BadState(ValueError):
    """An argument the page cannot honour (a wrong date): shown to the reader, never an empty result."""


def parse_day(value: str, name: str, lang: str) -> date:
    """``2021-05-23``, ``23/5/2021`` (or ``23-05-2021``) as a date; BadState when it is none."""
    day = reader_day(value)
    if day is None:
        raise BadState(_("search.error.date", lang, value=value[:40], name=_(f"search.param.{name}", lang)))
    return day


@dataclass
class SearchState:
    """The page's arguments, checked; ``pairs`` are the arguments as given (for links)."""

    pairs: list[tuple[str, str]]
    lang: str = "vi"
    q: str = ""
    exact: bool = False
    start: date | None = None
    end: date | None = None
    events: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)   # article_places.place_key (issue 22)
    year: str = ""
    month: str = ""
    sort: str = "newest"
    page: int = 1

    @property
    def bounds(self) -> tuple[str | None, str | None]:
        """``published_at`` from (included) and before (excluded), as ISO prefixes in Hanoi time."""
        lows, highs = [], []
        if self.start:
            lows.append(day_range(self.start)[0])
        if self.end:
            highs.append(day_range(self.end)[1])
        if self.year:
            lows.append(self.year)
            highs.append(f"{int(self.year) + 1:04d}")
        if self.month:
            year, month = map(int, self.month.split("-"))
            lows.append(self.month)
            highs.append(f"{year + month // 12:04d}-{month % 12 + 1:02d}")
        return (max(lows) if lows else None), (min(highs) if highs else None)


def read_state(args, lang: str) -> SearchState:
    """The state from a request's arguments (a MultiParams); BadState for what cannot be searched."""
    pairs = [(k, v) for k in args.keys() for v in args.getlist(k)] if hasattr(args, "getlist") else list(args)
    pairs = [(k, v) for k, v in pairs if k in ORDER and (k in MULTI or v != "")]
    state = SearchState(pairs=_canonical(pairs), lang=lang)
    get = {k: v for k, v in reversed(pairs) if k in SINGLE}
    state.q = get.get("q", "").strip()
    if len(state.q) > MAX_QUERY:
        raise BadState(_("search.error.too_long", lang, limit=MAX_QUERY))
    state.exact = get.get("exact", "") in ("1", "on", "true")
    if get.get("from"):
        state.start = parse_day(get["from"], "from", lang)
    if get.get("to"):
        state.end = parse_day(get["to"], "to", lang)
    if state.start and state.end and state.start > state.end:
        raise BadState(_("search.error.range", lang, start=get["from"], end=get["to"]))
    for name, target in (("event", state.events), ("tag", state.tags), ("person", state.people),
                         ("section", state.sections), ("place", state.places)):
        values = list(dict.fromkeys(v.strip() for k, v in pairs if k == name and v.strip()))
        if any(len(v) > MAX_FILTER for v in values):
            raise BadState(_("search.error.filter_too_long", lang, name=name, limit=MAX_FILTER))
        if len(values) > MAX_VALUES:  # all must hold: dropping some would answer another search
            raise BadState(_("search.error.too_many_values", lang, name=name, count=len(values), limit=MAX_VALUES))
        target.extend(values)
    if get.get("year"):
        if not _YEAR.match(get["year"]):
            raise BadState(_("search.error.year", lang, value=get["year"][:20]))
        state.year = get["year"]
    if get.get("month"):
        if not _MONTH.match(get["month"]):
            raise BadState(_("search.error.month", lang, value=get["month"][:20]))
        state.month = get["month"]
    sort = get.get("sort")
    state.sort = sort if sort is not None and sort in SORTS else ("relevance" if state.q else "newest")
    if state.sort == "relevance" and not state.q:
        state.sort = "newest"
    page = get.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= MAX_PAGE:
        raise BadState(_("search.error.page", lang, value=page[:20]))
    state.page = int(page)
    return state


def _canonical(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Arguments in a fixed order, one value per single argument, repeated ones without duplicates."""
    seen, out = set(), []
    last = {k: v for k, v in pairs if k in SINGLE}
    for key in ORDER:
        if key in SINGLE:
            if key in last:
                out.append((key, last[key]))
            continue
        for k, v in pairs:
            if k == key and (k, v) not in seen and v != "":
                seen.add((k, v))
                out.append((k, v))
    return out


def link(path: str, pairs: list[tuple[str, str]], set_: dict | None = None, add: dict | None = None,
         remove: dict | None = None, keep_page: bool = False) -> str:
    """The URL of ``path`` with the page's arguments, changed.

    ``set_``: replace an argument (``None`` drops it); ``add``/``remove``: one value of a repeatable
    argument. Any change but ``page`` itself goes back to page 1 (the results change).
    """
    set_, add, remove = set_ or {}, add or {}, remove or {}
    out = [(k, v) for k, v in pairs
           if k not in set_ and (k, v) not in remove.items() and not (k == "page" and not keep_page)]
    out += [(k, v) for k, v in set_.items() if v not in (None, "")]
    out += [(k, v) for k, v in add.items() if (k, v) not in out]
    query = urllib.parse.urlencode(_canonical(out))
    return path + ("?" + query if query else "")
