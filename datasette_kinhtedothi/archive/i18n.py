"""The archive's interface language: Vietnamese by default, English on request.

Every page of the archive takes its words from here. A module that adds pages
registers its own strings with :func:`register`; a page asks :func:`language`
which language the visitor wants and :func:`gettext` for each string.

    from datasette_kinhtedothi.archive.i18n import register, language, gettext as _
    register({"edited": {"vi": "Đã sửa", "en": "Edited"}})
    lang = language(request)
    _("edited", lang)

The language is ``?lang=en`` / ``?lang=vi`` when given, else the first of
Vietnamese or English in the browser's ``Accept-Language`` (by its q-values),
else Vietnamese.
"""

from __future__ import annotations

LANGUAGES = ("vi", "en")
DEFAULT = "vi"

# key -> {"vi": ..., "en": ...}; strings may hold str.format fields: "{count} bài".
MESSAGES: dict[str, dict[str, str]] = {}


def register(messages: dict[str, dict[str, str]]) -> None:
    """Add a module's strings; a key registered twice must say the same."""
    for key, texts in messages.items():
        if key in MESSAGES and MESSAGES[key] != texts:
            raise ValueError(f"i18n key {key!r} registered twice with different texts")
        if set(texts) != set(LANGUAGES):
            raise ValueError(f"i18n key {key!r} needs exactly {LANGUAGES}")
        MESSAGES[key] = texts


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


def language(request) -> str:
    """The visitor's language: ``?lang=``, else Accept-Language, else Vietnamese."""
    if request is None:
        return DEFAULT
    asked = (request.args.get("lang") or request.args.get("_lang") or "").lower()
    if asked in LANGUAGES:
        return asked
    header = request.headers.get("accept-language", "")[:500]
    return _accept_language(header) or DEFAULT


def gettext(key: str, lang: str = DEFAULT, **fields: object) -> str:
    """The string ``key`` in ``lang``; an unknown key is shown as itself (a visible bug, not a crash)."""
    texts = MESSAGES.get(key)
    if texts is None:
        return key
    text = texts.get(lang) or texts[DEFAULT]
    return text.format(**fields) if fields else text
