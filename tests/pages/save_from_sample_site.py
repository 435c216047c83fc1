"""Re-save the page fixtures from the sample site, with the truth beside each page.

    .venv/bin/python tests/pages/save_from_sample_site.py

Each ``<name>.html`` is a page as the sample site serves it; ``<name>.json`` is
what ``kinhtedothi parse`` must print for it, taken from the sample site's own
truth (``kinhtedothi.sample_site.expected_articles``), never from our parsers.
"""

import json
import urllib.request
from pathlib import Path

from kinhtedothi.sample_site import FAULT_URLS, SampleSite, expected_articles

HERE = Path(__file__).parent
FIXTURES = {  # fixture name -> the variation that picks its page
    "legacy_seed_article": "seed",
    "legacy_no_author": "no-author",
    "legacy_several_authors": "multi-author",
    "legacy_nfd_text": "nfd",
    "legacy_related_inside_body": "related-inside",
    "legacy_related_outside_body": "related-outside",
    "legacy_caption_in_image_attribute": "caption-attr",
    "legacy_caption_in_paragraph": "caption-p",
    "legacy_script_in_body": "script-in-body",
    "legacy_ad_label_in_body": "ad-label-text",
    "legacy_en_dash_sapo": "en-dash-sapo",
    "legacy_em_dash_sapo": "em-dash-sapo",
    "legacy_text_around_date": "text-around-date",
    "legacy_nbsp_and_empty_paragraphs": "empty-p",
    "current_article": "current-layout",
    "current_sapo_in_metadata_only": "sapo-meta-only",
}
PARSE_FIELDS = ("url", "site_id", "title", "sapo", "author", "published_at", "published_raw", "section",
                "subsection", "body_text", "tags", "images", "related_links", "layout")


def fetch(site: SampleSite, path: str) -> bytes:
    with urllib.request.urlopen(site.url + path) as response:
        return response.read()


def main() -> None:
    articles = expected_articles()
    with SampleSite() as site:
        for name, variation in FIXTURES.items():
            article = next(a for a in articles if variation in a["variations"])
            path = article["url"].removeprefix("https://kinhtedothi.vn")
            (HERE / f"{name}.html").write_bytes(fetch(site, path))
            expected = {k: article[k] for k in PARSE_FIELDS}
            (HERE / f"{name}.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n")
        (HERE / "gallery_not_an_article.html").write_bytes(fetch(site, FAULT_URLS["gallery"]))


if __name__ == "__main__":
    main()
