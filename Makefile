# Delaktig — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
UV_VERSION := 0.13.8
UV := .tools/bin/uv
PY := .venv/bin/python
MANAGE := $(PY) manage.py
PG_URL ?= postgres://postgres@127.0.0.1:5432/delaktig
# The suite runs on every core (pytest-xdist); a file's tests stay together on one worker,
# so the tests of one file that share a server or a Redis database never run at once. Files
# are given out in pytest-django's order, not by size (which left the browser files, a few
# long tests each, for last): those with tests in a transaction, then those that commit
# (browsers, app servers), then the many short ones without a database, which fill the end.
TEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile \
  --no-loadscope-reorder
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: run test deps system-deps pdf-deps lint types check-deploy test-sqlite test-postgres test-next-year bench messages clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --quiet --python $(PYTHON)
	touch $@

node_modules/.synced: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

deps: .venv/.synced node_modules/.synced

# System packages: Debian's chromium for the browser and axe tests, gettext for the
# translation checks, Pango and fonts for WeasyPrint's PDF reports.
SYSTEM_PACKAGES := chromium gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core faketime
system-deps:
	@command -v chromium >/dev/null && command -v msgfmt >/dev/null \
	  && command -v faketime >/dev/null \
	  && ldconfig -p | grep -q libpangoft2 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; }

run: deps pdf-deps
	DJANGO_DEBUG=1 $(MANAGE) migrate --noinput
	DJANGO_DEBUG=1 $(MANAGE) load_demo
	@echo "Serving http://127.0.0.1:8000 (the task worker runs alongside; Ctrl-C stops both)"
	@trap 'kill 0' EXIT INT TERM; \
	  DJANGO_DEBUG=1 $(MANAGE) worker --queue-name default >var/worker.log 2>&1 & \
	  DJANGO_DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

# make run needs only what WeasyPrint renders PDF reports with.
pdf-deps:
	@ldconfig -p | grep -q libpangoft2 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	  libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

lint: deps
	.venv/bin/ruff check src tests bench scripts conftest.py
	.venv/bin/ruff format --check src tests bench scripts conftest.py
	$(PY) scripts/lint_imports.py

types: deps
	.venv/bin/mypy src tests bench scripts conftest.py

check-deploy: deps
	DJANGO_SETTINGS_MODULE=delaktig.config.production DATABASE_URL=$(PG_URL) \
	  DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	  DJANGO_ALLOWED_HOSTS=delaktig.example REDIS_URL=redis://127.0.0.1:6379/0 \
	  DELAKTIG_IDENTITY_HASH_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(48))') \
	  $(MANAGE) check --deploy --fail-level WARNING

test-sqlite: deps system-deps
	$(PYTEST)

test-postgres: deps system-deps
	DATABASE_URL=$(PG_URL) $(PYTEST) --create-db

# The suite on SQLite with the clock a year ahead (libfaketime, which SQLite's own clock
# follows too): a test that depends on today's date fails here. In make test the browser tests
# run once, in test-postgres (NEXT_YEAR_MARKERS; both passes with them exceed CI's 90 minutes
# on 2 cores); `make test-next-year NEXT_YEAR_MARKERS=` runs them a year ahead too, the
# browser keeping the real clock (scripts/chromium-real-clock).
NEXT_YEAR_MARKERS ?= not browser
test-next-year: deps system-deps
	test "$$(faketime -f +365d date +%Y)" -gt "$$(date +%Y)"  # the shift really applies
	CHROMIUM=$(CURDIR)/scripts/chromium-real-clock \
	  DELAKTIG_VAR_DIR=$(CURDIR)/var/next-year faketime -f +365d $(PYTEST) -m "$(NEXT_YEAR_MARKERS)"

# PostgreSQL today and SQLite a year ahead: both databases, and any day (make test-sqlite runs
# SQLite today).
test: deps system-deps lint types check-deploy test-postgres test-next-year

messages: deps system-deps
	cd src/delaktig && $(CURDIR)/$(PY) $(CURDIR)/manage.py makemessages -l en -l fi --no-obsolete \
	  --no-location --ignore 'static/*'
	cd src/delaktig && $(CURDIR)/$(PY) $(CURDIR)/manage.py compilemessages -l en -l fi

bench: deps
	$(PY) bench/run.py
	$(PY) bench/weighting.py
	$(PY) bench/proposals.py
	$(PY) bench/pages.py
	$(PY) bench/search.py
	$(PY) bench/opinionmaps.py
	$(PY) bench/faults.py
	$(PY) bench/exhaustion.py
	$(PY) bench/screening.py
	$(PY) bench/budgeting.py
	$(PY) bench/api.py
	$(PY) bench/load.py

clean:
	rm -rf .venv .tools node_modules var .pytest_cache .mypy_cache .ruff_cache
