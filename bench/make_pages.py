"""Write the benchmark's saved pages and their truth: ``bench/pages/*.html`` + ``bench/pages/truth.jsonl``.

    .venv/bin/python bench/make_pages.py [--variants 20] [--out bench/pages]

Every article page of the sample site is fetched over HTTP from a ``SampleSite``
on loopback (49 pages, as the site serves them).  Each is saved as is, and
``--variants`` deterministic variants of it are made by editing the HTML string
(default 20, so 49 × 21 = 1,029 pages).  Each edit is stated twice, once on the
page and once on the truth record, and asserted to hit the page exactly where
intended:

* every variant gets a new address: a new article id in canonical, og:url and
  the share link (legacy pages; ``url`` and ``site_id`` change), or a new
  slug ``…-phan-<roman>.html`` (current pages, which carry no id);
* odd variants move the publication time (visible date with its weekday, and
  ``article:published_time``): ``published_at`` and ``published_raw`` change;
* every third variant puts a label before the headline (``<title>``, og:title,
  ``<h1>``, image ``alt``; captions of the current layout repeat the headline):
  ``title`` (and those captions) change;
* variants 1, 2, 5, 6, … swap the byline: ``author`` changes.

The truth of every page is the sample site's ``expected_articles()`` plus these
edits; our parser is never run here.  Pages in NFD stay NFD.
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import unicodedata
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kinhtedothi.sample_site import SampleSite, expected_articles
from kinhtedothi.sample_site.content import WEEKDAYS as WEEKDAYS_LEGACY
from kinhtedothi.sample_site.render import WEEKDAYS_CUR

SITE = "https://kinhtedothi.vn"
HERE = Path(__file__).resolve().parent
FIELDS = ("url", "site_id", "title", "sapo", "author", "published_at", "published_raw", "section",
          "subsection", "body_text", "tags", "images", "related_links", "layout")
TITLE_LABELS = ("Video: ", "Trực tiếp: ", "Infographic: ", "Chùm ảnh: ", "Toàn cảnh: ", "Góc nhìn: ", "Clip: ")
BYLINES = ("Minh Châu", "Đức Anh", "Thảo Nguyên", "Hoàng Long - Thu Trang", "Nguyễn Hằng", "Quỳnh Chi",
           "Bảo Ngọc - Việt Dũng", "Lưu Hiệp", "Tuấn Kiệt", "Khánh Huyền")
ROMAN = tuple(("", "x", "xx", "xxx")[k // 10] + ("", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix")[k % 10]
              for k in range(1, 31))


class Page:
    """A saved page under edit, in the Unicode form it was served in."""

    def __init__(self, text: str):
        self.text = text
        self.form = "NFD" if not unicodedata.is_normalized("NFC", text) else "NFC"

    def nf(self, value: str) -> str:
        return unicodedata.normalize(self.form, value)

    def replace(self, old: str, new: str, count: int | None = None) -> int:
        """Replace every ``old`` (markup, NFC) by ``new``; assert how many there were."""
        old, new = self.nf(old), self.nf(new)
        found = self.text.count(old)
        if found == 0 or (count is not None and found != count):
            raise AssertionError(f"expected {count or 'some'} of {old!r}, found {found}")
        self.text = self.text.replace(old, new)
        return found


def fetch(url: str) -> bytes:
    """GET with retries on 5xx (one sample article answers 500 twice first)."""
    for _ in range(5):
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            if error.code < 500:
                raise
    raise RuntimeError(f"{url}: still failing after 5 tries")


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def change_address(page: Page, truth: dict[str, Any], k: int) -> str:
    old_path = truth["url"].removeprefix(SITE)
    if truth["site_id"] is not None:
        new_id = truth["site_id"] + 100_000 * k
        new_path = old_path.replace(f"-{truth['site_id']}.html", f"-{new_id}.html")
        truth["site_id"] = new_id
    else:
        new_path = old_path.replace(".html", f"-phan-{ROMAN[k - 1]}.html")
    assert new_path != old_path and not any(old_path in link["url"] for link in truth["related_links"])
    found = page.replace(SITE + old_path, SITE + new_path)  # canonical, og:url (+ share link on legacy)
    assert found == (3 if truth["layout"] == "legacy" else 2) and page.nf(old_path) not in page.text
    truth["url"] = SITE + new_path
    return f"address {old_path} -> {new_path}"


def move_date(page: Page, truth: dict[str, Any], k: int) -> str:
    old = datetime.fromisoformat(truth["published_at"]).replace(tzinfo=None)
    new = old + timedelta(days=37 * k - 200, minutes=97 * k)
    raw = truth["published_raw"]
    for fmt in ("%d-%m-%Y %H:%M", "%H:%M %d/%m/%Y"):
        raw = raw.replace(old.strftime(fmt), new.strftime(fmt))
    for names in (WEEKDAYS_LEGACY, WEEKDAYS_CUR):
        if raw.startswith(names[old.weekday()] + ","):
            raw = names[new.weekday()] + raw[len(names[old.weekday()]):]
    assert raw != truth["published_raw"]
    page.replace(f">{esc(truth['published_raw'])}</div>", f">{esc(raw)}</div>", count=1)
    new_iso = new.strftime("%Y-%m-%dT%H:%M:00+07:00")
    page.replace(f'content="{truth["published_at"]}"', f'content="{new_iso}"', count=1)
    truth["published_at"], truth["published_raw"] = new_iso, raw
    return f"date {truth['published_raw']!r}"


def label_title(page: Page, truth: dict[str, Any], k: int) -> str:
    old = truth["title"]
    new = TITLE_LABELS[k % len(TITLE_LABELS)] + old
    elsewhere = [truth["sapo"], truth["body_text"], truth["author"], *truth["tags"],
                 *(link["title"] for link in truth["related_links"])]
    assert not any(old in text for text in elsewhere if text), "headline repeated in another field"
    page.replace(esc(old), esc(new))
    truth["title"] = new
    for image in truth["images"]:
        if image["caption"]:
            image["caption"] = image["caption"].replace(old, new)
    return f"title {new!r}"


def swap_byline(page: Page, truth: dict[str, Any], k: int) -> str | None:
    if truth["author"] is None:
        return None
    new = BYLINES[k % len(BYLINES)]
    css = "name_author" if truth["layout"] == "legacy" else "detail__author"
    page.replace(f'<span class="{css}">{esc(truth["author"])}</span>', f'<span class="{css}">{esc(new)}</span>',
                 count=1)
    truth["author"] = new
    return f"author {new!r}"


def variant(original: str, base: dict[str, Any], k: int) -> tuple[str, dict[str, Any], list[str]]:
    """The k-th variant (k >= 1) of a page and its truth."""
    page, truth = Page(original), json.loads(json.dumps(base))
    edits = [change_address(page, truth, k)]
    if k % 2 == 1:
        edits.append(move_date(page, truth, k))
    if k % 3 == 0:
        edits.append(label_title(page, truth, k))
    if k % 4 in (1, 2):
        edits.append(swap_byline(page, truth, k))
    return page.text, truth, [e for e in edits if e]


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "pages")
    parser.add_argument("--variants", type=int, default=20, help="variants per sample article (max 30)")
    args = parser.parse_args(argv)
    if not 0 <= args.variants <= len(ROMAN):
        parser.error(f"--variants must be between 0 and {len(ROMAN)}")
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    records: list[dict[str, Any]] = []
    with SampleSite() as site:
        for article in expected_articles():
            base = {name: article[name] for name in FIELDS}
            original = fetch(site.url + article["url"].removeprefix(SITE)).decode("utf-8")
            pages = [(original, base, [])] + [variant(original, base, k) for k in range(1, args.variants + 1)]
            for text, truth, edits in pages:
                name = truth["url"].rsplit("/", 1)[1]
                target = args.out / name
                assert not target.exists(), f"two pages named {name}"
                target.write_bytes(text.encode("utf-8"))
                records.append({"file": name, "source": article["url"], "edits": edits, **truth})
    with open(args.out / "truth.jsonl", "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    size = sum(p.stat().st_size for p in args.out.glob("*.html"))
    print(f"{len(records)} pages, {size / 1e6:.1f} MB, in {args.out}")
    return args.out


if __name__ == "__main__":
    main()
