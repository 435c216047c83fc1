# The README's commands. A fresh machine needs only python3 (3.11+) with venv.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test crawl serve sample-site bench search-bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

demo: $(STAMP)          ## serve the sample site, crawl it into archive.db, publish it
	$(VENV)/bin/kinhtedothi demo

test: $(STAMP)          ## the whole test suite
	$(PY) -m pytest -q

crawl: $(STAMP)         ## crawl the live site into archive.db
	$(VENV)/bin/kinhtedothi crawl --db archive.db

serve: $(STAMP)         ## publish archive.db on http://127.0.0.1:8001/
	$(VENV)/bin/kinhtedothi serve --db archive.db

sample-site: $(STAMP)
	$(VENV)/bin/kinhtedothi sample-site

bench: $(STAMP)         ## parse benchmark against trafilatura (see README)
	$(PY) bench/parse_bench.py

search-bench: $(STAMP)  ## search over HTTP on a synthetic 200,000-article archive (see README)
	$(PY) bench/make_synthetic_archive.py
	$(PY) bench/search_bench.py

load-bench: $(STAMP)    ## hostile and ordinary requests against a real serve (see docs/security.md)
	$(PY) bench/load_bench.py --quick

clean:
	rm -rf $(VENV) *.egg-info archive.db archive.db-* bench/pages bench/out
