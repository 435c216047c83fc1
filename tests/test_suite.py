"""The test suite itself: every test is fast or slow and none is left out of `make test`; a fast test runs
in one process; helpers come from tests/support; a cost counted in lines counts the work wherever it is."""

import ast
import re
import subprocess
import sys

import pytest

from kinhtedothi.vocab.text import clean, fold
from tests.support import ROOT
from tests.support.cost import lines_run
from tests.support.crawls import crawl_in_process
from tests.support.tiers import FAST_SELECTION, TIERS

pytestmark = pytest.mark.fast
TESTS = sorted((ROOT / "tests").glob("test_*.py"))


def declared_tiers(path) -> list[str]:
    """The tiers a test file's module-level ``pytestmark`` names."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "pytestmark" for t in node.targets):
            return [n.attr for n in ast.walk(node.value) if isinstance(n, ast.Attribute) and n.attr in TIERS]
    return []


def test_every_test_file_declares_one_tier_at_its_top():
    assert len(TESTS) > 40
    undeclared = [path.name for path in TESTS if len(declared_tiers(path)) != 1]
    assert not undeclared, f"declare `pytestmark = pytest.mark.fast` or `.slow` in {undeclared}"


def recipe(target: str) -> list[str]:
    """The commands of a Makefile target."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    commands = []
    for line in lines[start + 1:]:
        if not line.startswith("\t"):
            break
        commands.append(line.strip())
    return commands


def test_make_test_runs_every_test_and_make_test_fast_the_fast_ones():
    # no -m, -k, --ignore or --deselect: nothing left out; two pytest-xdist workers, each test file in one of them
    assert recipe("test") == ["$(PY) -m pytest -q -n 2 --dist loadfile"]
    assert recipe("test-fast") == [f'$(PY) -m pytest -q -m "{FAST_SELECTION}"']
    assert re.search(r"^make test$", (ROOT / ".ci" / "run").read_text(encoding="utf-8"), re.M)


def test_helpers_come_from_tests_support_never_from_conftest_or_another_test_file():
    found = []
    for path in [*TESTS, *(ROOT / "tests" / "support").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and re.match(r"(tests\.)?(conftest|test_)",
                                                                             node.module):
                found.append(f"{path.name}: from {node.module} import …")
    assert not found, found


def test_lines_run_counts_our_code_in_whichever_module_does_the_work():
    def search_key(text):  # defined here, in no module of ours: only the calls below can count
        return fold(clean(text))

    assert lines_run(search_key, "Đảng  bộ") > lines_run(fold, "Đảng bộ") > 0
    with pytest.raises(AssertionError, match="ran no line of our code"):
        lines_run(str.upper, "nothing of ours")


def test_the_session_crawl_ran_in_this_process_and_a_second_one_is_refused(crawled, tmp_path):
    db, process, requests = crawled
    assert process.returncode == 0 and process.args[:2] == ["kinhtedothi", "crawl"] and requests
    with pytest.raises(RuntimeError, match="use run_crawl"):
        crawl_in_process(tmp_path / "again.db", "http://127.0.0.1:9")


# -- the tiers at work, in a pytest of their own ------------------------------------------------------

UNTIERED = "def test_nothing():\n    pass\n"
FAST_WITH_A_PROCESS = """import subprocess, sys
import pytest
pytestmark = pytest.mark.fast

def test_starts_a_process():
    subprocess.run([sys.executable, "-c", ""])

def test_starts_one_and_hides_the_refusal():
    try:
        subprocess.run([sys.executable, "-c", ""])
    except RuntimeError:
        pass

@pytest.mark.slow
def test_marked_slow_may():
    subprocess.run([sys.executable, "-c", ""], check=True)
"""


def pytest_run(tmp_path, name: str, source: str, *args: str) -> subprocess.CompletedProcess:
    """pytest on one file in a folder of its own, with this suite's conftest.py as a plugin."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / name).write_text(source)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider",
                           "-q", "-rA", "--rootdir", str(tmp_path), str(tmp_path / name), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_a_file_without_a_tier_stops_the_collection(tmp_path):
    run = pytest_run(tmp_path, "test_untiered.py", UNTIERED)
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.stdout + run.stderr
    assert "test_untiered.py: declare its tier" in run.stderr


@pytest.mark.slow
def test_a_fast_test_that_starts_a_process_fails_even_when_it_hides_the_refusal(tmp_path):
    run = pytest_run(tmp_path, "test_tiers.py", FAST_WITH_A_PROCESS)
    outcomes = set(re.findall(r"^(PASSED|FAILED|ERROR) \S+::(\w+)", run.stdout, re.M))
    assert outcomes == {("FAILED", "test_starts_a_process"),  # the refusal, where the process was started
                        ("PASSED", "test_starts_one_and_hides_the_refusal"),  # its call, then its tear-down:
                        ("ERROR", "test_starts_one_and_hides_the_refusal"),   # started processes and hid the refusal
                        ("PASSED", "test_marked_slow_may")}, run.stdout
    assert "is a fast test and started a process" in run.stdout and "hid the refusal" in run.stdout
    fast_only = pytest_run(tmp_path, "test_tiers.py", FAST_WITH_A_PROCESS, "-m", FAST_SELECTION)
    assert "1 failed, 1 passed, 1 deselected, 1 error" in fast_only.stdout, fast_only.stdout
