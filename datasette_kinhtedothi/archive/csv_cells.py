"""CSV a spreadsheet opens without running anything: every cell that could be read as a formula is
neutralised (OWASP's advice on CSV injection), in every CSV the archive writes.

The rule (docs/security.md "CSV"): a cell whose first character is ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return (or whose first character after leading white space is one of the four signs, or
their full-width forms ``＝ ＋ － ＠``) gets a single quote ``'`` in front. A cell that is a plain number
(``-3``, ``+7``, ``-0.5``, ``-1e5``) is left alone: a spreadsheet reads it as a number, never as a
formula, and ``articles.id`` holds real negative ids. Only CSV is changed; JSON and the pages show the
text as scraped.

Two writers are covered: our search export (``export.to_csv`` calls :func:`neutral` on each cell) and
Datasette's own ``.csv`` of tables, rows and queries, rewritten record by record on its way out by
:func:`wrap` (ASGI), which holds at most one record at a time, so a streamed export stays streamed.
A streamed CSV (``_stream=on``) is read in pages of ``STREAM_PAGE`` rows whatever ``_size`` says: the
same rows, but each page's query stays far below the answer's limit in bytes (``limits.py``).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qsl, urlencode

FORMULA_SIGNS = "=+-@＝＋－＠"
FORMULA_STARTS = "\t\r"               # a cell that begins with these is quoted whatever follows
PREFIX = "'"
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# csv's default field limit (131,072 characters) is below an article's body_html; a value is bounded
# anyway by the connection's SQLITE_LIMIT_LENGTH (datasette_kinhtedothi/limits.py).
FIELD_LIMIT = 64 * 1024 * 1024
STREAM_PAGE = 100

Send = Callable[[dict[str, Any]], Awaitable[None]]


def neutral(cell: Any) -> Any:
    """``cell`` as a spreadsheet may read it: a leading ``'`` when it could start a formula."""
    if not isinstance(cell, str) or not cell:
        return cell
    if cell[0] in FORMULA_STARTS:
        return PREFIX + cell
    stripped = cell.strip()
    if stripped and stripped[0] in FORMULA_SIGNS and not NUMBER.fullmatch(stripped):
        return PREFIX + cell
    return cell


def neutral_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: neutral(value) for key, value in row.items()}


class RecordRewriter:
    """A CSV text stream (Python's ``excel`` dialect, as Datasette writes it) rewritten record by record.

    ``feed(bytes)`` returns the rewritten bytes of every record completed so far; ``close()`` the rest. A
    record is complete at a line end outside quotes: with doubled quotes inside quoted fields, that is a
    line end after an even number of ``"`` since the record began."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending: list[str] = []     # the lines of the record not yet complete
        self._quotes = 0                  # the number of " in them

    def feed(self, data: bytes) -> bytes:
        text = self._decoder.decode(data)
        if not text:
            return b""
        out = io.StringIO()
        start = 0
        while True:
            end = text.find("\n", start)
            if end < 0:
                break
            line = text[start:end + 1]
            start = end + 1
            self._pending.append(line)
            self._quotes += line.count('"')
            if self._quotes % 2 == 0:
                self._write("".join(self._pending), out)
                self._pending, self._quotes = [], 0
        if start < len(text):
            rest = text[start:]
            self._pending.append(rest)
            self._quotes += rest.count('"')
        return out.getvalue().encode("utf-8")

    def close(self) -> bytes:
        text = "".join(self._pending) + self._decoder.decode(b"", final=True)
        self._pending, self._quotes = [], 0
        if not text:
            return b""
        out = io.StringIO()
        self._write(text, out, terminator=text.endswith("\n"))
        return out.getvalue().encode("utf-8")

    @staticmethod
    def _write(record: str, out: io.StringIO, terminator: bool = True) -> None:
        try:
            rows = list(csv.reader(io.StringIO(record, newline="")))
        except csv.Error:  # not CSV after all (Datasette's own error text after a failed page): as it is
            out.write(record)
            return
        writer = csv.writer(out, lineterminator="\r\n" if terminator else "")
        for row in rows:
            writer.writerow([neutral(cell) for cell in row])


def _is_csv_request(scope: dict[str, Any]) -> bool:
    """Datasette's own CSV (a table, a row, a query); our pages under /-/ write theirs neutralised."""
    path = scope.get("path", "")
    return path.endswith(".csv") and not path.startswith("/-/")


def _is_csv_answer(event: dict[str, Any]) -> bool:
    """A 200 whose content type is CSV or plain text (Datasette's CSV without ``_dl``), not its HTML debug view."""
    headers = {k.lower(): v for k, v in event.get("headers", [])}
    kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    return event.get("status") == 200 and kind in (b"text/csv", b"text/plain")


def _small_pages(scope: dict[str, Any]) -> dict[str, Any]:
    """A streamed CSV read STREAM_PAGE rows at a time (Datasette's own link asks ``_size=max``)."""
    raw = scope.get("query_string", b"")
    if b"_stream=" not in raw:
        return scope
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    size = dict(pairs).get("_size", "")
    if not any(k == "_stream" and v for k, v in pairs) or (size.isdigit() and 0 < int(size) <= STREAM_PAGE):
        return scope
    pairs = [(k, v) for k, v in pairs if k != "_size"] + [("_size", str(STREAM_PAGE))]
    return dict(scope, query_string=urlencode(pairs).encode("latin-1"))


def wrap(app: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """``app`` with the cells of every Datasette CSV answer neutralised on the way out."""
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))

    async def neutralised(scope: dict[str, Any], receive: Any, send: Send) -> None:
        if scope.get("type") != "http" or not _is_csv_request(scope):
            return await app(scope, receive, send)
        scope = _small_pages(scope)
        rewriter: RecordRewriter | None = None

        async def rewriting_send(event: dict[str, Any]) -> None:
            nonlocal rewriter
            if event["type"] == "http.response.start":
                if _is_csv_answer(event):
                    rewriter = RecordRewriter()
                    # the length changes with the quotes: let the server send the body chunked
                    event = dict(event, headers=[(k, v) for k, v in event.get("headers", [])
                                                 if k.lower() != b"content-length"])
            elif event["type"] == "http.response.body" and rewriter is not None:
                more = event.get("more_body", False)
                body = rewriter.feed(event.get("body", b""))
                if not more:
                    body += rewriter.close()
                event = dict(event, body=body)
            await send(event)

        await app(scope, receive, rewriting_send)

    return neutralised
