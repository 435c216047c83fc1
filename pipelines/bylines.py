"""Bylines into people: ``split_byline('Hà Bình - Hồng Thái ghi')`` → two people, role 'recorder'.

A byline is printed text, not a list of names: a role before the names
(``Bài, ảnh: Ngọc Ánh``) or after them (``Trần Hà (thực hiện)``), several
people joined by `` - ``, a guest's title and office (``PGS.TS Bùi Thị An -
Phó Chủ tịch …``: one person), the publication that first ran the piece
(``Tiểu Thúy/Tieudung.vn``), a news agency alone (``Theo TTXVN``) or the paper
itself. ``split_byline`` returns the people, in order, and the organisation
credited (``byline_source``), or None. Pure: no database, no crawl machinery.

Roles (stored in English, shown translated): see ``ROLES``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from kinhtedothi.vocab.text import STRIP, clean

PAPER = "Kinh tế & Đô thị"
# role -> what it means; the words the paper prints for it are in PREFIX_LABELS / SUFFIX_LABELS
ROLES = {
    "author": "wrote the piece (no role printed, or Bài:, Tin:)",
    "text and photos": "wrote it and took its pictures (Bài, ảnh: / Bài và ảnh: / Bài & ảnh: / Tin và ảnh:)",
    "photos": "took the pictures (Ảnh:, (ảnh))",
    "video": "made the video (Video:, Clip:)",
    "graphics": "made the graphics (Đồ họa:, Infographic:)",
    "interviewer": "conducted the interview (thực hiện, Thực hiện:)",
    "recorder": "wrote down what someone said (ghi, Ghi:)",
    "translator": "translated it (dịch, lược dịch)",
    "compiler": "compiled it from other sources (tổng hợp)",
}

# Labels before names, matched on the folded text (no diacritics, lower case), longest first.
PREFIX_LABELS = [
    (r"(?:bai|tin|noi dung)\s*(?:,|va|&|/|\+|-)\s*anh", "text and photos"),
    (r"bai viet|bai|tin", "author"),
    (r"anh", "photos"),
    (r"video|clip", "video"),
    (r"do hoa|infographic", "graphics"),
    (r"thuc hien|phong van", "interviewer"),
    (r"ghi", "recorder"),
    (r"luoc dich|bien dich|dich", "translator"),
    (r"tong hop", "compiler"),
]
_LABEL = re.compile(r"(?:^|(?<=[\s;,.|/\-–—]))(" + "|".join(f"(?:{p})" for p, _ in PREFIX_LABELS) + r")\s*:\s*")
# Roles after the names: bare words (only these two, which no name ends with) or in parentheses.
_SUFFIX_BARE = {"thuc hien": "interviewer", "ghi": "recorder"}
_SUFFIX_PAREN = {"thuc hien": "interviewer", "ghi": "recorder", "anh": "photos", "dich": "translator",
                 "luoc dich": "translator", "bien dich": "translator", "tong hop": "compiler",
                 "bai va anh": "text and photos", "bai, anh": "text and photos", "video": "video"}
_SUFFIX = re.compile(r"(?:\s*\(\s*(?P<paren>[^()]+?)\s*\)|(?:^|\s)(?P<bare>thuc hien|ghi))\s*$")
GROUP_ROLES = {"interviewer", "recorder"}   # "Hà Bình - Hồng Thái ghi": the verb is both people's

# The paper itself, and its staff credited without a name: no person, the source is the paper.
PAPER_KEYS = {"kinh te & do thi", "kinh te va do thi", "kinh te - do thi", "kinh te do thi", "kinhtedothi",
              "kinhtedothi.vn", "ktdt", "bao kinh te & do thi", "bao kinh te va do thi", "bao ktdt",
              "pv", "phong vien", "nhom pv", "nhom phong vien", "ptv", "btv", "ban bien tap", "toa soan",
              "nhom tac gia"}
# Agencies and publications that bylines name alone (folded), with the spelling we store.
AGENCIES = {"ttxvn": "TTXVN", "vna": "TTXVN", "vietnamplus": "Vietnamplus", "vov": "VOV", "vtv": "VTV",
            "reuters": "Reuters", "afp": "AFP", "ap": "AP", "xinhua": "Tân Hoa Xã", "tan hoa xa": "Tân Hoa Xã",
            "chinhphu.vn": "Chinhphu.vn", "bao chinh phu": "Báo Chính phủ", "nhan dan": "Nhân Dân",
            "bao nhan dan": "Nhân Dân", "vnexpress": "VnExpress", "tuoi tre": "Tuổi Trẻ", "thanh nien": "Thanh Niên",
            "hanoimoi": "Hànộimới", "bao ha noi moi": "Hànộimới", "cong an nhan dan": "Công an Nhân dân"}
_THEO = re.compile(r"^(?:theo|nguon)\s*:?\s+")   # matched on the folded text
_DOMAIN = re.compile(r"\.(?:vn|com|net|org|info)\b")

# An office (a guest's position) starts with one of these words; the first set also starts pen names
# ("Trường Giang"), so an office starting with one of them needs three words or more.
OFFICE_WORDS = ("phó", "chủ tịch", "chủ nhiệm", "giám đốc", "trưởng", "bí thư", "viện", "đại học", "sở", "ban",
                "nhà", "ủy viên", "uỷ viên", "thứ trưởng", "bộ trưởng", "đại biểu", "cán bộ", "nguyên",
                "thành viên", "hiệu trưởng", "trung tâm", "cục", "phòng", "công ty", "tập đoàn", "ubnd", "hđnd",
                "ủy ban", "uỷ ban", "liên hiệp", "học viện", "bệnh viện", "chuyên gia", "giảng viên",
                "nghiên cứu viên", "đảng ủy", "quận ủy", "thành ủy", "huyện ủy", "chánh", "đại sứ", "tổng biên tập",
                "luật sư", "tác giả", "hội viên", "cựu")
AMBIGUOUS_OFFICE_WORDS = ("trường", "hội", "tổng", "vụ")
# Titles before a name: kept in the name as printed, left out of the normalized name.
_TITLE = re.compile(
    r"^(?:(?:(?:GS|PGS|TS|TSKH|ThS|Ths|BS|BSCKI{1,2}|KTS|KS|LS|CN|NSƯT|NSND|NGƯT|NGND|TTƯT|TTND|ĐBQH|Đại biểu|"
    r"Nhà báo|Nhà văn|Nhà thơ|Nhà nghiên cứu|Luật sư|Bác sĩ|Tiến sĩ|Thạc sĩ|Giáo sư|Phó Giáo sư|Kiến trúc sư|"
    r"Kỹ sư|Nhạc sĩ|Họa sĩ|Hoạ sĩ|Nghệ sĩ|Đại tá|Thượng tá|Trung tá|Thiếu tá|Đại úy|Đại uý|Thiếu tướng|"
    r"Trung tướng|Thượng tướng|Đại tướng|Ông|Bà)(?:\.|\s+|(?=[A-ZĐ])))+)\s*")
_NAME_WORD = re.compile(r"^(?:[^\W\d_]\.)*[^\W\d_][^\W\d_.'’]*\.?$")
# "Thuý" → "Thúy", "Hoà" → "Hòa" (not "Quý": there the u belongs to the q), on NFD text.
_TONE_FIRST = re.compile("(?<![qQ])([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])(?![\\w\u0300-\u036f])")
_SYLLABLE_START = re.compile(r"(?:^|(?<=[\s.\-]))\w")
MAX_NAME_WORDS = 5
MAX_BYLINE = 500   # characters read from a byline; the rest is not a byline


class Person(NamedTuple):
    printed: str          # as printed, title included: "PGS.TS Bùi Thị An"
    name: str             # normalized: NFC, one space, each syllable capitalized, no title: "Bùi Thị An"
    role: str             # a key of ROLES
    office: str | None = None   # a guest's position as printed: "Phó Chủ tịch Liên hiệp các Hội …"


def _key(text: str) -> str:
    """Lower case without diacritics, one character for one (so offsets into ``text`` survive)."""
    return text.lower().translate(STRIP)


def normalize_name(name: str) -> str:
    """'TIỂU  THUÝ' → 'Tiểu Thúy'; 'd. tùng' → 'D. Tùng' (NFC, one space, each syllable capitalized,
    the tone of open 'oa', 'oe', 'uy' on the first vowel, as names are usually written: Thúy, Hòa)."""
    text = _SYLLABLE_START.sub(lambda m: m.group(0).upper(), (clean(name) or "").lower())
    return unicodedata.normalize("NFC", _TONE_FIRST.sub(r"\1\3\2", unicodedata.normalize("NFD", text)))


def _paper_or_agency(text: str) -> str | None:
    """The organisation when ``text`` names only the paper, its staff, an agency or a website."""
    key = _key(text).strip(" .()")
    if key in PAPER_KEYS:
        return PAPER
    if key in AGENCIES:
        return AGENCIES[key]
    if _DOMAIN.search(key) and " " not in key:
        return PAPER if key.startswith("kinhtedothi") else text.strip(" ()")
    return None


_OFFICES = frozenset(OFFICE_WORDS)
_OFFICE_STARTS = tuple(w + " " for w in OFFICE_WORDS)
_AMBIGUOUS_OFFICE_STARTS = tuple(w + " " for w in AMBIGUOUS_OFFICE_WORDS)


def _is_office(piece: str) -> bool:
    if _TITLE.match(piece):   # "Nhà báo Hữu Thọ" is a person with a title
        return False
    lower = piece.lower()
    words = len(piece.split())
    if lower in _OFFICES or lower.startswith(_OFFICE_STARTS):
        return True
    return words >= 3 and lower.startswith(_AMBIGUOUS_OFFICE_STARTS)


def _looks_like_name(name: str) -> bool:
    words = name.split()
    return 0 < len(words) <= MAX_NAME_WORDS and all(_NAME_WORD.match(w) and w[0].isupper() for w in words)


def _segments(text: str) -> list[tuple[str, str | None]]:
    """(text, role printed before it or None) for each part of a byline between role labels."""
    labels = {p: role for p, role in PREFIX_LABELS}
    out: list[tuple[str, str | None]] = []
    role: str | None = None
    start = 0
    key = _key(text)
    for match in _LABEL.finditer(key):
        out.append((text[start:match.start()], role))
        label = match.group(1)
        role = next(r for p, r in labels.items() if re.fullmatch(p, label))
        start = match.end()
    out.append((text[start:], role))
    return [(t.strip(" -–—;,|"), r) for t, r in out if t.strip(" -–—;,|") or r]


def _suffix_role(text: str, roles: set[str] | None = None) -> tuple[str, str | None]:
    """'Trần Hà (thực hiện)' → ('Trần Hà', 'interviewer'); text without a role suffix (of ``roles``) as is."""
    match = _SUFFIX.search(_key(text))
    if not match:
        return text, None
    word = match.group("paren") or match.group("bare")
    role = _SUFFIX_PAREN.get(word) if match.group("paren") else _SUFFIX_BARE.get(word)
    if not role or (roles is not None and role not in roles):
        return text, None
    return text[:match.start()].strip(), role


def _only_titles(piece: str) -> bool:
    """A piece that is titles and nothing else: 'Phó Giáo sư', 'Giáo sư' in 'Giáo sư - Tiến sĩ Nguyễn Văn A'."""
    text = piece.strip()
    match = _TITLE.match(text + " ")
    return bool(text) and match is not None and match.end() >= len(text)


def _name_and_title(piece: str) -> tuple[str, str]:
    """(printed, normalized name): 'PGS.TS Bùi Thị An' → ('PGS.TS Bùi Thị An', 'Bùi Thị An')."""
    match = _TITLE.match(piece)
    name = piece[match.end():] if match and match.end() < len(piece) else piece
    return piece, normalize_name(name)


_PIECES = re.compile(r"\s+[-–—]\s+|\s*[,;]\s+|\s*;\s*")   # between the people of one segment
_PIECES_KEPT = re.compile(f"({_PIECES.pattern})")              # the same, keeping what stood between
_AND = re.compile(r"\s+(?:và|&)\s+")
_PARENTHESES_AT_END = re.compile(r"\s*\(([^()]+)\)\s*$")


def _people_in(text: str, role: str, sources: list[str]) -> list[Person]:
    """The people of one segment (one role); organisations go to ``sources``."""
    text, suffix = _suffix_role(text, GROUP_ROLES)
    role = suffix or role
    people: list[Person] = []
    parts = _PIECES_KEPT.split(text)
    titles = ""   # titles written out before a name, printed apart from it ("Phó Giáo sư, Tiến sĩ …")
    for piece, between in zip(parts[::2], [*parts[1::2], ""]):
        piece = piece.strip()
        if not piece:
            continue
        if _only_titles(piece):   # a title is not a person: it belongs to the name that follows
            titles += piece + between
            continue
        before, titles = titles, ""
        if "/" in piece:  # "Tiểu Thúy/Tieudung.vn": the person and the publication
            piece, _, other = piece.partition("/")
            if other.strip():
                sources.append(_paper_or_agency(other) or other.strip())
            piece = piece.strip()
        if not piece:
            continue
        piece, own = _suffix_role(piece)
        piece, source = _source_in_parentheses(piece)
        if source:
            sources.append(source)
        organisation = _paper_or_agency(piece)
        if organisation:
            sources.append(organisation)
        elif people and (_is_office(piece) or not piece[0].isupper()):
            office = people[-1].office
            people[-1] = people[-1]._replace(office=f"{office}, {piece}" if office else piece)
        elif not people and _is_office(piece):
            sources.append(piece)   # an institution credited alone: "Sở Y tế Hà Nội"
        else:
            for name in _AND.split(piece):
                printed, normalized = _name_and_title(name.strip())
                if _looks_like_name(normalized):
                    people.append(Person(before + printed, normalized, own or role))
                before = ""
    return people


def _source_in_parentheses(piece: str) -> tuple[str, str | None]:
    """'Thu Hà (TTXVN)' / 'Thu Hà (theo Vietnamplus)' → ('Thu Hà', 'TTXVN' / 'Vietnamplus')."""
    match = _PARENTHESES_AT_END.search(piece)
    if not match:
        return piece, None
    inside = match.group(1).strip()
    theo = _THEO.match(_key(inside))
    inside = inside[theo.end():] if theo else inside
    source = _paper_or_agency(inside) or (inside if theo else None)
    return (piece[:match.start()].strip(), source) if source else (piece, None)


def _merge(people: list[Person]) -> list[Person]:
    """One entry per person: the same name twice ('Bài: X - Ảnh: X') becomes one, 'text and photos'."""
    merged: dict[str, Person] = {}
    for person in people:
        seen = merged.get(person.name)
        if seen is None:
            merged[person.name] = person
        elif {seen.role, person.role} == {"author", "photos"}:
            merged[person.name] = seen._replace(role="text and photos")
    return list(merged.values())


def split_byline(byline: str | None) -> tuple[list[Person], str | None]:
    """A byline as printed → (people in order, the organisation credited or None)."""
    text = clean((byline or "")[:MAX_BYLINE])
    if not text:
        return [], None
    theo = _THEO.match(_key(text))
    if theo:  # "Theo TTXVN": an agency's or another paper's piece, no person
        rest = text[theo.end():].strip()
        return [], _paper_or_agency(rest) or rest or None
    whole = _paper_or_agency(text)
    if whole:
        return [], whole
    people: list[Person] = []
    sources: list[str] = []
    for segment, role in _segments(text):
        people += _people_in(segment, role or "author", sources)
    source = next((s for s in sources if s != PAPER), None) or (sources[0] if sources else None)
    return _merge(people), source


def authors_of(byline: str | None) -> dict:
    """What normalization adds to an article: ``authors`` (one dict per person) and ``byline_source``."""
    people, source = split_byline(byline)
    return {"authors": [p._asdict() for p in people], "byline_source": source}
