"""The CDX search API over a list of captures, in the real server's shapes.

``cdx_answer(captures, query)`` takes the parsed query string (a dict of lists,
as ``parse_qs`` gives) and returns (status, content type, body text).
Pipeline, as the real server: match by urlkey (exact / prefix / host /
domain), ``from``/``to`` by timestamp prefix, ``filter``, ``collapse``
(adjacent rows only), then ``resumeKey`` and ``limit``.
"""
import json
import re
from urllib.parse import quote, unquote

from .wayback_data import surt

FIELDS = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
FILTER_RE = re.compile(r"^(!?)([a-z]+):(.*)$", re.S)


class CdxError(ValueError):
    """A bad query: answered 400 with the message."""


def row_of(cap):
    """A capture as a CDX row: dict of field -> string."""
    return {"urlkey": cap.urlkey, "timestamp": cap.timestamp, "original": cap.original,
            "mimetype": cap.mimetype, "statuscode": str(cap.status), "digest": cap.digest,
            "length": str(cap.length)}


def _one(query, name, default=None):
    values = query.get(name)
    return values[-1] if values else default


def _match(rows, url, match_type):
    """Rows whose urlkey matches the query url under matchType."""
    if url.endswith("*"):
        url, match_type = url[:-1], match_type or "prefix"
    if url.startswith("*."):
        url, match_type = url[2:], "domain"
    match_type = match_type or "exact"
    key = surt(url)
    if match_type == "exact":
        return [r for r in rows if r["urlkey"] == key]
    if match_type == "prefix":
        if key.endswith(")/") and not url.rstrip().endswith("/"):
            key = key[:-1]  # "kinhtedothi.vn*": anything on the host
        return [r for r in rows if r["urlkey"].startswith(key)]
    host = key.split(")", 1)[0]
    if match_type == "host":
        return [r for r in rows if r["urlkey"].split(")", 1)[0] == host]
    if match_type == "domain":
        return [r for r in rows if r["urlkey"].split(")", 1)[0] in (host,) or
                r["urlkey"].startswith(host + ",")]
    raise CdxError("Unknown matchType: %s" % match_type)


def _window(rows, start, end):
    """from/to: inclusive bounds compared on the timestamp prefix of their length."""
    if start:
        rows = [r for r in rows if r["timestamp"][:len(start)] >= start]
    if end:
        rows = [r for r in rows if r["timestamp"][:len(end)] <= end]
    return rows


def _filters(rows, specs):
    """filter=[!]field:regex (full match, as the real server's Java matches())."""
    for spec in specs:
        m = FILTER_RE.match(spec)
        if not m or m.group(2) not in FIELDS:
            raise CdxError("Invalid filter: %s" % spec)
        neg, name, pattern = m.group(1) == "!", m.group(2), re.compile(m.group(3))
        rows = [r for r in rows if bool(pattern.fullmatch(r[name])) != neg]
    return rows


def _collapse(rows, specs):
    """collapse=field or field:N — drop a row whose value equals the previous row's."""
    for spec in specs:
        name, _, n = spec.partition(":")
        if name not in FIELDS or (n and not n.isdigit()):
            raise CdxError("Invalid collapse: %s" % spec)

        def value(r, name=name, n=n):
            return r[name][:int(n)] if n else r[name]
        kept, last = [], object()
        for r in rows:
            if value(r) != last:
                kept.append(r)
            last = value(r)
        rows = kept
    return rows


def resume_key(row):
    """Opaque key of the last row given (urlkey and timestamp, URL-quoted like the real one)."""
    return quote("%s %s" % (row["urlkey"], row["timestamp"]), safe="")


def _after(rows, key):
    """Rows strictly after a resumeKey (accepted quoted once, or already unquoted)."""
    key = unquote(key)
    urlkey, _, stamp = key.rpartition(" ")
    return [r for r in rows if (r["urlkey"], r["timestamp"]) > (urlkey, stamp)]


def _int(query, name):
    value = _one(query, name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise CdxError("Invalid %s: %s" % (name, value)) from None


def select(captures, query):
    """-> (rows, resume key or None) for a parsed CDX query."""
    url = _one(query, "url")
    if not url:
        raise CdxError("No url given")
    rows = [row_of(c) for c in captures]
    rows.sort(key=lambda r: (r["urlkey"], r["timestamp"], r["original"]))
    rows = _match(rows, url, _one(query, "matchType"))
    rows = _window(rows, _one(query, "from"), _one(query, "to"))
    rows = _filters(rows, query.get("filter", []))
    rows = _collapse(rows, query.get("collapse", []))
    if _one(query, "resumeKey"):
        rows = _after(rows, _one(query, "resumeKey"))
    limit = _int(query, "limit")
    key = None
    if limit is not None and 0 <= limit < len(rows):
        rows = rows[:limit]
        if rows and _one(query, "showResumeKey", "false").lower() == "true":
            key = resume_key(rows[-1])
    return rows, key


def cdx_answer(captures, query):
    """-> (status, content type, body) for the CDX endpoint."""
    try:
        rows, key = select(captures, query)
        names = [f for f in (_one(query, "fl") or "").split(",") if f] or FIELDS
        if any(f not in FIELDS for f in names):
            raise CdxError("Invalid field list: %s" % _one(query, "fl"))
    except CdxError as e:
        return 400, "text/plain; charset=utf-8", "org.archive.util.io.RuntimeIOException: %s\n" % e
    table = [[r[f] for f in names] for r in rows]
    if _one(query, "output") == "json":
        if not table:
            return 200, "application/json", "[]\n"
        lines = [names] + table + ([[], [key]] if key else [])
        return 200, "application/json", "[" + ",\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "]\n"
    text = "".join(" ".join(t) + "\n" for t in table)
    if key:
        text += "\n%s\n" % key
    return 200, "text/plain; charset=utf-8", text
