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

import re
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qsl, urlencode

FORMULA_SIGNS = "=+-@＝＋－＠"
FORMULA_STARTS = "\t\r"               # a cell that begins with these is quoted whatever follows
PREFIX = "'"
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
STREAM_PAGE = 100

Send = Callable[[dict[str, Any]], Awaitable[None]]


def _formula(text: str, whole: bool = True) -> bool:
    """Could a spreadsheet read ``text`` (the whole cell, or only its beginning) as a formula?"""
    if text[0] in FORMULA_STARTS:
        return True
    stripped = text.strip() if whole else text.lstrip()
    return bool(stripped) and stripped[0] in FORMULA_SIGNS and not (whole and NUMBER.fullmatch(stripped))


def neutral(cell: Any) -> Any:
    """``cell`` as a spreadsheet may read it: a leading ``'`` when it could start a formula."""
    if not isinstance(cell, str) or not cell or not _formula(cell):
        return cell
    return PREFIX + cell


def neutral_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: neutral(value) for key, value in row.items()}


QUOTED = re.compile(rb'"[^"]*(?:""[^"]*)*"')   # a quoted field, its quotes doubled inside
UNQUOTED = re.compile(rb"[^,\r\n]*")
HEAD = 64   # bytes of a cell read to decide; a longer cell is never a plain number


def rewrite_record(record: bytes) -> bytes:
    """One CSV record (Python's ``excel`` dialect, as Datasette writes it) with its formula cells quoted.

    Works on the bytes: each cell is found (quoted or not), only its first HEAD bytes are decoded to
    decide, and a ``'`` is inserted where needed (after the opening quote of a quoted cell). A record
    with nothing to change is returned as it came, without a copy."""
    pieces: list[bytes] = []
    last, pos = 0, 0
    body_end = len(record) - (2 if record.endswith(b"\r\n") else 1 if record.endswith(b"\n") else 0)
    while True:
        quoted = record.startswith(b'"', pos)
        match = (QUOTED if quoted else UNQUOTED).match(record, pos)
        if match is None:
            return record  # not CSV as Datasette writes it (its error text after a failed page): as it is
        start, end = (pos + 1, match.end() - 1) if quoted else (pos, match.end())
        if end > start:
            head = record[start:min(end, start + HEAD)].decode("utf-8", "ignore")
            if quoted:
                head = head.replace('""', '"')
            if head and _formula(head, whole=end - start <= HEAD):
                pieces += [record[last:start], PREFIX.encode()]
                last = start
        pos = match.end()
        if pos >= body_end or record[pos:pos + 1] != b",":
            break
        pos += 1
    if not pieces:
        return record
    pieces.append(record[last:])
    return b"".join(pieces)


class RecordRewriter:
    """A CSV byte stream rewritten record by record (:func:`rewrite_record`).

    ``feed(bytes)`` returns the rewritten bytes of every record completed so far; ``close()`` the rest. A
    record is complete at a line end outside quotes: with doubled quotes inside quoted fields, that is a
    line end after an even number of ``"`` since the record began. Only the unfinished record is held."""

    def __init__(self) -> None:
        self._pending: list[bytes] = []   # the lines of the record not yet complete
        self._quotes = 0                  # the number of " in them

    def feed(self, data: bytes) -> bytes:
        out: list[bytes] = []
        start = 0
        while True:
            end = data.find(b"\n", start)
            if end < 0:
                break
            line = data[start:end + 1] if start or end + 1 < len(data) else data
            start = end + 1
            self._pending.append(line)
            self._quotes += line.count(b'"')
            if self._quotes % 2 == 0:
                record = self._pending[0] if len(self._pending) == 1 else b"".join(self._pending)
                out.append(rewrite_record(record))
                self._pending, self._quotes = [], 0
        if start < len(data):
            rest = data[start:]
            self._pending.append(rest)
            self._quotes += rest.count(b'"')
        return out[0] if len(out) == 1 else b"".join(out)

    def close(self) -> bytes:
        record = b"".join(self._pending)
        self._pending, self._quotes = [], 0
        return rewrite_record(record) if record else b""


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
