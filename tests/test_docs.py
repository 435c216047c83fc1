"""The documents the project publishes stay true to the code, and everything the code cites exists."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.fast


@pytest.mark.slow
def test_the_schema_reference_is_up_to_date_with_the_schema_and_metadata():
    check = subprocess.run([sys.executable, str(ROOT / "docs" / "make_schema_md.py"), "--check"],
                           capture_output=True, text=True, cwd=ROOT)
    assert check.returncode == 0, check.stderr


def test_every_document_the_code_cites_is_in_the_repository():
    cited = set()
    for package in ("scraper", "pipelines", "datasette_kinhtedothi", "kinhtedothi", "bench"):
        for path in (ROOT / package).rglob("*.py"):
            cited |= {(path.relative_to(ROOT), name) for name in
                      re.findall(r"\b((?:docs/)?[\w-]+\.md)\b", path.read_text(encoding="utf-8"))}
    places = (ROOT, ROOT / "docs")
    missing = [(str(path), name) for path, name in sorted(cited)
               if not any((place / name).exists() for place in (*places, ROOT / path.parent))]
    assert not missing, missing


PACKAGES = ("scraper", "pipelines", "datasette_kinhtedothi", "kinhtedothi")


def module_map() -> tuple[set[str], set[str]]:
    """The folders and the modules docs/developers.md's "Where things are" names (paths from the top)."""
    text = (ROOT / "docs" / "developers.md").read_text(encoding="utf-8")
    block = text.split("## Where things are", 1)[1].split("```", 2)[1]
    folders, modules, folder = set(), set(), None
    for line in block.splitlines():
        words = line.split()
        if not words:
            continue
        if not line[0].isspace() and words[0].endswith("/"):
            folder = words[0]
            folders.add(folder)
        elif line[0].isspace() and words[0].endswith(".py") and folder:
            modules.add(folder + words[0])
    return folders, modules


def test_the_module_map_names_every_module_and_every_package():
    folders, named = module_map()
    modules = {str(p.relative_to(ROOT)) for package in PACKAGES for p in (ROOT / package).rglob("*.py")}
    packages = {str(p.parent) + "/" for p in map(Path, modules) if p.name == "__init__.py"}
    missing = sorted(m for m in modules if not m.endswith("/__init__.py") and m not in named)
    assert not missing, f"docs/developers.md, 'Where things are': give each of these a line: {missing}"
    assert not sorted(packages - folders), f"give each package a folder line: {sorted(packages - folders)}"
    assert len(named) > 100 and {"scraper/", "pipelines/", "kinhtedothi/vocab/"} <= folders  # the map was read


def test_every_module_the_map_names_exists():
    _, named = module_map()
    gone = sorted(m for m in named if not (ROOT / m).is_file())
    assert not gone, f"docs/developers.md names modules that do not exist: {gone}"
