"""The facets, defined once: the search page, its exports and chart, and the articles list all read them.

A facet is a way to narrow the articles by a value they have: an event, a year, a month, a section, a
person, a tag, a place. Its definition says where an article's values are (a linking table, a column of
``articles``, or the period of its publication date), how many values a page shows, whether several
may be chosen (all must hold, or any for a column), and the argument it takes on the search page and
on the articles list. Its title is the catalogs' ``facet.<name>``.

Adding a facet is one entry in ``FACETS`` (and its title in both catalogs), plus its test: the search
page reads ``?<name>=``, filters and counts it; the articles list (Datasette's table, for SQL users)
shows it as a facet and takes ``?<list_param>=``; the list's link to the search page carries it.

Values may lie within others (``Link.within``: a ward within its district): an article holds a district when
it names the district or one of its wards, on every page that filters or counts the facet, and the search page
shows each ward inside its district (``Nesting``). A linked facet whose table an archive lacks (one made before
the table existed, until ``kinhtedothi reparse``) is never counted, and choosing a value of it finds nothing
(unless ``Link.without`` says how to read it from ``articles``).
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
    # a column naming the value each row lies within (a ward's row: its district's key), which takes the row in
    # too: an article holds ``v`` when ``column = v`` or ``within = v``
    within: str | None = None

    def articles(self, key: str) -> str:
        """SQL: the ids of the articles that hold the value ``:key``."""
        sql = f"select article_id from {self.table} where {self.column} = :{key}"
        if self.within:   # two lookups, each on its own index (an "or" would read the whole table)
            sql += f" union select article_id from {self.table} where {self.within} = :{key}"
        return sql

    def count_sql(self, source: str, where: str = "", limit: int = 0, every: float = 1) -> str:
        """SQL: each value of the linking rows ``source`` holds (a FROM clause naming the table ``t``, ``where`` a
        condition on them) with its number of articles (``n``), most first; ``limit`` 0: every value; ``every``:
        what each counted article stands for (a sample's counts scaled up)."""
        extra = f" and {where}" if where else ""
        tail = " order by n desc, value" + (f" limit {limit}" if limit else "")

        def scaled(count: str) -> str:
            return count if every == 1 else f"cast(round({count} * {every}) as integer)"
        if not self.within:
            return (f"select t.{self.column} as value, {scaled('count(distinct t.article_id)')} as n from {source} "
                    f"where t.{self.column} is not null and t.{self.column} <> ''{extra} "
                    f"group by t.{self.column}{tail}")
        pairs = " union ".join(f"select t.{c} as value, t.article_id from {source} where t.{c} is not null "
                               f"and t.{c} <> ''{extra}" for c in (self.column, self.within))
        return f"select value, {scaled('count(*)')} as n from ({pairs}) group by value{tail}"


@dataclass(frozen=True)
class Nesting:
    """How the search page shows values that lie within others (``Link.within``): each inside the value it lies
    within, the others in groups by what they are."""

    level: str                 # the linking table's column saying what a value is (district, ward, province)
    levels: tuple[str, ...]    # the groups in the page's order; the first is that of the values others lie within
    inner: int = 8             # values shown inside each (its ``size`` values per group are shown)


@dataclass(frozen=True)
class Facet:
    name: str                    # the search page's argument, its JSON key, the catalogs' facet.<name>
    list_param: str              # the articles list's argument for one value
    size: int = 0                # values shown (0: all, for periods)
    link: Link | None = None     # values in a linking table (several per article) ...
    column: str | None = None    # ... or in a column of articles (one per article): several chosen = any
    period: int = 0              # ... or the first ``period`` characters of published_at (4 year, 7 month)
    nesting: Nesting | None = None   # values inside the values they lie within (``link.within``)
    elsewhere: str | None = None     # a page of ours showing the values another way (the map), linked beside them
                                     # with the search's arguments, its words ``facet.<name>.elsewhere``

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
    # places the articles name (article_places, issue 22): a district takes in its wards; Hanoi's districts first,
    # each with its wards inside, then wards whose district the articles do not say, then provinces
    Facet("place", "_place", size=12, link=Link("article_places", "place_key", within="district_key"),
          nesting=Nesting("level", ("district", "ward", "province")), elsewhere="/-/map"),
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
