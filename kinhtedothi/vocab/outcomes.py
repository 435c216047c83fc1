"""How a crawl ends: every count it keeps in its stats (``crawl_runs.stats``), the exit statuses, and the
one table that says which counts decide which status.

The spiders, middlewares and pipelines count under the names of ``Stat``; the archive extension asks
``verdict`` for the exit status; docs/operators.md's table of exit statuses is written from ``RULES``
(``docs/make_exit_statuses.py``; a test fails when the two disagree). A new count is one ``Stat`` member,
and one ``Rule`` when it should change the exit status.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any, Mapping


class ExitStatus(IntEnum):
    """The exit statuses of ``kinhtedothi crawl``."""

    OK = 0
    FAILED = 1
    UNREACHABLE = 3
    DRIFT = 4
    INCOMPLETE = 5
    DISK_FULL = 74  # EX_IOERR: the archive's disk is full; nothing archived was lost, run again with space
    LOCKED = 75  # EX_TEMPFAIL: another run holds the lock; try later


class CoverageStatus(IntEnum):
    """The exit statuses of ``kinhtedothi coverage`` (1: the archive could not be read, as for any command)."""

    COMPLETE = 0   # no known article is missing (refused ones are not missing)
    MISSING = 3    # some known articles are missing: the report names each, and why


@dataclass(frozen=True)
class StatusDoc:
    """What an exit status tells the operator, and what to do about it."""

    summary: str    # the status in a few words (the crawl's --help)
    meaning: str    # the table's "meaning", before the counts that lead to it
    what_to_do: str
    also: str | None = None  # a cause that is no count (after the counts' rules)


STATUS_DOCS: dict[ExitStatus, StatusDoc] = {
    ExitStatus.OK: StatusDoc("ok", "the crawl finished and the archive is consistent", "nothing"),
    ExitStatus.FAILED: StatusDoc(
        "anything else", "anything else went wrong (the message says what)", "read the log",
        also="the crawl stopped before the end of its work: a signal, a setting Scrapy refused"),
    ExitStatus.UNREACHABLE: StatusDoc(
        "site unreachable", "site unreachable",
        "check the network or the site; nothing archived was touched"),
    ExitStatus.DRIFT: StatusDoc(
        "layout drift (too many pages failed extraction)", "layout drift",
        "the site changed its template: teach the parser (see \"When the site changes its layout\") and run "
        "`kinhtedothi reparse`"),
    ExitStatus.INCOMPLETE: StatusDoc(
        "incomplete (an event, a feed page or an input file not read whole)", "incomplete",
        "usually passes; the next run finishes the walk (a damaged file: read the part after the damage from "
        "another copy)"),
    ExitStatus.DISK_FULL: StatusDoc(
        "the archive's disk is full (nothing archived is lost: free space, run again)",
        "the disk holding the archive is full (the message names the file, its filesystem and the space left; "
        "the write under way is rolled back, nothing archived before is lost)",
        "free space on that filesystem; the next run just works",
        also="the `--db` check found a healthy archive on a disk with no room left"),
    ExitStatus.LOCKED: StatusDoc(
        "another crawl is running", "another crawl holds the lock `archive.db.lock`",
        "nothing: the other run is still going"),
}


class _Name(StrEnum):
    """A stats key: a string everywhere (JSON, Scrapy's stats dump), printed as one."""

    def __repr__(self) -> str:
        return repr(self.value)


class Stat(_Name):
    """Every count a crawl keeps under its own name (Scrapy's own counts are in ``ScrapyStat``)."""

    # the verdict
    EXIT_CODE = "archive/exit_code"
    REASON = "archive/reason"
    # the archive file (a text: the message; pipelines/disk.py)
    DISK_FULL = "archive/disk_full"                          # a write met a full disk: the crawl stopped there
    ARCHIVE_DAMAGED = "archive/damaged"                      # a write found the file damaged: the crawl stopped
    # pages
    PAGES_FETCHED = "archive/pages_fetched"                  # responses stored in raw_pages
    PAGES_WITH_BAD_BYTES = "archive/pages_with_bad_bytes"    # stored with bytes that are not UTF-8 replaced
    OFFSITE_REFUSED = "archive/offsite_refused"              # requests for another host, never sent
    LINKS_TOO_LONG = "archive/links_too_long"                # addresses over URLLENGTH_LIMIT, never requested
    CAPTURES_FROM_ARCHIVE = "archive/captures_from_archive"  # captures read back from raw_pages, not fetched again
    # articles
    ARTICLE_PAGES = "archive/article_pages"                  # article pages parsed (the share of drift counts these)
    ARTICLE_LOOKUPS_ANSWERED = "archive/article_lookups_answered"  # a 404 for an article, a web archive's list of
                                                             # its captures: answers, though no page answered 200
    ARTICLES_NEW = "archive/articles_new"
    ARTICLES_UPDATED = "archive/articles_updated"
    ARTICLES_UNCHANGED = "archive/articles_unchanged"
    ARTICLES_FAILED = "archive/articles_failed"              # pages that are not articles: no title or no body
    ARTICLES_INCOMPLETE = "archive/articles_incomplete"      # articles kept without a date
    ARTICLES_REMOVED = "archive/articles_removed"            # articles that now answer 404 or 410
    ARTICLES_LOST = "archive/articles_lost"                  # a pipeline failed on an article (a bug)
    MISSING_CAPTURES = "archive/missing_captures"            # articles no web archive holds
    # feeds and events
    EVENTS_NOT_FOUND = "archive/events_not_found"            # a text: the slugs of the events not found
    FEED_PAGES_FAILED = "archive/feed_pages_failed"
    FEEDS_MOVED = "archive/feeds_moved"                      # stored feed addresses gone (404/410): looked for again
    FEED_PAGES_EMPTY = "archive/feed_pages_empty"
    FEED_PAGES_DRIFT = "archive/feed_pages_drift"
    FEED_PAGES_FALLBACK = "archive/feed_pages_fallback"
    FEED_WALKS_STOPPED = "archive/feed_walks_stopped"        # MAX_FEED_PAGES, or a page of links seen before
    SEARCH_OUTSIDE_DATES = "archive/search_outside_dates"    # site search results outside the event's dates
    # web archives: what the crawler decided (docs/sources.md)
    WAYBACK_429_HOLDS = "archive/wayback_429_holds"          # a list: each hold of the Wayback Machine, in s
    COMMONCRAWL_HOLDS = "archive/commoncrawl_holds"          # a list: each hold of Common Crawl, in s
    COMMONCRAWL_SLOT = "archive/commoncrawl_slot"            # the slot scheduled: concurrency and delay
    COMMONCRAWL_CRAWLS = "archive/commoncrawl_crawls"        # a text: the monthly crawls read
    INDEX_QUERIES_UNREAD = "archive/index_queries_unread"    # index (CDX) queries not read whole: an error, an
                                                             # answer over a bound, more pages than MAX_INDEX_PAGES
    COMMONCRAWL_RECORDS_UNREAD = "archive/commoncrawl_records_unread"  # an error, no whole WARC record within
                                                             # the bounds, or another page than the index named
    # files: WARC files, saved pages
    WARC_RECORDS_READ = "archive/warc_records_read"
    WARC_PAGES_ALREADY_STORED = "archive/warc_pages_already_stored"
    WARC_DAMAGED = "archive/warc_damaged"                    # damaged places in files, records that could not be read
    WARC_SKIPPED_OTHER_HOSTS = "archive/warc_skipped_other_hosts"
    WARC_SKIPPED_OTHER_RECORDS = "archive/warc_skipped_other_records"
    WARC_SKIPPED_UNRESOLVED_REVISITS = "archive/warc_skipped_unresolved_revisits"
    WARC_SKIPPED_OTHER_PAGES = "archive/warc_skipped_other_pages"
    WARC_NO_SITE_PAGE = "archive/warc_no_site_page"          # the files hold no HTML page of the site at all
    SAVED_PAGES_READ = "archive/saved_pages_read"
    SAVED_PAGES_ALREADY_STORED = "archive/saved_pages_already_stored"
    SAVED_PAGES_UNREADABLE = "archive/saved_pages_unreadable"  # files that are not a page of the site, or too big
    SAVED_PAGES_DATED_BY_PAGE = "archive/saved_pages_dated_by_page"  # file times before the page's own date


class StatFamily(_Name):
    """Counts kept under a name with a part of its own: ``archive/missing/body_text``."""

    MISSING = "archive/missing/"   # article pages lacking a field (by field)
    SLOT = "archive/slot/"         # a throttled download slot: its delay, jitter and concurrency

    def of(self, part: str) -> str:
        return f"{self.value}{part}"


class ScrapyStat(_Name):
    """Scrapy's own counts that the verdict reads."""

    SPIDER_EXCEPTIONS = "spider_exceptions/count"
    ANSWERED_200 = "downloader/response_status_count/200"
    DOWNLOAD_ERRORS = "downloader/exception_count"


SAVE_OUTCOMES: dict[str, Stat] = {"new": Stat.ARTICLES_NEW, "updated": Stat.ARTICLES_UPDATED,
                                  "unchanged": Stat.ARTICLES_UNCHANGED}
KEPT_IN_RUNS = ("archive/", "downloader/response_status")  # the stats crawl_runs.stats keeps


@dataclass(frozen=True)
class Rule:
    """Counts that give the run an exit status: the first rule (in RULES' order) that holds decides."""

    status: ExitStatus
    stats: tuple[str, ...]
    meaning: str    # for the operators' table
    reason: str     # the one-line reason: {n} the counts' sum (or the text), {errors}, {parsed}, {missing}
    holds: str = "any"  # "any": a count is not zero; "none": no count at all; "share": over DRIFT_THRESHOLD
                        # of the article pages parsed


RULES: tuple[Rule, ...] = (
    # first: the pages and feeds that failed after the file could take no more failed because of it
    Rule(ExitStatus.DISK_FULL, (Stat.DISK_FULL,), "a write met a full disk, and the crawl stopped there", "{n}"),
    Rule(ExitStatus.FAILED, (Stat.ARCHIVE_DAMAGED,), "a write found the archive file damaged, and the crawl stopped "
         "there (restore it from a backup)", "{n}"),
    Rule(ExitStatus.FAILED, (ScrapyStat.SPIDER_EXCEPTIONS,), "a page raised an error in the spider, a bug",
         "{n} page(s) raised an error in the spider (a bug: see the log); nothing was lost"),
    Rule(ExitStatus.FAILED, (Stat.ARTICLES_LOST,), "an article page ended in neither an article nor a crawl error, a "
         "bug", "{n} article page(s) ended in neither an article nor a crawl error (a bug: see the log); they "
         "are recorded in crawl_errors and fetched again next run"),
    Rule(ExitStatus.UNREACHABLE, (Stat.WARC_NO_SITE_PAGE,),
         "the WARC files given to `--source warc` hold no HTML page of the site (only other hosts, other kinds of "
         "record): nothing to archive",
         "the WARC files hold no page of the site that answered 200 (HTML): nothing to archive (records skipped: {n})"),
    Rule(ExitStatus.UNREACHABLE, (ScrapyStat.ANSWERED_200, Stat.ARTICLE_LOOKUPS_ANSWERED, Stat.WARC_DAMAGED,
                                  Stat.SAVED_PAGES_UNREADABLE),
         "no page answered 200, and no source answered about an article (a 404, a web archive's list of captures); "
         "a file that was read but found damaged is not this (below)",
         "site unreachable: no page answered 200 ({errors} connection errors)", holds="none"),
    Rule(ExitStatus.DRIFT, (Stat.ARTICLES_FAILED, Stat.ARTICLES_INCOMPLETE),
         "more than `DRIFT_THRESHOLD` (20 %) of the article pages fetched lacked a title, a body or a date",
         "layout drift: extraction failed on {n} of {parsed} article pages (missing {missing})", holds="share"),
    Rule(ExitStatus.DRIFT, (Stat.FEED_PAGES_DRIFT, Stat.FEED_PAGES_FALLBACK),
         "a listing page links articles in markup the parser does not know",
         "layout drift: {n} listing page(s) link articles in markup the parser does not know (see crawl_errors; "
         "links that carry an article id were still followed)"),
    Rule(ExitStatus.INCOMPLETE, (Stat.EVENTS_NOT_FOUND,), "an event feed was not found",
         "event feed not found for: {n}"),
    Rule(ExitStatus.INCOMPLETE, (Stat.FEED_PAGES_EMPTY,), "a listing page lists no article links",
         "{n} listing page(s) list no article links (see crawl_errors)"),
    Rule(ExitStatus.INCOMPLETE, (Stat.WARC_DAMAGED,),
         "a WARC file given to `--source warc` is damaged (cut short, zero bytes, garbage, a record over a bound), "
         "though the records before and after the damage are archived",
         "{n} damaged place(s) or record(s) of the WARC files could not be read (see crawl_errors); the records "
         "before and after the damage are archived"),
    Rule(ExitStatus.INCOMPLETE, (Stat.INDEX_QUERIES_UNREAD,),
         "a web archive's index query could not be read whole (an error, an answer over its bound, more pages "
         "than `MAX_INDEX_PAGES`)",
         "{n} index quer(ies) of the web archive could not be read whole (see crawl_errors): the captures they "
         "list are not all known"),
    Rule(ExitStatus.INCOMPLETE, (Stat.COMMONCRAWL_RECORDS_UNREAD,),
         "a Common Crawl record could not be read: an error, no whole WARC record within the bounds, or another "
         "page than the one its index named",
         "{n} Common Crawl record(s) could not be read (see crawl_errors): an error, damaged, over a bound, or "
         "not the page the index named"),
    Rule(ExitStatus.INCOMPLETE, (Stat.SAVED_PAGES_UNREADABLE,),
         "a file given to `--source pages` is not a saved page of the site, or is over a bound",
         "{n} saved page(s) could not be read (see crawl_errors); the others are archived"),
    Rule(ExitStatus.INCOMPLETE, (Stat.FEED_PAGES_FAILED,), "a feed page could not be fetched",
         "{n} feed page(s) could not be fetched; the feeds were not read to the end"),
)


def _number(value: Any) -> float:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _found(rule: Rule, stats: Mapping[str, Any], drift_threshold: float) -> str | None:
    """The reason when ``rule`` holds for these stats, else None."""
    values = [stats.get(key) for key in rule.stats]
    texts = [v for v in values if isinstance(v, str) and v]
    n: float | str = ", ".join(texts) if texts else sum(_number(v) for v in values)
    if rule.holds == "none":
        if n:
            return None
        return rule.reason.format(n=n, errors=stats.get(ScrapyStat.DOWNLOAD_ERRORS, 0))
    if not n:
        return None
    if rule.holds == "share":
        parsed = _number(stats.get(Stat.ARTICLE_PAGES))
        if not parsed or _number(n) / parsed <= drift_threshold:
            return None
        missing = sorted(key.removeprefix(StatFamily.MISSING) for key in stats if key.startswith(StatFamily.MISSING))
        return rule.reason.format(n=n, parsed=parsed, missing=", ".join(missing))
    return rule.reason.format(n=n)


def verdict(stats: Mapping[str, Any], drift_threshold: float) -> tuple[ExitStatus, str | None]:
    """Exit status and one-line reason for a finished crawl, from its stats."""
    for rule in RULES:
        reason = _found(rule, stats, drift_threshold)
        if reason is not None:
            return rule.status, reason
    return ExitStatus.OK, None


def stopped_early(reason: str) -> tuple[ExitStatus, str]:
    """A crawl Scrapy closed for another reason than the end of its work (a signal, a closespider limit)."""
    return ExitStatus.FAILED, f"crawl stopped early: {reason}"


def exit_summary() -> str:
    """The exit statuses in one line (``kinhtedothi crawl --help``)."""
    others = [s for s in ExitStatus if s is not ExitStatus.FAILED]
    parts = [f"{s.value} {STATUS_DOCS[s].summary}" for s in others]
    return "Exit status: " + ", ".join(parts) + f", {ExitStatus.FAILED.value} {STATUS_DOCS[ExitStatus.FAILED].summary}."


def exit_table() -> list[str]:
    """docs/operators.md's table of exit statuses, as Markdown lines."""
    lines = ["| status | meaning | what to do |", "| --- | --- | --- |"]
    for status in ExitStatus:
        doc = STATUS_DOCS[status]
        causes = [f"{rule.meaning} ({', '.join(f'`{key}`' for key in rule.stats)})"
                  for rule in RULES if rule.status is status] + ([doc.also] if doc.also else [])
        meaning = doc.meaning + (": " + "; ".join(causes) if causes else "")
        lines.append(f"| {status.value} | {meaning} | {doc.what_to_do} |")
    return lines
