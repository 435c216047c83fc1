"""A journalist's folder of sample-site articles saved from a browser ("Save page as…"), with what each file
holds: the fake that ``kinhtedothi crawl --source pages`` reads in the tests.

    from kinhtedothi.sample_site import write_saved_pages
    saved = write_saved_pages(folder)   # [{"file", "url", "how", "capture_timestamp", "pictures"}]

The three shapes browsers write:

* ``complete``: ``<title>.html`` beside ``<title>_files/``, as Chrome's "Webpage, Complete" writes it: a
  ``<!-- saved from url=… -->`` line on top, each picture's address rewritten to its copy in the folder,
  which also holds a frame the page showed (an ad, itself an ``.htm`` page);
* ``html``: the page as the site served it ("HTML only");
* ``mhtml``: one ``.mhtml`` file, the page and its pictures as MIME parts (quoted-printable HTML, base64
  pictures), with the address it was saved from and the moment (``Date``), as Chrome writes it.

Each file's modification time is the moment it was saved, except one copied by a tool that reset it to
1 January 1980 (as unzip does with some archives): that page must be dated by its own date instead.
Standard library only.
"""
import email.charset
import os
from datetime import datetime, timedelta, timezone
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import format_datetime
from pathlib import Path

from . import content as C
from . import render as R
from .render_parts import Ctx

UTC = timezone.utc
HANOI_OFFSET = timezone(timedelta(hours=7))
SAVED_AT = datetime(2024, 5, 14, 3, 0, 0, tzinfo=UTC)       # when the journalist saved the pages
RESET_TIME = datetime(1980, 1, 1, 0, 0, 0, tzinfo=UTC)      # a modification time an unzip tool left
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
# (article key, how it was saved)
SAVED = (("ec3", "complete"), ("c13", "mhtml"), ("cv2", "html"), ("x3", "mhtml"), ("v05", "html-reset-time"))
FRAME = "<html><head><title>Quảng cáo</title></head><body><a href='https://ads.example/'>ad</a></body></html>"


def _stamp(moment):
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def _file_name(title):
    """A file name as a browser makes it from the page's title."""
    return "".join("_" if ch in '/\\:*?"<>|' else ch for ch in title)[:120].strip()


def _page(a):
    return R.current_article(Ctx(), a) if a["layout"] == "current" else R.legacy_article(Ctx(), a)


def _absolute(src):
    return "https:" + src if src.startswith("//") else C.SITE + src if src.startswith("/") else src


def _complete(folder, a, html):
    stem = _file_name(a["title"])
    files = folder / (stem + "_files")
    files.mkdir(parents=True, exist_ok=True)
    for n, img in enumerate(a["images"]):
        local = "%s_files/anh-%d.png" % (stem, n)
        html = html.replace('src="%s"' % R.esc(img["src"]), 'src="./%s"' % local)
        (folder / local).write_bytes(PNG)
    (files / "ads.htm").write_text(FRAME, encoding="utf-8")
    url = C.SITE + a["path"]
    saved_from = "<!-- saved from url=(%04d)%s -->\n" % (len(url), url)
    path = folder / (stem + ".html")
    path.write_text(saved_from + html, encoding="utf-8")
    return path


def _mhtml(folder, a, html):
    url = C.SITE + a["path"]
    message = MIMEMultipart("related", type="text/html", boundary="----MultipartBoundary--kinhtedothi----")
    message["From"] = "<Saved by Blink>"
    message["Snapshot-Content-Location"] = url
    message["Subject"] = a["title"]
    message["Date"] = format_datetime(SAVED_AT.astimezone(HANOI_OFFSET))
    charset = email.charset.Charset("utf-8")
    charset.body_encoding = email.charset.QP
    page = MIMENonMultipart("text", "html")
    page.set_payload(html, charset)  # quoted-printable UTF-8, as Chrome writes the page
    page["Content-Location"] = url
    message.attach(page)
    for img in a["images"]:
        picture = MIMEImage(PNG, "png")
        picture["Content-Location"] = _absolute(img["src"])
        message.attach(picture)
    path = folder / (_file_name(a["title"]) + ".mhtml")
    path.write_bytes(message.as_bytes())
    return path


def write_saved_pages(folder):
    """Write the saved pages into ``folder``; return, for each, its file (relative to the folder), the article's
    address, how it was saved, the capture time the archive must give it and whether its pictures keep their
    addresses (a "complete" save keeps only the browser's copies)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for key, how in SAVED:
        a = C.BY_KEY[key]
        html = _page(a)
        if how == "complete":
            path = _complete(folder, a, html)
        elif how == "mhtml":
            path = _mhtml(folder, a, html)
        else:
            path = folder / (_file_name(a["title"]) + ".html")
            path.write_text(html, encoding="utf-8")
        saved_at = RESET_TIME if how == "html-reset-time" else SAVED_AT
        os.utime(path, (saved_at.timestamp(), saved_at.timestamp()))
        published = a["published"].replace(tzinfo=HANOI_OFFSET)  # the paper prints Hanoi time
        out.append({"file": path.relative_to(folder).as_posix(), "url": C.SITE + a["path"], "how": how,
                    "capture_timestamp": _stamp(max(saved_at, published)), "pictures": how != "complete"})
    return out
