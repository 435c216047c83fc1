"""The Vietnamese folding plugin: on a bare sqlite3 connection, then through Datasette."""

import asyncio
import sqlite3

import pytest
import yaml
from datasette.app import Datasette

from pipelines.archive import Archive
from datasette_kinhtedothi.vietnamese import prepare_connection
from scraper.publish import METADATA

pytestmark = pytest.mark.fast


def test_fold_vi_on_a_bare_connection():
    conn = sqlite3.connect(":memory:")
    prepare_connection(conn)
    assert conn.execute("select fold_vi('Đảng bộ HĐND khoá XV')").fetchone() == ("dang bo hdnd khoa xv",)
    assert conn.execute("select fold_vi(null)").fetchone() == ("",)


def test_datasette_search_finds_an_article_typed_without_diacritics(tmp_path):
    path = tmp_path / "archive.db"
    archive = Archive(path)
    archive.db.execute("insert into articles (id, url, title) "
                       "values (1, 'https://kinhtedothi.vn/a-1111.html', 'Đảng bộ')")
    archive.db.execute("insert into articles_fts (rowid, title) values (1, 'dang bo')")
    archive.db.conn.commit()
    archive.close()
    ds = Datasette([str(path)], metadata=yaml.safe_load(METADATA.read_text()))

    async def search(q):
        response = await ds.client.get("/archive.json", params={
            "sql": "select rowid from articles_fts where articles_fts match fold_vi(:q)", "q": q, "_shape": "array"})
        assert response.status_code == 200, response.text
        return response.json()

    assert asyncio.run(search("ĐẢNG BỘ")) == [{"rowid": 1}]
    assert asyncio.run(search("dang bo")) == [{"rowid": 1}]
