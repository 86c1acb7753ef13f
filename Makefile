# papers-bot developer commands. Each target makes the virtualenv .venv if it is missing and
# (re)installs the package when pyproject.toml is newer than the install stamp.
#   make run    run the bot (console channel unless Slack/Discord tokens are set)
#   make test   run the test suite
#   make lint   ruff, import contracts and the Dockerfile linter
#   make bench  run every benchmark in bench/ and print its figures

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
BENCHMARKS := $(filter-out bench/_%,$(sort $(wildcard bench/*.py)))

.PHONY: run test lint format bench dev

run: $(RUN_STAMP)
	$(BIN)/papers-bot run

test: $(DEV_STAMP)
	$(BIN)/pytest -q

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/hadolint Dockerfile

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(DEV_STAMP)
	@if [ -z "$(BENCHMARKS)" ]; then echo "no benchmarks in bench/"; fi
	@set -e; for script in $(BENCHMARKS); do \
		echo "== $$script"; \
		$(BIN)/python "$$script"; \
	done

dev: $(DEV_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[dev]'
	touch $@ $(RUN_STAMP)
