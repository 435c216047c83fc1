"""Fast and slow tests. Every test file declares its tier at the top, and nothing else decides it:

    pytestmark = pytest.mark.fast     # page objects, vocabulary, pipelines on SQLite, plugins through
                                      # datasette.client: one process, no crawl process, no browser
    pytestmark = pytest.mark.slow     # crawls as separate processes, `kinhtedothi serve`, the browser

A test in a fast file that needs a process of its own is marked ``@pytest.mark.slow`` on its own.
``make test-fast`` runs ``pytest -m "not slow"``; ``make test`` (and CI) runs every test.

Nothing can drop out of both: a file that declares no tier, or both, stops the collection (conftest.py
calls ``check``), and a fast test that starts a process fails (``processes.OneProcess``).
"""

from __future__ import annotations

import pytest

TIERS = ("fast", "slow")
FAST_SELECTION = "not slow"  # the -m expression of `make test-fast`


def is_fast(item: pytest.Item) -> bool:
    return item.get_closest_marker("slow") is None


def problems(items: list[pytest.Item]) -> list[str]:
    """Files that declare no tier or both, and tests marked fast one by one (a file's tier is its own)."""
    found: dict[str, str] = {}
    for item in items:
        module = item.getparent(pytest.Module)
        if module is None:
            continue
        declared = [m.name for m in module.own_markers if m.name in TIERS]
        where = module.nodeid
        if len(declared) != 1:
            found[where] = (f"{where}: declare its tier at the top, once: pytestmark = pytest.mark.fast "
                            "(one process, no crawl process, no browser) or pytest.mark.slow "
                            "(see tests/support/tiers.py)")
        elif any(m.name == "fast" for node in item.listchain() if node is not module for m in node.own_markers):
            found[item.nodeid] = (f"{item.nodeid}: only a file is marked fast; a test in a fast file may be "
                                  "marked slow on its own")
    return sorted(found.values())


def check(items: list[pytest.Item]) -> None:
    """Stops the session when a test's tier is not declared as tiers.py says."""
    found = problems(items)
    if found:
        raise pytest.UsageError("tests without a tier:\n" + "\n".join(found))
