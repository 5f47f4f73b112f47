# Dongui: `make run` tries it out on SQLite with a demo school; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run setup secret test translations check clean axe-core

run: setup
	@echo "Dongui is at http://$(HOST):$(PORT)  (Ctrl+C stops it)"
	$(FLASK) run --host $(HOST) --port $(PORT)

setup: $(VENV)/.installed translations secret
	$(FLASK) db upgrade
	DONGUI_DEMO_URL=http://$(HOST):$(PORT) $(FLASK) demo seed

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d translations

test: $(VENV)/.installed-dev translations axe-core
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# axe-core for tests/e2e/test_accessibility.py; without npm those tests skip and say so.
axe-core:
	@if [ -f node_modules/axe-core/axe.min.js ]; then :; \
	elif command -v npm >/dev/null 2>&1; then \
	  npm install --no-save --no-audit --no-fund axe-core@4 \
	    || echo "npm could not install axe-core: the accessibility tests will skip"; \
	else echo "npm not found (apt-get install npm): the accessibility tests will skip"; fi

secret: $(VENV)/.installed
	$(BIN)/python -m dongui.secret

check: $(VENV)/.installed-dev translations secret
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(FLASK) content check
	$(FLASK) translate check
	@# the migrations must build exactly the models' schema (on a scratch database)
	rm -f instance/migration-check.db
	DATABASE_URL=sqlite:///$(CURDIR)/instance/migration-check.db $(FLASK) db upgrade
	DATABASE_URL=sqlite:///$(CURDIR)/instance/migration-check.db $(FLASK) db check
	rm -f instance/migration-check.db

clean:
	rm -rf $(VENV) .pytest_cache
