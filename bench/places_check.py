"""The places check: the districts and wards named in 90 real 2020 articles, found or not.

    .venv/bin/python bench/places_check.py [--json] [--show]

Each real article body of ``bench/places/`` (see its README) goes into a legacy page shell, as
``bench/make_real_pages.py`` does, and through ``kinhtedothi parse``'s reading (``scraper.parse.parse_page``).
Two figures:

* **found**: of the Hanoi districts and wards each article names with their type (``huyện Đan Phượng``,
  ``phường Quảng An``), listed by hand in ``bench/places/expected.json``, how many the reading gives;
* **not in the text**: places the reading gives whose name the article's text (headline, lead, body,
  captions) does not contain, compared without diacritics, case, spaces or hyphens.

Writes ``bench/out/places-check.txt`` (and prints it); exit status 1 when fewer than ``--min-found`` are found.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from make_real_pages import SHELL, page_for  # noqa: E402
from kinhtedothi.vocab.text import fold  # noqa: E402
from scraper.parse import parse_page  # noqa: E402

DATA = HERE / "places"


def squeezed(text: str | None) -> str:
    """Folded, with nothing but letters and digits: what "the text names it" compares."""
    return re.sub(r"[^a-z0-9]", "", fold(text or "") or "")


def check() -> dict:
    shell = SHELL.read_text(encoding="utf-8")
    expected = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
    articles = json.loads((DATA / "articles.json").read_text(encoding="utf-8"))
    rows, found, wanted, strays = [], 0, 0, []
    for article in articles:
        body = (DATA / "bodies" / f"{article['id']}.html").read_text(encoding="utf-8")
        record = parse_page(page_for(shell, article, body).encode("utf-8"))
        got = record["places"]
        text = squeezed(" ".join([record["title"] or "", record["sapo"] or "", record["body_text"] or "",
                                  *[i["caption"] or "" for i in record["images"]]]))
        for place in got:
            if squeezed(place["name"]) not in text:
                strays.append({"id": article["id"], **place})
        want = expected.get(str(article["id"]), [])
        hits = [w for w in want if any(g["name"] == w["name"] and g["level"] == w["level"] and
                                       g["district"] == w["district"] for g in got)]
        found += len(hits)
        wanted += len(want)
        rows.append({"id": article["id"], "expected": want, "missed": [w for w in want if w not in hits],
                     "places": got})
    return {"articles": len(articles), "naming": sum(1 for r in rows if r["expected"]), "wanted": wanted,
            "found": found, "not_in_text": strays, "rows": rows}


def report(result: dict, show: bool) -> str:
    lines = ["# Places in 90 real 2020 articles", "",
             f"Articles: {result['articles']}; naming Hanoi districts or wards with their type: {result['naming']}.",
             f"Found: **{result['found']} of {result['wanted']}**.",
             f"Places given whose name the text does not contain: **{len(result['not_in_text'])}**.", ""]
    for row in result["rows"]:
        if row["missed"]:
            lines.append(f"* {row['id']} missed: " + ", ".join(f"{m['level']} {m['name']}" for m in row["missed"]))
    for stray in result["not_in_text"]:
        lines.append(f"* {stray['id']} names {stray['level']} {stray['name']}, not in its text as such")
    if show:
        lines += ["", "| article | places |", "| --- | --- |"]
        for row in result["rows"]:
            lines.append(f"| {row['id']} | " + "; ".join(
                f"{p['name']} ({p['level']}{', ' + p['district'] if p['district'] and p['level'] == 'ward' else ''})"
                for p in row["places"]) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--show", action="store_true", help="list every article's places")
    parser.add_argument("--min-found", type=int, default=40, help="exit 1 below this many found (default 40)")
    args = parser.parse_args(argv)
    result = check()
    text = report(result, args.show)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "places-check.txt").write_text(text, encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False) if args.json else text)
    return 0 if result["found"] >= args.min_found else 1


if __name__ == "__main__":
    sys.exit(main())
