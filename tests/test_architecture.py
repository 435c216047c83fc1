"""The architecture contracts in .importlinter stay whole as the code grows: they name packages and
wildcards, never a list of modules, and the wildcard really forbids a module added later."""

import configparser
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.fast

ROOT = Path(__file__).resolve().parent.parent


def contract(name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser()
    parser.read(ROOT / ".importlinter", encoding="utf-8")
    return parser[f"importlinter:contract:{name}"]


def listed(section: configparser.SectionProxy, key: str) -> set[str]:
    return {line.split("#")[0].strip() for line in section[key].splitlines() if line.split("#")[0].strip()}


def test_page_objects_are_forbidden_every_scraper_module_by_a_wildcard():
    assert "scraper.*" in listed(contract("pages-pure"), "forbidden_modules")


def test_page_objects_may_use_the_vocabulary():
    forbidden = listed(contract("pages-pure"), "forbidden_modules")
    assert not any(m == "kinhtedothi.vocab" or m.startswith("kinhtedothi.vocab.") or m == "kinhtedothi"
                   for m in forbidden)


@pytest.mark.slow
def test_the_wildcard_catches_a_new_module_and_spares_the_pages_own_package(tmp_path):
    """The same contract on a tiny tree: scraper.pages may import itself, not a module added beside it."""
    pkg = tmp_path / "scraper"
    (pkg / "pages").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "pages" / "__init__.py").write_text("from scraper.pages import base\n")
    (pkg / "pages" / "base.py").write_text("")
    (pkg / "brand_new.py").write_text("")
    config = tmp_path / ".importlinter"
    config.write_text("[importlinter]\nroot_package = scraper\n\n[importlinter:contract:pages]\n"
                      "name = pages\ntype = forbidden\nsource_modules = scraper.pages\n"
                      "forbidden_modules =\n    scraper.*\n")
    lint = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}

    def run() -> subprocess.CompletedProcess:
        return subprocess.run([str(lint), str(config), "--no-cache"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)

    assert run().returncode == 0, run().stdout
    (pkg / "pages" / "base.py").write_text("import scraper.brand_new\n")
    broken = run()
    assert broken.returncode != 0 and "scraper.brand_new" in broken.stdout
