# 半边天 — the commands a user needs. `make run` serves the demo; `make test` runs every test.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
VENDOR := banbiantian/static/vendor

# Django 6 needs Python >= 3.12: take the first interpreter on this machine that is new enough
# (a plain python3.12/3.13, or one that pyenv keeps but has not put on PATH).
PYTHON ?= $(shell for c in python3.13 python3.12 python3 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	$$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$c; break; }; done)

.PHONY: install run test bench lint clean-db

install: $(VENV)/.installed $(VENDOR)/.installed

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "需要 Python 3.12 或更高版本 (Python >= 3.12 is required)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# htmx, Bootstrap and ECharts come from npm, pinned in package-lock.json, copied beside our static files.
$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	touch $@

run: export BANBIANTIAN_DEMO = 1
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@# The task worker (Excel imports, large list downloads) runs beside the web server and stops with it.
	$(PY) manage.py db_worker --no-reload & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn banbiantian.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile -

test: install
	$(PY) -m pytest

bench: install
	$(PY) bench/run.py

lint: install
	$(VENV)/bin/ruff check .
