"""The serving copy BI tools read: a DuckDB file that DuckDB 1.x opens (the drivers BI tools embed),
Parquet in a codec every BI tool reads, and a PII-masked variant for audiences that need no names.

The copy is published from the sample warehouse into a temporary folder, as the publication asset
does. DuckDB 1.5.5 reads it from a virtual environment of its own (.venv/duckdb-1.5.5, made once from
the package index; the test is skipped only when the index cannot be reached)."""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from orchestration.lib.dbt_project import load_manifest  # noqa: E402
from orchestration.lib.masking import KEY_VARIABLE, MaskedServing, masking_plan  # noqa: E402
from orchestration.lib.serving import PUBLISHED_SCHEMAS, PublishedTable, ServingFormats, publish  # noqa: E402

OLD_DUCKDB = "1.5.5"
TEST_KEY = "a test key, not a secret: 0123456789"
SAMPLE = REPO_ROOT / "sample" / "landing"
OLD_DUCKDB_VENV = REPO_ROOT / ".venv" / f"duckdb-{OLD_DUCKDB}"


@dataclass(frozen=True)
class Publication:
    serving_path: Path
    parquet_current: Path
    tables: list[PublishedTable]
    masked_path: Path


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return load_manifest(REPO_ROOT, REPO_ROOT / "target")


@pytest.fixture(scope="module")
def publication(
    sample_warehouse: Path, manifest: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Publication:
    """The sample's serving copy and its masked variant, as the publication asset writes them."""
    work = tmp_path_factory.mktemp("serving")
    serving_path, parquet_dir, masked_path = work / "serving.duckdb", work / "parquet", work / "serving_masked.duckdb"
    plan, _ = masking_plan(manifest, PUBLISHED_SCHEMAS, mask_people=True, environ={KEY_VARIABLE: TEST_KEY})
    assert plan is not None
    published = publish(
        sample_warehouse, serving_path, parquet_dir, "test0001", ServingFormats(), MaskedServing(masked_path, plan)
    )
    published_tables = {(table.schema_name, table.table_name) for table in published.tables}
    marked = sum(len(columns) for table, columns in plan.columns.items() if table in published_tables)
    assert published.masked_columns == marked > 25, "every marked column of every published table is masked"
    return Publication(serving_path, parquet_dir / "current", published.tables, masked_path)


def old_duckdb_python() -> Path:
    """The Python of a virtual environment holding duckdb==1.5.5, made once and kept under .venv/."""
    python = OLD_DUCKDB_VENV / "bin" / "python"
    if python.exists():
        return python
    partial = OLD_DUCKDB_VENV.with_name(OLD_DUCKDB_VENV.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(partial)], check=True, capture_output=True, timeout=300)
    pip = [str(partial / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    installed = subprocess.run(
        [*pip, "install", "--quiet", f"duckdb=={OLD_DUCKDB}"], capture_output=True, text=True, timeout=900
    )
    if installed.returncode != 0:
        # Unreachable index, or something else? Asking the index for duckdb's versions tells them apart.
        probe = subprocess.run([*pip, "index", "versions", "duckdb"], capture_output=True, text=True, timeout=300)
        shutil.rmtree(partial, ignore_errors=True)
        if probe.returncode != 0:
            pytest.skip(f"the package index cannot be reached: {probe.stderr.strip()[-300:]}")
        pytest.fail(f"pip could not install duckdb=={OLD_DUCKDB}: {installed.stderr[-2000:]}")
    # Made under a temporary name, so an interrupted install is never taken for a finished one.
    os.replace(partial, OLD_DUCKDB_VENV)
    return python


READ_WITH_OLD_DUCKDB = """
import json, sys, duckdb
with duckdb.connect(sys.argv[1], read_only=True) as serving:
    tables = serving.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()
    counts = {name: serving.execute(f'select count(*) from marts."{name}"').fetchone()[0] for (name,) in tables}
    kpi = serving.execute(
        "select cast(sum(ending_ar) as varchar), max(month_start)::varchar from marts.fct_kpi_monthly").fetchone()
print(json.dumps({"version": duckdb.__version__, "counts": counts, "kpi": list(kpi)}))
"""


def test_duckdb_1_5_opens_the_serving_copy_and_reads_every_mart(publication: Publication) -> None:
    python = old_duckdb_python()
    read = subprocess.run(
        [str(python), "-c", READ_WITH_OLD_DUCKDB, str(publication.serving_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert read.returncode == 0, read.stderr[-2000:]
    seen = json.loads(read.stdout)
    assert seen["version"] == OLD_DUCKDB
    expected = {t.table_name: t.row_count for t in publication.tables if t.schema_name == "marts"}
    assert seen["counts"] == expected and expected["fct_kpi_monthly"] > 0, "every mart, every row"
    with duckdb.connect(str(publication.serving_path), read_only=True) as serving:
        kpi = serving.execute(
            "select cast(sum(ending_ar) as varchar), max(month_start)::varchar from marts.fct_kpi_monthly"
        ).fetchone()
    assert seen["kpi"] == list(kpi or ()), "the same figures as DuckDB 2 reads"


def test_the_serving_file_is_in_the_v1_storage_format(publication: Publication) -> None:
    with duckdb.connect(str(publication.serving_path), read_only=True) as serving:
        row = serving.execute("select tags from duckdb_databases() where database_name = 'serving'").fetchone()
    assert row is not None and row[0]["storage_version"] == "v1.0.0+"
    with pytest.raises(ValueError, match="AR_SERVING_STORAGE_VERSION"):
        ServingFormats(storage_version="1.0")


def test_parquet_is_snappy_compressed(publication: Publication) -> None:
    files = sorted(publication.parquet_current.glob("*.parquet"))
    assert {f.stem for f in files} == {t.table_name for t in publication.tables}
    with duckdb.connect() as connection:
        codecs = connection.execute(
            "select distinct compression from parquet_metadata(?)", [[str(f) for f in files]]
        ).fetchall()
    assert codecs == [("SNAPPY",)], "every column chunk of every file"


# ---------------------------------------------------------------------------------------------
# The PII-masked variant
# ---------------------------------------------------------------------------------------------

# What identifies a customer or a person in the sample, read from the landing files themselves
# (not from the manifest's pii columns, which are what is under test).
LANDING_PII_COLUMNS: dict[str, list[str]] = {
    "billing/customers.csv": ["customer_name", "customer_name_kana", "corporate_number", "virtual_account_number"],
    "accounting/customers.csv": ["customer_name", "corporate_number"],
    "crm/accounts.csv": ["account_name", "account_name_kana", "corporate_number"],
    "crm/assignees.csv": ["assignee_name"],
    "bank/transactions.csv": ["remitter_name", "virtual_account_number"],
    "legal/cases.csv": ["debtor_name", "debtor_corporate_number"],
}
MARKED_PII = {  # and the same from the unmasked copy, for values the marts derive (normalised names)
    "dim_customer": ["customer_name", "customer_name_kana", "corporate_number", "virtual_account_number"],
    "customer_identity_map": ["record_name", "normalised_name"],
    "fct_collector_monthly": ["assignee_name"],
}


def sample_pii_values(serving_path: Path) -> list[str]:
    values: set[str] = set()
    for relative, names in LANDING_PII_COLUMNS.items():
        with (SAMPLE / relative).open(encoding="utf-8-sig", newline="") as file:
            values |= {row[name].strip() for row in csv.DictReader(file) for name in names if row.get(name)}
    with duckdb.connect(str(serving_path), read_only=True) as serving:
        for table, columns in MARKED_PII.items():
            for column in columns:
                values |= {
                    v for (v,) in serving.execute(f"select distinct {column} from marts.{table}").fetchall() if v
                }
    return sorted(value for value in values if len(value) >= 2)


def string_cells_containing(database: Path, values: list[str]) -> list[tuple[str, str, int]]:
    """(table, column, rows) of every string column of every table holding any of the values."""
    with duckdb.connect() as connection:
        connection.execute(f"attach '{database}' as copy (read_only)")
        connection.execute("create table pii as select unnest(?::varchar[]) as value", [values])
        columns = connection.execute(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where database_name = 'copy' and data_type = 'VARCHAR' order by all"
        ).fetchall()
        found = []
        for schema_name, table_name, column_name in columns:
            (rows,) = connection.execute(
                f'select count(*) from copy."{schema_name}"."{table_name}" as t '
                f'where exists (select 1 from pii where contains(t."{column_name}", pii.value))'
            ).fetchone() or (0,)
            if rows:
                found.append((f"{schema_name}.{table_name}", column_name, rows))
        return found


def test_the_masked_copy_holds_no_name_kana_virtual_account_or_corporate_number(publication: Publication) -> None:
    values = sample_pii_values(publication.serving_path)
    assert len(values) > 500, "customers, remitters, collectors of the sample"
    unmasked = string_cells_containing(publication.serving_path, values)
    assert {"marts.dim_customer", "marts.fct_kpi_alerts", "marts.fct_unapplied_deposits"} <= {t for t, _, _ in unmasked}
    assert string_cells_containing(publication.masked_path, values) == [], "no value in any string column"


def tables_and_columns(connection: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    rows = connection.execute(
        "select schema_name || '.' || table_name, column_name, data_type from duckdb_columns() "
        "where database_name = current_database() order by schema_name, table_name, column_index"
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


NUMERIC_TYPES = ("BIGINT", "INTEGER", "DOUBLE", "HUGEINT", "SMALLINT")


def profile(path: Path) -> dict[str, dict[str, Any]]:
    """Per table: its rows, each numeric column's sum and each string column's distinct count."""
    with duckdb.connect(str(path), read_only=True) as connection:
        result: dict[str, dict[str, Any]] = {}
        for table, columns in tables_and_columns(connection).items():
            measures = {"rows": "count(*)"}
            for column, data_type in columns:
                if data_type in NUMERIC_TYPES or data_type.startswith("DECIMAL"):
                    measures[f"sum({column})"] = f'sum("{column}")'
                elif data_type == "VARCHAR":
                    measures[f"distinct({column})"] = f'count(distinct "{column}")'
            row = connection.execute(f"select {', '.join(measures.values())} from {table}").fetchone() or ()
            result[table] = dict(zip(measures, row, strict=True))
        return result


def test_the_masked_copy_keeps_every_row_total_and_join(publication: Publication) -> None:
    unmasked, masked = profile(publication.serving_path), profile(publication.masked_path)
    assert masked.keys() == unmasked.keys()
    for table, figures in unmasked.items():
        for measure, value in figures.items():
            if isinstance(value, float):  # a double may be summed in another order
                assert masked[table][measure] == pytest.approx(value, rel=1e-9), (table, measure)
            else:
                assert masked[table][measure] == value, (table, measure)
    with duckdb.connect(str(publication.serving_path), read_only=True) as serving:
        name, customer_key, alert_id, message = serving.execute(
            "select customer.customer_name, customer.customer_key, alert.alert_id, alert.message_ja "
            "from marts.fct_kpi_alerts as alert join marts.dim_customer as customer "
            "on alert.subject_type = 'customer' and alert.subject_name = customer.customer_name "
            "order by alert.alert_id limit 1"
        ).fetchone() or ("", "", "", "")
    assert name and name in message, "a customer's alert names the customer"
    # The pseudonym worked by hand: HMAC-SHA256 of the name under the key, its first 16 hex digits.
    expected = "name-" + hmac.new(TEST_KEY.encode(), name.encode(), hashlib.sha256).hexdigest()[:16]
    with duckdb.connect(str(publication.masked_path), read_only=True) as copy:
        assert copy.execute(
            "select customer_name from marts.dim_customer where customer_key = ?", [customer_key]
        ).fetchall() == [(expected,)]
        joined = copy.execute(
            "select distinct risk.customer_name from marts.dim_customer as customer "
            "join marts.rpt_quarterly_risk_customers as risk using (customer_key) where customer.customer_key = ?",
            [customer_key],
        ).fetchall()
        assert joined == [(expected,)], "the same customer, the same pseudonym, in every table"
        assert copy.execute(
            "select subject_name, message_ja from marts.fct_kpi_alerts where alert_id = ?", [alert_id]
        ).fetchall() == [(expected, message.replace(name, expected))], "the message keeps its words"


def test_no_key_no_masked_copy_and_the_columns_come_from_the_manifest(manifest: dict[str, Any]) -> None:
    plan, note = masking_plan(manifest, PUBLISHED_SCHEMAS, mask_people=True, environ={})
    assert plan is None and KEY_VARIABLE in note and "not written" in note
    short, note = masking_plan(manifest, PUBLISHED_SCHEMAS, mask_people=True, environ={KEY_VARIABLE: "short"})
    assert short is None and "fewer than 16" in note
    plan, _ = masking_plan(manifest, PUBLISHED_SCHEMAS, mask_people=False, environ={KEY_VARIABLE: TEST_KEY})
    assert plan is not None
    assert plan.columns[("marts", "dim_customer")] == {
        "customer_name": "name",
        "customer_name_kana": "kana",
        "corporate_number": "corporate_number",
        "virtual_account_number": "virtual_account",
        "owner_assignee_name": "person",
    }
    assert plan.kind("marts", "fct_collector_monthly", "assignee_name") is None, "people's names kept when asked"
    assert plan.kind("marts", "fct_kpi_alerts", "message_ja") == "text"
