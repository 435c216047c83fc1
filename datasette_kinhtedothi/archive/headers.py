"""Security headers on every response, and a strict Content-Security-Policy on the pages that show
scraped markup (the article page and the chart)."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any, Awaitable, Callable

import datasette

Send = Callable[[dict[str, Any]], Awaitable[None]]


def _datasette_inline_scripts() -> str:
    """CSP hashes of the inline scripts Datasette's own base page carries (closing open menus)."""
    hashes = []
    template = Path(datasette.__file__).parent / "templates" / "_close_open_menus.html"
    for script in re.findall(r"<script>(.*?)</script>", template.read_text(encoding="utf-8"), re.S):
        hashes.append("'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'")
    return " ".join(hashes)


# Scripts only from this server plus Datasette's own known inline one, nothing else inline;
# pictures from anywhere (they are the paper's); no plugins, no <base>, no framing by other sites.
STRICT_CSP = (f"default-src 'none'; script-src 'self' {_datasette_inline_scripts()}; "
              "style-src 'self' 'unsafe-inline'; img-src 'self' https: http: data:; font-src 'self'; "
              "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'self'")
COMMON_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-robots-tag", b"noindex, nofollow"),
    (b"x-frame-options", b"SAMEORIGIN"),
]
ARTICLE_PAGE = re.compile(r"^/[^/]+/articles/-?\d+/?$")


def is_strict(path: str) -> bool:
    """The pages that show scraped markup (the article page and the chart), and the map (its script)."""
    return bool(ARTICLE_PAGE.match(path)) or path in ("/-/chart", "/-/map")


def with_headers(send: Send, strict: bool) -> Send:
    """``send`` that replaces the response's own security headers with ours (and the strict CSP)."""
    async def send_with_headers(event: dict[str, Any]) -> None:
        if event["type"] == "http.response.start":
            headers = [h for h in event.get("headers", []) if h[0].lower() not in {k for k, _ in COMMON_HEADERS}]
            headers += COMMON_HEADERS
            if strict:
                headers.append((b"content-security-policy", STRICT_CSP.encode()))
            event = dict(event, headers=headers)
        await send(event)

    return send_with_headers
