# The two commands a newcomer needs:  make run  ·  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The settings build e-mail links from it (SITE_URL) when make runs the server.
export PORT
MANAGE := $(BIN)/python manage.py

# The layers mypy checks (make typecheck): each app's services, permissions and models,
# whether a module or a package, plus the shared library and the read-only opendata app. Modules they import are
# followed for types but not reported (pyproject.toml [tool.mypy]).
TYPED_APPS := accounts audit competitions applications evaluation documents notifications monitoring
TYPED_PATHS = $(wildcard $(foreach app,$(TYPED_APPS),$(foreach layer,services permissions models,$(app)/$(layer).py $(app)/$(layer)))) municipal_order/lib opendata

# What bandit scans (make security, CI): the application packages and scripts; tests and the
# virtualenv are excluded in pyproject.toml [tool.bandit]. A new app is added here.
SECURITY_PATHS := accounts applications audit competitions documents evaluation monitoring notifications opendata municipal_order scripts

.DEFAULT_GOAL := help
.PHONY: help sysdeps css setup run test lint typecheck security format messages makemessages bench bench-data clean worker beat

help:
	@echo "make run    set everything up and serve the portal with demo data on http://127.0.0.1:$(PORT)/"
	@echo "make test   set everything up and run the tests (PostgreSQL/Redis when DATABASE_URL/CELERY_BROKER_URL are set)"
	@echo "make lint   ruff check + format check + make typecheck"
	@echo "make typecheck   mypy (django-stubs) on the services, permissions and models layers"
	@echo "make security    bandit on the application code (fails on medium/high findings)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

sysdeps:
	@bash scripts/system-deps.sh

messages: sysdeps $(VENV)/.installed
	@DEBUG=1 $(MANAGE) compilemessages --ignore=.venv -v0

# Bootstrap without the rules no template uses (scripts/build_css.py); the output is checked in
# and tests/test_static_build.py fails when it is stale. CI only checks it.
css: $(VENV)/.installed
	@$(BIN)/python scripts/build_css.py $(if $(filter true,$(CI)),--check)

setup: sysdeps $(VENV)/.installed messages css

# make run serves the collected copies with their gzip/brotli siblings, as production does
# (docs/operations.md, "Static files"); collected again when a file under static/ changes.
staticfiles/.collected: $(shell find static -type f 2>/dev/null) pyproject.toml | $(VENV)/.installed
	DEBUG=1 STATIC_ROOT=staticfiles $(MANAGE) collectstatic --no-input -v0
	@touch $@

run: setup staticfiles/.collected
	@mkdir -p var
	DEBUG=1 $(MANAGE) migrate --no-input -v0
	DEBUG=1 $(MANAGE) seed_demo
	@echo ""
	@echo "  Portal:  http://127.0.0.1:$(PORT)/   (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo ""
	DEBUG=1 STATIC_ROOT=staticfiles $(MANAGE) runserver 127.0.0.1:$(PORT)

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

# About 25 minutes on the 2-core machine: the demo pages and PDFs (SQLite), the deadline
# storm, then every page type at two national scales (two databases built by bench_data)
# on PostgreSQL + gunicorn; the last step rewrites the table in docs/performance.md.
bench: setup
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_storm.py
	$(BIN)/python scripts/bench_pages.py

# National-scale benchmark data (municipal_order/benchdata.py) on a migrated, empty
# database: DATABASE_URL=postgres://…/<db> DEBUG=1 make bench-data BENCH_DATA_ARGS="--scale 1".
# --scale N multiplies the public content (municipalities, problems, questions); --force
# adds to a database that already has calls; --tiny makes about 10 calls.
bench-data: setup
	$(BIN)/python manage.py bench_data $(BENCH_DATA_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@$(MAKE) --no-print-directory typecheck

typecheck: $(VENV)/.installed
	$(BIN)/mypy $(TYPED_PATHS)

# Fails on medium or high severity findings; a justified one carries "# nosec <id>" and a reason.
security: $(VENV)/.installed
	$(BIN)/bandit -c pyproject.toml -r $(SECURITY_PATHS) --severity-level medium -q

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

makemessages: $(VENV)/.installed
	DEBUG=1 $(MANAGE) makemessages -l ru -l ky -l en --ignore=.venv --ignore=staticfiles --no-obsolete
	DEBUG=1 $(MANAGE) makemessages -d djangojs -l ru -l ky -l en --ignore=.venv --ignore=staticfiles --ignore=static/vendor --no-obsolete

worker: setup
	$(BIN)/celery -A municipal_order worker -l info

beat: setup
	$(BIN)/celery -A municipal_order beat -l info

clean:
	rm -rf $(VENV) staticfiles var/db.sqlite3 test-artifacts
