# Two commands on a fresh clone: `make run` and `make test` (see README.md).
# With DATABASE_URL set, both use that database instead of the SQLite default.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint demo install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## Migrate, load the demo project once, print the demo logins, serve on http://127.0.0.1:8000
run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py setup_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Load the demo project (only when it is not there yet) without serving
demo: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py setup_demo

## Lint, then the whole test suite
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .hypothesis
