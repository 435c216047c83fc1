"""Reading article pages a journalist saved from a browser ("Save page as…").

Three shapes: ``.html`` alone ("HTML only"), ``.html`` beside its ``<name>_files/`` folder ("complete": the
browser rewrote the addresses of pictures and styles to its copies there), and ``.mhtml``/``.mht`` (one file:
the page and its parts as MIME, read with Python's ``email`` package). A folder is searched for them; the
``_files/`` folders are never taken for pages (they hold frames and ads saved with the page).

``saved_file`` reads each file once, within bounds that do not depend on what the file claims (its size, the
number of files, an MHTML's parts), finds the page's address (its canonical link or og:url, else what the
browser recorded: an MHTML's ``Snapshot-Content-Location``, a ``<!-- saved from url=… -->`` comment) and
when it was saved (an MHTML's ``Date``, else the file's modification time; never before the page's own
date: a page cannot be saved before it was published, and a copied or unzipped file may carry any time).

Provenance of an imported page: ``source = 'pages'``, ``capture_timestamp`` that time (YYYYMMDDhhmmss, UTC),
``capture_url`` = ``file:<name>`` (the path under the folder given, or the file's name).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import ClassVar, Iterable

from kinhtedothi.vocab.dates import (HANOI, GarbledDate, file_time, parse_iso, parse_mail_date, parse_published,
                                     timestamp)
from kinhtedothi.vocab.outcomes import Stat
from kinhtedothi.vocab.sources import PAGES
from kinhtedothi.vocab.urls import SITE, canonical_url, is_site_url
from scraper.pages import article_page_for
from scraper.parse import SavedPage

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MHTML_SUFFIXES = (".mhtml", ".mht")
MAX_FILE_BYTES = 20 * 1024 * 1024  # a saved article is 0.1-5 MB (MHTML with its pictures); larger is not read
MAX_FILES = 10_000                 # pages read in one run: give a larger folder in parts
MAX_MHTML_PARTS = 2_000            # a page with its pictures, styles, fonts and frames has tens to hundreds
SAVED_FROM = re.compile(rb"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)
# src/srcset pointing into a "complete" save's folder (<name>_files/…, ./<name>_files/…): the browser's copy
LOCAL_COPY = re.compile(rb"""(\s)(src|srcset)(\s*=\s*["'](?:\./)?[^"'<>/]*_files/)""", re.IGNORECASE)


class NotASavedPage(ValueError):
    """A file that is not a saved page of the site (or is over a bound): named, never archived."""


@dataclass(frozen=True)
class SavedFile:
    """One saved page found by ``saved_file``: what LocalRecordMiddleware reads (scraper.archive_middlewares)."""

    path: str           # absolute path of the file
    name: str           # its name under the folder given (capture_url = file:<name>)
    url: str            # the page's own address (canonical)
    timestamp: str      # when it was saved (YYYYMMDDhhmmss, UTC)
    dated_by_page: bool = False  # the file's time was before the page's own date: the page's date is used

    source: ClassVar[str] = PAGES.name
    read_stat: ClassVar[Stat] = Stat.SAVED_PAGES_READ
    stored_stat: ClassVar[Stat] = Stat.SAVED_PAGES_ALREADY_STORED

    @property
    def capture_url(self) -> str:
        return PAGES.address(self.name)

    def read(self) -> tuple[int | None, dict[str, str], bytes]:
        html, content_type, _ = read_page(Path(self.path))
        return 200, {"Content-Type": content_type}, html


def saved_files(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, str]], bool]:
    """(file, name) of every saved page named or under the folders named (not inside ``_files/`` folders),
    in name order, at most MAX_FILES; and whether there were more."""
    found: list[tuple[Path, str]] = []
    for path in map(Path, paths):
        if not path.is_dir():
            found.append((path, path.name))
            continue
        for folder, subfolders, files in os.walk(path):
            subfolders[:] = sorted(d for d in subfolders if not d.endswith("_files"))
            for file in sorted(files):
                if file.lower().endswith(HTML_SUFFIXES + MHTML_SUFFIXES):
                    found.append((Path(folder) / file, (Path(folder) / file).relative_to(path).as_posix()))
                    if len(found) > MAX_FILES:
                        return found[:MAX_FILES], True
    return found, False


def _mhtml_page(data: bytes) -> tuple[bytes, str, str | None, str | None]:
    """The HTML part of an MHTML file: (bytes, its Content-Type, the address it was saved from, its Date)."""
    boundary = BytesHeaderParser(policy=policy.default).parsebytes(data).get_boundary()
    if boundary and data.count(b"--" + boundary.encode("latin-1", "replace")) > MAX_MHTML_PARTS + 1:
        raise NotASavedPage(f"more than {MAX_MHTML_PARTS} MHTML parts")  # counted before anything is parsed
    message = message_from_bytes(data, policy=policy.default)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        raise NotASavedPage("not an MHTML file (no MIME parts)")
    html = next((part for part in message.walk() if part.get_content_type() == "text/html"), None)
    if html is None:
        raise NotASavedPage("an MHTML file without an HTML part")
    body = html.get_payload(decode=True)
    if not isinstance(body, bytes):
        raise NotASavedPage("an MHTML file whose HTML part cannot be decoded")
    where = message.get("Snapshot-Content-Location") or html.get("Content-Location")
    return body, str(html.get("Content-Type") or "text/html"), str(where) if where else None, message.get("Date")


def read_page(path: Path) -> tuple[bytes, str, tuple[str | None, str | None]]:
    """The page a saved file holds: its HTML (the browser's local copies of pictures marked ``data-saved-src``,
    not taken for their addresses on the site), its Content-Type, and what the browser recorded (the address
    it was saved from, the MHTML's Date)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise NotASavedPage(f"larger than {MAX_FILE_BYTES} bytes ({size})")
        data = path.read_bytes()[:MAX_FILE_BYTES]
    except OSError as error:
        raise NotASavedPage(f"unreadable ({error.strerror or error})") from None
    if path.name.lower().endswith(MHTML_SUFFIXES):
        html, content_type, where, date = _mhtml_page(data)
    else:
        found = SAVED_FROM.search(data[:4096])
        html, content_type, date = data, "text/html", None
        where = found.group(1).decode("latin-1") if found else None
    if not html.strip():
        raise NotASavedPage("an empty page")
    return LOCAL_COPY.sub(rb"\1data-saved-\2\3", html), content_type, (where, date)


def _saved_at(path: Path, mail_date: str | None) -> str:
    """When the file says the page was saved: an MHTML's Date, else the file's modification time."""
    moment = parse_mail_date(mail_date) or file_time(path.stat().st_mtime)
    return timestamp(moment) if moment else ""


def _page_date(extracted: dict) -> str:
    """The page's own date as a timestamp ("" when it has none)."""
    try:
        moment = parse_iso(parse_published(extracted.get("published_raw")), assume=HANOI)
    except GarbledDate:
        return ""
    return timestamp(moment) if moment else ""


def saved_file(path: Path, name: str) -> SavedFile:
    """One file as a SavedFile (its address, when it was saved), or NotASavedPage saying why not."""
    html, content_type, (where, date) = read_page(path)
    page = article_page_for(SavedPage(f"{SITE}/", html, content_type))
    own = page.own_url() or where
    if not own or not is_site_url(own):
        raise NotASavedPage("names no address on kinhtedothi.vn (no canonical link, og:url or saved-from address)")
    url = canonical_url(own)
    page.rebase(url)
    saved, published = _saved_at(path, date), _page_date(page.extract())
    return SavedFile(str(path.resolve()), name, url, max(saved, published),
                     dated_by_page=bool(published) and saved < published)


def check(paths: Iterable[str | Path]) -> None:
    """Raise ValueError when the paths name no saved page at all, or more than MAX_FILES."""
    files, more = saved_files(paths)
    if more:
        raise ValueError(f"more than {MAX_FILES} saved pages: give the folders a few at a time")
    if not files:
        raise ValueError(f"no saved pages found (*{', *'.join(HTML_SUFFIXES + MHTML_SUFFIXES)})")
