"""Bytes to text, page by page: what a page says it is, checked, never a guess over the whole page.

* Valid UTF-8 is read as UTF-8, whatever the label (an ISO-8859-1 label on a UTF-8 page is common).
* A page that declares another charset (HTTP header or ``<meta charset>``) is read in it when that
  decoding is clean (no undefined byte).
* Only a page with no valid UTF-8 character at all (a legacy page mislabelled UTF-8) is read in the
  Vietnamese code page windows-1258, and only when that decoding is clean.
* A UTF-8 page with Windows-1252 bytes in it (text pasted from Word: curly quotes, dashes, the
  ellipsis) has those bytes made UTF-8 by BeautifulSoup's ``UnicodeDammit.detwingle``, when that
  leaves the whole page valid UTF-8: nothing is replaced, nothing is counted.
* Anything else is read as UTF-8 with each bad byte sequence replaced by U+FFFD, and the number of
  replacements is reported (``raw_pages.decode_errors``): a UTF-8 page with five stray bytes keeps its
  Vietnamese, instead of becoming mojibake when decoded whole as windows-1258.
"""

from __future__ import annotations

import codecs
import re

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

REPLACEMENT = "\ufffd"
_UTF8 = {"utf-8", "utf8", "utf_8"}
_REAL_NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")
LEGACY = "cp1258"


def declared_encoding(body: bytes, content_type: str | None) -> str | None:
    """The charset the page declares (HTTP header first, then the document's own), normalised."""
    name = http_content_type_encoding(content_type) if content_type else None
    name = name or html_body_declared_encoding(body[:4096])
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_page(body: bytes, content_type: str | None = None) -> tuple[str, int]:
    """(text, number of bad byte sequences replaced) for one page."""
    if body.startswith(codecs.BOM_UTF8):
        body = body[len(codecs.BOM_UTF8):]
    try:
        return body.decode("utf-8"), 0
    except UnicodeDecodeError:
        pass
    declared = declared_encoding(body, content_type)
    if declared and declared.replace("-", "_") not in _UTF8:
        try:
            return body.decode(declared), 0
        except (UnicodeDecodeError, LookupError):
            pass  # the label is wrong too: fall back to UTF-8, replacing what is not
    text = body.decode("utf-8", errors="replace")
    if not _REAL_NON_ASCII.search(text):  # nothing here is UTF-8: a legacy page with a wrong label
        try:
            return body.decode(LEGACY), 0
        except UnicodeDecodeError:
            pass
    else:
        try:
            return detwingled(body).decode("utf-8"), 0
        except UnicodeDecodeError:
            pass  # stray bytes that are not Windows-1252 text in UTF-8: replaced
    return text, text.count(REPLACEMENT) - body.count(REPLACEMENT.encode("utf-8"))


def detwingled(body: bytes) -> bytes:
    """``body`` with the Windows-1252 characters found between its UTF-8 ones made UTF-8 (one pass)."""
    from bs4 import UnicodeDammit  # imported by the rare page that needs it (bs4 takes 70 ms to import)

    return UnicodeDammit.detwingle(body)


def response_content_type(response) -> str | None:
    """The Content-Type of a Scrapy response, or of a saved page (``content_type``)."""
    headers = getattr(response, "headers", None)
    if headers is not None:
        value = headers.get("Content-Type")
        return value.decode("latin-1") if isinstance(value, bytes) else value
    return getattr(response, "content_type", None)


def page_text(response) -> str:
    """The text of a response or saved page, decoded as above."""
    return decode_page(response.body, response_content_type(response))[0]
