"""Where a page's parse goes, stage by stage, in one process: ``.venv/bin/python bench/parse_stages.py DIR``.

Each row runs the path of ``scraper.parse.parse_page`` up to that stage over the pages of ``DIR``
(best of seven CPU-time passes); a stage's cost is the difference to the row before, per page.
``make bench`` writes the sets it times to ``bench/out/sets/`` (``real``, ``distinct``, ``variants``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.normalize import normalize_article  # noqa: E402
from scraper.pages.article import FIELDS, LAYOUTS, ArticlePage  # noqa: E402
from scraper.parse import SavedPage, parse_page  # noqa: E402
from kinhtedothi.vocab.urls import SITE  # noqa: E402

STAGES = ["decode, NFC, lxml parse", "layout markers", "the fields but the body", "body cleaning",
          "body_html (serialize, nh3)", "the record and normalize_article (content_hash)"]


def best(run: Callable[[], object], pages: int, passes: int = 7) -> float:
    """Fewest CPU milliseconds per page over ``passes`` runs."""
    fastest = float("inf")
    for _ in range(passes):
        start = time.process_time()
        run()
        fastest = min(fastest, time.process_time() - start)
    return fastest * 1000 / pages


def up_to(stage: int, bodies: list[bytes]) -> Callable[[], None]:
    def run() -> None:
        for body in bodies:
            page = ArticlePage(SavedPage(f"{SITE}/", body))
            if stage >= 1:
                for cls, marker in LAYOUTS:
                    if page.matches(marker):
                        page = cls(page.response, parsed=page)
                        break
            if stage >= 2:
                page.rebase(page.own_url() or page.url)
                for name in FIELDS[:-1]:
                    if not getattr(page, name)():
                        getattr(page, f"meta_{name}")()
            body_parts = page.body() if stage >= 3 else None
            if stage >= 4 and body_parts is not None:
                body_parts.html  # noqa: B018
            if stage >= 5:
                normalize_article(page.extract())
    return run


def main() -> None:
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        sys.exit(__doc__)
    folder = Path(sys.argv[1])
    paths = sorted(folder.glob("*.html"))
    if not paths:
        sys.exit(f"no saved pages (*.html) in {folder}")
    bodies = [p.read_bytes() for p in paths]
    before = 0.0
    for stage, label in enumerate(STAGES):
        cost = best(up_to(stage, bodies), len(bodies))
        print(f"{label:50s} {cost - before:.3f} ms")
        before = cost
    whole = best(lambda: [parse_page(b) for b in bodies], len(bodies))
    command = best(lambda: [json.dumps({"path": str(p), **parse_page(p.read_bytes())}, ensure_ascii=False)
                            for p in paths], len(bodies))
    print(f"{'parse_page in all':50s} {whole:.3f} ms")
    print(f"{'reading the file, the JSON line':50s} {command - whole:.3f} ms   ({len(bodies)} pages of {folder})")


if __name__ == "__main__":
    main()
