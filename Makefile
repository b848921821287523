# The project's gates, one command each. Everything runs inside .venv, which `make install` creates.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install test lint bench demo clean

install: $(STAMP)

# Re-install only when the project's metadata changes, so repeated `make test` runs are fast.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=23"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# Subprocesses (scms up, scms ee, scms demo) are measured too ([tool.coverage.run] patch); data a killed process
# left behind is removed first so that it is not combined into this run.
test: install
	rm -f .coverage.*
	$(BIN)/python -m pytest --cov=scms --cov-report=term:skip-covered --cov-fail-under=95

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports

bench: install
	$(BIN)/python -m bench

# A fresh deployment in a temporary directory, scms up on it, 10 OBUs and 2 RSUs through their life cycle, a BSM.
demo: install
	$(BIN)/scms demo

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info
