"""Random odd requests to every page of the published archive: none may answer 5xx (docs/security.md, "Odd
parameters"). A seeded sweep beside the test's fixed list (tests/test_hostile_sql.py): each request is a page
of the archive with one to three parameters, each a name Datasette or our pages read (or none) and a hostile
value (NUL, bad UTF-8, a lone surrogate, FTS5 syntax, SQL, 5,000 characters, impossible dates…).

    .venv/bin/python bench/odd_requests.py --db ARCHIVE_DIR/archive.db [--seed 1] [--count 500]

The archive is served in this process (``datasette.client``, the plugins and settings of ``kinhtedothi
serve``); it is opened read-only. Prints each request that answered 5xx and exits 1 when there is one (the
tracebacks Datasette prints of requests it refused with a 400 are left out).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.datasette import datasette_for, get  # noqa: E402

PATHS = ["/archive/articles", "/archive/articles.json", "/archive/articles.csv", "/archive/events",
         "/archive/article_tags.json", "/archive.json", "/archive/search.json", "/-/search", "/-/search.json",
         "/-/export.csv", "/-/coverage", "/-/coverage.json", "/-/edits", "/-/map", "/-/place/Ba%20%C4%90%C3%ACnh",
         "/archive/articles/1", "/archive/articles/1.json", "/-/article/1", "/-/versions/1", "/-/diff/1", "/-/chart",
         "/archive/crawl_runs", "/", "/archive/search.atom", "/archive/articles_per_event_month.json", "/archive"]
NAMES = ["_sort", "_sort_desc", "_where", "_facet", "_facet_array", "_facet_date", "_facet_size", "_size", "_next",
         "_col", "_nocol", "_shape", "_json", "_labels", "_search", "_searchmode", "_through", "_timelimit", "_stream",
         "_trace", "_nl", "_dl", "_header", "_bom", "_ttl", "_hash", "_extra", "q", "exact", "from", "to", "sort",
         "page", "event", "tag", "person", "place", "section", "year", "month", "lang", "_lang", "sql", "term",
         "id__in", "title__glob", "published_at__gte", "published_at__date", "rowid", "id", "p", "v", "format",
         "_format", "callback", "_context", "_exact", "_event", "_tag", "_person", "_place", "view", "kind", "level"]
VALUES = ["", "0", "-1", "1e999", "99999999999999999999999", "abc", "%00", "%FF", "%ED%A0%80", "[", "{", "]", "'",
          "\"", "--", ";", "*", "NOT", "OR", "NEAR(", "^", ")", "(", "a" * 5000, "%E2%80%AE", "..%2F..%2Fetc%2Fpasswd",
          "2021-02-31", "0000-00-00", "9999-12-31T99:99", "title", "rowid", "id", "body_html", "null", "true",
          "%C4%91", "max", "select 1", "1)--", "x' or '1'='1", "%0A%0D", "%09", "\\", "%25", "%2B", "😀"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="an archive named archive.db (a crawl's)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    if args.db.name != "archive.db" or not args.db.is_file():
        parser.error("--db must be an existing file named archive.db (the database the pages are served as)")
    ds = datasette_for(args.db)
    rnd = random.Random(args.seed)
    failures = []
    for _ in range(args.count):
        params = "&".join(f"{rnd.choice(NAMES)}={rnd.choice(VALUES)}" for _ in range(rnd.randint(1, 3)))
        url = f"{rnd.choice(PATHS)}?{params}"
        log = io.StringIO()   # the tracebacks and SQL errors Datasette prints of what it refused
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            response = get(ds, url)
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {url[:300]}: {response.text[:150]!r}")
    print(f"{args.count} odd requests (seed {args.seed}): {len(failures)} answered 5xx")
    for failure in failures:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
