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
``event``, ``tag``, ``person``, ``section``, ``place``   filters, repeatable (``event``, ``tag``, ``person``,
             ``place``: all must hold; ``section``: any); ``year``, ``month``: ``2021``, ``2021-05`` (the facets:
             ``facet_defs``); ``place`` is ``article_places.place_key`` (``quận Tây Hồ``, ``phường Quảng An,
             quận Tây Hồ``), a district taking in its wards
``sort``     ``relevance`` (default with a search), ``newest`` (default without), ``oldest``
``page``     1, 2, …
``lang``     ``vi`` or ``en`` (the interface)
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from datetime import date

from datasette_kinhtedothi.archive.facet_defs import MULTI as FACET_MULTI
from datasette_kinhtedothi.archive.facet_defs import SINGLE as FACET_SINGLE
from datasette_kinhtedothi.archive.i18n import gettext as _
from kinhtedothi.vocab.dates import day_range
from kinhtedothi.vocab.dates import parse_day as reader_day

MULTI = FACET_MULTI
SINGLE = ("q", "exact", "from", "to", *FACET_SINGLE, "sort", "page", "lang")
ORDER = ("q", "exact", "from", "to", *FACET_MULTI, *FACET_SINGLE, "sort", "page", "lang")
SORTS = ("relevance", "newest", "oldest")
MAX_QUERY = 500          # characters of a search
MAX_VALUES = 10          # values of one repeatable filter
MAX_FILTER = 200         # characters of one filter value (an event, tag, person or section name)
PAGE_SIZE = 20
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^\d{4}$")


class BadState(ValueError):
    """An argument the page cannot honour (a wrong date): shown to the reader beside ``field`` (the argument
    at fault), never an empty result."""

    def __init__(self, message: str, field: str = "q"):
        super().__init__(message)
        self.field = field


def parse_day(value: str, name: str, lang: str) -> date:
    """``2021-05-23``, ``23/5/2021`` (or ``23-05-2021``) as a date; BadState when it is none."""
    day = reader_day(value)
    if day is None:
        raise BadState(_("search.error.date", lang, value=value[:40], name=_(f"search.param.{name}", lang)), name)
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
    chosen: dict[str, list[str]] = field(default_factory=dict)   # facet name -> the values chosen
    sort: str = "newest"
    page: int = 1

    def values(self, facet: str) -> list[str]:
        return self.chosen.get(facet, [])

    @property
    def year(self) -> str:
        return (self.values("year") or [""])[0]

    @property
    def month(self) -> str:
        return (self.values("month") or [""])[0]

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
        raise BadState(_("search.error.range", lang, start=get["from"], end=get["to"]), "to")
    for name in MULTI:
        values = list(dict.fromkeys(v.strip() for k, v in pairs if k == name and v.strip()))
        if any(len(v) > MAX_FILTER for v in values):
            raise BadState(_("search.error.filter_too_long", lang, name=name, limit=MAX_FILTER), name)
        if len(values) > MAX_VALUES:  # all must hold: dropping some would answer another search
            raise BadState(_("search.error.too_many_values", lang, name=name, count=len(values), limit=MAX_VALUES),
                           name)
        if values:
            state.chosen[name] = values
    for name, pattern in (("year", _YEAR), ("month", _MONTH)):
        if get.get(name):
            if not pattern.match(get[name]):
                raise BadState(_(f"search.error.{name}", lang, value=get[name][:20]), name)
            state.chosen[name] = [get[name]]
    sort = get.get("sort")
    state.sort = sort if sort is not None and sort in SORTS else ("relevance" if state.q else "newest")
    if state.sort == "relevance" and not state.q:
        state.sort = "newest"
    page = get.get("page", "1").strip()
    if not page.isdigit() or len(page) > 9 or int(page) < 1:
        raise BadState(_("search.error.page", lang, value=page[:20]), "page")
    state.page = int(page)   # past the last page: the search shows the last one, and says so
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
