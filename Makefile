# Developer commands of the Mitmach platform. `make run` serves it, `make test` tests it.
#
# Everything runs from the repository's own virtual environment (.venv), installed
# from uv.lock. Stamp files inside .venv make repeated runs skip the install.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# The bootstrap copy of uv, installed into .venv with pip; keep in step with uv.lock's users.
UV_VERSION := 0.13.8

VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
MANAGE := $(BIN)/python manage.py
UV_STAMP := $(VENV)/.uv-$(UV_VERSION)
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# npm ci empties node_modules first, so a stamp inside it is never older than the install it marks.
NPM_STAMP := node_modules/.installed

# Playwright drives Debian's Chromium; it must never download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
# uv: use (and sync) exactly this venv, never fetch a Python build.
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1
# Byte-compiled files cut ~10 s from every Python start (each xdist worker, each subprocess test).
unexport PYTHONDONTWRITEBYTECODE

# Template folders djLint checks: the site-wide ones and every app's that exists.
TEMPLATE_DIRS = $(wildcard platform/templates platform/*/templates forums/templates courses/templates \
	videothek/templates home/templates)
# Folders makemessages must not read (tests hold no user-visible strings).
MESSAGES_IGNORE := --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=media --ignore=tests \
	--ignore=platform/static/vendor

DEMO_PASSWORD := mitmach-demo-2026

.PHONY: help run test lint format messages compilemessages install install-dev install-npm chromium clean bench

help:
	@echo "make run              install, migrate, seed demo content, serve http://$(HOST):$(PORT)/ (HTTP + websockets)"
	@echo "make test             run the whole test suite (pytest -n auto; PYTEST_ARGS='...' adds options)"
	@echo "make bench            benchmarks: forum and course pages vs. a bare view, the video beacon vs. a bare POST, chat fan-out vs. raw Redis (BENCH_ARGS, COURSE_BENCH_ARGS, VIDEO_BENCH_ARGS, FANOUT_ARGS; docs/benchmarks.md)"
	@echo "make lint             ruff check, ruff format --check, djlint --lint, README table check"
	@echo "make format           ruff format and ruff check --fix"
	@echo "make messages         update the German catalogue platform/locale/de/LC_MESSAGES/django.po"
	@echo "make compilemessages  compile the catalogues to .mo files"
	@echo "make clean            remove caches and the stamp files (not the database)"

# --- environment -------------------------------------------------------------

$(BIN)/python:
	@version=$$($(PYTHON) -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null || true); \
	if [ -z "$$version" ]; then \
		echo "error: '$(PYTHON)' was not found; Python >= 3.11 is needed (make PYTHON=/path/to/python3.11 ...)." >&2; \
		exit 1; \
	fi; \
	if ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then \
		echo "error: Python >= 3.11 is needed, but '$(PYTHON)' is Python $$version." >&2; \
		echo "       Install a newer Python or call: make PYTHON=/path/to/python3.11 ..." >&2; \
		exit 1; \
	fi
	$(PYTHON) -m venv $(VENV)

# The venv's own Python is checked too: an old .venv from another interpreter is not reused silently.
$(UV_STAMP): | $(BIN)/python
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "error: $(VENV) uses $$($(BIN)/python --version); Python >= 3.11 is needed. Remove $(VENV) and retry." >&2; \
		exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@rm -f $(VENV)/.uv-* && touch $@

# --inexact: uv must not uninstall itself (it is not in the lock) from the venv it runs in.
$(STAMP): uv.lock pyproject.toml $(UV_STAMP)
	$(UV) sync --frozen --inexact
	@touch $@

$(DEV_STAMP): uv.lock pyproject.toml $(UV_STAMP)
	$(UV) sync --frozen --inexact --extra dev
	@touch $@ $(STAMP)

# axe-core for the accessibility checks of the browser tests, at the exact version of package-lock.json.
$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
		echo "error: npm is needed for the accessibility tests (axe-core). Install Debian's package 'npm'." >&2; \
		exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(STAMP)
install-dev: $(DEV_STAMP)
install-npm: $(NPM_STAMP)

# --- serving -----------------------------------------------------------------

run: $(STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo --if-empty | tee $(VENV)/.seed_demo.log
	@grep -q "Demo logins" $(VENV)/.seed_demo.log || { \
		echo "Demo logins (password for all: $(DEMO_PASSWORD); set only while DEBUG is on):"; \
		echo "  mitglied@example.org         Mitglied"; \
		echo "  moderation@example.org       Moderation"; \
		echo "  redaktion@example.org        Redaktion"; \
		echo "  admin@example.org            Administration (superuser)"; }
	@echo
	@echo "Mitmach platform: http://$(HOST):$(PORT)/   (Wagtail admin: /cms/, websockets: /ws/; stop with Ctrl+C)"
	@echo "Scheduler for notification e-mails and digests: manage.py run_scheduler, running beside the server."
	@echo
	@# Two processes: the scheduler in the background, the server in the foreground; when the
	@# server ends (Ctrl+C or an error) the EXIT trap stops the scheduler too.
	$(MANAGE) run_scheduler & scheduler=$$!; \
	trap 'kill -TERM $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null || true' EXIT; \
	trap 'exit 130' INT; trap 'exit 143' TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

# --- tests -------------------------------------------------------------------

# Browser tests need Chromium: Debian's package, found on PATH (or CHROMIUM_PATH).
chromium:
	@if [ -n "$${CHROMIUM_PATH:-}" ] && [ -x "$${CHROMIUM_PATH}" ]; then \
		echo "Chromium: $${CHROMIUM_PATH}"; \
	elif command -v chromium >/dev/null 2>&1; then \
		echo "Chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Chromium not found; installing Debian's package 'chromium' with apt-get."; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq chromium poppler-utils >/dev/null; \
		command -v chromium; \
	else \
		echo "error: Chromium is needed for the browser tests. Install Debian's package 'chromium'" >&2; \
		echo "       (sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium executable." >&2; \
		exit 1; \
	fi
	@# The handbook tests read the PDFs' text with pdftotext (Debian's poppler-utils).
	@if ! command -v pdftotext >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "pdftotext not found; installing Debian's package 'poppler-utils' with apt-get."; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; \
		else \
			echo "error: pdftotext is needed for the handbook tests: sudo apt-get install poppler-utils" >&2; \
			exit 1; \
		fi; \
	fi

# pytest's exit code 5 means "no tests collected": a suite that ran nothing has failed.
test: $(DEV_STAMP) $(NPM_STAMP) chromium
	@rc=0; $(BIN)/pytest -n auto $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests." >&2; exit 1; fi; \
	exit $$rc

# Benchmarks live in tests/benchmarks/ (no test_*.py files, so pytest never collects them).
# With DATABASE_URL set to PostgreSQL they create and drop their own database on that server.
# The chat fan-out benchmark needs Redis on a loopback address (REDIS_URL, default 127.0.0.1:6379).
BENCH_ARGS ?=
COURSE_BENCH_ARGS ?=
VIDEO_BENCH_ARGS ?=
FANOUT_ARGS ?=
bench: $(DEV_STAMP)
	$(BIN)/python tests/benchmarks/forum_pages.py $(BENCH_ARGS)
	$(BIN)/python tests/benchmarks/course_pages.py $(COURSE_BENCH_ARGS)
	$(BIN)/python tests/benchmarks/video_beacon.py $(VIDEO_BENCH_ARGS)
	$(BIN)/python tests/benchmarks/chat_fanout.py $(FANOUT_ARGS)

# --- code quality ------------------------------------------------------------

# Every check runs, so one run shows all problems; the target fails if any of them failed.
lint: $(DEV_STAMP)
	@status=0; \
	echo "$(BIN)/ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "$(BIN)/ruff format --check ."; $(BIN)/ruff format --check . || status=1; \
	if [ -n "$(strip $(TEMPLATE_DIRS))" ]; then \
		echo "$(BIN)/djlint --lint $(TEMPLATE_DIRS)"; $(BIN)/djlint --lint $(TEMPLATE_DIRS) || status=1; \
	else \
		echo "djlint: no template folders yet"; \
	fi; \
	echo "$(BIN)/python .ci/env_table.py --check"; $(BIN)/python .ci/env_table.py --check || status=1; \
	exit $$status

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# --- translations ------------------------------------------------------------

# Run from the repository root: makemessages puts every string into
# settings.LOCALE_PATHS[0] = platform/locale, the one catalogue of the site.
messages: $(STAMP)
	$(MANAGE) makemessages -l de --no-obsolete $(MESSAGES_IGNORE)
	@if grep -rlE --include='*.js' --exclude='*.min.js' --exclude-dir=vendor --exclude-dir=node_modules \
		'\b(n|p|np)?gettext\(|\binterpolate\(' platform forums courses videothek home >/dev/null 2>&1; then \
		echo "$(MANAGE) makemessages -d djangojs -l de --no-obsolete"; \
		$(MANAGE) makemessages -d djangojs -l de --no-obsolete $(MESSAGES_IGNORE); \
	fi

compilemessages: $(STAMP)
	$(MANAGE) compilemessages $(MESSAGES_IGNORE)

clean:
	rm -f $(STAMP) $(DEV_STAMP) $(NPM_STAMP) $(VENV)/.uv-* $(VENV)/.seed_demo.log
	rm -rf .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
