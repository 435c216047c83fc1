"""A synthetic archive of Vietnamese articles with the real schema, for the search benchmark.

    .venv/bin/python bench/make_synthetic_archive.py                    # 200,000 articles -> bench/out/archive-200k.db
    .venv/bin/python bench/make_synthetic_archive.py --articles 20000 --out /tmp/small.db
    .venv/bin/python bench/make_synthetic_archive.py --quick                # 300 articles -> bench/out/archive-quick.db

Text: a word-bigram Markov chain trained on the sample site's 49 articles
(real Kinhtedothi prose: Đảng bộ, HĐND, bầu cử, giãn cách, khóa/khoá XV…),
with place and person names drawn from larger pools so that the vocabulary
and the term frequencies look like a newspaper's. Titles, leads, bylines,
sections, tags, events, pictures and dates follow the shapes of the real
archive. Written by the crawl's own store, as a crawl writes: one crawl run,
the feed links of each article's events, then each article's page-object
fields normalized (pipelines.normalize) and saved by Archive.save_article (its
row, child rows, people, places, search index with its narrowing words,
event links, the triggers' facet counts), so that its indexes and tables are a crawled
archive's and Datasette serves it exactly as it serves a crawl. Both search
indexes are merged at the end (--no-optimize leaves them as written).
Deterministic for a given --seed. A million articles: about 46 minutes and
11.8 GB on two shared cores.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter, defaultdict
from typing import Iterator
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.archive import Archive  # noqa: E402
from pipelines.normalize import normalize_article  # noqa: E402
from kinhtedothi.vocab.dates import HANOI  # noqa: E402
from kinhtedothi.vocab.generations import LEGACY  # noqa: E402
from kinhtedothi.vocab.items import ArticleItem, FeedLinkItem  # noqa: E402
from kinhtedothi.vocab.sources import LIVE  # noqa: E402
from kinhtedothi.sample_site import expected_articles  # noqa: E402

EVENTS = [
    ("bau-cu-quoc-hoi-khoa-xv", "Bầu cử đại biểu Quốc hội khóa XV và HĐND các cấp", 731,
     datetime(2020, 9, 1), datetime(2021, 12, 31)),
    ("dai-dich-covid-19", "Đại dịch Covid-19", 688, datetime(2020, 1, 15), datetime(2023, 6, 30)),
    ("cuoc-thi-viet-bao-ve-moi-truong", 'Cuộc thi viết "Bảo vệ môi trường trên địa bàn TP Hà Nội"', 702,
     datetime(2018, 1, 1), datetime(2025, 12, 31)),
]
SECTIONS = {
    "Chính trị": ["Bầu cử", "Xây dựng Đảng", "Quốc hội"], "Xã hội": ["Giáo dục", "Lao động", None],
    "Y tế": ["Phòng dịch", "Sức khỏe", None], "Đô thị": ["Hạ tầng", "Giao thông", "Quy hoạch"],
    "Môi trường": ["Xanh - Sạch - Đẹp", None], "Kinh tế": ["Doanh nghiệp", "Đầu tư", None],
    "Văn hóa": ["Di sản", None], "Pháp luật": [None],
}
DISTRICTS = ("Ba Đình,Hoàn Kiếm,Tây Hồ,Long Biên,Cầu Giấy,Đống Đa,Hai Bà Trưng,Hoàng Mai,Thanh Xuân,Nam Từ Liêm,"
             "Bắc Từ Liêm,Hà Đông,Sơn Tây,Ba Vì,Phúc Thọ,Đan Phượng,Hoài Đức,Quốc Oai,Thạch Thất,Chương Mỹ,"
             "Thanh Oai,Thường Tín,Phú Xuyên,Ứng Hòa,Mỹ Đức,Sóc Sơn,Đông Anh,Gia Lâm,Mê Linh,Thanh Trì").split(",")
FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh Đoàn Lương".split()
MIDDLE = "Văn Thị Hữu Đức Minh Thu Ngọc Thanh Hồng Kim Quang Hoài Bảo Xuân Thùy".split()
GIVEN = ("An Anh Bình Châu Chi Cường Dũng Giang Hà Hải Hạnh Hiếu Hoa Hùng Hương Khánh Lan Linh Long Mai Minh "
         "Nam Nga Ngân Nhung Oanh Phong Phương Quân Quỳnh Sơn Tâm Thảo Thắng Thủy Trang Trung Tú Tuấn Việt Yến "
         "Nhuệ Thái Hoà Khoa Thuỷ Uyên Vân Ánh").split()
EXTRA_TAGS = ["Hà Nội", "bầu cử", "Covid-19", "HĐND", "Quốc hội khóa XV", "cử tri", "giãn cách xã hội", "vắc xin",
              "môi trường", "rác thải", "ô nhiễm không khí", "giao thông", "quy hoạch", "y tế", "giáo dục",
              "Đảng bộ", "an sinh xã hội", "kinh tế", "đầu tư công", "chuyển đổi số"]
WORD = re.compile(r"\S+")
SENTENCE = re.compile(r"(?<=[.!?…])\s+")


def corpus() -> list[dict]:
    return expected_articles()


class Markov:
    """Word bigrams of real sentences; generated sentences start like real ones and end on a stop."""

    def __init__(self, sentences: list[str], rng: random.Random):
        self.rng = rng
        self.next: dict[str, list[str]] = defaultdict(list)
        self.starts: list[str] = []
        for sentence in sentences:
            words = WORD.findall(sentence)
            if len(words) < 4:
                continue
            self.starts.append(words[0])
            for a, b in zip(words, words[1:] + ["<END>"]):
                self.next[a].append(b)

    def sentence(self, max_words: int = 40) -> str:
        word = self.rng.choice(self.starts)
        out = [word]
        while len(out) < max_words:
            word = self.rng.choice(self.next.get(word) or ["<END>"])
            if word == "<END>":
                break
            out.append(word)
        text = " ".join(out)
        return text if text[-1] in ".!?…" else text.rstrip(",;:") + "."


def person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}" if rng.random() < 0.3 else \
        f"{rng.choice(MIDDLE + GIVEN)} {rng.choice(GIVEN)}"


def vary(sentence: str, rng: random.Random) -> str:
    """Real sentences name a few places: spread them over every district, add people and numbers."""
    sentence = re.sub(r"(quận|huyện|thị xã) [A-ZĐ]\w+( [A-ZĐ]\w+)*",
                      lambda m: f"{m.group(1)} {rng.choice(DISTRICTS)}", sentence)
    if rng.random() < 0.15:
        sentence = sentence.rstrip(".") + f", ông {rng.choice(FAMILY)} {rng.choice(GIVEN)} cho biết."
    return re.sub(r"\b\d{2,3}\b", lambda m: str(rng.randint(2, 999)), sentence)


def when(rng: random.Random, event_index: int) -> datetime:
    start, end = EVENTS[event_index][3], EVENTS[event_index][4]
    if event_index == 1 and rng.random() < 0.6:  # Covid: waves
        start, end = rng.choice([(datetime(2020, 3, 1), datetime(2020, 5, 1)), (datetime(2021, 5, 1),
                                 datetime(2021, 10, 1)), (datetime(2022, 1, 1), datetime(2022, 4, 1))])
    if event_index == 0 and rng.random() < 0.5:  # elections: the weeks before 23/5/2021
        start, end = datetime(2021, 4, 15), datetime(2021, 6, 5)
    moment = start + timedelta(seconds=rng.randrange(int((end - start).total_seconds())))
    return moment.replace(second=0, tzinfo=HANOI)


def generate(n: int, seed: int) -> Iterator[tuple[str, list[str], dict]]:
    """(event slug, every event listing it, the page object's fields) for ``n`` articles, as a crawl meets them."""
    rng = random.Random(seed)
    articles = corpus()
    # one chain per event, trained on that event's articles: topics stay where they belong
    pools = []
    for slug, *_ in EVENTS:
        own = [a for a in articles if slug in (a.get("events") or [])] or articles
        sentences = [s for a in own for field in ("sapo", "body_text") if a.get(field)
                     for s in SENTENCE.split(a[field].replace("\n\n", " "))]
        chain = Markov(sentences, rng)
        pools.append([vary(chain.sentence(), rng) for _ in range(15000)])
    titles = [a["title"] for a in articles if a.get("title")]
    title_words = [w for t in titles for w in WORD.findall(t)]
    authors = [person(rng) for _ in range(400)] + [a["author"] for a in articles if a.get("author")]
    author_weights = [1 / (i + 1) ** 0.8 for i in range(len(authors))]
    tags = sorted({t for a in articles for t in (a.get("tags") or [])} | set(EXTRA_TAGS))
    tags += [f"quận {d}" for d in DISTRICTS[:12]] + [f"huyện {d}" for d in DISTRICTS[12:]]
    tag_weights = [1 / (i + 1) ** 0.7 for i in range(len(tags))]
    rng.shuffle(tags)
    for i in range(n):
        aid = 300000 + i
        event = rng.choices([0, 1, 2], weights=[3, 5, 2])[0]
        published = when(rng, event)
        district = rng.choice(DISTRICTS)
        title_bits = rng.sample(title_words, rng.randint(5, 9))
        title = f"{rng.choice(['Quận', 'Huyện', 'Thị xã'])} {district}: " + " ".join(title_bits)
        title = title[0].upper() + title[1:]
        pool = pools[event]
        picks = rng.choices(range(len(pool)), k=rng.randint(8, 20))
        sapo_n = rng.randint(1, 2)
        sapo = " ".join(pool[j] for j in picks[:sapo_n])
        paragraphs, k = [], sapo_n
        while k < len(picks):
            take = picks[k:k + rng.randint(2, 4)]
            paragraphs.append(" ".join(pool[j] for j in take))
            k += len(take)
        caption = f"Quang cảnh tại {rng.choice(['quận', 'huyện'])} {district}"
        src = f"https://cdn.kinhtedothi.vn/{published:%Y/%m/%d}/synthetic-{aid}-1.jpg"
        body_html = "".join(f"<p>{p}</p>" if j != 1 else
                            f'<figure><img alt="{caption}" src="{src}"><figcaption>{caption}</figcaption></figure>'
                            f"<p>{p}</p>" for j, p in enumerate(paragraphs))
        author = rng.choices(authors, weights=author_weights)[0]
        if rng.random() < 0.15:
            author = f"{author} - {rng.choices(authors, weights=author_weights)[0]}"
        section = rng.choice(list(SECTIONS))
        url = f"https://kinhtedothi.vn/synthetic-{aid}.html"
        events = [EVENTS[event][0]] + ([EVENTS[(event + 1) % 3][0]] if rng.random() < 0.1 else [])
        article_tags = list(dict.fromkeys(rng.choices(tags, weights=tag_weights, k=rng.randint(2, 5))))
        yield url, events, {
            "url": url, "fetched_url": url, "title": title, "sapo": sapo, "author": author,
            "published_raw": published.strftime("%d-%m-%Y %H:%M"), "section": section,
            "subsection": rng.choice(SECTIONS[section]), "body_paragraphs": paragraphs, "body_html": body_html,
            "tags": article_tags, "images": [{"src": src, "caption": caption}], "related_links": [],
            "layout": LEGACY.layouts[0], "field_sources": {"title": "markup"}}


def build(path: Path, n: int, seed: int, optimize: bool) -> None:
    """Every article through the crawl's own store: the feed links of its events, then the page object's fields
    normalized (``NormalizePipeline``) and saved (``Archive.save_article``: row, child rows, people, search
    index, event links, one transaction each), inside one crawl run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    archive = Archive(path)
    archive.db.conn.execute("PRAGMA synchronous = OFF")   # a file made again from scratch if the machine fails
    archive.start_run("https://kinhtedothi.vn", [e[0] for e in EVENTS], mode="full", source=LIVE.name)
    for slug, name, number, *_ in EVENTS:
        archive.save_event(slug, name, f"https://kinhtedothi.vn/su-kien/{number}/{slug}.html", "bar")
    started = time.time()
    outcomes: Counter[str] = Counter()
    positions: Counter[str] = Counter()
    for done, (url, events, extracted) in enumerate(generate(n, seed), 1):
        for slug in events:
            positions[slug] += 1
            page = f"https://kinhtedothi.vn/su-kien/{slug}.html?page={positions[slug] // 20 + 1}"
            archive.save_feed_link(FeedLinkItem(slug, url, page, positions[slug] % 20 + 1))
        item = ArticleItem(fetched_url=url, link_urls=[url], extracted=extracted)
        item.article, _ = normalize_article(extracted)
        outcomes[archive.save_article(item)] += 1
        if done % 20000 == 0 or done == n:
            print(f"{done:,} articles, {time.time() - started:.0f} s", file=sys.stderr)
    archive.finish_run("ok", 0, None, {"pages_fetched": n, "articles_new": outcomes["new"],
                                       "articles_updated": outcomes["updated"],
                                       "articles_unchanged": outcomes["unchanged"]})
    conn = archive.db.conn
    if optimize:
        for index in ("articles_fts", "articles_fts_exact"):
            conn.execute(f"INSERT INTO {index} ({index}) VALUES ('optimize')")
    conn.commit()  # no ANALYZE: a crawled archive has no statistics either
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    archive.close()
    size = path.stat().st_size / 1e6
    print(f"{path}: {n:,} articles, {size:,.0f} MB, {time.time() - started:.0f} s", file=sys.stderr)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=None, help="how many articles (default 200,000)")
    parser.add_argument("--out", type=Path, default=None, help="default bench/out/archive-200k.db")
    parser.add_argument("--quick", action="store_true",
                        help="300 articles into bench/out/archive-quick.db: checks the benchmark still runs")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--no-optimize", action="store_true",
                        help="Leave the search index as written (several segments) instead of merging it")
    args = parser.parse_args(argv)
    articles = args.articles or (300 if args.quick else 200_000)
    out = args.out or ROOT / "bench" / "out" / ("archive-quick.db" if args.quick else "archive-200k.db")
    build(out, articles, args.seed, optimize=not args.no_optimize)


if __name__ == "__main__":
    main()
