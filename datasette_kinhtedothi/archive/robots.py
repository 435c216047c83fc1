"""``/robots.txt``: nothing here is for robots (the newspaper is what search engines should index)."""

from __future__ import annotations

from datasette.utils.asgi import Request, Response

ROBOTS_TXT = """\
# Kinhtedothi event archive: a research copy of articles that belong to kinhtedothi.vn.
# Search engines should index the newspaper, not this copy, and crawlers following
# every facet, sort and query link would only load the server. Nothing here is for robots.
User-agent: *
Disallow: /
"""


async def robots(request: Request) -> Response:
    return Response.text(ROBOTS_TXT)
