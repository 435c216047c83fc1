"""An archive with one edited article, made as in production: a crawl, the paper edits the article on
the (sample) site, a re-check crawl archives the new version."""

from __future__ import annotations

import shutil
from pathlib import Path

from kinhtedothi.sample_site import SampleSite
from kinhtedothi.sample_site import content as C
from tests.support.crawls import run_crawl

EDITED = C.BY_KEY["c02"]                        # "Quận Ba Đình phong tỏa tạm thời tuyến phố Trúc Bạch"
EDITED_ID = EDITED["site_id"]
NEW_TITLE = "Quận Ba Đình gỡ phong tỏa tuyến phố Trúc Bạch"
ADDED_PARAGRAPH = "Đoạn bổ sung sau khi đăng."
CO_WRITTEN = "Phạm Hùng - Kim Nhuệ"


def edited_archive(crawled_db: Path, target_dir: Path) -> Path:
    """A copy of a complete crawl in which EDITED was changed by the paper and re-checked."""
    target_dir.mkdir(parents=True, exist_ok=True)
    db = target_dir / "archive.db"
    shutil.copy(crawled_db, db)
    with SampleSite() as site:
        site.edit_article(EDITED["path"], title=NEW_TITLE, paragraphs=EDITED["paragraphs"] + [ADDED_PARAGRAPH])
        process = run_crawl(db, site.url, "-s", "RECHECK_SCHEDULE=*:0s")
    assert process.returncode == 0, process.stderr[-2000:]
    return db
