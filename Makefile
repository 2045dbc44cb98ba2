# Kontor: `make run` starts the local stack, `make test` runs every tier. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: install run test lint format test-unit test-integration test-e2e openapi lock clean

$(PY_STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check pip==25.3
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(PY_STAMP) $(NODE_STAMP)

run: install
	$(PY) -m local.run $(ARGS)

lint: $(PY_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy app.py chalicelib local

format: $(PY_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test-unit: $(PY_STAMP)
	$(BIN)/pytest tests/unit --disable-socket --allow-unix-socket

test-integration: $(PY_STAMP)
	$(BIN)/pytest tests/integration

test-e2e: install
	$(BIN)/pytest tests/e2e

test: install lint test-unit test-integration test-e2e

openapi: $(PY_STAMP)
	$(PY) -m chalicelib.api.openapi > openapi.json

lock:
	@echo "Regenerate requirements*.txt from a fresh venv with the pins in pyproject.toml (see README)."

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache
