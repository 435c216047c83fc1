"""The facets, defined once: the search page, its exports and chart, and the articles list all read them.

A facet is a way to narrow the articles by a value they have: an event, a year, a month, a section, a
person, a tag. Its definition says where an article's values are (a linking table, a column of
``articles``, or the period of its publication date), how many values a page shows, whether several
may be chosen (all must hold, or any for a column), and the argument it takes on the search page and
on the articles list. Its title is the catalogs' ``facet.<name>``.

Adding a facet is one entry in ``FACETS`` (and its title in both catalogs), plus its test: the search
page reads ``?<name>=``, filters and counts it; the articles list (Datasette's table, for SQL users)
shows it as a facet and takes ``?<list_param>=``; the list's link to the search page carries it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    """Values in a linking table: ``table`` (``article_id``, ``column``), with names in ``names`` if any."""

    table: str
    column: str
    names: tuple[str, str, str] | None = None   # (table, key column, name column)
    # an archive made before the table existed: the condition on an articles row ``a`` instead, and the
    # column of articles whose whole value is counted
    without: str | None = None
    without_column: str | None = None


@dataclass(frozen=True)
class Facet:
    name: str                    # the search page's argument, its JSON key, the catalogs' facet.<name>
    list_param: str              # the articles list's argument for one value
    size: int = 0                # values shown (0: all, for periods)
    link: Link | None = None     # values in a linking table (several per article) ...
    column: str | None = None    # ... or in a column of articles (one per article): several chosen = any
    period: int = 0              # ... or the first ``period`` characters of published_at (4 year, 7 month)

    @property
    def multi(self) -> bool:
        """Several values may be chosen (a period is one value: a year or a month)."""
        return not self.period

    @property
    def list_facet(self) -> dict | str:
        """The articles list's facet configuration (Datasette's ``facets`` metadata)."""
        if self.link:
            return {"through": self.name}
        if self.period:
            return {"year" if self.period == 4 else "month": "published_at"}
        return {"kt_column": str(self.column)}   # facets.CountedColumnFacet: Datasette's column facet, counted

    @property
    def list_name(self) -> str:
        """The name Datasette gives this facet's results on the list."""
        if self.period:
            return f"published_at_{'year' if self.period == 4 else 'month'}"
        return self.name if self.link else str(self.column)


FACETS: tuple[Facet, ...] = (
    Facet("event", "_event", size=10, link=Link("article_events", "event_slug", ("events", "slug", "name"))),
    Facet("year", "published_at__startswith", period=4),
    Facet("month", "published_at__startswith", period=7),
    Facet("section", "section", size=12, column="section"),
    # people of the byline (article_authors): "Phạm Hùng - Kim Nhuệ" counts under each of them
    Facet("person", "_person", size=15, link=Link(
        "article_authors", "name", without="(a.author = :{key} or instr(' - ' || a.author || ' - ', "
                                           "' - ' || :{key} || ' - ') > 0)", without_column="author")),
    Facet("tag", "_tag", size=15, link=Link("article_tags", "tag")),
)
BY_NAME = {facet.name: facet for facet in FACETS}
LINKED = {facet.name: facet for facet in FACETS if facet.link}
MULTI = tuple(facet.name for facet in FACETS if facet.multi)
SINGLE = tuple(facet.name for facet in FACETS if not facet.multi)
LIST_ORDER = [facet.list_name for facet in FACETS]


def list_metadata(database: str) -> dict:
    """The articles list's facets, as metadata a plugin gives Datasette (``get_metadata``)."""
    return {"databases": {database: {"tables": {"articles": {"facets": [f.list_facet for f in FACETS]}}}}}


def merged_metadata(parts) -> dict:
    """Several databases' ``list_metadata`` as one."""
    out: dict = {"databases": {}}
    for part in parts:
        out["databases"].update(part["databases"])
    return out


def to_search(list_param: str, value: str) -> tuple[str, str] | None:
    """The search page's argument for one of the list's (``_tag=x`` -> ``tag=x``), or None."""
    if list_param == "published_at__startswith":
        return ("month" if len(value) == 7 else "year", value) if len(value) in (4, 7) else None
    base = list_param.split("__")[0] if list_param.endswith("__exact") else list_param
    for facet in FACETS:
        if not facet.period and facet.list_param == base:
            return facet.name, value
    return None
