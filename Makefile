# Two commands on a fresh machine: `make run` serves the demo site, `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/learning_platform
REDIS_LOCAL ?= redis://127.0.0.1:6379/0
PG_BENCH ?= postgres://postgres@127.0.0.1:5432/lp_bench

.PHONY: install run test test-sqlite test-postgres e2e lighthouse assets bench bench-100k soak lint format clean reset-demo

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

# The email worker runs beside the server (emails print on the console) and stops with it.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@trap 'kill %1 2>/dev/null' EXIT; \
	$(BIN)/python manage.py send_queued_emails --loop --interval 5 --verbosity 0 & \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# SQLite first; then PostgreSQL + Redis when they are configured or answer locally.
test: install
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$DATABASE_URL" ] || $(BIN)/python bench/ports.py 127.0.0.1:5432 127.0.0.1:6379; then \
		$(MAKE) --no-print-directory test-postgres; \
	else echo "PostgreSQL/Redis not reachable: second pass skipped."; fi

test-sqlite: install
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} REDIS_URL=$${REDIS_URL:-$(REDIS_LOCAL)} $(BIN)/pytest $(PYTEST_ARGS)

e2e: install
	bash e2e/setup.sh
	$(BIN)/pytest e2e -p no:randomly $(PYTEST_ARGS)

# Lighthouse on the demo served in production mode (writes docs/lighthouse.md); npm tools.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

lighthouse: install node_modules/.installed
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python e2e/lighthouse.py $(LIGHTHOUSE_ARGS)

# Bootstrap's stylesheet reduced to what the templates use (committed; re-run after new classes).
assets: node_modules/.installed
	node_modules/.bin/purgecss --config e2e/purgecss.config.cjs

# The benchmark table, then the soak (60 s of load with learners writing); see bench/README.md.
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/soak.py $(SOAK_ARGS)

# The cold tables the default run leaves out: 100,000 courses on SQLite and PostgreSQL, 10,000 on
# PostgreSQL (seeding 100,000 courses takes 2–3 min on SQLite, 9–12 min on PostgreSQL, once; ~22 min in all).
bench-100k: install
	$(BIN)/python bench/run.py --cold-only --courses 100000 $(BENCH_ARGS)
	$(BIN)/python bench/run.py --cold-only --courses 10000 --postgres --database-url $(PG_BENCH)_10k $(BENCH_ARGS)
	$(BIN)/python bench/run.py --cold-only --courses 100000 --postgres --database-url $(PG_BENCH)_100k $(BENCH_ARGS)

soak: install
	$(BIN)/python bench/soak.py $(SOAK_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# The demo afresh on the next `make run`: the SQLite database, uploads and renditions go (the
# committed demo files stay). Only the default SQLite site: a DATABASE_URL is never touched.
reset-demo:
	@test -z "$${DATABASE_URL:-}" || { echo "reset-demo: DATABASE_URL is set; only the default SQLite demo is reset" >&2; exit 1; }
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
	find media private_media -mindepth 1 -maxdepth 1 ! -name demo ! -name .gitkeep -exec rm -rf {} +
	find media/demo -name '*.w[0-9]*.webp' -delete
	@echo "reset-demo: done; 'make run' loads the demo again"
