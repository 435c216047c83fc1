"""What the archive knows it lacks: every article known to belong to an event, where and when it was learned,
and its state (docs/sources.md, "What the archive knows it lacks").

**Known.** An address is known for an event when a listing of the event showed it (``feed_links``: a feed or tag
page, a "Xem thêm" page, a site-search result inside the event's dates, a web archive's or a WARC file's copy of
such a listing, a saved page filed with ``--event``), when the archive files an article under the event
(``article_events``), or when the site search offered it and it was refused for being outside the event's dates
(``crawl_errors.kind = 'outside-dates'`` with its ``event_slug``). Nothing else is kept for it: this module
derives everything from those tables and from what the sources answered.

**One story, one known article.** An address belongs to an archived story when the story holds it
(``articles.url``, ``article_urls``) or holds an address with the same id in the same numbering: the first two
joins of ``pipelines.identity``. Addresses of a story not archived yet are one known article when they carry
the same id in the same numbering.

**State.** Archived (from which sources), refused (``kinhtedothi.vocab.coverage.Refused``: never asked for again)
or missing (``Missing``): each source's last answer about any of the story's addresses (``crawl_errors``, the
source of each row from its run, ``crawl_runs.source``) says whether it has nothing (a 404 on the site, no
capture in a web archive), failed in a way that may pass, or refused the address.

Read-only, on a plain ``sqlite3`` connection: ``kinhtedothi coverage``, ``kinhtedothi crawl --fill-gaps`` and
the archive's ``/-/coverage`` page all ask it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable, Iterator

from kinhtedothi.vocab.coverage import FILL_ORDER, MAX_URL_LENGTH, Missing, Refused, State, wayback_calendar
from kinhtedothi.vocab.sources import KINDS, LIVE, is_capture
from kinhtedothi.vocab.urls import address_era, is_site_url, numbered_id

NO, FAILED, REFUSED = "no", "failed", "refused"   # what one source's answer about an address says
CHUNK = 500           # addresses per query (SQLite's limit on parameters is far above)
MAX_ADDRESSES = 3     # addresses of one story asked of a source by --fill-gaps
SOURCE_ORDER = list(KINDS)


@dataclass(frozen=True)
class Answer:
    """A source's last answer about one of a story's addresses."""

    source: str
    verdict: str        # NO (it has nothing), FAILED (may pass) or REFUSED (the archive will not keep it)
    reason: str         # a Missing or Refused value
    detail: str         # the error as crawl_errors records it
    status: int | None
    at: str
    url: str


@dataclass
class Known:
    """One story known to belong to one event, and its state there."""

    event: str
    key: tuple
    urls: list[str] = field(default_factory=list)
    learned_at: str | None = None
    learned_from: str | None = None     # the listing page (or search) that showed it first
    listed_by: list[str] = field(default_factory=list)   # the sources whose copy of a listing showed it
    listed: bool = False                # a listing of the event showed it, or the archive files it there
    article: dict[str, Any] | None = None
    outside_dates: Answer | None = None
    answers: dict[str, Answer] = field(default_factory=dict)   # the latest per source
    state: str = ""
    reason: str | None = None
    detail: str | None = None

    @property
    def url(self) -> str:
        """The address to show: the archived story's, else the one of the newest generation of the site."""
        if self.article:
            return self.article["url"]
        return sorted(self.urls, key=lambda u: (-address_era(u), u))[0]

    @property
    def last_try(self) -> str | None:
        stamps = [a.at for a in self.answers.values() if a.at]
        if self.article and self.article.get("last_fetched_at"):
            stamps.append(self.article["last_fetched_at"])
        return max(stamps) if stamps else None

    @property
    def untried(self) -> list[str]:
        """The sources --fill-gaps asks that have not answered about it yet."""
        return [s for s in FILL_ORDER if s not in self.answers]

    def addresses_for(self, source: str) -> list[str]:
        """The addresses to ask a source for: the site's newest form first for the site, every form for a web
        archive (it may hold the story under an older address); at most MAX_ADDRESSES."""
        site = [u for u in self.urls if is_site_url(u) and len(u) <= MAX_URL_LENGTH]
        ordered = sorted(site) if is_capture(source) else sorted(site, key=lambda u: (-address_era(u), u))
        return ordered[:MAX_ADDRESSES]

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"url": self.url, "state": self.state, "reason": self.reason, "detail": self.detail,
                               "urls": sorted(self.urls), "learned_at": self.learned_at,
                               "learned_from": self.learned_from, "listed_by": self.listed_by,
                               "last_try": self.last_try}
        if self.article:
            out.update(article_id=self.article["id"], title=self.article["title"],
                       published_at=self.article["published_at"], archived_from=self.article["sources"])
        else:
            out["tried"] = {s: {"verdict": a.verdict, "reason": a.reason, "detail": a.detail, "status": a.status,
                                "at": a.at, "url": a.url} for s, a in self.answers.items()}
            out["untried"] = self.untried
            out["wayback_captures"] = wayback_calendar(self.url)
        return out


# -- reading an answer ------------------------------------------------------------------------------------
def answer_of(url: str, source: str | None, kind: str | None, status: int | None, reason: str | None,
              at: str) -> Answer:
    """What one crawl_errors row says of an address. The one place that reads the recorded reasons: ours (the
    spiders' and the validator's) and Scrapy's (robots.txt, the size limit)."""
    source = source or LIVE.name   # a run that named no source (an archive made before they did) read the site
    text = reason or ""
    capture = is_capture(source)

    def said(verdict: str, why: str) -> Answer:
        return Answer(source, verdict, why, text, status, at, url)

    if text.startswith("not an article"):
        return said(REFUSED, Refused.NOT_AN_ARTICLE)
    if "Forbidden by robots.txt" in text:
        return said(REFUSED, Refused.ROBOTS)
    if text.startswith(("OffSiteError", "off-site")):
        return said(REFUSED, Refused.OFF_SITE)
    if "download max size" in text or "DOWNLOAD_MAXSIZE" in text:
        return said(REFUSED, Refused.TOO_LONG)
    if kind == "missing" or (capture and text.startswith("captured only with status")):
        return said(NO, Missing.NO_CAPTURE)
    if not capture and status in (404, 410):
        return said(NO, Missing.GONE)
    return said(FAILED, Missing.FAILED)


def decide(known: Known) -> None:
    """The state of a known article, from what is archived and what each source answered."""
    refusals = sorted((a for a in known.answers.values() if a.verdict == REFUSED), key=lambda a: a.at)
    failures = sorted((a for a in known.answers.values() if a.verdict == FAILED), key=lambda a: a.at)
    if known.outside_dates and not known.listed:   # offered by the search only, and not the event's
        known.state, known.reason, known.detail = State.REFUSED, Refused.OUTSIDE_DATES, known.outside_dates.detail
    elif known.article:
        known.state, known.reason = State.ARCHIVED, None
        known.detail = ", ".join(known.article["sources"])
    elif refusals:
        known.state, known.reason, known.detail = State.REFUSED, refusals[-1].reason, refusals[-1].detail
    elif not any(is_site_url(u) for u in known.urls):
        known.state, known.reason, known.detail = State.REFUSED, Refused.OFF_SITE, "not an address on the site"
    elif all(len(u) > MAX_URL_LENGTH for u in known.urls):
        known.state, known.reason = State.REFUSED, Refused.TOO_LONG
        known.detail = f"an address over {MAX_URL_LENGTH} characters"
    elif not known.answers:
        known.state, known.reason, known.detail = State.MISSING, Missing.NOT_FETCHED, "no source asked yet"
    else:
        known.state = State.MISSING
        live = known.answers.get(LIVE.name)
        known.reason = Missing.FAILED if failures else Missing.GONE if live and live.verdict == NO \
            else Missing.NO_CAPTURE
        said = [f"{s}: {known.answers[s].detail}" for s in sorted(known.answers, key=_source_rank)]
        untried = known.untried
        known.detail = "; ".join(said + ([f"not asked yet: {', '.join(untried)}"] if untried else []))


def _source_rank(source: str) -> tuple[int, str]:
    return (SOURCE_ORDER.index(source) if source in SOURCE_ORDER else len(SOURCE_ORDER), source)


# -- reading the archive ----------------------------------------------------------------------------------
def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info([{table}])")}


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _marks(items: list[Any]) -> str:
    return ", ".join("?" for _ in items)


def events_of(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(slug, name) of every event in the archive."""
    return [(r[0], r[1] or r[0]) for r in conn.execute("SELECT slug, name FROM events ORDER BY slug")]


class _Resolver:
    """Which archived story an address belongs to (its own address, or an address with its id in its numbering)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.has_urls = "numbering" in _columns(conn, "article_urls")
        self.found: dict[str, int | None] = {}

    def resolve(self, urls: Iterable[str]) -> None:
        wanted = sorted({u for u in urls if u not in self.found})
        for chunk in _chunks(wanted):
            for url, aid in self.conn.execute(f"SELECT url, id FROM articles WHERE url IN ({_marks(chunk)})", chunk):
                self.found[url] = aid
            if self.has_urls:
                for url, aid in self.conn.execute(
                        f"SELECT url, article_id FROM article_urls WHERE url IN ({_marks(chunk)})", chunk):
                    self.found.setdefault(url, aid)
        for url in wanted:
            if url in self.found:
                continue
            numbered = numbered_id(url)
            ids = [] if numbered is None or not self.has_urls else [r[0] for r in self.conn.execute(
                "SELECT DISTINCT article_id FROM article_urls WHERE site_id = ? AND numbering = ? LIMIT 2",
                [numbered.id, numbered.numbering])]
            self.found[url] = ids[0] if len(ids) == 1 else None

    def key(self, url: str) -> tuple:
        aid = self.found.get(url)
        if aid is not None:
            return ("article", aid)
        numbered = numbered_id(url)
        return ("id", numbered.numbering, numbered.id) if numbered else ("url", url)


def _learned(conn: sqlite3.Connection, slugs: list[str]) -> list[tuple]:
    """(event, url, where, when, sources, listed) of every address known for these events."""
    marks = _marks(slugs)
    sources = "sources" if "sources" in _columns(conn, "feed_links") else "NULL"
    rows: list[tuple] = [(*r, True) for r in conn.execute(
        f"SELECT event_slug, url, feed_page, first_seen_at, {sources} FROM feed_links "
        f"WHERE event_slug IN ({marks}) ORDER BY first_seen_at, url", slugs)]
    rows += [(*r, None, None, None, True) for r in conn.execute(
        f"SELECT ae.event_slug, a.url FROM article_events ae JOIN articles a ON a.id = ae.article_id "
        f"WHERE ae.event_slug IN ({marks})", slugs)]
    if "event_slug" in _columns(conn, "crawl_errors"):   # offered by the site search, outside the event's dates
        run_source = "min(r.source)" if "source" in _columns(conn, "crawl_runs") else "NULL"
        rows += [(*r, False) for r in conn.execute(
            f"SELECT e.event_slug, e.url, ev.feed_url, min(e.at), {run_source} FROM crawl_errors e "
            "LEFT JOIN events ev ON ev.slug = e.event_slug LEFT JOIN crawl_runs r ON r.id = e.run_id "
            f"WHERE e.kind = 'outside-dates' AND e.event_slug IN ({marks}) GROUP BY e.event_slug, e.url", slugs)]
    return rows


def _answers(conn: sqlite3.Connection, urls: list[str]) -> dict[str, list[tuple]]:
    """url -> its crawl_errors rows (source, kind, status, reason, at, event), oldest first."""
    source = "r.source" if "source" in _columns(conn, "crawl_runs") else "NULL"
    event = "e.event_slug" if "event_slug" in _columns(conn, "crawl_errors") else "NULL"
    out: dict[str, list[tuple]] = {}
    for chunk in _chunks(urls):
        for url, *rest in conn.execute(
                f"SELECT e.url, {source}, e.kind, e.status, e.reason, e.at, {event} FROM crawl_errors e "
                f"LEFT JOIN crawl_runs r ON r.id = e.run_id WHERE e.url IN ({_marks(chunk)}) "
                "AND coalesce(e.kind, 'error') != 'moved-feed' ORDER BY e.at, e.id", chunk):
            out.setdefault(url, []).append(tuple(rest))
    return out


def _articles(conn: sqlite3.Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The archived stories: address, headline, date, when last read, and every source it was read from."""
    out: dict[int, dict[str, Any]] = {}
    for chunk in _chunks([str(i) for i in ids]):
        marks = _marks(chunk)
        for row in conn.execute(f"SELECT id, url, title, published_at, source, last_fetched_at FROM articles "
                                f"WHERE id IN ({marks})", chunk):
            out[row[0]] = dict(zip(("id", "url", "title", "published_at", "source", "last_fetched_at"), row),
                               sources=[row[4] or LIVE.name])
        for aid, source in conn.execute(f"SELECT DISTINCT article_id, coalesce(source, ?) FROM article_versions "
                                        f"WHERE article_id IN ({marks})", [LIVE.name, *chunk]):
            if aid in out and source not in out[aid]["sources"]:
                out[aid]["sources"].append(source)
    for article in out.values():
        article["sources"].sort(key=_source_rank)
    return out


def known_articles(conn: sqlite3.Connection, slugs: list[str] | None = None) -> dict[str, list[Known]]:
    """Every story known for each event (all events when ``slugs`` is None), each with its state decided."""
    slugs = [s for s, _ in events_of(conn)] if slugs is None else list(slugs)
    if not slugs:
        return {}
    stories = _grouped(conn, slugs)
    every = [known for by_key in stories.values() for known in by_key.values()]
    articles = _articles(conn, sorted({k.key[1] for k in every if k.key[0] == "article"}))
    for known in every:
        if known.key[0] == "article":
            known.article = articles.get(known.key[1])
            if known.article and known.article["url"] not in known.urls:
                known.urls.append(known.article["url"])
    _read_answers(conn, stories)
    for known in every:
        decide(known)
    return {slug: sorted(by_key.values(), key=lambda k: (k.learned_at or "", k.url))
            for slug, by_key in stories.items()}


def _grouped(conn: sqlite3.Connection, slugs: list[str]) -> dict[str, dict[tuple, Known]]:
    """Every address known for each event, grouped into stories (one story, one ``Known``)."""
    learned = _learned(conn, slugs)
    resolver = _Resolver(conn)
    resolver.resolve(row[1] for row in learned)
    stories: dict[str, dict[tuple, Known]] = {slug: {} for slug in slugs}
    for event, url, where, when, listed_by, listed in learned:
        key = resolver.key(url)
        known = stories[event].setdefault(key, Known(event, key))
        if url not in known.urls:
            known.urls.append(url)
        if when and (known.learned_at is None or when < known.learned_at):
            known.learned_at, known.learned_from = when, where
        for source in (listed_by or "").split(","):
            if source and source not in known.listed_by:
                known.listed_by.append(source)
        if listed:
            known.listed = True
        elif known.outside_dates is None:
            known.outside_dates = Answer(LIVE.name, REFUSED, Refused.OUTSIDE_DATES, "", None, when or "", url)
    return stories


def _read_answers(conn: sqlite3.Connection, stories: dict[str, dict[tuple, Known]]) -> None:
    """Each source's latest answer about the stories not archived; the search's verdict on an outside-dates one."""
    wanted = sorted({u for by_key in stories.values() for k in by_key.values() for u in k.urls
                     if not k.article or k.outside_dates})
    rows = _answers(conn, wanted)
    for by_key in stories.values():
        for known in by_key.values():
            for url in known.urls:
                for source, kind, status, reason, at, event in rows.get(url, []):
                    if kind == "outside-dates":   # the search's verdict: for its own event only
                        if event == known.event and known.outside_dates is not None:
                            known.outside_dates = Answer(source or LIVE.name, REFUSED, Refused.OUTSIDE_DATES,
                                                         reason or "", status, at, url)
                        continue
                    answer = answer_of(url, source, kind, status, reason, at)
                    previous = known.answers.get(answer.source)
                    if previous is None or answer.at >= previous.at:
                        known.answers[answer.source] = answer


# -- the report ------------------------------------------------------------------------------------------
def _counts(values: Iterable[str | None], by_source: bool = False) -> dict[str, int]:
    """How many of each value: the most frequent first, or sources in their order (the site first)."""
    out: dict[str, int] = {}
    for value in values:
        if value:
            out[value] = out.get(value, 0) + 1
    order = (lambda item: _source_rank(item[0])) if by_source else (lambda item: (-item[1], item[0]))
    return dict(sorted(out.items(), key=order))


def _edge(known: list[Known], newest: bool) -> dict[str, Any] | None:
    dated = [k.article for k in known if k.state == State.ARCHIVED and k.article and k.article["published_at"]]
    if not dated:
        return None
    pick = (max if newest else min)(dated, key=lambda a: (a["published_at"], a["id"]))
    return {"url": pick["url"], "title": pick["title"], "published_at": pick["published_at"],
            "article_id": pick["id"]}


def event_report(slug: str, name: str, known: list[Known], archived_list: bool = False) -> dict[str, Any]:
    """One event's coverage as ``kinhtedothi coverage --json`` gives it."""
    archived = [k for k in known if k.state == State.ARCHIVED]
    missing = [k for k in known if k.state == State.MISSING]
    refused = [k for k in known if k.state == State.REFUSED]
    report: dict[str, Any] = {
        "slug": slug, "name": name, "known": len(known), "archived": len(archived), "refused_count": len(refused),
        "missing_count": len(missing),
        "missing_by_reason": _counts(k.reason for k in missing),
        "refused_by_reason": _counts(k.reason for k in refused),
        "archived_by_source": _counts((k.article["source"] or LIVE.name for k in archived if k.article), True),
        "learned_by_source": _counts((s for k in known for s in (k.listed_by or ["unknown"])), True),
        "oldest": _edge(known, newest=False), "newest": _edge(known, newest=True),
        "missing": [k.as_json() for k in missing],
        "refused": [k.as_json() for k in refused],
    }
    if archived_list:
        report["archived_list"] = [k.as_json() for k in archived]
    return report


def report(conn: sqlite3.Connection, slugs: list[str] | None = None, archived_list: bool = False) -> dict[str, Any]:
    """Every event's coverage (``kinhtedothi coverage --json``): known, archived, missing and refused, with why."""
    names = dict(events_of(conn))
    known = known_articles(conn, slugs)
    events = [event_report(slug, names.get(slug, slug), stories, archived_list) for slug, stories in known.items()]
    totals = {key: sum(e[key] for e in events) for key in ("known", "archived", "refused_count", "missing_count")}
    return {"events": events, "totals": totals, "complete": totals["missing_count"] == 0}


def progress(conn: sqlite3.Connection) -> dict[str, tuple[str, int, int]]:
    """Per event (name, known articles not refused, articles archived): a crawl's progress bars."""
    names = dict(events_of(conn))
    out = {}
    for slug, known in known_articles(conn).items():
        wanted = [k for k in known if k.state != State.REFUSED]
        out[slug] = (names.get(slug, slug), len(wanted), sum(1 for k in wanted if k.state == State.ARCHIVED))
    return out


# -- what --fill-gaps asks ----------------------------------------------------------------------------------
def gap_targets(conn: sqlite3.Connection, source: str, *, slugs: list[str] | None = None,
                retry_after: timedelta, limit: int, now: datetime) -> list[str]:
    """The addresses to ask ``source`` for: of every missing story (once, whatever events it is in), those this
    source has not said no to within ``retry_after``; the stories learned first come first, at most ``limit``."""
    cutoff = (now - retry_after).isoformat(timespec="seconds")
    seen: set[tuple] = set()
    stories: list[Known] = []
    for known in (k for each in known_articles(conn, slugs).values() for k in each if k.state == State.MISSING):
        if known.key in seen:
            continue
        seen.add(known.key)
        answer = known.answers.get(source)
        if answer is not None and answer.verdict == NO and answer.at >= cutoff:
            continue
        stories.append(known)
    stories.sort(key=lambda k: (k.learned_at or "", k.url))
    return [url for known in stories[:limit] for url in known.addresses_for(source)]
