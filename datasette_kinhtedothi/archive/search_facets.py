"""The search page's facets and the filters in force, as the page shows them (values, labels, links), from the
facet definitions (``facet_defs``). A nested facet (``Facet.nesting``: places) shows each value inside the value
it lies within (a ward inside its district), the others in groups by what they are."""

from __future__ import annotations

from typing import Any

from datasette_kinhtedothi.archive.facet_defs import BY_NAME, FACETS, Facet
from datasette_kinhtedothi.archive.i18n import gettext as _
from datasette_kinhtedothi.archive.search_state import SearchState, link

CHUNK = 500   # values looked up per statement


async def names_of(db, raw: dict) -> dict[str, dict[str, str]]:
    """The names of the values shown, for facets whose values are keys (an event's slug -> its name)."""
    out = {}
    for facet in FACETS:
        rows = raw.get(facet.name)
        if not (facet.link and facet.link.names and rows):
            continue
        table, key, name = facet.link.names
        values = [r["value"] for r in rows]
        marks = ", ".join("?" for _ in values)
        out[facet.name] = dict((await db.execute(f"select {key}, {name} from {table} where {key} in ({marks})",
                                                 values)).rows)
    return out


async def nesting_of(db, raw: dict) -> dict[str, dict[str, tuple[str, str | None]]]:
    """For each nested facet, each value's level and the value it lies within (None: it lies within none shown).
    A value no row holds itself (a district only its wards name) is of the first level."""
    out: dict[str, dict[str, tuple[str, str | None]]] = {}
    for facet in FACETS:
        rows, link, nesting = raw.get(facet.name), facet.link, facet.nesting
        if not (rows and link and link.within and nesting):
            continue
        values = [str(r["value"]) for r in rows]
        found: dict[str, tuple[str, str | None]] = {}
        for start in range(0, len(values), CHUNK):
            part = values[start:start + CHUNK]
            sql = (f"select {link.column}, min({nesting.level}), min({link.within}) from {link.table} "
                   f"where {link.column} in ({', '.join('?' for _ in part)}) group by {link.column}")
            for value, level, within in (await db.execute(sql, part)).rows:
                found[value] = (level, within if within != value else None)
        out[facet.name] = {v: found.get(v, (nesting.levels[0], None)) for v in values}
    return out


def _label(facet: Facet, value: str, names: dict[str, dict[str, str]]) -> str:
    if facet.period == 7:
        return f"{value[5:]}/{value[:4]}"
    return names.get(facet.name, {}).get(value, value)


def _option(facet: Facet, value: str, label: str, count: int, state: SearchState, path: str) -> dict:
    """One value as the page shows it, with the link that chooses it (or, chosen, drops it)."""
    selected = value in state.values(facet.name)
    if not facet.multi:
        href = link(path, state.pairs, set_={facet.name: None if selected else value})
    elif selected:
        href = link(path, state.pairs, remove={facet.name: value})
    else:
        href = link(path, state.pairs, add={facet.name: value})
    return {"value": value, "label": label, "count": count, "selected": selected, "href": href}


def _inside(value: str, within: str) -> str:
    """A value's label inside the one it lies within: ``phường Quảng An, quận Tây Hồ`` -> ``phường Quảng An``."""
    return value[:-len(within) - 2] if value.endswith(", " + within) else value


def _nested(facet: Facet, rows: list[dict], nesting: dict[str, tuple[str, str | None]], state: SearchState,
            path: str, lang: str) -> list[dict]:
    """The groups of a nested facet: each value of a group (its ``size`` most counted) with the values inside it."""
    assert facet.nesting is not None
    counted = {str(r["value"]) for r in rows}
    groups: dict[str, list[dict]] = {level: [] for level in facet.nesting.levels}
    inside: dict[str, list[dict]] = {}
    for row in rows:   # most counted first
        level, within = nesting.get(str(row["value"]), (facet.nesting.levels[0], None))
        if within in counted:
            inside.setdefault(str(within), []).append(row)
        else:
            groups.setdefault(level, []).append(row)
    out = []
    for index, (level, members) in enumerate(groups.items()):
        shown = members[:facet.size] if facet.size else members
        options = []
        for row in shown:
            value = str(row["value"])
            option = _option(facet, value, value, row["n"], state, path)
            inner = inside.get(value, [])
            option["inner"] = [dict(_option(facet, str(r["value"]), _inside(str(r["value"]), value), r["n"],
                                             state, path), level=nesting[str(r["value"])][0], within=value)
                                for r in inner[:facet.nesting.inner]]
            option["inner_truncated"] = len(inner) > facet.nesting.inner
            options.append(dict(option, level=level, within=None))
        out.append({"level": level, "title": _(f"facet.{facet.name}.{level}", lang) if index else None,
                    "options": options, "truncated": len(members) > len(shown)})
    return out


def facets_shown(raw: dict, names: dict, state: SearchState, path: str, lang: str,
                 nesting: dict | None = None, url_path=None) -> list[dict]:
    """Every facet as the page shows it; ``options`` lists the values shown (a nested facet's in the page's order,
    each followed by those inside it), ``groups`` a nested facet's groups (``nesting``: ``nesting_of``'s answer).
    ``url_path``: Datasette's ``urls.path``, for the link to the page that shows a facet otherwise."""
    out = []
    for facet in FACETS:
        rows = raw.get(facet.name) or []
        shown = rows[:facet.size] if facet.size else rows
        entry: dict[str, Any] = {"name": facet.name, "title": _(f"facet.{facet.name}", lang), "groups": None,
                                 "elsewhere": None, "truncated": len(rows) > len(shown)}
        if facet.nesting:
            groups = _nested(facet, rows, (nesting or {}).get(facet.name, {}), state, path, lang)
            entry["groups"] = groups
            entry["options"] = [o for g in groups for top in g["options"] for o in (top, *top["inner"])]
            entry["truncated"] = any(g["truncated"] for g in groups)
        else:
            entry["options"] = [_option(facet, str(row["value"]), _label(facet, str(row["value"]), names), row["n"],
                                        state, path) for row in shown]
        if facet.elsewhere and url_path and entry["options"]:
            entry["elsewhere"] = {"href": link(url_path(facet.elsewhere), state.pairs),
                                  "label": _(f"facet.{facet.name}.elsewhere", lang)}
        out.append(entry)
    return out


def chips(state: SearchState, path: str, lang: str, names: dict) -> list[dict]:
    """The filters in force, each with a link that removes it."""
    chips = []
    for key, value in state.pairs:
        if key in BY_NAME:
            facet = BY_NAME[key]
            chips.append({"name": _(f"facet.{key}", lang), "label": _label(facet, value, names),
                          "href": link(path, state.pairs, set_={key: None}) if not facet.multi else
                          link(path, state.pairs, remove={key: value})})
        elif key in ("from", "to"):
            chips.append({"name": _(f"search.{key}", lang), "label": value,
                          "href": link(path, state.pairs, set_={key: None})})
    return chips
