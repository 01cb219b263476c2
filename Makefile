# Headway: `make run` to try it, `make test` before you push.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
PYTEST_ARGS ?=
PORT ?= 8000
DEV_ENV := HEADWAY_DEV=1 HEADWAY_DEBUG=true HEADWAY_BASE_URL=http://127.0.0.1:$(PORT)

.PHONY: run test lint unit e2e bench install install-run clean

# Two stamps: running needs only the package; testing adds the dev tools.
$(BIN)/.installed-run: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(BIN)/.installed: $(BIN)/.installed-run
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install-run: $(BIN)/.installed-run
install: $(BIN)/.installed

# The worker (background jobs, reminders) runs beside the web server and stops with it.
run: install-run  ## Serve the demo workspace on http://127.0.0.1:$(PORT) (PORT=8080 make run)
	$(DEV_ENV) $(BIN)/headway migrate --noinput -v0
	$(DEV_ENV) $(BIN)/headway demo --address http://127.0.0.1:$(PORT)
	$(DEV_ENV) $(BIN)/headway worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	$(DEV_ENV) $(BIN)/headway runserver 127.0.0.1:$(PORT)

lint: install  ## ruff, mypy, import contracts, Django checks, migrations up to date
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy headway
	$(BIN)/lint-imports
	HEADWAY_DEV=1 $(BIN)/headway check --fail-level WARNING
	HEADWAY_DEV=1 $(BIN)/headway makemigrations --check --dry-run

unit: install  ## the test suite, slow tests included (browser tests excluded)
	$(BIN)/pytest -n 2 -q -m "not e2e" $(PYTEST_ARGS)

e2e: install  ## browser tests in Chromium (skipped without /usr/bin/chromium)
	$(BIN)/pytest -q -m e2e -p no:xdist tests/e2e $(PYTEST_ARGS)

test: lint unit e2e  ## everything CI runs on SQLite

bench: install  ## benchmarks: ratios against a baseline measured in the same run
	$(BIN)/python -m bench
	$(BIN)/python -m bench scale
	$(BIN)/python -m bench writes
	$(BIN)/python -m bench load

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
