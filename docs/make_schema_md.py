"""Writes docs/schema.md from the schema the crawler creates (pipelines/schema.py) and the descriptions
journalists see (metadata.yml), so that the reference cannot drift from either.

    .venv/bin/python docs/make_schema_md.py          # rewrite docs/schema.md
    .venv/bin/python docs/make_schema_md.py --check  # exit 1 when docs/schema.md is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.facet_counts import TABLE as COUNTS  # noqa: E402
from pipelines.schema import FTS_SQL, TABLES  # noqa: E402

TYPES = {int: "integer", str: "text", float: "real", bytes: "blob"}
INTRO = """# The archive's schema

Every table and column of `archive.db`, as the crawler creates it
(`pipelines/schema.py`) and as `metadata.yml` describes it to readers. The
names are public: journalists write SQL against them, so a column may be added
but keeps its meaning once it exists (see [design.md](design.md#schema)).

This page is generated: after adding a table or column (and its description in
`metadata.yml`), run `.venv/bin/python docs/make_schema_md.py`; a test fails
while it is out of date.
"""


def table_md(name: str, columns: dict, described: dict, key) -> list[str]:
    keys = [key] if isinstance(key, str) else list(key or [])
    lines = [f"## `{name}`", "", described.get("description") or "(no description)", "",
             "| column | type | meaning |", "| --- | --- | --- |"]
    texts = described.get("columns") or {}
    for column, kind in columns.items():
        mark = " (key)" if column in keys else ""
        meaning = " ".join(str(texts.get(column) or "(no description)").split()).replace("|", "\\|")
        lines.append(f"| `{column}`{mark} | {TYPES.get(kind, str(kind))} | {meaning} |")
    return lines + [""]


def render() -> str:
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))["databases"]["archive"]
    described = metadata.get("tables") or {}
    out = [INTRO]
    for name, spec in TABLES.items():
        out += table_md(name, spec["columns"], described.get(name) or {}, spec.get("pk"))
    fts_columns = {c.strip(): str for c in FTS_SQL.split("fts5(", 1)[1].split("tokenize", 1)[0].split(",") if c.strip()}
    for name in ("articles_fts", "articles_fts_exact"):
        out += table_md(name, fts_columns, described.get(name) or {}, None)
    out += table_md(COUNTS, {"facet": str, "value": str, "n": int}, described.get(COUNTS) or {}, ("facet", "value"))
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str]) -> int:
    target = ROOT / "docs" / "schema.md"
    text = render()
    if "--check" in argv:
        if target.read_text(encoding="utf-8") != text:
            print("docs/schema.md is out of date: run .venv/bin/python docs/make_schema_md.py", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
