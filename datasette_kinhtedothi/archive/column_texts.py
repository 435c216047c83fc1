"""Table and column descriptions in the reader's language (the list pages show them above the rows).

metadata.yml keeps the English ones (Datasette's own API serves those); the Vietnamese ones are in the
Vietnamese catalog (``table.<table>.description``, ``column.<table>.<column>``). A column the catalog
does not describe keeps its English text, marked ``lang="en"`` by the template.
"""

from __future__ import annotations

import copy

from datasette_kinhtedothi.archive.i18n import catalog, gettext


def localized_metadata(metadata: dict, table: str, lang: str) -> dict | None:
    """The table's metadata with the catalog's description and column texts (None: nothing to change)."""
    key = f"table.{table}.description"
    if lang != "vi" or key not in catalog(lang):
        return None
    out = copy.deepcopy(metadata or {})
    out["description"] = gettext(key, lang)
    out.pop("description_html", None)
    out["columns"] = {name: gettext(f"column.{table}.{name}", lang) if f"column.{table}.{name}" in catalog(lang)
                      else text for name, text in (out.get("columns") or {}).items()}
    return out
