# The README's commands. A fresh machine needs only python3 (3.11+) with venv.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast stress-suite lint crawl serve sample-site bench bench-quick search-bench load-bench history-check places-check install-check clean

$(VENV)/.created:
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.demo: pyproject.toml $(VENV)/.created      # what the demo, crawl and serve need, nothing more
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml $(VENV)/.created      # + pytest (and pytest-xdist), Playwright, psutil, ruff, mypy
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.bench: pyproject.toml $(VENV)/.created     # + trafilatura, the parse benchmark's baseline
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $@

$(STAMP): $(VENV)/.test $(VENV)/.bench              ## everything (a developer's set-up)
	touch $(STAMP)

demo: $(VENV)/.demo     ## serve the sample site, crawl it into archive.db, publish it
	$(VENV)/bin/kinhtedothi demo

test: $(VENV)/.test node_modules/axe-core/axe.min.js     ## the whole test suite: every test, fast and slow, in two workers (what CI runs)
	$(PY) -m pytest -q -n 2 --dist loadfile

test-fast: $(VENV)/.test    ## the fast tests only, in one process: no crawl process, no server, no browser
	$(PY) -m pytest -q -m "not slow"

node_modules/axe-core/axe.min.js: package.json package-lock.json   # axe-core for the accessibility tests
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund; \
	else echo "npm not found: tests/test_accessibility.py will be skipped (apt-get install npm)"; fi

stress-suite: $(VENV)/.test    ## the whole suite 5 times in a row beside `stress --cpu 2`, as make test runs it: bench/out/stress-suite.log
	PY=$(PY) bench/stress_suite.sh $(or $(RUNS),5) -n 2 --dist loadfile

lint: $(VENV)/.test     ## ruff and mypy (settings in pyproject.toml), the architecture contracts (.importlinter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

crawl: $(VENV)/.demo    ## crawl the live site into archive.db
	$(VENV)/bin/kinhtedothi crawl --db archive.db

serve: $(VENV)/.demo    ## publish archive.db on http://127.0.0.1:8001/
	$(VENV)/bin/kinhtedothi serve --db archive.db

sample-site: $(VENV)/.demo
	$(VENV)/bin/kinhtedothi sample-site

bench: $(VENV)/.bench   ## WARC import, reparse and crawl beside their floors; the parse against trafilatura (bench/out/)
	$(PY) bench/e2e_bench.py
	$(PY) bench/parse_bench.py

bench-quick: $(VENV)/.bench  ## the same on a few pages, one run each: CI checks that they still work
	$(PY) bench/e2e_bench.py --quick
	$(PY) bench/parse_bench.py --quick

places-check: $(VENV)/.demo  ## places found in 90 real 2020 articles, against a list made by hand (docs/search.md)
	$(PY) bench/places_check.py

SIZE ?= 200000
search-bench: $(VENV)/.bench  ## search over HTTP on a synthetic archive of SIZE articles (200,000; SIZE=1000000: docs/search.md)
	$(PY) bench/search_bench.py --size $(SIZE) --rebuild

install-check:          ## build the wheel, install it in a fresh venv, run demo and serve from elsewhere
	.ci/install-check

load-bench: $(VENV)/.test    ## hostile and ordinary requests against a real serve (see docs/security.md)
	$(PY) bench/load_bench.py --quick

history-check: $(VENV)/.demo  ## the legacy site then today's site (and the Wayback copy then today's) into one archive: false edits, lost captions, moved ids
	$(PY) bench/history_check.py
	$(PY) bench/history_check.py --wayback

clean:
	rm -rf $(VENV) *.egg-info build dist archive.db archive.db-* bench/pages bench/out
