# Headway: `make run` to try it, `make test` before you push.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
PYTEST_ARGS ?=

.PHONY: run test lint unit e2e bench install clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install: $(BIN)/.installed

run: install  ## Serve the demo workspace on http://127.0.0.1:8000
	HEADWAY_DEV=1 HEADWAY_DEBUG=true $(BIN)/headway migrate --noinput -v0
	HEADWAY_DEV=1 HEADWAY_DEBUG=true $(BIN)/headway demo
	HEADWAY_DEV=1 HEADWAY_DEBUG=true $(BIN)/headway runserver 127.0.0.1:8000

lint: install  ## ruff, mypy, import contracts, Django checks, migrations up to date
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy headway
	$(BIN)/lint-imports
	HEADWAY_DEV=1 $(BIN)/headway check --fail-level WARNING
	HEADWAY_DEV=1 $(BIN)/headway makemigrations --check --dry-run

unit: install  ## the test suite (browser tests excluded)
	$(BIN)/pytest -n 2 -q $(PYTEST_ARGS)

e2e: install  ## browser tests in Chromium (skipped without /usr/bin/chromium)
	$(BIN)/pytest -q -m e2e -p no:xdist tests/e2e $(PYTEST_ARGS)

test: lint unit e2e  ## everything CI runs on SQLite

bench: install  ## benchmarks: ratios against a baseline measured in the same run
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
