"""Real pages for the parse benchmark: each body in ``bench/real/`` inside a legacy page shell.

    .venv/bin/python bench/make_real_pages.py [--out bench/out/real-pages]

The shell is the legacy test page ``tests/pages/legacy_seed_article.html`` with
its headline, lead, byline, time, addresses and body replaced by the values in
``bench/real/articles.json`` and the real body (see ``bench/real/README.md``).
Writes ``<id>.html`` and ``truth.jsonl`` (what a correct parse must find).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHELL = HERE.parent / "tests" / "pages" / "legacy_seed_article.html"
SEED = {"url": "https://kinhtedothi.vn/quan-thanh-xuan-19-19-chi-tieu-chu-yeu-dat-va-vuot-ke-hoach-405813.html",
        "title": "Quận Thanh Xuân: 19/19 chỉ tiêu chủ yếu đạt và vượt kế hoạch",
        "sapo": "Kinhtedothi - Ngày 13/1, Ban Chấp hành Đảng bộ quận Thanh Xuân khóa VI, nhiệm kỳ 2020 - 2025 "
                "đã tổ chức Hội nghị lần thứ 5.",
        "author": "Hồng Thái", "time": "13-01-2021 20:36", "id": "405813"}
BODY = re.compile(r'<div id="cotent_detail".*?\n  </div>\n', re.S)  # the shell's body element, to its end


def page_for(shell: str, article: dict, body: str) -> str:
    text = BODY.sub(lambda _: body.strip() + "\n", shell, count=1)
    for key, value in (("url", article["url"]), ("title", article["title"]), ("sapo", article["sapo_as_printed"]),
                       ("author", article["byline_as_printed"]), ("time", article["published_as_printed"])):
        old, new = SEED[key], value
        assert html.escape(old) in text, key
        text = text.replace(html.escape(old), html.escape(new))
    day, clock = article["published_as_printed"].split()
    iso = "-".join(reversed(day.split("-"))) + f"T{clock}:00+07:00"
    text = text.replace('content="2021-01-13T20:36:00+07:00"', f'content="{iso}"')
    first_image = next((i["src"] for i in article["images"]), "")
    text = text.replace("https://cdn.kinhtedothi.vn/2021/01/13/thanh-xuan-hoi-nghi-lan-thu-5.jpg", first_image)
    return text.replace(SEED["id"], str(article["id"]))


def truth_for(article: dict) -> dict:
    sapo = re.sub(r"^Kinhtedothi\s*[-–—]\s*", "", " ".join(article["sapo_as_printed"].split()))
    return {"file": f"{article['id']}.html", "url": article["url"], "site_id": article["id"],
            "title": article["title"], "sapo": sapo, "author": article["byline_as_printed"],
            "published_raw": article["published_as_printed"],
            "captions": [" ".join(i["caption"].split()) for i in article["images"] if i.get("caption")]}


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "out" / "real-pages")
    args = parser.parse_args(argv)
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    shell = SHELL.read_text(encoding="utf-8")
    with open(args.out / "truth.jsonl", "w", encoding="utf-8") as truth:
        for article in json.loads((HERE / "real" / "articles.json").read_text(encoding="utf-8")):
            body = (HERE / "real" / f"{article['id']}.html").read_text(encoding="utf-8")
            (args.out / f"{article['id']}.html").write_text(page_for(shell, article, body), encoding="utf-8")
            truth.write(json.dumps(truth_for(article), ensure_ascii=False) + "\n")
    return args.out


if __name__ == "__main__":
    print(main())
