# The front door. `make build` and `make test` are all a fresh clone needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SAMPLE := sample/landing
DBT := $(BIN)/dbt

.PHONY: build test test-python dbt-build docs lint bench sample clean

$(INSTALLED): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

# The shipped sample is committed; regenerate it (deterministically) only when it is missing.
$(SAMPLE)/billing/invoices.csv: | $(INSTALLED)
	$(BIN)/python -m datagen --out $(SAMPLE)

sample: $(INSTALLED)
	$(BIN)/python -m datagen --out $(SAMPLE)

dbt-build: $(INSTALLED) $(SAMPLE)/billing/invoices.csv
	$(DBT) build

build: dbt-build

# dbt's own tests (data tests, unit tests, tie-outs) run inside `dbt build`; pytest covers the rest.
test: dbt-build test-python

test-python: $(INSTALLED)
	$(BIN)/python -m pytest

docs: $(INSTALLED)
	$(DBT) docs generate
	$(DBT) docs generate --static
	@echo "Open target/static_index.html (one self-contained file) or run: $(DBT) docs serve"

lint: $(INSTALLED)
	$(BIN)/sqlfluff lint models tests/dbt

clean:
	rm -rf target logs warehouse/*.duckdb warehouse/*.wal

# Builds the warehouse on generated data at BENCH_SCALES (default "1 5 20") and prints rows,
# wall time, slowest models and peak memory per scale.
bench: $(INSTALLED)
	$(BIN)/python bench/run.py
