# papers-bot developer commands. Each target makes the virtualenv .venv if it is missing and
# (re)installs from the lock when pyproject.toml or the lock is newer than the install stamp.
#   make run         run the bot (console channel unless Slack/Discord tokens are set)
#   make test        run the test suite in parallel, measuring coverage (CI runs this);
#                    fails under 90% of lines. TEST_WORKERS=1 runs it in one process.
#   make lint        ruff, import contracts and the Dockerfile linter
#   make bench       run every benchmark in bench/ and print its figures
#   make lock        bring the lock in line with pyproject.toml (keeps the other pins)
#   make lock-upgrade  the same, taking the newest release of everything
#   make lock-check  fail if the lock is not what pyproject.toml gives (CI runs this)
#   make mutate      mutation testing (mutmut) of the modules in [tool.mutmut], by hand, not
#                    in CI; MODULES="bot/delivery.py bot/ranking/" runs just those modules
#
# The lock is uv.lock (uv resolves pyproject.toml, dev extras included) and its two exports
# that pip installs, with hashes: requirements/run.txt (the bot) and requirements/dev.txt (the
# bot and the dev tools). The project itself is then installed editable without dependencies.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
LOCK_RUN := requirements/run.txt
LOCK_DEV := requirements/dev.txt
TEST_WORKERS ?= 3
BENCHMARKS := $(filter-out bench/_%,$(sort $(wildcard bench/*.py)))
# mutmut workers; the tests of one mutant run in one process
MUTATE_JOBS ?= 2
MODULES ?=
# bot/delivery.py -> "bot.delivery.*", bot/ranking/ -> "bot.ranking.*"
MUTANT_NAMES := $(foreach module,$(MODULES),"$(subst /,.,$(patsubst %/,%,$(basename $(module)))).*")

PIP_CHECK = $(BIN)/python -m pip check || { \
	echo "the lock does not satisfy pyproject.toml: run make lock" >&2; exit 1; }
EXPORT = $(BIN)/uv export --frozen --no-emit-project --quiet

.PHONY: run test lint format bench mutate dev lock lock-upgrade lock-check

run: $(RUN_STAMP)
	$(BIN)/papers-bot run

test: $(DEV_STAMP)
	$(BIN)/pytest -q -n $(TEST_WORKERS) --cov --cov-report=term-missing

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

mutate: $(DEV_STAMP)
	nice -n 10 $(BIN)/mutmut run --max-children $(MUTATE_JOBS) $(MUTANT_NAMES)
	$(BIN)/python tools/mutation_scores.py $(MODULES)

dev: $(DEV_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml $(LOCK_RUN) | $(BIN)/python
	$(BIN)/python -m pip install -r $(LOCK_RUN)
	$(BIN)/python -m pip install --no-deps -e .
	$(PIP_CHECK)
	touch $@

$(DEV_STAMP): pyproject.toml $(LOCK_DEV) | $(BIN)/python
	$(BIN)/python -m pip install -r $(LOCK_DEV)
	$(BIN)/python -m pip install --no-deps -e .
	$(PIP_CHECK)
	touch $@ $(RUN_STAMP)

# uv alone, at its locked version, so that `make lock` works before the rest installs.
$(BIN)/uv: | $(BIN)/python
	$(BIN)/python -m pip install "$$(grep -m 1 '^uv==' $(LOCK_DEV) | cut -d ' ' -f 1)"

lock: $(BIN)/uv
	$(BIN)/uv lock
	$(EXPORT) -o $(LOCK_RUN)
	$(EXPORT) --extra dev -o $(LOCK_DEV)

lock-upgrade: $(BIN)/uv
	$(BIN)/uv lock --upgrade
	$(EXPORT) -o $(LOCK_RUN)
	$(EXPORT) --extra dev -o $(LOCK_DEV)

# The exports are made again in a scratch copy and compared with the ones in the tree.
lock-check: $(BIN)/uv
	@$(BIN)/uv lock --check || { \
		echo "uv.lock is out of date with pyproject.toml: run make lock" >&2; exit 1; }
	@set -e; scratch="$$(mktemp -d)"; trap 'rm -rf "$$scratch"' EXIT; \
	cp pyproject.toml uv.lock "$$scratch"; mkdir "$$scratch/requirements"; \
	(cd "$$scratch" && $(CURDIR)/$(EXPORT) -o $(LOCK_RUN) && \
		$(CURDIR)/$(EXPORT) --extra dev -o $(LOCK_DEV)); \
	for lock in $(LOCK_RUN) $(LOCK_DEV); do \
		diff -u "$$lock" "$$scratch/$$lock" || { \
			echo "$$lock is not the export of uv.lock: run make lock" >&2; exit 1; }; \
	done
	@echo "the lock is up to date with pyproject.toml"
