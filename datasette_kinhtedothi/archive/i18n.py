"""The archive's interface language: Vietnamese by default, English on request, and the choice kept.

Every word of the archive's pages is in one gettext catalog per language, read with Babel:
``locale/vi/LC_MESSAGES/archive.po`` and ``locale/en/LC_MESSAGES/archive.po``. A message id is a
key (``search.title``), its text may hold ``str.format`` fields (``{n} bài``); an editor fixes a
word in the ``.po`` file without reading Python. Table and column descriptions are keyed
``table.<table>.description`` and ``column.<table>.<column>`` in the Vietnamese catalog; their
English is metadata.yml's (Datasette serves it in its JSON too).

    from datasette_kinhtedothi.archive.i18n import language, gettext as _
    lang = language(request)
    _("search.title", lang)

The language is ``?lang=`` (``_lang`` on Datasette's own pages) when given, else the ``kt_lang``
cookie that choice sets (:func:`remember`), else the first of Vietnamese or English in the
browser's ``Accept-Language`` (by its q-values), else Vietnamese.
"""

from __future__ import annotations

import urllib.parse
from functools import lru_cache
from pathlib import Path
from typing import Any, Awaitable, Callable

from babel.messages.pofile import read_po
from markupsafe import Markup, escape

LANGUAGES = ("vi", "en")
DEFAULT = "vi"
COOKIE = "kt_lang"
COOKIE_SECONDS = 365 * 24 * 3600
LOCALE_DIR = Path(__file__).parent / "locale"


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """The catalog of ``lang`` as {key: text} (read once)."""
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / "archive.po", "rb") as handle:
        po = read_po(handle, locale=lang)
    return {str(message.id): str(message.string) for message in po if message.id and message.string}


def _accept_language(header: str) -> str | None:
    """The first of our languages in an Accept-Language header, by q-value (ties: header order)."""
    ranked = []
    for index, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, index, primary))
    return min(ranked)[2] if ranked else None


def asked(request) -> str | None:
    """The language the address asks for (``?lang=`` or ``?_lang=``), if any."""
    if request is None:
        return None
    value = (request.args.get("lang") or request.args.get("_lang") or "").lower()
    return value if value in LANGUAGES else None


def language(request) -> str:
    """The visitor's language: ``?lang=``, else the cookie, else Accept-Language, else Vietnamese."""
    if request is None:
        return DEFAULT
    chosen = asked(request) or (request.cookies.get(COOKIE) or "").lower()
    if chosen in LANGUAGES:
        return chosen
    header = request.headers.get("accept-language", "")[:500]
    return _accept_language(header) or DEFAULT


def gettext(key: str, lang: str = DEFAULT, **fields: object) -> str:
    """The string ``key`` in ``lang``; an unknown key is shown as itself (a visible bug, not a crash)."""
    text = catalog(lang if lang in LANGUAGES else DEFAULT).get(key)
    if text is None:
        return key
    return text.format(**fields) if fields else text


def gettext_markup(key: str, lang: str = DEFAULT, **fields: object) -> Markup:
    """The string ``key`` as HTML: the catalog's text escaped, each field escaped unless it is already markup
    (a name marked as Vietnamese data inside an English sentence)."""
    text = catalog(lang if lang in LANGUAGES else DEFAULT).get(key, key)
    return Markup(escape(text)).format(**fields) if fields else Markup(escape(text))


def has(key: str, lang: str = DEFAULT) -> bool:
    return key in catalog(lang if lang in LANGUAGES else DEFAULT)


def with_lang(url: str, request) -> str:
    """``url`` carrying the language the visitor's address asked for (none asked: the cookie keeps it)."""
    lang = asked(request)
    if not lang or "lang=" in url.partition("?")[2]:
        return url
    base, _, fragment = url.partition("#")
    joined = base + ("&" if "?" in base else "?") + urllib.parse.urlencode({"lang": lang})
    return joined + ("#" + fragment if fragment else "")


def other_language_url(request, lang: str) -> str:
    """This page in the other language (every other argument kept)."""
    pairs = [(k, v) for k, v in urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)
             if k not in ("lang", "_lang")]
    return request.path + "?" + urllib.parse.urlencode(pairs + [("lang", "en" if lang == "vi" else "vi")])


def _asked_in(query_string: bytes) -> str | None:
    if b"lang=" not in query_string:
        return None
    for key, value in urllib.parse.parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if key in ("lang", "_lang") and value.lower() in LANGUAGES:
            return value.lower()
    return None


Send = Callable[[dict[str, Any]], Awaitable[None]]


def remember(scope: dict[str, Any], send: Send) -> Send:
    """``send`` that sets the ``kt_lang`` cookie when the address chose a language (``?lang=en``)."""
    lang = _asked_in(scope.get("query_string") or b"")
    if lang is None:
        return send
    cookie = f"{COOKIE}={lang}; Path=/; Max-Age={COOKIE_SECONDS}; SameSite=Lax".encode()

    async def send_with_cookie(event: dict[str, Any]) -> None:
        if event["type"] == "http.response.start":
            event = dict(event, headers=[*event.get("headers", []), (b"set-cookie", cookie)])
        await send(event)

    return send_with_cookie
