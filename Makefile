# Two entry points (see README): `make site` builds the example, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: site test lint typecheck pytest example-data clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A regular (non-editable) install, exactly as a user would get it, then build the example.
site: $(BIN)/python
	$(BIN)/python -m pip install --quiet .
	$(BIN)/cxsite --project . build

# Lint, type-check and test against an editable install with the development tools.
test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(MAKE) lint typecheck pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest

# Regenerate the example's measurement CSVs (seeded: the output never changes).
example-data: $(BIN)/python
	$(BIN)/python scripts/generate_example_data.py

clean:
	rm -rf output .cxsite-cache build dist *.egg-info
