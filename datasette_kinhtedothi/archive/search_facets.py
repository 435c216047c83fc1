"""The search page's facets and the filters in force, as the page shows them (values, labels, links), from the
facet definitions (``facet_defs``)."""

from __future__ import annotations

from datasette_kinhtedothi.archive.facet_defs import BY_NAME, FACETS, Facet
from datasette_kinhtedothi.archive.i18n import gettext as _
from datasette_kinhtedothi.archive.search_state import SearchState, link


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


def _label(facet: Facet, value: str, names: dict[str, dict[str, str]]) -> str:
    if facet.period == 7:
        return f"{value[5:]}/{value[:4]}"
    return names.get(facet.name, {}).get(value, value)


def facets_shown(raw: dict, names: dict, state: SearchState, path: str, lang: str) -> list[dict]:
    out = []
    for facet in FACETS:
        rows = raw.get(facet.name) or []
        shown = rows[:facet.size] if facet.size else rows
        values = []
        for row in shown:
            value = str(row["value"])
            selected = value in state.values(facet.name)
            if not facet.multi:
                href = link(path, state.pairs, set_={facet.name: None if selected else value})
            elif selected:
                href = link(path, state.pairs, remove={facet.name: value})
            else:
                href = link(path, state.pairs, add={facet.name: value})
            values.append({"value": value, "label": _label(facet, value, names), "count": row["n"],
                           "selected": selected, "href": href})
        out.append({"name": facet.name, "title": _(f"facet.{facet.name}", lang), "options": values,
                    "truncated": len(rows) > len(shown)})
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
