# phongdich: every target sets itself up on a fresh machine (Debian packages: scripts/system-packages).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# The suite runs on one process per core (pytest-xdist), each with its own test database, at most four; tests
# marked xdist_group("name") share a worker (the demo tests build one province between them).
PYTEST_PARALLEL ?= -n auto --maxprocesses 4 --dist loadgroup

.PHONY: run test e2e bench lint messages demo clean packages-run packages-test

packages-run packages-test:
	@scripts/system-packages $(@:packages-%=%)

$(BIN)/phongdich: pyproject.toml
	@py="$${PYTHON:-$$(scripts/find-python)}" || exit 1; \
	  echo "Using $$py ($$($$py --version))"; \
	  [ -x $(PY) ] || "$$py" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[postgres,dev]'
	@touch $@

run: packages-run $(BIN)/phongdich
	$(BIN)/phongdich migrate --noinput
	$(BIN)/phongdich demo --if-empty
	$(BIN)/phongdich collectstatic --noinput --verbosity 0
	$(BIN)/phongdich serve --host $(HOST) --port $(PORT)

test: packages-test $(BIN)/phongdich
	$(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

e2e: packages-test $(BIN)/phongdich
	$(BIN)/pytest -m browser $(PYTEST_PARALLEL) $(PYTEST_ARGS)

bench: packages-run $(BIN)/phongdich
	@scripts/system-packages run postgresql  # the admission race is also measured on a throwaway PostgreSQL
	$(PY) bench/run.py

lint: $(BIN)/phongdich
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

messages: $(BIN)/phongdich
	cd src/phongdich && ../../$(BIN)/phongdich makemessages --locale vi --no-obsolete --no-location
	$(PY) scripts/compile-messages

clean:
	rm -rf $(VENV) var staticfiles
