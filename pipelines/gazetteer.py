"""Hanoi's districts and wards, and Vietnam's 63 provinces, as they were before the 2025 reorganisation.

Read offline from the SQLite file the ``vietnamadminunits`` package ships (``data/dataset.db``, table
``admin_units_legacy``: every province, district and ward of the 63-province map with its type, the
latitude and longitude of each district and ward, and the older names of units merged into another).
The file is found with ``importlib.util.find_spec`` and read with ``sqlite3``: importing the package
itself loads shapely, numpy, geopy and 4 MB of JSON for its address parser, which we do not use.

What the table holds, and what we make of it:

* Hanoi's 30 districts (12 ``quận``, 17 ``huyện``, 1 ``thị xã``) are those of 2020–2021.
* Hanoi's wards are those of early 2025, after the late-2024 merger of some of them. The package keeps,
  for each merged ward, the older names (``wardAlias``, written without diacritics: ``nguyentrungtruc``);
  each older name is a ward here too (``old_name``), in the district of the ward it merged into, at that
  ward's coordinates. Its name is spelt as the article spells it (only the text has the diacritics).
* Thừa Thiên Huế became the city of Huế in 2025; it is the province ``Thừa Thiên Huế`` here, as in 2020.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from kinhtedothi.vocab.text import fold

PACKAGE = "vietnamadminunits"
HANOI = "Hà Nội"
HANOI_CODE = "01"
DISTRICT, WARD, PROVINCE = "district", "ward", "province"
LEVELS = (DISTRICT, WARD, PROVINCE)
DISTRICT_KINDS = ("quận", "huyện", "thị xã")
WARD_KINDS = ("phường", "xã", "thị trấn")
PROVINCE_KINDS = ("tỉnh", "thành phố")
RENAMED_PROVINCES = {"Huế": ("Thừa Thiên Huế", "tỉnh")}   # 2025 name -> (2020–2021 name, kind)
_ALIAS_KINDS = (("thitran", "thị trấn"), ("phuong", "phường"), ("xa", "xã"))


class GazetteerMissing(RuntimeError):
    """The ``vietnamadminunits`` package (or its data file) is not installed."""


@dataclass(frozen=True)
class Unit:
    """One administrative unit: its name without its type (``Quảng An``), its type as prose writes it
    (``phường``), its level, and where it lies."""

    name: str
    kind: str
    level: str
    district: str | None = None        # the district a ward lies in (a district's own name)
    district_kind: str | None = None
    province: str = HANOI
    province_kind: str = "thành phố"
    latitude: float | None = None
    longitude: float | None = None
    old_name: bool = False              # a 2020–2021 ward name the package keeps as an alias only

    @property
    def key(self) -> str:
        """The place written as an address, its identity: ``phường Minh Khai, quận Hai Bà Trưng``."""
        own = f"{self.kind} {self.name}"
        if self.level == WARD and self.district:
            return f"{own}, {self.district_kind} {self.district}"
        return own

    @property
    def district_key(self) -> str | None:
        """The key of the district it lies in (its own for a district)."""
        return f"{self.district_kind} {self.district}" if self.district else None


@dataclass
class Gazetteer:
    """Name lookups: ``vi_key(name)`` -> units (aliases: ``alias_key(name)`` -> units whose name the text gives)."""

    districts: dict[str, list[Unit]]
    wards: dict[str, list[Unit]]
    old_wards: dict[str, list[Unit]]
    provinces: dict[str, Unit]

    def district_named(self, name: str) -> Unit | None:
        found = self.districts.get(vi_key(name))
        return found[0] if found else None


# Tone marks on an open "oa", "oe", "uy" syllable: "hoà" and "hòa" are one spelling; we keep the old one.
_TONED = {"a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ"}
_BASE = {"o": "òóỏõọ", "u": "ùúủũụ"}
_NEW_STYLE = re.compile(r"(?<![qQ])([oOuU])([àáảãạèéẻẽẹỳýỷỹỵ])(?!\w)")


def _old_style(match: re.Match) -> str:
    base, toned = match.group(1), match.group(2)
    for plain, marks in _TONED.items():
        if toned in marks:
            mark = marks.index(toned)
            lower = base.lower()
            if (lower, plain) not in (("o", "a"), ("o", "e"), ("u", "y")):
                return match.group(0)
            new = _BASE[lower][mark]
            return (new.upper() if base.isupper() else new) + plain
    return match.group(0)


def old_style_tones(text: str) -> str:
    """``Hoà`` -> ``Hòa``, ``Thuỵ`` -> ``Thụy`` (the gazetteer's spelling); ``Quý`` stays."""
    return _NEW_STYLE.sub(_old_style, unicodedata.normalize("NFC", text))


def vi_key(name: str) -> str:
    """A name's lookup key: lower case, one tone spelling, hyphens and spaces as one space."""
    return " ".join(old_style_tones(name).lower().replace("-", " ").replace("–", " ").split())


def alias_key(name: str) -> str:
    """The package's key of an older name: no diacritics, no spaces (``nguyentrungtruc``)."""
    return re.sub(r"[^a-z0-9]", "", fold(name) or "")


def data_file() -> Path:
    """The package's SQLite file, found without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise GazetteerMissing(f"the {PACKAGE} package is not installed (pip install {PACKAGE})")
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "dataset.db"
    if not path.is_file():
        raise GazetteerMissing(f"{PACKAGE} has no data file at {path}")
    return path


def _kind(type_name: str | None) -> str:
    return (type_name or "").strip().lower()


def _old_names(aliases: str | None) -> list[tuple[str, str | None]]:
    """(alias key, kind or None) for each older name of a ward: ``phuongnguyentrungtruc`` gives the kind of
    ``nguyentrungtruc``; a key seen only bare has none."""
    keys = list(dict.fromkeys(json.loads(aliases) if aliases else []))
    kinds: dict[str, str] = {}
    for key in keys:
        for prefix, kind in _ALIAS_KINDS:
            if key.startswith(prefix) and key[len(prefix):] in keys:
                kinds[key[len(prefix):]] = kind
                break
    prefixed = {prefix + rest for rest in kinds for prefix, _ in _ALIAS_KINDS}
    return [(key, kinds.get(key)) for key in keys if key not in prefixed]


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    """The gazetteer, read once per process (about 10,000 rows, a few tens of milliseconds)."""
    uri = data_file().as_uri() + "?mode=ro&immutable=1"
    with sqlite3.connect(uri, uri=True) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            "SELECT provinceShort, province, provinceCode, districtShort, districtType, districtLat, districtLon, "
            "wardShort, wardType, wardLat, wardLon, wardAlias FROM admin_units_legacy").fetchall()
    districts: dict[str, list[Unit]] = {}
    wards: dict[str, list[Unit]] = {}
    old_wards: dict[str, list[Unit]] = {}
    provinces: dict[str, Unit] = {}
    for row in rows:
        short = row["provinceShort"]
        kind = "thành phố" if row["province"].startswith("Thành phố") else "tỉnh"
        name, kind = RENAMED_PROVINCES.get(short, (short, kind))
        if vi_key(name) not in provinces:
            provinces[vi_key(name)] = Unit(name, kind, PROVINCE, province=name, province_kind=kind)
        if row["provinceCode"] != HANOI_CODE:
            continue
        district = Unit(row["districtShort"], _kind(row["districtType"]), DISTRICT, district=row["districtShort"],
                        district_kind=_kind(row["districtType"]), latitude=row["districtLat"],
                        longitude=row["districtLon"])
        same = districts.setdefault(vi_key(district.name), [])
        if district not in same:
            same.append(district)
        ward = Unit(row["wardShort"], _kind(row["wardType"]), WARD, district=district.name,
                    district_kind=district.kind, latitude=row["wardLat"], longitude=row["wardLon"])
        wards.setdefault(vi_key(ward.name), []).append(ward)
        for key, old_kind in _old_names(row["wardAlias"]):
            if key != alias_key(ward.name):
                old_wards.setdefault(key, []).append(replace(ward, name="", kind=old_kind or "", old_name=True))
    return Gazetteer(districts, wards, old_wards, provinces)
