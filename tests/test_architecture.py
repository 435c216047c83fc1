"""The architecture contracts in .importlinter stay whole as the code grows."""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def contract(name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser()
    parser.read(ROOT / ".importlinter", encoding="utf-8")
    return parser[f"importlinter:contract:{name}"]


def listed(section: configparser.SectionProxy, key: str) -> set[str]:
    return {line.strip() for line in section[key].splitlines() if line.strip()}


def test_page_objects_are_forbidden_every_scraper_module_but_their_own():
    forbidden = listed(contract("pages-pure"), "forbidden_modules")
    modules = {f"scraper.{p.stem}" for p in (ROOT / "scraper").glob("*.py") if p.stem != "__init__"}
    packages = {f"scraper.{p.name}" for p in (ROOT / "scraper").iterdir()
                if (p / "__init__.py").exists() and p.name != "pages"}
    assert modules | packages <= forbidden, sorted((modules | packages) - forbidden)


def test_page_objects_may_use_the_vocabulary():
    assert not any(m == "vocab" or m.startswith("vocab.") for m in listed(contract("pages-pure"), "forbidden_modules"))
