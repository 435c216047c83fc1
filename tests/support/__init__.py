"""What the tests share, beside the fixtures in tests/conftest.py. Import helpers from here, never
from conftest.py (pytest imports conftest.py itself, under another name: a second import runs it twice).

* ``tests.support`` (this module): the crawl and server helpers most tests use, re-exported from
  ``crawls`` and ``servers``: ``ROOT``, ``FAST``, ``run_crawl``, ``connect``, ``free_port``,
  ``wait_for``, ``served``, ``stop_group``;
* ``crawls``: a crawl as a separate process (``run_crawl``, ``wayback_crawl``), or in this process
  once per session (``crawl_in_process``), and ``connect``; ``fast_env`` for a script's own crawls;
* ``servers``: ports, waiting for a server, ``kinhtedothi serve`` as a process (``served``);
* ``processes``: the check that no test leaves a process running, and the one that a fast test starts none;
* ``tiers``: which tests are fast and which slow (``make test-fast`` runs the fast ones);
* ``datasette``: the published archive as ``kinhtedothi serve`` configures it, in this process;
  articles written straight into a copy of an archive; every facet counted afresh (``fresh_facet_counts``);
* ``edits``: an archive with one article the paper edited;
* ``hostile_site``: the hostile site (every way a server can fool or flood the crawler), odd pages;
* ``hostile_archives``: hostile WARC files and a Common Crawl that lies;
* ``cost``: ``lines_run``, the work a call does counted in lines executed, not in seconds.
"""

from tests.support.crawls import FAST, ROOT, connect, run_crawl
from tests.support.servers import free_port, served, stop_group, wait_for

__all__ = ["FAST", "ROOT", "connect", "free_port", "run_crawl", "served", "stop_group", "wait_for"]
