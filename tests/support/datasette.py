"""Helpers for the Datasette tests: the published archive as `kinhtedothi serve` configures it, and
articles written straight into a copy of a crawled archive (hostile ones included)."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import sqlite_utils
import yaml
from datasette.app import Datasette

from pipelines.schema import fts_values
from pipelines.search_index import narrowing_words
from kinhtedothi.vocab import narrowing
from scraper.publish import DATASETTE_SETTINGS, METADATA


def settings() -> dict:
    """DATASETTE_SETTINGS as Datasette's Python API takes them (numbers and booleans)."""
    out = {}
    for name, value in DATASETTE_SETTINGS.items():
        out[name] = {"on": True, "off": False}.get(value, int(value) if value.isdigit() else value)
    return out


def datasette_for(db: Path, **extra) -> Datasette:
    """A Datasette configured as `kinhtedothi serve` runs it (same metadata, settings and plugins)."""
    return Datasette([str(db)], metadata=yaml.safe_load(METADATA.read_text(encoding="utf-8")),
                     settings=settings(), **extra)


def copy_archive(source: Path, target_dir: Path) -> Path:
    """A private copy of a crawled archive (archive.db, so that metadata.yml applies as is)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / "archive.db"
    with sqlite3.connect(source) as conn:  # folds the WAL in, so the copy is whole
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(source, target)
    return target


def add_article(db: Path, article_id: int, *, title: str, body_text: str, body_html: str | None = None,
                sapo: str | None = None, author: str | None = "Phóng viên", published_at="2021-05-20T10:00:00+07:00",
                section: str | None = "Chính trị", events=("dai-dich-covid-19",), tags=(), images=(),
                related=()) -> None:
    """Write one article as the store does: the row, its search index row (folded) and its child rows."""
    url = f"https://kinhtedothi.vn/bai-thu-{article_id}.html"
    if body_html is None:
        body_html = "".join(f"<p>{p}</p>" for p in body_text.split("\n\n"))
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "INSERT INTO articles (id, url, site_id, title, sapo, author, published_at, published_raw, section, "
            "body_text, body_html, word_count, layout, first_seen_at, last_fetched_at, content_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'legacy', '2026-01-02T03:04:05+00:00', "
            "'2026-01-02T03:04:05+00:00', ?)",
            [article_id, url, article_id, title, sapo, author, published_at, published_at, section, body_text,
             body_html, len(body_text.split()), f"hash-{article_id}"])
        for slug in events:
            conn.execute("INSERT OR IGNORE INTO article_events (article_id, event_slug) VALUES (?, ?)",
                         [article_id, slug])
        for tag in tags:
            conn.execute("INSERT INTO article_tags (article_id, tag) VALUES (?, ?)", [article_id, tag])
        for position, (src, caption) in enumerate(images, 1):
            conn.execute("INSERT INTO images (article_id, position, src, caption) VALUES (?, ?, ?, ?)",
                         [article_id, position, src, caption])
        for position, (link, link_title) in enumerate(related, 1):
            conn.execute("INSERT INTO related_links (article_id, position, url, title) VALUES (?, ?, ?, ?)",
                         [article_id, position, link, link_title])
        values = fts_values({"title": title, "sapo": sapo, "body_text": body_text, "author": author, "tags": tags,
                             "images": [{"caption": caption} for _, caption in images]})
        columns = [r[1] for r in conn.execute("PRAGMA table_info(articles_fts)")]
        if narrowing.COLUMN in columns:   # the words it is narrowed by, read back as the store reads them
            values.append(narrowing_words(sqlite_utils.Database(conn), article_id))
        conn.execute(f"INSERT INTO articles_fts (rowid, {', '.join(columns)}) "
                     f"VALUES (?{', ?' * len(columns)})", [article_id, *values])
    conn.close()


# An article as a future parser bug might let it through: every way scraped markup could try to run.
HOSTILE_ID = 990001
HOSTILE_BODY_HTML = (
    '<p>Đoạn mở đầu với một ảnh hỏng <img src="x" onerror="window.__xss=1;document.title=\'pwned\'"> ở giữa.</p>'
    "<p>Văn bản có thẻ thoát &lt;script&gt;window.__xss=2&lt;/script&gt; phải hiện nguyên văn.</p>"
    '<p><a href="javascript:window.__xss=3">liên kết độc</a> và '
    '<a href="https://kinhtedothi.vn/" onclick="window.__xss=4">trang báo</a>.</p>'
    '<svg onload="window.__xss=5"><circle r="4"></circle></svg>'
    '<iframe src="javascript:window.__xss=6"></iframe>'
    '<p style="background:url(javascript:window.__xss=7)" onmouseover="window.__xss=8">Đoạn cuối có kiểu.</p>'
    "<script>window.__xss=9</script>"
    '<figure><img src="https://cdn.kinhtedothi.vn/2021/05/20/anh-thu.jpg" alt="Ảnh thử">'
    "<figcaption>Chú thích ảnh thử nghiệm</figcaption></figure>"
)
HOSTILE_BODY_TEXT = ("Đoạn mở đầu với một ảnh hỏng ở giữa.\n\n"
                     "Văn bản có thẻ thoát <script>window.__xss=2</script> phải hiện nguyên văn.\n\n"
                     "liên kết độc và trang báo.\n\nĐoạn cuối có kiểu.")


def add_hostile_article(db: Path) -> int:
    add_article(
        db, HOSTILE_ID, title="Bài kiểm tra <script>window.__xss=10</script> an toàn",
        sapo="Bài viết thử nghiệm chứa mã độc hại.", body_text=HOSTILE_BODY_TEXT, body_html=HOSTILE_BODY_HTML,
        tags=['<b onmouseover="window.__xss=11">thẻ độc</b>'],
        images=[("javascript:window.__xss=12", 'Chú thích <img src=x onerror="window.__xss=13">')],
        related=[("javascript:window.__xss=14", "<script>window.__xss=15</script>Tin độc")])
    return HOSTILE_ID


def get(ds: Datasette, path: str, **kwargs):
    return asyncio.run(ds.client.get(path, **kwargs))


def post(ds: Datasette, path: str, **kwargs):
    return asyncio.run(ds.client.post(path, **kwargs))


def fresh_facet_counts(conn) -> list[tuple]:
    """Every facet's counts as ``facet_counts``' own fill counts them now, (facet, value, n) sorted: what the kept
    table must hold."""
    from pipelines import facet_counts

    conn.execute("create temp table if not exists fresh as select * from facet_counts where 0")
    conn.execute("delete from temp.fresh")
    for sql in facet_counts.fill_sql()[1:]:
        conn.execute(sql.replace(f"INSERT INTO {facet_counts.TABLE}", "INSERT INTO temp.fresh"))
    return sorted(conn.execute("select facet, value, n from temp.fresh"))

