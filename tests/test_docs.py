"""The documents the project publishes stay true to the code, and everything the code cites exists."""

import re
import subprocess
import sys

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
