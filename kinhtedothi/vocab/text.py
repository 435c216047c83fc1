"""Text rules shared by the parsers, the pipelines and the Datasette plugins.

``clean`` (parsers and pipelines) is the archive's normalization of any stored
text (NFC, single spaces, no non-breaking spaces, trimmed, empty is None).
``fold`` (also the plugins' search) is the search and matching key: lower
case, no diacritics, ``đ`` as ``d``.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+")
# Zero-width characters that pages carry and that no reader sees.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_QUOTES = dict.fromkeys(map(ord, "\"'“”„‟‘’‚‛«»"), None)
# Control characters (C0 but tab and line breaks, DEL, C1): no reader sees them, and XML (the Atom
# feeds) forbids most of them. Removed from every stored text.
CONTROLS = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)], None)
CONTROLS.update({0x0B: " ", 0x0C: " ", 0x85: " "})
# str.translate looks every character up in CONTROLS (slow on long non-ASCII text); one regex search
# says whether there is anything to translate at all, and almost never is there.
_ANY_CONTROL = re.compile("[%s]" % "".join(re.escape(chr(code)) for code in sorted(CONTROLS)))
# Either kind of character ``clean`` removes: one scan tells whether there is any.
_ANY_ODD = re.compile("[%s\u200b\u200c\u200d\u2060\ufeff\u00ad]"
                      % "".join(re.escape(chr(code)) for code in sorted(CONTROLS)))


def strip_controls(value: str) -> str:
    """``value`` without control characters (those that are spaces become a space)."""
    return value.translate(CONTROLS) if _ANY_CONTROL.search(value) else value


def clean(value: str | None) -> str | None:
    """NFC, no control characters, whitespace (nbsp included) collapsed to one space, trimmed; '' is None."""
    if value is None:
        return None
    # lxml's "smart" strings hold their whole tree: what is returned is a plain string
    text = str(value) if type(value) is not str else value
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        # Most texts: words one space apart and nothing else to remove. Every control and invisible
        # character and every space but " " is unprintable, and NFC makes no space of a printable
        # character: only NFC can change such a text (one C scan instead of a regex search and a split).
        return (text if text.isascii() else unicodedata.normalize("NFC", text)) or None
    if _ANY_ODD.search(text):
        text = _INVISIBLE.sub("", strip_controls(text))
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split()) or None  # str.split() splits on every Unicode space, nbsp included


def clean_paragraphs(paragraphs: list[str]) -> str | None:
    """Join cleaned paragraphs with one blank line, dropping empty ones."""
    kept = [p for p in (clean(p) for p in paragraphs) if p]
    return "\n\n".join(kept) or None


def fold(value: str | None) -> str:
    """Search key: 'Khoá XV, ĐẢNG bộ' -> 'khoa xv, dang bo'."""
    if not value:
        return ""
    value = unicodedata.normalize("NFD", value.replace("\xa0", " "))
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = value.replace("đ", "d").replace("Đ", "D").replace("ð", "d").replace("Ð", "D")
    return _SPACES.sub(" ", value.lower()).strip()


def fold_name(value: str | None) -> str:
    """Matching key for names: folded, quotes dropped, punctuation spaced out."""
    value = fold(value).translate(_QUOTES)
    value = _NON_WORD.sub(" ", value)
    return _SPACES.sub(" ", value).strip()


def _strip_table() -> dict[int, str]:
    """Letter with diacritics -> its base letter, case kept; one character for one, so offsets survive."""
    table = {ord("đ"): "d", ord("Đ"): "D", ord("ð"): "d", ord("Ð"): "D"}
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        if len(base) == 1 and base != char:
            table[code] = base
    return table


STRIP = _strip_table()


def strip_marks(value: str | None) -> str:
    """Diacritics off, ``đ`` as ``d``, case and everything else kept (any normalization form in)."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value).translate(STRIP)
    return "".join(c for c in value if not unicodedata.combining(c))
