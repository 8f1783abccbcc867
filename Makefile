# govflow — the two commands that matter are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test docs setup assets db demo lint e2e-deps clean

## make run: set everything up and serve govflow with demo data on http://127.0.0.1:5000
run: setup assets db demo
	@echo ""
	@echo "govflow is starting on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	$(BIN)/govflow run --host $(HOST) --port $(PORT)

## make test: set everything up and run the whole test suite
test: setup assets e2e-deps
	$(BIN)/pytest $(PYTEST_ARGS)

## make docs: build the documentation site (docs/, MkDocs) into site/; any warning fails it
docs: setup
	$(BIN)/mkdocs build --strict

setup: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "govflow needs Python 3.11 ($(PYTHON))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

assets:
	scripts/build-assets

db: setup
	$(BIN)/govflow db upgrade

demo: setup
	$(BIN)/govflow seed --demo --print-sign-ins

## Browser tests need Debian's chromium; install it when missing (never a downloaded browser).
e2e-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    (apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)); \
	  else echo "chromium is missing: sudo apt-get install chromium (browser tests will be skipped)"; fi; \
	fi

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) node_modules govflow/static/build instance site
