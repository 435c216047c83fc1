"""The places an article names: Hanoi's districts and wards and Vietnam's provinces (``article_places``).

Pure: an article's fields in (headline, lead, body, captions, tags), places out. The units and their
names are ``pipelines.gazetteer``'s. How a place is found (``found_by``), surest first:

``prefix``   its type before its name: ``huyện Đan Phượng``, ``phường Quảng An``, ``tỉnh Bắc Ninh``,
             ``TP Hà Nội``, ``Quận ủy Hoàn Kiếm``. The type must be the unit's (``quận Hoàng Mai`` is
             Hanoi's; ``thị xã Hoàng Mai`` is Nghệ An's and is not looked for).
``list``     a name in a list after a type: ``các quận Ba Đình, Hoàn Kiếm và Đống Đa``,
             ``4 huyện: Đông Anh, Gia Lâm``, ``phường Quảng An và Nhật Tân``.
``address``  a bare district right after one of its own wards: ``phường Quảng An, Tây Hồ``,
             ``xã Phú Cát (Quốc Oai)``.
``name``     a bare district or province name where it cannot be anything else (``is_bare_place``):
             a whole capitalized name (not part of a longer one: ``Điện Biên Phủ``, ``Hồ Hoàn Kiếm``,
             ``Vihealth Quốc Oai``), not after a word that makes it a street, a landmark, an institution
             or a person (``đường``, ``hồ``, ``cầu``, ``bệnh viện``, ``ông`` …), and not one of the
             names that commonly mean something else (``NEVER_BARE``: Hoàn Kiếm is also the lake,
             Ba Đình the square and the hall, Ba Vì the mountain, Long Biên the bridge, Hai Bà Trưng the
             heroines, Hồ Chí Minh the man, Huế a given name). Wards are never found bare.

A ward is a Hanoi ward unless the address after it says otherwise (``xã Kỳ Hà, thị xã Kỳ Anh, tỉnh Hà
Tĩnh``: another district or province, so nothing). A ward name that several Hanoi districts have is
placed by the district the address after it names; else by the one of those districts the article
names anywhere; else it stays a ward without a district.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from itertools import accumulate, compress, count
from operator import itemgetter
from typing import Any, Iterable, Iterator

from pipelines.gazetteer import (DISTRICT, HANOI, PROVINCE, WARD, Gazetteer, Unit, alias_key, load,
                                 old_style_tones, vi_key)

PREFIX, LIST, ADDRESS, NAME = "prefix", "list", "address", "name"
FOUND_ORDER = (PREFIX, LIST, ADDRESS, NAME)
FIELDS = ("title", "sapo", "body_text", "captions", "tags")
MAX_NAME_WORDS = 5
MAX_TEXT = 200_000      # characters read per field: a bound that does not depend on the page

# Type words before a name: (words, level, kind). Longest first; "ủy" forms name the unit's party committee.
PREFIXES: list[tuple[tuple[str, ...], str, str]] = [
    (("thị", "xã"), DISTRICT, "thị xã"), (("thị", "ủy"), DISTRICT, "thị xã"), (("thị", "uỷ"), DISTRICT, "thị xã"),
    (("thị", "trấn"), WARD, "thị trấn"), (("thành", "phố"), PROVINCE, "thành phố"),
    (("quận", "ủy"), DISTRICT, "quận"), (("quận", "uỷ"), DISTRICT, "quận"),
    (("huyện", "ủy"), DISTRICT, "huyện"), (("huyện", "uỷ"), DISTRICT, "huyện"),
    (("tỉnh", "ủy"), PROVINCE, "tỉnh"), (("tỉnh", "uỷ"), PROVINCE, "tỉnh"),
    (("thành", "ủy"), PROVINCE, "thành phố"), (("thành", "uỷ"), PROVINCE, "thành phố"),
    (("quận",), DISTRICT, "quận"), (("huyện",), DISTRICT, "huyện"), (("phường",), WARD, "phường"),
    (("xã",), WARD, "xã"), (("tỉnh",), PROVINCE, "tỉnh"),
]
# Abbreviations, as written (case counts): "TP Hà Nội", "TP. Hồ Chí Minh", "TX Sơn Tây".
ABBREVIATIONS = {"TP": (PROVINCE, "thành phố"), "Tp": (PROVINCE, "thành phố"), "TX": (DISTRICT, "thị xã")}
# Names that, standing alone, commonly mean something else (see the module's docstring).
NEVER_BARE = {vi_key(n) for n in ("Hoàn Kiếm", "Ba Đình", "Ba Vì", "Long Biên", "Hai Bà Trưng", "Hồ Chí Minh",
                                  "Huế")}
# A bare name right after one of these words is a street, a landmark, an institution or a person.
NOT_A_PLACE_BEFORE = {
    "đường", "phố", "ngõ", "ngách", "hẻm", "hồ", "cầu", "sông", "núi", "đầm", "gò", "đồi", "đảo", "bến", "ga",
    "chợ", "sân", "trường", "nhà", "khu", "tòa", "toà", "tháp", "vườn", "viên", "chùa", "đền", "phủ", "đình",
    "lăng", "miếu", "viện", "ty", "hàng", "hiệu", "tàu", "xe", "án", "mại", "báo", "đài", "hãng", "quán", "đội",
    "ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "cháu", "cụ", "vợ", "chồng", "tên", "tướng", "sĩ",
    "thầy", "liệt", "giải", "cúp",
    "quận", "huyện", "xã", "phường", "trấn", "tỉnh",   # a type whose name is not that of its kind: not a bare name
}
# A capitalized word that only starts the sentence, before a bare name: "Tại Gia Lâm, …".
SENTENCE_WORDS = {"tại", "ở", "từ", "về", "với", "cùng", "và", "còn", "riêng", "sau", "trước", "trong", "theo",
                  "đến", "tới", "qua", "cả", "ngoài"}
LIST_JOINERS = (", ", " , ")
ADDRESS_JOINERS = (", ", " (", " - ", " – ", " , ")
INSIDE_NAME = (" ", "-", " - ")   # what joins two capitalized words of one name
NOTHING, HANOI_DISTRICT, ELSEWHERE = "", "district", "elsewhere"

SPLIT = re.compile(r"(\w+)")   # the words of a text, and what is between them


@dataclass
class Found:
    """One place found in one text: the unit (or the wards it may be), how, and the words."""

    candidates: list[Unit]
    found_by: str
    words: str
    field: str
    at: int
    spelled: str = ""                     # an older ward name as the text spells it
    address_district: str | None = None   # the district the address after a ward names


class _Reader:
    """One field's text and its words (token i: ``tokens[i]``, its offsets ``starts[i]``, ``ends[i]``, whether
    capitalized ``upper[i]``, lower-cased ``lower[i]``), and what has been found in it. The lists are made by
    ``re.split`` and ``map``, without a Python step per word: most words of a text are no place."""

    def __init__(self, gazetteer: Gazetteer, text: str, field_name: str):
        self.gazetteer, self.text, self.field_name = gazetteer, text, field_name
        parts = SPLIT.split(text)              # [before, word, gap, word, …, gap, word, after]
        self.tokens: list[str] = parts[1::2]
        self.gaps: list[str] = parts[0::2]     # gaps[i]: the text between word i-1 and word i
        offsets = list(accumulate(map(len, parts), initial=0))
        self.starts: list[int] = offsets[1::2]
        self.ends: list[int] = offsets[2::2]
        self.upper: list[bool] = list(map(str.isupper, map(itemgetter(0), self.tokens)))
        self.lower: list[str] = list(map(str.lower, self.tokens))
        self.used: set[int] = set()
        self.found: list[Found] = []

    def gap(self, i: int) -> str:
        """The text between token i-1 and token i."""
        return self.gaps[i] if 0 < i < len(self.tokens) else ""

    def run(self, i: int) -> list[int]:
        """The capitalized words from token i, one space (or a " - " inside a name) apart."""
        out: list[int] = []
        j = i
        while j < len(self.tokens) and self.upper[j] and len(out) < MAX_NAME_WORDS:
            if out and self.gap(j) not in INSIDE_NAME:
                break
            out.append(j)
            j += 1
        return out

    def words(self, i: int, j: int) -> str:
        return self.text[self.starts[i]:self.ends[j]]

    def add(self, units: list[Unit], found_by: str, i: int, j: int, spelled: str = "") -> Found:
        found = Found(units, found_by, self.words(i, j), self.field_name, self.starts[i], spelled)
        self.found.append(found)
        self.used.update(range(i, j + 1))
        return found

    def drop(self, group: list[Found]) -> None:
        for found in group:
            self.found.remove(found)


_FIRST_WORDS = frozenset(words[0] for words, _, _ in PREFIXES)


def _prefix_at(reader: _Reader, i: int) -> tuple[int, str, str] | None:
    """(tokens it takes, level, kind) when a type word starts at token i."""
    token = reader.tokens[i]
    if token in ABBREVIATIONS and reader.gap(i + 1) in (" ", ". ", "."):
        return (1, *ABBREVIATIONS[token])
    if reader.lower[i] not in _FIRST_WORDS:   # most words begin no type: one set lookup, not a scan of PREFIXES
        return None
    lower = reader.lower[i:i + 2]
    for words, level, kind in PREFIXES:
        if lower[:len(words)] == list(words) and all(reader.gap(i + k) == " " for k in range(1, len(words))):
            if words == ("xã",) and i >= 2 and reader.lower[i - 2:i] == ["hợp", "tác"]:
                return None   # hợp tác xã: a cooperative
            if words == ("xã",) and i >= 1 and reader.lower[i - 1] == "thị":
                return None   # the second word of "thị xã"
            return len(words), level, kind
    return None


def _lookup(reader: _Reader, level: str, kind: str | None, start: int) -> tuple[list[Unit], int, str] | None:
    """The longest name from token ``start`` that is a unit of ``level`` (and ``kind``, when given):
    (units, its last token, an older ward name as the text spells it, or "")."""
    run = reader.run(start)
    g = reader.gazetteer
    for n in range(len(run), 0, -1):
        name = reader.words(run[0], run[n - 1])
        key = vi_key(name)
        if level == PROVINCE:
            unit = g.provinces.get(key)
            if unit and (kind is None or unit.kind == kind):
                return [unit], run[n - 1], ""
            continue
        table = g.districts if level == DISTRICT else g.wards
        units = [u for u in table.get(key, []) if kind is None or u.kind == kind]
        olds = [] if level == DISTRICT else [u for u in g.old_wards.get(alias_key(name), [])
                                             if kind is None or not u.kind or u.kind == kind]
        if units or olds:
            spelled = _spelling(name) if olds else ""
            return [*units, *(replace(u, name=spelled, kind=u.kind or kind or "phường") for u in olds)], \
                run[n - 1], spelled
    return None


def _spelling(name: str) -> str:
    """An older name as a place name: each word capitalized, the gazetteer's tone spelling."""
    words = old_style_tones(" ".join(name.replace("-", " ").split())).split()
    return " ".join(w[:1].upper() + w[1:].lower() for w in words)


def _address_after(reader: _Reader, j: int) -> tuple[str, Unit | None, int]:
    """What the address right after token j names: a Hanoi district (and its last token), another
    district, city or province (``ELSEWHERE``), or nothing."""
    k = j + 1
    if k >= len(reader.tokens) or reader.gap(k) not in ADDRESS_JOINERS:
        return NOTHING, None, j
    prefix = _prefix_at(reader, k)
    if prefix:
        taken, level, kind = prefix
        start = k + taken
        if start >= len(reader.tokens) or not (reader.upper[start] or reader.tokens[start].isdigit()):
            return NOTHING, None, j
        if level == DISTRICT:
            hit = _lookup(reader, DISTRICT, kind, start)
            return (HANOI_DISTRICT, hit[0][0], hit[1]) if hit else (ELSEWHERE, None, j)
        if level == PROVINCE:
            hit = _lookup(reader, PROVINCE, None, start)
            return (NOTHING, None, j) if hit and hit[0][0].name == HANOI else (ELSEWHERE, None, j)
        return NOTHING, None, j
    if reader.upper[k]:
        run = reader.run(k)
        key = vi_key(reader.words(run[0], run[-1]))
        if key in reader.gazetteer.districts:
            return HANOI_DISTRICT, reader.gazetteer.districts[key][0], run[-1]
        if key in reader.gazetteer.provinces and key != vi_key(HANOI):
            return ELSEWHERE, None, j
    return NOTHING, None, j


def _place_wards(reader: _Reader, wards: list[Found], last: int) -> None:
    """The address after a ward (or a list of them): another district or province drops them; a Hanoi
    district places them, and is itself a place found (by ``address`` when bare)."""
    what, district, end = _address_after(reader, last)
    if what == ELSEWHERE:
        reader.drop(wards)
        return
    if district is None:
        return
    for found in wards:
        inside = [u for u in found.candidates if u.district == district.name]
        if not inside:
            reader.drop([found])   # a ward that district does not have: not a Hanoi ward we know
            continue
        found.candidates, found.address_district = inside, district.name
    start = last + 1
    if not reader.used.intersection(range(start, end + 1)):
        reader.add([district], PREFIX if _prefix_at(reader, start) else ADDRESS, start, end)


def _read_prefixed(reader: _Reader, i: int) -> int:
    """A type word at token i, the name (and the list) after it; returns the next token to read."""
    prefix = _prefix_at(reader, i)
    if prefix is None:
        return i + 1
    taken, level, kind = prefix
    start = i + taken
    if start >= len(reader.tokens) or reader.gap(start) not in (" ", ". ", ": ", ":") \
            or not reader.upper[start]:
        return start
    hit = _lookup(reader, level, kind, start)
    if hit is None:
        return start
    units, last, spelled = hit
    group = [reader.add(units, PREFIX, i, last, spelled)]
    while True:   # a list after the type: "các quận Ba Đình, Hoàn Kiếm và Đống Đa"
        nxt = _next_item(reader, last)
        if nxt is None:
            break
        if level == WARD and _lookup(reader, DISTRICT, None, nxt):
            break   # "xã Kim Chung, Đông Anh": the address, not another ward
        item = _lookup(reader, level, kind if level == WARD else None, nxt)
        if item is None or reader.run(nxt)[-1] != item[1]:
            break
        group.append(reader.add(item[0], LIST, nxt, item[1], item[2]))
        last = item[1]
    end = max(last, reader.run(last)[-1])   # "xã Tân Phú Đông, thành phố Sa Đéc": the address after the whole name
    if level == WARD:
        _place_wards(reader, group, end)
    elif level == DISTRICT and _address_after(reader, end)[0] == ELSEWHERE:
        reader.drop(group)
    return last + 1


def _next_item(reader: _Reader, last: int) -> int | None:
    """The first token of the next name of a list, after ", ", "và", "hoặc" (None when the list ends)."""
    nxt = last + 1
    if nxt < len(reader.tokens) and reader.tokens[nxt] in ("và", "hoặc") and reader.gap(nxt) in (" ", ", "):
        nxt += 1
        if nxt >= len(reader.tokens) or reader.gap(nxt) != " ":
            return None
    elif nxt >= len(reader.tokens) or reader.gap(nxt) not in LIST_JOINERS:
        return None
    return nxt if reader.upper[nxt] else None


def _sentence_start(reader: _Reader, i: int) -> bool:
    gap = reader.gap(i)
    return i == 0 or "\n" in gap or gap.strip()[-1:] in {".", "!", "?", ":", "…", '"', "“", "(", "-", "–"}


def is_bare_place(reader: _Reader, run: list[int], check_before: bool = True) -> bool:
    """A whole capitalized name standing alone, not after a word that makes it something else."""
    first, after = run[0], run[-1] + 1
    if check_before and first > 0:
        gap = reader.gap(first)
        if gap in INSIDE_NAME and reader.upper[first - 1]:
            return False
        if gap == " " and reader.lower[first - 1] in NOT_A_PLACE_BEFORE:
            return False
    return not (after < len(reader.tokens) and reader.gap(after) in INSIDE_NAME and reader.upper[after])


def _read_bare(reader: _Reader, i: int) -> int:
    """A bare district or province name from token i (see ``is_bare_place``)."""
    run = reader.run(i)
    check_before = True
    if len(run) > 1 and reader.lower[i] in SENTENCE_WORDS and _sentence_start(reader, i):
        run, check_before = run[1:], False
    key = vi_key(reader.words(run[0], run[-1]))
    if key not in NEVER_BARE and not reader.used.intersection(run) and is_bare_place(reader, run, check_before):
        units = reader.gazetteer.districts.get(key) or \
            ([reader.gazetteer.provinces[key]] if key in reader.gazetteer.provinces else [])
        if units:
            reader.add(units[:1], NAME, run[0], run[-1])
    return run[-1] + 1


def read_text(text: str, field_name: str, gazetteer: Gazetteer | None = None) -> list[Found]:
    """Every place one text names, in order."""
    reader = _Reader(gazetteer or load(), unicodedata.normalize("NFC", text[:MAX_TEXT]), field_name)
    starters = compress(count(), map(_FIRST_WORDS.__contains__, reader.lower))   # a type word's first word …
    abbreviations = compress(count(), map(ABBREVIATIONS.__contains__, reader.tokens))   # … or TP, TX
    following = 0   # the first token the last reading did not take
    for i in sorted({*starters, *abbreviations}):
        if i >= following and i not in reader.used:
            following = _read_prefixed(reader, i)
    following = 0
    for i in compress(count(), reader.upper):
        if i >= following and i not in reader.used:
            following = _read_bare(reader, i)
    return sorted(reader.found, key=lambda f: f.at)


def _texts(article: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for name in ("title", "sapo", "body_text"):
        if article.get(name):
            yield name, article[name]
    for image in article.get("images") or []:
        if image.get("caption"):
            yield "captions", image["caption"]
    for tag in article.get("tags") or []:
        if tag:
            yield "tags", tag


@dataclass
class Place:
    """A place an article names, as ``article_places`` stores it."""

    unit: Unit
    found_by: str
    words: str
    field: str
    mentions: int

    def row(self) -> dict[str, Any]:
        u = self.unit
        return {"place_key": u.key, "place": u.name, "level": u.level, "kind": u.kind, "district": u.district,
                "district_key": u.district_key, "province": u.province, "found_by": self.found_by,
                "words": self.words, "field": self.field, "mentions": self.mentions,
                "latitude": u.latitude, "longitude": u.longitude, "old_name": int(u.old_name)}

    def public(self) -> dict[str, Any]:
        """What ``kinhtedothi parse`` prints."""
        return {"name": self.unit.name, "level": self.unit.level, "district": self.unit.district,
                "province": self.unit.province}


def _resolve(found: Found, named_districts: set[str]) -> Unit:
    """The one unit a finding names: a ward of several districts is placed by the article's districts,
    else kept without one."""
    units = found.candidates
    if len(units) == 1:
        return units[0]
    inside = [u for u in units if u.district in named_districts]
    if len({u.district for u in inside}) == 1:
        return inside[0]
    first = units[0]
    return Unit(found.spelled or first.name, first.kind, WARD, province=HANOI)


def places_of(article: dict[str, Any], gazetteer: Gazetteer | None = None) -> list[Place]:
    """Every place the article names (headline, lead, body, captions, tags), in order of first mention."""
    g = gazetteer or load()
    found: list[Found] = []
    for field_name, text in _texts(article):
        found += read_text(text, field_name, g)
    named = {f.candidates[0].name for f in found if f.candidates[0].level == DISTRICT}
    named |= {f.address_district for f in found if f.address_district}
    places: dict[str, Place] = {}
    for item in found:
        unit = _resolve(item, named)
        place = places.get(unit.key)
        if place is None:
            places[unit.key] = Place(unit, item.found_by, item.words, item.field, 1)
        else:
            place.mentions += 1
            if FOUND_ORDER.index(item.found_by) < FOUND_ORDER.index(place.found_by):
                place.found_by, place.words, place.field = item.found_by, item.words, item.field
    return _merge_unplaced(list(places.values()))


def _merge_unplaced(places: list[Place]) -> list[Place]:
    """A ward without a district whose name a placed ward of the article has is that ward."""
    placed = {(p.unit.kind, p.unit.name): p for p in places if p.unit.level == WARD and p.unit.district}
    out = []
    for place in places:
        twin = placed.get((place.unit.kind, place.unit.name)) if place.unit.level == WARD and \
            not place.unit.district else None
        if twin is not None:
            twin.mentions += place.mentions
            continue
        out.append(place)
    return out


def public(places: Iterable[Place]) -> list[dict[str, Any]]:
    return [p.public() for p in places]
