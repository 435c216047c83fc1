"""The floor under ``kinhtedothi crawl --source warc`` and ``kinhtedothi reparse``: reading the same pages and
parsing each with lxml, nothing else (bench/e2e_bench.py times it beside ours, as a whole process).

    .venv/bin/python bench/floor.py import FILE.warc.gz # warcio iterates the records, lxml parses each page
    .venv/bin/python bench/floor.py reparse ARCHIVE.db  # the pages reparse reads, inflated, lxml parses each

Prints the number of pages parsed.
"""

from __future__ import annotations

import sqlite3
import sys
import zlib

import lxml.html
from warcio.archiveiterator import ArchiveIterator

# The pages ``kinhtedothi reparse`` reads (scraper/reparse.py): the latest good answer of every article URL.
LATEST_ARTICLE_PAGES = """
SELECT body FROM raw_pages
WHERE id IN (SELECT max(id) FROM raw_pages WHERE kind = 'article' AND status = 200 AND size > 0 GROUP BY url)
ORDER BY id
"""


def parse(body: bytes) -> bool:
    if not body.strip():
        return False
    lxml.html.document_fromstring(body)
    return True


def warc(path: str) -> int:
    """Every response record's payload, parsed."""
    pages = 0
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                pages += parse(record.content_stream().read())
    return pages


def reparse(path: str) -> int:
    """Every page reparse reads, inflated and parsed."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return sum(parse(zlib.decompress(body)) for (body,) in conn.execute(LATEST_ARTICLE_PAGES))


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("import", "reparse"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 1
    print(warc(argv[1]) if argv[0] == "import" else reparse(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
