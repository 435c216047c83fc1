"""The baseline: trafilatura over saved pages, one JSON object per page on stdout.

    .venv/bin/python bench/trafilatura_run.py [--fast] bench/pages > bench/out/trafilatura.jsonl

Runs what a person would to get an article's text and metadata from a saved
page: ``trafilatura.bare_extraction`` with metadata, without comments, with its
defaults otherwise (tables kept, images and links left out, default date
extraction).  The page's URL is left to trafilatura (canonical link), as
``kinhtedothi parse`` takes it from the page too.  Same file walk as ours.
``--fast`` passes ``fast=True``: trafilatura's own extractor only, without its
fallback extractors (readability, jusText); the benchmark reports both.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Iterator

try:
    import trafilatura
except ImportError as error:  # trafilatura 2.x needs lxml's cleaner, a separate package since lxml 5.2
    sys.exit(f"trafilatura does not import ({error}); pip install trafilatura lxml_html_clean")

SUFFIXES = (".html", ".htm", ".xhtml")


def saved_pages(paths: list[str]) -> Iterator[Path]:
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
        else:
            yield path


def extract(body: bytes, fast: bool = False) -> dict[str, Any]:
    document = trafilatura.bare_extraction(body, with_metadata=True, include_comments=False, fast=fast)
    if document is None:
        return {"url": None, "title": None, "author": None, "date": None, "text": None}
    doc = document if isinstance(document, dict) else document.as_dict()
    return {name: doc.get(name) for name in ("url", "title", "author", "date", "text")}


def main(paths: list[str]) -> int:
    fast = "--fast" in paths
    out = sys.stdout
    for path in saved_pages([p for p in paths if p != "--fast"]):
        out.write(json.dumps({"path": str(path), **extract(path.read_bytes(), fast)}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
