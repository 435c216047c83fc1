"""Table and query cells: search snippets with their marks, long texts cut short in lists,
titles and article ids as links to the article page, and times in Hanoi time as every page shows them
(``dd/mm/yyyy HH:MM``; the stored ISO value stays in the cell's ``<time datetime>``, JSON and CSV)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from kinhtedothi.vocab.dates import archive_time, paper_date, parse_iso

# In lists, long texts are cut shorter than Datasette's truncate_cells_html (JSON and CSV keep all).
SHORT_CELLS = {"body_text": 240, "body_html": 160, "field_sources": 80}


def marked(value: str) -> Markup:
    """Text with <mark> markers (vi_snippet): everything escaped, then the markers restored."""
    escaped = str(escape(value))
    return Markup(escaped.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))


# Columns that hold a moment: the paper's (Hanoi time, as printed) or the archive's own stamps (UTC).
PAPER_TIMES = {"published_at", "published", "first_article", "last_article"}


def time_cell(value: Any, column: str) -> Markup | None:
    """A stored time as the pages show it, or None when the cell is not one."""
    if not isinstance(value, str) or not (column in PAPER_TIMES or column.endswith("_at")) \
            or parse_iso(value) is None:
        return None
    shown = paper_date(value) if column in PAPER_TIMES else archive_time(value)
    return Markup('<time datetime="{}">{}</time>').format(value, shown)


def render(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Markup | None:
    """The cell's HTML, or None for Datasette's own rendering."""
    shown = time_cell(value, column)
    if shown is not None:
        return shown
    if column == "snippet" and isinstance(value, str):
        return marked(value)
    if table in ("articles", "article_versions") and column in SHORT_CELLS and isinstance(value, str) \
            and len(value) > SHORT_CELLS[column]:
        return Markup("{}…").format(value[:SHORT_CELLS[column]].rstrip())
    if table == "articles" and column == "title" and value and "id" in row.keys():
        href = datasette.urls.row(database, "articles", str(row["id"]))
        return Markup('<a href="{}">{}</a>').format(href, value)
    if table is None and column == "article_id" and isinstance(value, int):
        # in query results, article_id always means articles.id: link to the article's page
        return Markup('<a href="{}">{}</a>').format(datasette.urls.row(database, "articles", str(value)), value)
    return None
