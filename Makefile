# imcase – developer, test and deployment entry points.
#
#   make run      demo server on http://127.0.0.1:8000/ (SQLite, no broker, demo data)
#   make test     services + Debian test packages + ruff + lint-imports + pytest (PostgreSQL,
#                 Redis), then the clock-following tests again as of LATER_DAYS
#   make bench    performance benchmark against PostgreSQL (database imcase_bench, BENCH_DB)
#   make worker   Celery worker          make beat   Celery beat
#   make lint     ruff check + format check + import contracts    make format   ruff fixes
#   make clean    remove .venv, var/, staticfiles/

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON_SYSTEM ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Extras of the project to install: `make test` adds "ldap" (python-ldap compiles against the
# Debian -dev packages that scripts/install-test-deps.sh installs first); `make run` does not
# need a compiler.
EXTRAS ?= test
STAMP = $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -d' ' -f1)-$(subst $(comma),-,$(EXTRAS))
comma := ,

# Options passed through to the commands.
SEED_ARGS ?=
PYTEST_ARGS ?=
# After the main run, the tests that follow the clock (not pinned with @pytest.mark.today, not
# browser) run again as if it were each of these days; LATER_DAYS= skips the extra runs.
LATER_DAYS ?= 2027-03-02 2029-12-31
BENCH_ARGS ?=
REDIS_URL ?= redis://127.0.0.1:6379/0
DATABASE_URL ?=

PG := postgres://postgres@127.0.0.1:5432
TEST_SECRET_KEY := test-secret-key-not-for-production-3f9c2b7e1d8a4c6f0b5e9d2a7c1f8e4b6d0a3c5e

# Environment of the test and bench runs (production-like: DEBUG off, PostgreSQL, Redis).
TEST_ENV := SECRET_KEY='$(TEST_SECRET_KEY)' DEBUG=0 \
	REDIS_URL=redis://127.0.0.1:6379/15 \
	SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 \
	DJANGO_ALLOW_ASYNC_UNSAFE=true

.PHONY: help venv run test pytest-main later-days bench worker beat lint format clean services test-deps

help:
	@echo "Targets: run, test, bench, worker, beat, lint, format, clean"
	@echo "  make run  SEED_ARGS='...'      Demo unter http://127.0.0.1:8000/"
	@echo "  make test PYTEST_ARGS='-k x'   ruff + pytest (PostgreSQL, Redis, Chromium)"
	@echo "  make test LATER_DAYS='...'     Tage der Zusatzläufe (leer: keine Zusatzläufe)"
	@echo "  make bench BENCH_ARGS='...'    Benchmark gegen imcase_bench (BENCH_DB=...)"

# The tests that follow the clock (not browser, not pinned with @pytest.mark.today) once more
# as of each day in LATER_DAYS, the days side by side (one database and Redis DB each; two
# cores), each day's output shown when all are done. LATER_ARGS narrows them (-k ...).
LATER_ARGS ?=
later-days: venv
	@mkdir -p var
	@pids=""; i=0; for day in $(LATER_DAYS); do \
		i=$$((i + 1)); \
		echo "==> pytest as of $$day (tests that follow the clock), running"; \
		$(TEST_ENV) REDIS_URL=redis://127.0.0.1:6379/$$((15 - i)) DATABASE_URL=$(PG)/imcase_later$$i \
			$(BIN)/pytest -p no:cacheprovider -q -m 'not browser and not today' --today=$$day \
			$(LATER_ARGS) > var/later-$$day.log 2>&1 & pids="$$pids $$!"; \
	done; \
	status=0; for pid in $$pids; do wait $$pid || status=1; done; \
	for day in $(LATER_DAYS); do \
		echo "==> pytest as of $$day (tests that follow the clock)"; cat var/later-$$day.log; \
	done; \
	exit $$status

# Internal: virtualenv with the project and its test extras; pip only runs again when
# pyproject.toml changed (stamp file named after its SHA-256).
venv:
	@if [ ! -x "$(PY)" ]; then \
		if ! $(PYTHON_SYSTEM) -c 'import ensurepip' >/dev/null 2>&1 && [ "$$(id -u)" -eq 0 ]; then \
			echo "==> installing python3-venv"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; \
		fi; \
		echo "==> creating $(VENV)"; \
		$(PYTHON_SYSTEM) -m venv $(VENV); \
	fi
	@if [ ! -f "$(STAMP)" ]; then \
		echo "==> pip install -e '.[$(EXTRAS)]'"; \
		$(PY) -m pip install -q -e ".[$(EXTRAS)]"; \
		rm -f $(VENV)/.installed-*; \
		touch "$(STAMP)"; \
	fi

run: venv
	@export DEBUG=1; unset DATABASE_URL REDIS_URL; \
	echo "==> migrate"; \
	$(PY) manage.py migrate --noinput; \
	echo "==> seed_demo $(SEED_ARGS)"; \
	$(PY) manage.py seed_demo $(SEED_ARGS); \
	echo ""; \
	echo "=================================================================="; \
	echo "  imcase läuft im Demo-Modus (DEBUG, SQLite, Aufgaben ohne Worker)"; \
	echo "  Im Browser öffnen:  http://127.0.0.1:8000/"; \
	echo "  Anmeldedaten: siehe Ausgabe von seed_demo oben."; \
	echo "  Beenden mit Strg+C."; \
	echo "=================================================================="; \
	echo ""; \
	exec $(PY) manage.py runserver 127.0.0.1:8000

services:
	@bash scripts/ensure-services.sh

test-deps:
	@bash scripts/install-test-deps.sh

test: EXTRAS = test,ldap
test: services test-deps venv
	@echo "==> ruff check"
	@$(BIN)/ruff check .
	@echo "==> ruff format --check"
	@$(BIN)/ruff format --check .
	@echo "==> lint-imports (layers)"
	@$(BIN)/lint-imports
	@$(MAKE) pytest-main EXTRAS=$(EXTRAS)
	@$(MAKE) later-days EXTRAS=$(EXTRAS)

# The main run in two halves side by side (two cores): the browser journeys (Chromium, live
# server) and everything else, each with its own database and Redis DB; each half's output is
# shown when both are done. Exit status 5 ("no tests collected", e.g. PYTEST_ARGS='-k x' that
# selects only one half) counts as success for a half.
pytest-main: venv
	@mkdir -p var
	@echo "==> pytest (browser journeys and the rest side by side)"
	@$(TEST_ENV) DATABASE_URL=$(PG)/imcase $(BIN)/pytest -p no:cacheprovider -m 'not browser' \
		$(PYTEST_ARGS) > var/pytest-rest.log 2>&1 & rest=$$!; \
	$(TEST_ENV) REDIS_URL=redis://127.0.0.1:6379/12 DATABASE_URL=$(PG)/imcase_browser \
		$(BIN)/pytest -p no:cacheprovider -m browser $(PYTEST_ARGS) \
		> var/pytest-browser.log 2>&1 & browser=$$!; \
	status=0; \
	wait $$rest || { code=$$?; [ $$code -eq 5 ] || status=1; }; \
	wait $$browser || { code=$$?; [ $$code -eq 5 ] || status=1; }; \
	echo "==> pytest: all but the browser journeys"; cat var/pytest-rest.log; \
	echo "==> pytest: browser journeys"; cat var/pytest-browser.log; \
	exit $$status

# One database per size, built once and reused: imcase_bench (50,000 clients, the default) or
# e.g. BENCH_DB=imcase_bench150 BENCH_ARGS='--clients 150000'. Load run: BENCH_ARGS='--load'.
BENCH_DB ?= imcase_bench
bench: services venv
	@if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc \
		"SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DB)'" | grep -q 1; then \
		echo "==> creating database $(BENCH_DB)"; \
		psql -h 127.0.0.1 -U postgres -d postgres -q -c 'CREATE DATABASE $(BENCH_DB)' 2>&1 \
			| grep -v 'already exists' || true; \
	fi
	@echo "==> migrate ($(BENCH_DB))"
	@$(TEST_ENV) DATABASE_URL=$(PG)/$(BENCH_DB) $(PY) manage.py migrate --noinput
	@echo "==> bench $(BENCH_ARGS)"
	@$(TEST_ENV) DATABASE_URL=$(PG)/$(BENCH_DB) $(PY) manage.py bench $(BENCH_ARGS)

worker: venv
	@REDIS_URL='$(REDIS_URL)' DATABASE_URL='$(DATABASE_URL)' $(BIN)/celery -A imcase worker -l info

# Beat keeps its schedule and a single-beat lock in Redis (celery-redbeat), not on a disk.
beat: venv
	@REDIS_URL='$(REDIS_URL)' DATABASE_URL='$(DATABASE_URL)' $(BIN)/celery -A imcase beat -l info

lint: venv
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(BIN)/lint-imports

format: venv
	@$(BIN)/ruff format .
	@$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var staticfiles
