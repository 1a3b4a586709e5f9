# Relais — les deux commandes : `make run` (plateforme complète en local) et `make test` (toute la suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The stamp changes whenever the declared dependencies change, so an unchanged checkout skips pip entirely.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
DEV_STAMP := $(STAMP)-dev
# axe-core (npm) for the browser test; without npm the test is skipped locally and fails in CI.
AXE := var/node/node_modules/axe-core/axe.min.js

.PHONY: run test install install-dev setup lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	rm -f $(VENV)/.installed-*
	touch $@

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(STAMP)

install-dev: $(DEV_STAMP)

$(AXE):
	@if command -v npm >/dev/null; then npm install --prefix var/node --no-audit --no-fund --silent axe-core@4; \
	else echo "npm absent : le test navigateur sera sauté (il échoue si CI est défini)"; fi

setup: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_referentials
	$(BIN)/python manage.py seed_demo

run: setup
	$(BIN)/python manage.py run_platform

test: install-dev $(AXE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_ENV=test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n 2 -rs || test $$? -eq 5

lint: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var staticfiles
