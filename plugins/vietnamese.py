"""Vietnamese folding for Datasette: ``fold_vi(text)`` in SQL.

The search index ``articles_fts`` holds folded text (no diacritics, ``đ`` as
``d``); fold the query the same way to match it:

    select * from articles_fts where articles_fts match fold_vi('Đảng bộ')
"""

from datasette import hookimpl

from pipelines.text import fold


@hookimpl
def prepare_connection(conn):
    conn.create_function("fold_vi", 1, fold, deterministic=True)
