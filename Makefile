# Two commands on a fresh clone: `make run` and `make test` (see README.md).
# With DATABASE_URL set, both use that database instead of the SQLite default.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint demo install install-dev clean chromium serve-prod messages

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

## Migrate, load the demo project once, print the demo logins, serve on http://$(HOST):$(PORT)
## with one background worker beside the server (stopped when the server stops)
run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py setup_demo --address $(HOST):$(PORT)
	$(BIN)/python manage.py worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

## Load the demo project (only when it is not there yet) without serving
demo: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py setup_demo

## The production configuration, locally: collectstatic, gunicorn, debug off (docs/deploy.md)
serve-prod: install
	DJANGO_DEBUG=0 DJANGO_SECURE=0 DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))")} \
	  sh -c '$(BIN)/python manage.py collectstatic --no-input -v0 && \
	         $(BIN)/python manage.py migrate --no-input && \
	         $(BIN)/gunicorn --config gunicorn.conf.py --bind 127.0.0.1:8001'

## Lint, check the layering (.importlinter), then the whole test suite (browser tests drive Debian's chromium)
test: install-dev chromium
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

# Playwright cannot download browsers here: the tests use the system's chromium.
chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get install -y -q chromium >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; \
	  else \
	    echo "The browser tests need chromium at /usr/bin/chromium: sudo apt-get install -y chromium"; exit 1; \
	  fi; }

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .hypothesis

## Gather the interface's strings into locale/tr (new ones untranslated) and compile the .mo
## (GNU gettext: apt-get install gettext). docs/i18n.md says how to translate them.
messages: install
	$(BIN)/python manage.py makemessages -l tr --no-location --no-obsolete \
		--ignore='.venv/*' --ignore='staticfiles/*' --ignore='test-artifacts/*' \
		--ignore='cases/tests/*' --ignore='bench/*'
	msgfmt --check -o locale/tr/LC_MESSAGES/django.mo locale/tr/LC_MESSAGES/django.po
