"""One story's history, from its readings: which changes the paper made, and the best copy to keep.

A *reading* is what one fetch of one page said (the site, a mirror, a web-archive capture, a WARC
record, a saved file), as normalized; a later *parser* may read the same stored page again. This
module is pure (plain dicts in, plain dicts out): ``pipelines.readings`` loads and stores them.

**An edit is a change in the words a reader reads**: the headline, the lead, the byline, the body's
paragraphs, the caption texts and the publication time. Not an edit: a new address, layout or CMS
generation, another image host or size, a caption replaced by the CMS default (``‹headline› - Ảnh
n``) or emptied, a related-news box, tags, a section, markup, spacing, typographic quotes and
dashes, another source (live, Wayback Machine, Common Crawl, WARC) or a newer parser. A word field
counts only when both readings have it, read from the same kind of place (the layout's markup, or
metadata of the same layout): a field lost, or only found in metadata, is a poorer reading, never
an edit.

Each reading gets the kind of change it brought (``CHANGE_KINDS``), relative to the reading before
it in time: the stored page's own date (a capture's time, a fetch's time), not the order the
archive learned them in.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable

from kinhtedothi.vocab.dates import UTC, parse_iso
from kinhtedothi.vocab.generations import generation_of_layout

FIRST, EDIT, MIGRATION, SOURCE, PRESENTATION, PARSER = (
    "first", "edit", "migration", "source", "presentation", "parser")
CHANGE_KINDS = {
    FIRST: "the oldest reading the archive holds",
    EDIT: "the paper changed the words a reader reads (headline, lead, byline, body, captions, time)",
    MIGRATION: "the same words at another address or in another generation of the site's layout",
    SOURCE: "the same words read from another source (live site, Wayback Machine, Common Crawl, WARC, file)",
    PRESENTATION: "the same words with other pictures, default captions, tags, related links or markup",
    PARSER: "an older parser's reading of a stored page that newer parsers have read again",
}
WORD_FIELDS = ("title", "sapo", "author", "published_at", "body_text", "captions")
# where the page object says each word field came from (extract()'s field_sources keys)
SOURCE_KEYS = {"title": "title", "sapo": "sapo", "author": "author", "published_at": "published_raw",
               "body_text": "body"}
LIST_FIELDS = ("tags", "images", "related_links")
SCALAR_FIELDS = ("title", "sapo", "author", "published_at", "section", "subsection", "body_text")
# fields that travel with another: the date as printed with the date, the body's HTML with its text
COMPANIONS = {"published_at": ("published_raw",), "body_text": ("body_html", "word_count")}

_TYPOGRAPHY = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "‘": "'", "’": "'",
                             "‚": "'", "‛": "'", "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "…": "...",
                             "\u00a0": " ", "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None})
_DEFAULT_SUFFIX = re.compile(r"\s*[-–—:|]?\s*Ảnh\s*(?:số\s*)?\d{1,3}\s*$", re.IGNORECASE)
_PLACEHOLDERS = {"ảnh", "ảnh minh họa", "ảnh minh hoạ", "image", "photo"}


def words(text: str | None) -> str | None:
    """A text as a reader reads it: NFC, typographic quotes and dashes plain, whitespace collapsed."""
    if not text:
        return None
    plain = unicodedata.normalize("NFC", text).translate(_TYPOGRAPHY)
    return " ".join(plain.split()) or None


def is_default_caption(caption: str | None, titles: Iterable[str | None]) -> bool:
    """True for no caption, or the CMS's default: ``‹headline› - Ảnh n`` (or the headline alone, ``Ảnh n``)."""
    text = words(caption)
    if not text:
        return True
    stripped = _DEFAULT_SUFFIX.sub("", text)
    if not stripped or stripped.casefold() in _PLACEHOLDERS:
        return True
    keys = {words(t).casefold() for t in titles if words(t)}  # type: ignore[union-attr]
    return stripped.casefold() in keys or text.casefold() in keys


def real_captions(reading: dict[str, Any], titles: Iterable[str | None] = ()) -> list[str | None]:
    """Each picture's caption when it is the paper's own, None where it is the CMS default or missing
    (``titles``: every headline the story had, since a default caption repeats the headline of its day)."""
    titles = [reading.get("title"), *titles]
    return [None if is_default_caption(i.get("caption"), titles) else words(i.get("caption"))
            for i in reading.get("images") or []]


def _source_of(reading: dict[str, Any], field: str) -> str:
    sources = reading.get("field_sources") or {}
    return sources.get(SOURCE_KEYS.get(field, field)) or "markup"


def _comparable(older: dict[str, Any], newer: dict[str, Any], field: str) -> bool:
    """Both read from the layout's markup, or both from metadata of one layout."""
    a, b = _source_of(older, field), _source_of(newer, field)
    if a == b == "markup":
        return True
    return a == b == "metadata" and older.get("layout") == newer.get("layout")


def _minute(published_at: str | None) -> str | None:
    """The publication moment to the minute, in UTC; None for no time of day (a bare date)."""
    moment = parse_iso(published_at) if published_at and len(published_at) > 10 else None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M") if moment else None


def _not_body(*readings: dict[str, Any]) -> set[str]:
    """Texts a layout may leave among the paragraphs: captions, related headlines, the byline."""
    out: set[str] = set()
    for reading in readings:
        out |= {words(i.get("caption")) or "" for i in reading.get("images") or []}
        out |= {words(r.get("title")) or "" for r in reading.get("related_links") or []}
        out.add(words(reading.get("author")) or "")
    out.discard("")
    return out


def body_words(reading: dict[str, Any], leave_out: set[str], titles: Iterable[str | None] = ()) -> str | None:
    """The body as a reader reads it: its paragraphs, without caption, related-news or byline lines,
    without paragraph breaks (where a layout splits a paragraph is markup)."""
    titles = [reading.get("title"), *titles]
    kept = []
    for paragraph in (reading.get("body_text") or "").split("\n\n"):
        text = words(paragraph)
        if not text or text in leave_out or _DEFAULT_SUFFIX.search(text) and is_default_caption(text, titles):
            continue
        kept.append(text)
    return " ".join(kept) or None


def edited_fields(older: dict[str, Any], newer: dict[str, Any], titles: Iterable[str | None] = ()) -> list[str]:
    """The word fields the paper changed between two readings (an empty list: no edit)."""
    titles = [older.get("title"), newer.get("title"), *titles]
    changed = []
    for field in ("title", "sapo"):
        a, b = words(older.get(field)), words(newer.get(field))
        if a and b and a != b and _comparable(older, newer, field):
            changed.append(field)
    a, b = words(older.get("author")), words(newer.get("author"))
    if a and b and a.casefold() != b.casefold() and _comparable(older, newer, "author"):
        changed.append("author")
    a, b = _minute(older.get("published_at")), _minute(newer.get("published_at"))
    if a and b and a != b and _comparable(older, newer, "published_at"):
        changed.append("published_at")
    leave_out = _not_body(older, newer)
    a, b = body_words(older, leave_out, titles), body_words(newer, leave_out, titles)
    if a and b and a != b and _comparable(older, newer, "body_text"):
        changed.append("body_text")
    old_caps, new_caps = real_captions(older, titles), real_captions(newer, titles)
    pairs = pair_pictures(older.get("images") or [], newer.get("images") or [])
    if any(o is not None and old_caps[o] and new_caps[n] and old_caps[o] != new_caps[n] for o, n in pairs):
        changed.append("captions")
    return changed


def _picture_name(src: str | None) -> str:
    """A picture's file name, which survives a new host, folder or size: ``…/2021/12/2x/a.jpg`` -> ``a.jpg``."""
    return (src or "").split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1].casefold()


def pair_pictures(old: list[dict], new: list[dict]) -> list[tuple[int | None, int]]:
    """Each picture of ``new`` with the same picture in ``old`` (its index), or None: by file name (a
    rehosted picture keeps it), else by position when both readings have as many pictures."""
    names: dict[str, list[int]] = {}
    for index, image in enumerate(old):
        names.setdefault(_picture_name(image.get("src")), []).append(index)
    pairs: list[tuple[int | None, int]] = []
    for index, image in enumerate(new):
        same = names.get(_picture_name(image.get("src")))
        pairs.append((same.pop(0) if same else None, index))
    if len(old) == len(new) and all(o is None for o, _ in pairs):
        return [(i, i) for i in range(len(new))]
    return pairs


def change_kind(older: dict[str, Any], newer: dict[str, Any], titles: Iterable[str | None] = ()) -> str:
    """What ``newer`` brought, compared with the reading before it (``CHANGE_KINDS``)."""
    if edited_fields(older, newer, titles):
        return EDIT
    if generation_of_layout(older.get("layout")) != generation_of_layout(newer.get("layout")) \
            or older.get("url") != newer.get("url"):
        return MIGRATION
    if (older.get("source") or "live") != (newer.get("source") or "live"):
        return SOURCE
    return PRESENTATION


def fetch_key(reading: dict[str, Any]) -> Any:
    """What identifies the fetch a reading was parsed from: its stored page, else address and time."""
    if reading.get("raw_page_id") is not None:
        return ("page", reading["raw_page_id"])
    return ("fetch", reading.get("url"), reading.get("read_at"))


def order_key(reading: dict[str, Any]) -> tuple:
    """Readings in time: when the page said it (capture or fetch time), then in the order stored."""
    rid = reading.get("id")
    return (reading.get("read_at") or "", rid is None, rid or 0)


def history(readings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The readings in time order, each given ``change``, ``edited_fields`` and ``effective``.

    ``effective`` is False for a reading that newer parsers read again (kind ``parser``); the
    others are compared each with the effective reading before it."""
    ordered = sorted(readings, key=order_key)
    titles = story_titles(ordered)
    last_of_fetch = {fetch_key(r): r for r in ordered}
    previous: dict[str, Any] | None = None
    for reading in ordered:
        reading["effective"] = last_of_fetch[fetch_key(reading)] is reading
        if not reading["effective"]:
            reading["change"], reading["edited_fields"] = PARSER, []
            continue
        if previous is None:
            reading["change"], reading["edited_fields"] = FIRST, []
        else:
            reading["edited_fields"] = edited_fields(previous, reading, titles)
            reading["change"] = change_kind(previous, reading, titles)
        previous = reading
    return ordered


def story_titles(readings: list[dict[str, Any]]) -> list[str]:
    """Every headline the story's readings carry."""
    return list(dict.fromkeys(r["title"] for r in readings if r.get("title")))


def edit_count(ordered: list[dict[str, Any]]) -> int:
    return sum(1 for r in ordered if r.get("effective") and r.get("change") == EDIT)


def _present(value: Any) -> bool:
    return value not in (None, "", [])


def _merge_images(best: list[dict], best_from: list[Any], new: list[dict], new_id: Any,
                  titles: list[str]) -> tuple[list[dict], list[Any], bool]:
    """Pictures of the copy so far and of a newer reading: the longer list (the newer on a tie), each
    caption the paper's own wherever either reading has it for that picture (the newer's when both do;
    pictures paired by ``pair_pictures``). Returns the pictures, the reading each caption came from, and
    whether the newer reading's list was taken."""
    take_new = len(new) >= len(best)
    if take_new:
        pairs = pair_pictures(best, new)
        base, base_from, other, other_from = new, [new_id] * len(new), best, best_from
    else:
        pairs = pair_pictures(new, best)
        base, base_from, other, other_from = best, best_from, new, [new_id] * len(new)
    merged, origins = [], []
    for partner, index in pairs:
        image = base[index]
        caption, origin = image.get("caption"), base_from[index]
        if partner is not None and not is_default_caption(other[partner].get("caption"), titles):
            # the other reading's own caption: kept where this one has the default, or when it is the newer
            if is_default_caption(caption, titles) or not take_new:
                caption, origin = other[partner].get("caption"), other_from[partner]
        merged.append({"src": image.get("src"), "caption": caption})
        origins.append(origin)
    return merged, origins, take_new


def best_copy(ordered: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The copy to keep, field by field, from the effective readings in time order, and which reading
    (its ``id``) each field came from (``captions``: one per picture).

    Words: the newest reading that has them (so a real edit always wins, and a reading that lost a
    field, or found it only in metadata, does not wipe what markup gave). Tags, pictures and related
    links: the longer list (the newer on a tie), so a reading that lost them does not wipe them.
    Captions: the paper's own text wherever any reading has it, never the CMS default over it."""
    effective = [r for r in ordered if r.get("effective", True)]
    if not effective:
        raise ValueError("a story with no reading")
    first, titles = effective[0], story_titles(effective)
    best: dict[str, Any] = {k: first.get(k) for k in (*SCALAR_FIELDS, *LIST_FIELDS, "published_raw",
                                                     "body_html")}
    best.update({k: list(best[k] or []) for k in LIST_FIELDS})
    origin: dict[str, Any] = {k: first.get("id") for k in (*SCALAR_FIELDS, *LIST_FIELDS)}
    origin["captions"] = [first.get("id")] * len(best["images"])
    markup = {f: _source_of(first, f) == "markup" for f in SCALAR_FIELDS}
    for reading in effective[1:]:
        rid = reading.get("id")
        for field in SCALAR_FIELDS:
            value = reading.get(field)
            from_markup = _source_of(reading, field) == "markup"
            if _present(value) and (from_markup or not markup[field] or not _present(best[field])):
                best[field], origin[field], markup[field] = value, rid, from_markup
                for companion in COMPANIONS.get(field, ()):
                    best[companion] = reading.get(companion)
        for field in ("tags", "related_links"):
            if len(reading.get(field) or []) >= len(best[field]):
                best[field], origin[field] = list(reading.get(field) or []), rid
        best["images"], origin["captions"], took = _merge_images(
            best["images"], origin["captions"], reading.get("images") or [], rid, titles)
        if took:
            origin["images"] = rid
    return best, origin
