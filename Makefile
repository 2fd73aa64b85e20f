# Two entry points (see README): `make site` builds the example, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: site test lint typecheck pytest example-data bench targets clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A regular (non-editable) install, exactly as a user would get it, then build the example.
site: $(BIN)/python
	$(BIN)/python -m pip install --quiet .
	$(BIN)/cxsite --project . build

# Lint, type-check and test against an editable install with the development tools.
test: $(BIN)/python tests/validators/node_modules
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(MAKE) lint typecheck pytest

# The W3C Nu HTML Checker and axe-core, from the npm registry, for tests/test_standards.py.
tests/validators/node_modules: tests/validators/package.json tests/validators/package-lock.json
	npm ci --prefix tests/validators --no-audit --no-fund --loglevel=error
	touch $@

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

# Benchmarks (not part of the tests): SIZE=medium or large; BENCH_ARGS="--skip pages,scaling"
# reruns parts (see benchmarks/run.py). MkDocs and Hugo are set up by run.py itself.
SIZE ?= medium
BENCH_ARGS ?=
bench: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e . duckdb
	$(BIN)/python benchmarks/run.py --size $(SIZE) $(BENCH_ARGS)

# Issue 15's targets in one run beside their peers (benchmarks/targets.py); writes the
# section "Issue 15 targets" of benchmarks/RESULTS.md. TARGET_ARGS="--skip large" to skip parts.
targets: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e . duckdb
	$(BIN)/python benchmarks/targets.py $(TARGET_ARGS)

clean:
	rm -rf output .cxsite-cache build dist *.egg-info
