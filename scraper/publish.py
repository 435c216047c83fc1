"""The Datasette command line that publishes the archive (``kinhtedothi serve``)."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from importlib import resources
from pathlib import Path

from pipelines.disk import is_full

PROJECT = Path(__file__).resolve().parent.parent


def _metadata_file() -> Path:
    """metadata.yml: the checkout's own (at the top of the repository), else the copy the wheel put in
    this package (setup.py)."""
    checkout = PROJECT / "metadata.yml"
    if checkout.is_file():
        return checkout
    return Path(str(resources.files("scraper").joinpath("metadata.yml")))


METADATA = _metadata_file()


def metadata_for(db: str) -> Path:
    """metadata.yml, its database entry (and the links in it) renamed when the file is not called archive.db."""
    name = Path(db).stem
    if name == "archive":
        return METADATA
    import yaml

    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    metadata["databases"] = {name: metadata["databases"]["archive"]}
    text = json.dumps(metadata, ensure_ascii=False).replace("/archive/", f"/{name}/")
    # In the temporary directory, never beside the database: that may be read-only media.
    key = hashlib.sha1(str(Path(db).resolve()).encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"kinhtedothi-{key}-{name}.metadata.json"
    path.write_text(text, encoding="utf-8")
    return path


def read_only(db: str) -> bool:
    """True when serving must not write at all: the file or its directory cannot be written
    (read-only media, a mounted backup, a file copied without its write bit), or its disk is full (no
    room for the -shm file a reader of a WAL archive makes; no crawl can write there either)."""
    path = Path(db).resolve()
    return (path.exists() and not os.access(path, os.W_OK)) or not os.access(path.parent, os.W_OK) \
        or is_full(path)


# Datasette settings of the published archive (docs/operators.md "Publishing"). Read-only needs no setting:
# Datasette opens a mutable file read-only (mode=ro) and runs only single SELECT statements, and
# no canned query or plugin here writes. The file is NOT opened --immutable: cron adds articles
# (except on read-only media, where nothing can: see read_only()).
DATASETTE_SETTINGS = {
    "sql_time_limit_ms": "3000",      # any one query, typed or canned, stops after 3 s
    "num_sql_threads": "8",           # a gated request may run its facets on 3 threads at once: room for readers
    "facet_time_limit_ms": "1000",    # a facet gives up after 1 s (the page still shows)
    "default_page_size": "50",
    "max_returned_rows": "1000",
    "truncate_cells_html": "400",     # long bodies cut in lists; the article page shows all
    "suggest_facets": "off",          # suggestions cost a query per column on every list page
    "allow_download": "off",          # no download of the whole file (raw pages are large)
}


def datasette_command(db: str, host: str, port: int, cors: bool = False) -> list[str]:
    """The Datasette command line that publishes the archive read-only.

    CORS is off unless asked for: with it, any web page a reporter opens could
    read an archive served on the newsroom's network through their browser.
    """
    # Read-only media: SQLite cannot make the -wal/-shm files a WAL database needs, so the file is
    # opened immutable (-i): nothing can change it there anyway.
    command = [sys.executable, "-m", "datasette", "serve", *(["-i", db] if read_only(db) else [db]),
               "--metadata", str(metadata_for(db)), "--host", host, "--port", str(port)]
    for name, value in DATASETTE_SETTINGS.items():
        command += ["--setting", name, value]
    if cors:
        command.append("--cors")
    return command
