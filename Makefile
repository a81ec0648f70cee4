# The front door. `make build` and `make test` are all a fresh clone needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SAMPLE := sample/landing
DBT := $(BIN)/dbt
# The landing preparation (python -m landing prepare) writes UTF-8 copies of AR_LANDING_DIR here,
# and dbt reads them: encodings, 全銀協 files, mapped headers and malformed lines are handled there.
PREPARED_DIR := $(or $(AR_PREPARED_DIR),warehouse/landing)
LANDING_VARS = --vars '{landing_dir: "$(abspath $(PREPARED_DIR))"}'

.PHONY: build test test-python dbt-build prepare browser docs lint bench sample clean dev materialize reports \
	spark-up spark-down test-spark

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

prepare: $(INSTALLED) $(SAMPLE)/billing/invoices.csv
	$(BIN)/python -m landing prepare --to "$(PREPARED_DIR)"

# AR_DBT_TARGET=spark builds on the Spark Thrift server (make spark-up starts a local one).
DBT_TARGET := $(or $(AR_DBT_TARGET),duckdb)
SPARK_INSTALLED := $(VENV)/.spark-installed
DBT_TARGET_DEPS := $(if $(filter spark,$(DBT_TARGET)),$(SPARK_INSTALLED))

dbt-build: prepare $(DBT_TARGET_DEPS)
	$(DBT) build $(LANDING_VARS)

build: dbt-build

# dbt's own tests (data tests, unit tests, tie-outs) run inside `dbt build`; pytest covers the rest.
test: dbt-build browser test-python

# Chromium and the CJK fonts for the report tests: installed through apt when missing (as root).
browser:
	@scripts/ensure-browser

test-python: $(INSTALLED)
	$(BIN)/python -m pytest

docs: $(INSTALLED)
	$(DBT) docs generate
	$(DBT) docs generate --static
	@echo "Open target/static_index.html (one self-contained file) or run: $(DBT) docs serve"

# Python (ruff lint and format, mypy), YAML (yamllint) and SQL (sqlfluff with the dbt templater).
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/yamllint --strict .
	$(BIN)/sqlfluff lint models snapshots tests/dbt

clean:
	rm -rf target logs warehouse/*.duckdb warehouse/*.wal

# The warehouse built from generated data at BENCH_SCALES (default "1 10 100"; "1 100 1400" is the
# ten-million-invoice run), each scale on a fresh warehouse: generate, prepare, full build, the last
# day delivered as daily files and rebuilt, and the raw single pass (bench/raw_pass.sql). Prints a
# table per scale and writes bench/results.md; BENCH_ARGS passes options (--verbose, --keep,
# --note TEXT, --update-readme), see bench/README.md.
bench: $(INSTALLED)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

DG := $(BIN)/dg
DAGSTER_HOME_DIR := $(CURDIR)/.dagster_home
DAGSTER_PORT ?= 3000
MANIFEST := target/manifest.json
DBT_SOURCES := dbt_project.yml profiles.yml $(shell find models macros seeds tests/dbt -type f 2>/dev/null)

# dagster-dbt reads dbt's manifest when the code location loads. `dbt build` (make build) writes
# it; this rewrites it whenever a model, macro, seed or test is newer.
$(MANIFEST): $(INSTALLED) $(DBT_SOURCES)
	$(DBT) parse --quiet
	@touch $@

$(DAGSTER_HOME_DIR)/dagster.yaml: orchestration/dagster_home/dagster.yaml
	mkdir -p $(DAGSTER_HOME_DIR)
	cp $< $@

# The Dagster UI and daemon (schedule, sensors, run queue) on 127.0.0.1. `dg` finds the code location
# from [tool.dg] in pyproject.toml. `exec` makes dg the recipe's own process: Ctrl-C reaches it, and
# make passes a SIGTERM on to it. dagster dev treats SIGTERM as SIGINT, which a shell started in the
# background ignores: SIGINT is reset first.
dev: $(INSTALLED) $(SAMPLE)/billing/invoices.csv $(MANIFEST) $(DAGSTER_HOME_DIR)/dagster.yaml
	export DAGSTER_HOME="$(DAGSTER_HOME_DIR)" PATH="$(CURDIR)/$(BIN):$$PATH"; \
	exec $(BIN)/python -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
		$(DG) dev --host 127.0.0.1 --port $(DAGSTER_PORT)

# One run of everything, as the daily schedule does, without the UI.
materialize: $(INSTALLED) $(SAMPLE)/billing/invoices.csv $(MANIFEST) $(DAGSTER_HOME_DIR)/dagster.yaml
	DAGSTER_HOME="$(DAGSTER_HOME_DIR)" $(DG) launch --assets '*'

# The weekly, monthly and quarterly reports (AR_REPORTS_DIR, default reports/), from the serving copy.
reports: $(INSTALLED) $(MANIFEST) $(DAGSTER_HOME_DIR)/dagster.yaml
	DAGSTER_HOME="$(DAGSTER_HOME_DIR)" $(DG) launch --assets 'group:reports'

# ---------------------------------------------------------------------------------------------
# Spark: the same project on a local standalone cluster behind the Spark Thrift server
# ---------------------------------------------------------------------------------------------

$(SPARK_INSTALLED): $(INSTALLED) requirements-spark.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-spark.lock
	touch $@

# A master, two workers and the Thrift server on 127.0.0.1 (AR_SPARK_PORT, default 10000); idempotent.
spark-up: $(SPARK_INSTALLED)
	@scripts/ensure-java
	$(BIN)/python scripts/spark_cluster.py up

# Stops exactly the processes spark-up started (their pid files in .spark/).
spark-down:
	@test ! -x $(BIN)/python || $(BIN)/python scripts/spark_cluster.py down

# Both engines on the same prepared sample, each on a fresh warehouse (the exception ledger keeps
# history across builds by design), then every mart compared row by row; the cluster is stopped
# whatever the outcome.
PARITY_DUCKDB := warehouse/parity.duckdb
test-spark: prepare $(SPARK_INSTALLED)
	rm -f $(PARITY_DUCKDB)
	AR_DUCKDB_PATH=$(PARITY_DUCKDB) $(DBT) build $(LANDING_VARS) --target-path target/parity --log-path logs/parity
	$(BIN)/python scripts/spark_cluster.py reset
	$(MAKE) --no-print-directory spark-up
	AR_DBT_TARGET=spark $(DBT) build $(LANDING_VARS) --target-path target/spark --log-path logs/spark \
		&& AR_DUCKDB_PATH=$(PARITY_DUCKDB) $(BIN)/python -m pytest tests/spark -q; \
	status=$$?; $(MAKE) --no-print-directory spark-down; exit $$status
